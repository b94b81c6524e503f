"""Uploaded files: checked by their content (not their name), limited in size, and
served only through views that have already checked the user's scope.

Every domain app uses these for photos and evidence files.
"""

from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

IMAGE = "image"
PDF = "pdf"
KIND_LABELS = {IMAGE: gettext_lazy("an image (JPEG, PNG, WebP)"), PDF: gettext_lazy("a PDF")}
# Formats Pillow reports for the images we accept.
IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
MAX_IMAGE_PIXELS = 60_000_000


def max_upload_bytes() -> int:
    return getattr(settings, "MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


def _detect(upload: UploadedFile) -> str | None:
    """The file's real kind from its bytes: IMAGE, PDF or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    from PIL import Image

    try:
        with Image.open(upload) as image:
            if image.format not in IMAGE_FORMATS:
                return None
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return None
            image.verify()
    except Exception:  # noqa: BLE001 - anything Pillow cannot read is not an image
        return None
    finally:
        upload.seek(0)
    return IMAGE


def validate_upload(upload: UploadedFile, *, kinds: Iterable[str] = (IMAGE,)) -> str:
    """Raise ValidationError unless ``upload`` is one of ``kinds`` by its content and
    within the size limit. Returns the detected kind."""
    kinds = tuple(kinds)
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is %(size).1f MB; at most %(limit).0f MB is allowed."),
            code="file_too_large",
            params={"size": upload.size / 1024 / 1024, "limit": limit / 1024 / 1024},
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    detected = _detect(upload)
    if detected not in kinds:
        allowed = _(" or ").join(str(KIND_LABELS[k]) for k in kinds)
        raise ValidationError(
            _("This file is not %(allowed)s (its content was checked, not its name)."),
            code="file_type",
            params={"allowed": allowed},
        )
    return detected


def protected_file_response(
    field_file: FieldFile, *, download_name: str | None = None, inline: bool = True
) -> FileResponse:
    """Serve a stored file. Precondition: the caller fetched the owning record through a
    scoped selector, so the user may see it."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = download_name or PurePath(field_file.name).name
    response = FileResponse(handle, as_attachment=not inline, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
