"""Uploads are checked by content and size, whatever their name says."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import isolate_apps

from safetyzone.core.uploads import IMAGE, PDF, validate_upload
from tests.helpers import huge_png_bytes, png_bytes


def test_real_png_is_an_image():
    assert validate_upload(SimpleUploadedFile("a.png", png_bytes())) == IMAGE


def test_text_named_jpg_is_refused():
    upload = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>" * 10)
    with pytest.raises(ValidationError) as info:
        validate_upload(upload)
    assert info.value.code == "file_type"


def test_pdf_accepted_only_where_allowed():
    pdf = SimpleUploadedFile("r.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n")
    with pytest.raises(ValidationError):
        validate_upload(pdf, kinds=(IMAGE,))
    assert validate_upload(pdf, kinds=(IMAGE, PDF)) == PDF


def test_too_large_is_refused(settings):
    settings.MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("a.png", png_bytes((200, 200))))
    assert info.value.code == "file_too_large"


def test_empty_is_refused():
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("a.png", b""))
    assert info.value.code == "file_empty"


# --- Pixels, not only bytes -------------------------------------------------------------


def test_an_image_over_40_megapixels_is_refused_though_its_file_is_tiny():
    data = huge_png_bytes()  # 41.6 megapixels
    assert len(data) < 100_000
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("a.png", data))
    assert info.value.code == "image_too_large"
    # The figures, in whichever language is active (Chinese by default).
    message = info.value.messages[0]
    assert "8000" in message and "5200" in message and "41.6" in message


def test_the_pixel_limit_is_a_setting(settings):
    settings.MAX_IMAGE_PIXELS = 100 * 100
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("a.png", png_bytes((101, 100))))
    assert info.value.code == "image_too_large"
    assert validate_upload(SimpleUploadedFile("a.png", png_bytes((100, 100)))) == IMAGE


def test_a_decompression_bomb_is_refused_as_too_large():
    # Beyond twice Pillow's own limit Pillow refuses to open it at all.
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("a.png", huge_png_bytes(20000, 10000)))
    assert info.value.code == "image_too_large"


# --- Types told by content ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "extension", "content_type"),
    [
        (b"%PDF-1.7\n", ".pdf", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\0\0", ".png", "image/png"),
        (b"\xff\xd8\xff\xe0\0\x10JFIF", ".jpg", "image/jpeg"),
        (b"GIF89a\x01\0", ".gif", "image/gif"),
        (b"RIFF\x10\0\0\0WEBPVP8 ", ".webp", "image/webp"),
    ],
)
def test_the_type_of_a_file_is_told_by_its_first_bytes(head, extension, content_type):
    from safetyzone.core.uploads import sniff

    found = sniff(head)
    assert (found.extension, found.content_type) == (extension, content_type)


@pytest.mark.parametrize("head", [b"<html><script>", b"", b"%!PS-Adobe", b"<svg "])
def test_anything_else_has_no_type(head):
    from safetyzone.core.uploads import sniff

    assert sniff(head) is None


@pytest.mark.parametrize(
    ("label", "extension", "expected"),
    [
        ("report.html", ".pdf", "report.pdf"),
        ("现场照片.JPG", ".png", "现场照片.png"),
        ("noextension", ".pdf", "noextension.pdf"),
        ("../../etc/passwd", ".png", "passwd.png"),
        ("", ".png", "file.png"),
    ],
)
def test_the_download_name_is_the_label_with_the_detected_extension(label, extension, expected):
    from safetyzone.core.uploads import download_name

    assert download_name(label, extension) == expected


# --- The upload field -----------------------------------------------------------------------


@isolate_apps("safetyzone.core")
def test_the_label_field_must_follow_the_upload_field():
    from django.db import models

    from safetyzone.core.uploads import UploadField

    class LabelFirst(models.Model):  # noqa: DJ008
        name = models.CharField(max_length=200, blank=True)
        file = UploadField(upload_to="x/", label_field="name")

        class Meta:
            app_label = "core"

    class LabelAfter(models.Model):  # noqa: DJ008
        file = UploadField(upload_to="x/", label_field="name")
        name = models.CharField(max_length=200, blank=True)

        class Meta:
            app_label = "core"

    assert [e.id for e in LabelFirst._meta.get_field("file").check()] == ["uploads.E001"]
    assert LabelAfter._meta.get_field("file").check() == []


def test_every_upload_field_of_the_project_passes_its_check():
    from django.apps import apps

    from safetyzone.core.uploads import UploadField

    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, UploadField)
    ]
    assert len(fields) == 7  # a new upload field joins this count, checked
    assert [error for field in fields for error in field.check()] == []
