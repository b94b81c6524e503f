"""Uploaded files: checked by their content (not their name), limited in size and in
pixels, stored under a name the server chooses and served with the type found in their
bytes, only through views that have already checked the user's scope and role.

Every domain app uses these for photos, evidence and attachments: a model declares its
file as an ``UploadField`` (with a field that keeps the uploader's file name as a label),
a service checks the upload with ``validate_upload``, a view serves it with
``protected_file_response``. The name a user gave a file is never a path on disk nor a
type in a response: a PNG named ``report.html`` is stored as ``<random>.png`` and served
as ``image/png``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath, PureWindowsPath
from uuid import uuid4

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

IMAGE = "image"
PDF = "pdf"
KIND_LABELS = {IMAGE: gettext_lazy("an image (JPEG, PNG, WebP)"), PDF: gettext_lazy("a PDF")}
# Enough bytes to tell every type below from its signature.
HEAD_BYTES = 16


@dataclass(frozen=True)
class FileType:
    """A type we accept, as told by a file's first bytes."""

    kind: str
    extension: str
    content_type: str


PDF_TYPE = FileType(PDF, ".pdf", "application/pdf")
PNG_TYPE = FileType(IMAGE, ".png", "image/png")
JPEG_TYPE = FileType(IMAGE, ".jpg", "image/jpeg")
GIF_TYPE = FileType(IMAGE, ".gif", "image/gif")
WEBP_TYPE = FileType(IMAGE, ".webp", "image/webp")
# The type a Pillow format must have by its signature: a file is an image only when both
# agree.
_PILLOW_TYPES = {"JPEG": JPEG_TYPE, "PNG": PNG_TYPE, "WEBP": WEBP_TYPE, "GIF": GIF_TYPE}


