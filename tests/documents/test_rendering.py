import socket

import pytest

from safetyzone.documents.fonts import official_font_faces
from safetyzone.documents.kinds import unit_profile_context
from safetyzone.documents.rendering import (
    StaticFilesURLFetcher,
    URLRefused,
    html_to_pdf,
    render_pdf,
)
from tests.helpers import embedded_fonts, pdf_text

MAX_PDF_BYTES = 1024 * 1024


@pytest.fixture
def unit_profile_pdf(unit_a, enterprises_a) -> bytes:
    unit_a.contact_person = "王建国"
    unit_a.save()
    return render_pdf("documents/pdf/unit_profile.html", unit_profile_context(unit_a))


def test_unit_profile_pdf_has_the_chinese_text(unit_profile_pdf):
    text = pdf_text(unit_profile_pdf)

    for words in [
        "应急管理局",
        "高新应急",
        "王建国",
        "吉林长白山化工有限公司",
        "长春硅谷建筑工程有限公司",
        "危险化学品",
        "消防安全",
    ]:
        assert words in text


def test_unit_profile_pdf_embeds_a_subset_noto_cjk_font_and_stays_small(unit_profile_pdf):
    fonts = embedded_fonts(unit_profile_pdf)

    assert fonts, "no embedded font"
    assert all("Noto-Sans-CJK-SC" in name or "NotoSansCJK" in name for name in fonts), fonts
    # A subset font's name carries a six-letter tag: "ABCDEF+Noto-Sans-CJK-SC".
    assert all("+" in name for name in fonts)
    assert len(unit_profile_pdf) < MAX_PDF_BYTES


def test_fetcher_serves_project_static_files():
    response = StaticFilesURLFetcher().fetch("file:///static/documents/print.css")

    assert b"@page" in response.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/style.css",
        "https://example.com/logo.png",
        "ftp://example.com/file",
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
        "file:///static/%2e%2e/%2e%2e/etc/passwd",
        "file:///static//etc/passwd",
        "file:///static/documents/no-such-file.css",
        "file:///static/",
    ],
)
def test_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(URLRefused):
        StaticFilesURLFetcher().fetch(url)


def test_fetcher_refuses_the_real_path_of_a_static_file(settings):
    # Static files are reached through their URL only, never through the disk's layout.
    path = settings.BASE_DIR / "static" / "documents" / "print.css"
    with pytest.raises(URLRefused):
        StaticFilesURLFetcher().fetch(path.as_uri())


def test_fetcher_serves_the_configured_font_files_only(settings, tmp_path):
    """The official faces' files (PDF_*_FONT) are the one exception to static files; a
    missing one is simply not declared, and any other file nearby stays refused."""
    font = tmp_path / "MyFang.otf"
    font.write_bytes(b"OTTO not really a font")
    settings.PDF_FANGSONG_FONT = str(font)
    settings.PDF_HEI_FONT = str(tmp_path / "missing.otf")

    fetcher = StaticFilesURLFetcher()
    assert fetcher.fetch(font.as_uri()).read() == b"OTTO not really a font"
    (tmp_path / "other.otf").write_bytes(b"OTTO")
    for refused in (tmp_path / "other.otf", tmp_path / "missing.otf"):
        with pytest.raises(URLRefused):
            fetcher.fetch(refused.as_uri())
    families = [face["family"] for face in official_font_faces()]
    assert "Official FangSong" in families and "Official Hei" not in families


def test_rendering_never_opens_a_connection(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    html = (
        '<link rel="stylesheet" href="http://example.com/evil.css">'
        '<img src="https://example.com/pixel.png"><img src="file:///etc/hostname">'
        "<p>安全生产月</p>"
    )

    pdf = html_to_pdf(html)

    assert attempts == []
    assert "安全生产月" in pdf_text(pdf)
