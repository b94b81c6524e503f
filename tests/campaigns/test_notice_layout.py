"""The meeting notice's layout after GB/T 9704-2012, measured on the PDF: a FangSong body
of 22 lines of 28 characters on A4 (top margin 37 mm, binding side 28 mm, a 156 mm x
225 mm text area), page numbers "— N —" outer-aligned below the text area, and the
imprint (版记) at the foot of the last page.

Real WeasyPrint and the real font files; positions come from poppler's
``pdftotext -bbox-layout`` (poppler-utils, installed by scripts/setup.sh)."""

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings

from campaigns.documents import meeting_notice_context
from campaigns.services import meetings as services
from safetyzone.documents.fonts import official_font_files
from safetyzone.documents.rendering import render_pdf
from tests.factories import draft_meeting
from tests.helpers import embedded_fonts, need_service

MM = 72 / 25.4  # PDF points per millimetre
PAGE_WIDTH = 210 * MM
TEXT_TOP = 37 * MM
TEXT_BOTTOM = (37 + 225) * MM
BINDING = 28 * MM  # the inner margin: left on odd pages, right on even ones
OUTER = 26 * MM
TOLERANCE = 1 * MM  # GB/T 9704 allows ±1 mm

# A paragraph of real notice prose with its punctuation, long enough to fill pages.
PROSE = (
    "为深入贯彻落实上级关于安全生产工作的决策部署，统筹做好中考、端午节和吉林马拉松等"
    "重要时段的安全防范工作，有效防范遏制各类生产安全事故发生，确保全区安全生产形势持续"
    "稳定，各成员单位要以安全生产治本攻坚三年行动为载体，聚焦危化品、建筑施工、燃气、"
    "消防、道路交通、特种设备和人员密集场所等重点领域，全覆盖、零容忍、严执法、重实效，"
    "深入开展隐患排查整治，严厉打击违章指挥、违章作业和违反劳动纪律行为，压实监管责任，"
    "严格落实二十四小时值班和领导带班制度，确保信息报送及时准确。"
)
COPY_TO = "管委会领导，吉林市安委办"
NO_LINE_START = "、，。；：？！）》」"


@dataclass
class Line:
    page: int
    text: str
    x_min: float
    x_max: float
    y_min: float
    y_max: float


