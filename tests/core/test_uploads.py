"""Uploads are checked by content and size, whatever their name says."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safetyzone.core.uploads import IMAGE, PDF, validate_upload


def png_bytes(size=(20, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


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