def max_upload_bytes() -> int:
    return getattr(settings, "MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


def max_image_pixels() -> int:
    """Width × height an uploaded image may have: a small file can decode to gigabytes
    (every thumbnail and PDF that draws it would)."""
    return getattr(settings, "MAX_IMAGE_PIXELS", 40_000_000)


def sniff(head: bytes) -> FileType | None:
    """The type of a file from its first ``HEAD_BYTES`` bytes (signatures, the way
    Pillow and PDF readers recognise them), or None for anything we do not accept."""
    if head.startswith(b"%PDF-"):
        return PDF_TYPE
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG_TYPE
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG_TYPE
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF_TYPE
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP_TYPE
    return None


def _read_head(content) -> bytes:
    """The first bytes of an open file, leaving it at its start."""
    content.seek(0)
    head = content.read(HEAD_BYTES)
    content.seek(0)
    return head


def _too_large(pixels_wide: int | None = None, pixels_high: int | None = None) -> ValidationError:
    limit = f"{max_image_pixels() / 1_000_000:g}"
    if pixels_wide is None or pixels_high is None:
        return ValidationError(
            _("This image has more than %(limit)s megapixels, the most allowed."),
            code="image_too_large",
            params={"limit": limit},
        )
    return ValidationError(
        _(
            "This image is %(width)d × %(height)d pixels (%(pixels).1f megapixels);"
            " at most %(limit)s megapixels are allowed."
        ),
        code="image_too_large",
        params={
            "width": pixels_wide,
            "height": pixels_high,
            "pixels": pixels_wide * pixels_high / 1_000_000,
            "limit": limit,
        },
    )


def _is_image(upload: UploadedFile, file_type: FileType) -> bool:
    """Whether Pillow reads ``upload`` (an image by its signature) as that same format.
    Raises ValidationError when it has more pixels than allowed."""
    from PIL import Image

    try:
        with Image.open(upload) as image:
            if _PILLOW_TYPES.get(image.format) != file_type:
                return False
            width, height = image.size
            if width * height > max_image_pixels():
                raise _too_large(width, height)
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # Beyond twice Pillow's own limit it does not even tell the size.
        raise _too_large() from None
    except Exception:  # noqa: BLE001 - anything Pillow cannot read is not an image
        return False
    finally:
        upload.seek(0)
    return True


def validate_upload(upload: UploadedFile, *, kinds: Iterable[str] = (IMAGE,)) -> str:
    """Raise ValidationError unless ``upload`` is one of ``kinds`` by its content and
    within the size and pixel limits. Returns the detected kind."""
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
    file_type = sniff(_read_head(upload))
    if (
        file_type is None
        or file_type.kind not in kinds
        or (file_type.kind == IMAGE and not _is_image(upload, file_type))
    ):
        allowed = _(" or ").join(str(KIND_LABELS[k]) for k in kinds)
        raise ValidationError(
            _("This file is not %(allowed)s (its content was checked, not its name)."),
            code="file_type",
            params={"allowed": allowed},
        )
    return file_type.kind


# --- Storing ------------------------------------------------------------------------------


def label_of(name: str) -> str:
    """The last part of a name a user gave a file (browsers on Windows may send a whole
    path), for showing and for the download name only."""
    return PureWindowsPath(PurePath(name or "").name).name


def stored_name(content) -> str:
    """The name a file is stored under: random, with the extension of the type found in
    its content (``.bin`` for none); the field's ``upload_to`` adds the directory."""
    file_type = sniff(_read_head(content))
    return uuid4().hex + (file_type.extension if file_type else ".bin")


class UploadFieldFile(FieldFile):
    def save(self, name, content, save=True):
        """Store ``content`` under a server-chosen name; ``name`` (the uploader's) is kept
        only as the label, in the field named by ``label_field``."""
        label_field = self.field.label_field
        if label_field:
            max_length = self.instance._meta.get_field(label_field).max_length
            setattr(self.instance, label_field, label_of(name)[:max_length])
        super().save(stored_name(content), content, save)


class UploadField(models.FileField):
    """A file uploaded by a user. Stored as ``<upload_to>/<uuid4 hex><extension of the
    detected type>``; the uploader's file name goes to ``label_field`` (a CharField of
    the same model, declared after this field so that it is saved with it)."""

    attr_class = UploadFieldFile

    def __init__(self, *args, label_field: str = "", **kwargs):
        self.label_field = label_field
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.label_field:
            names = [f.name for f in self.model._meta.local_concrete_fields]
            if self.label_field not in names or names.index(self.label_field) < names.index(
                self.name
            ):
                errors.append(
                    checks.Error(
                        f"label_field {self.label_field!r} must be a field of the model "
                        f"declared after {self.name!r} (it is set while the file is saved).",
                        obj=self,
                        id="uploads.E001",
                    )
                )
        return errors

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.label_field:
            kwargs["label_field"] = self.label_field
        return name, path, args, kwargs


# --- Serving ------------------------------------------------------------------------------


def download_name(label: str, extension: str) -> str:
    """The name offered to the reader's browser: the label's stem with the extension of
    the type actually served, so that a saved ``report.html`` that is a PDF opens as
    one."""
    stem = PurePath(label_of(label)).stem.strip(". ") or "file"
    return stem + extension


def protected_file_response(
    field_file: FieldFile, *, label: str = "", attachment: bool = False
) -> FileResponse:
    """Serve a stored file with the type found in its bytes, whatever its stored name
    says (files stored before server-chosen names included): images and PDFs inline,
    anything else as an ``application/octet-stream`` download; never sniffed by the
    browser. ``label`` is the uploader's file name; ``attachment`` forces a download.

    Precondition: the caller fetched the owning record through a selector that checked
    the user's scope and role."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    file_type = sniff(_read_head(handle))
    content_type = file_type.content_type if file_type else "application/octet-stream"
    extension = file_type.extension if file_type else ".bin"
    response = FileResponse(
        handle,
        as_attachment=attachment or file_type is None,
        filename=download_name(label or field_file.name, extension),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