def pdf_lines(pdf: bytes, tmp_path: Path) -> tuple[int, list[Line]]:
    """The number of pages and every text line with its box, in points from the top left."""
    source = tmp_path / "notice.pdf"
    source.write_bytes(pdf)
    layout = subprocess.run(
        ["pdftotext", "-bbox-layout", str(source), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", layout))  # noqa: S314 (our own PDF)
    ns = "{http://www.w3.org/1999/xhtml}"
    pages = list(root.iter(f"{ns}page"))
    lines = []
    for number, page in enumerate(pages, start=1):
        for line in page.iter(f"{ns}line"):
            box = {key: float(line.get(key)) for key in ("xMin", "xMax", "yMin", "yMax")}
            text = "".join(word.text or "" for word in line.iter(f"{ns}word"))
            lines.append(Line(number, text, box["xMin"], box["xMax"], box["yMin"], box["yMax"]))
    return len(pages), lines


def text_area(page: int) -> tuple[float, float]:
    """Left and right edge of the text area: the binding side is inside."""
    left = BINDING if page % 2 else OUTER
    return left, left + 156 * MM


@pytest.fixture
def tools():
    if not shutil.which("pdftotext"):
        need_service("pdftotext", "poppler-utils is not installed (scripts/setup.sh)")
    fangsong = Path(settings.PDF_FANGSONG_FONT).resolve()
    if fangsong not in official_font_files().values():
        need_service(
            "the FangSong font",
            f"{settings.PDF_FANGSONG_FONT} is missing (texlive-lang-chinese, scripts/setup.sh)",
        )


@pytest.fixture
def long_notice(tools, staff, unit_a, settings):
    settings.NOTICE_COPY_TO = COPY_TO
    meeting = draft_meeting(
        organiser=staff.unit,
        units=[unit_a],
        title="近期安全生产工作部署会暨安全生产月启动会",
        place="管委会三楼会议室",
        notice_body="\n".join([PROSE * 2] * 6),
    )
    return services.meeting_issue(meeting=meeting, actor=staff)


@pytest.fixture
def measured(long_notice, tmp_path):
    pdf = render_pdf("campaigns/pdf/meeting_notice.html", meeting_notice_context(long_notice))
    pages, lines = pdf_lines(pdf, tmp_path)
    return pdf, pages, lines


def body_lines(lines: list[Line], page: int) -> list[Line]:
    return [
        line
        for line in lines
        if line.page == page and line.y_min >= TEXT_TOP and line.y_max <= TEXT_BOTTOM
    ]


def test_the_body_is_set_in_fangsong(measured):
    pdf, _pages, _lines = measured
    fonts = embedded_fonts(pdf)
    assert any("Fang" in name for name in fonts), fonts


def test_a_full_line_holds_28_characters_and_a_full_page_22_lines(measured):
    _pdf, pages, lines = measured
    assert pages >= 3
    page_two = body_lines(lines, 2)  # all body text: no header, no signature
    assert len(page_two) == 22, [line.text for line in page_two]
    left, right = text_area(2)
    for line in page_two:
        assert line.x_min > left - 0.5 and line.x_max < right + 0.5, line  # in the text area
    # Every line that a paragraph goes on from holds 28 characters (26 after the first
    # line's two-character indent), one fewer where the next would begin with a mark
    # that may not start a line (、，。): its last character went down with it.
    indented = [line.x_min > left + 16 for line in page_two]
    counts = []
    pairs = zip(page_two[:-1], page_two[1:], indented[1:], strict=True)
    for line, next_line, next_indented in pairs:
        if next_indented:
            continue  # the last line of a paragraph
        full = 26 if line.x_min > left + 16 else 28
        counts.append(len(line.text) - full)
        if len(line.text) != full:
            assert len(line.text) == full - 1, line.text
            assert next_line.text[1] in NO_LINE_START, (line.text, next_line.text)
    assert len(counts) >= 15 and counts.count(0) >= len(counts) * 3 // 4, counts
    # The line pitch: 22 lines fill the 225 mm text area.
    pitch = (page_two[-1].y_min - page_two[0].y_min) / 21
    assert 225 * MM / 22.5 < pitch <= 225 * MM / 22


def test_the_text_area_sits_on_the_binding_side(measured):
    _pdf, _pages, lines = measured
    for page in (2, 3):
        left, _right = text_area(page)
        assert min(line.x_min for line in body_lines(lines, page)) == pytest.approx(
            left, abs=TOLERANCE
        )
    first = body_lines(lines, 2)[0]
    assert TEXT_TOP <= first.y_min < TEXT_TOP + 10 * MM  # the first line under the top margin


def test_page_numbers_are_outer_aligned_below_the_text_area(measured):
    _pdf, pages, lines = measured
    numbers = {line.page: line for line in lines if re.fullmatch(r"—\s*\d+\s*—", line.text)}
    assert sorted(numbers) == list(range(1, pages + 1))
    one, two = numbers[1], numbers[2]
    assert one.text.replace(" ", "") == "—1—" and two.text.replace(" ", "") == "—2—"
    # Odd pages on the right, one character (14pt) in from the text area's edge; even left.
    assert one.x_max == pytest.approx(text_area(1)[1] - 14, abs=TOLERANCE)
    assert two.x_min == pytest.approx(text_area(2)[0] + 14, abs=TOLERANCE)
    for number in numbers.values():
        middle = (number.y_min + number.y_max) / 2
        assert middle == pytest.approx(TEXT_BOTTOM + 7 * MM, abs=1.5 * MM)  # 7 mm below


@pytest.mark.parametrize(
    ("own", "printed"), [("市安委办，区委办", "市安委办，区委办"), ("", COPY_TO)]
)
def test_the_copy_line_is_the_meetings_own_else_the_offices(
    tools, staff, unit_a, settings, tmp_path, own, printed
):
    settings.NOTICE_COPY_TO = COPY_TO
    meeting = draft_meeting(organiser=staff.unit, units=[unit_a], copy_to=own)
    meeting = services.meeting_issue(meeting=meeting, actor=staff)

    pdf = render_pdf("campaigns/pdf/meeting_notice.html", meeting_notice_context(meeting))

    pages, lines = pdf_lines(pdf, tmp_path)
    copy_lines = [line for line in lines if printed in line.text]
    assert len(copy_lines) == 1, [line.text for line in lines]
    assert copy_lines[0].page == pages  # in the imprint
    if own:
        assert not any("吉林市安委办" in line.text for line in lines)


def test_the_imprint_stands_at_the_foot_of_the_last_page(measured, long_notice):
    _pdf, pages, lines = measured
    issuer = long_notice.organiser.name
    issue_line = [line for line in lines if "印发" in line.text]
    copy_line = [line for line in lines if "吉林市安委办" in line.text]
    assert len(issue_line) == 1 and len(copy_line) == 1, [line.text for line in lines]
    issue, copy = issue_line[0], copy_line[0]
    assert issue.page == copy.page == pages  # the last page only
    assert issue.y_min > 250 * MM and issue.y_max <= TEXT_BOTTOM + 1  # at the foot
    assert copy.y_max <= issue.y_min  # the copy line above the issuing office and date
    # The issuing office on the left and the date of issue on the right, on one line.
    office = [line for line in lines if line.page == pages and line.text == issuer]
    assert office and office[-1].y_min == pytest.approx(issue.y_min, abs=1)
    left, right = text_area(pages)
    assert office[-1].x_min < left + 20 < right - 100 < issue.x_max
