"""Evidence packs for an upper-level inspection (迎检): one zip of everything a campaign or
a key period left on record for a set of units, with an index page.

Each domain app registers, from its AppConfig.ready() (or its documents.py, as it
registers its kinds), a ``PackSection``: a folder of the pack and a function that, given
the ``PackScope`` (the requester, the campaign or key period, its dates, the units),
yields ``PackEntry`` objects. An entry names its path in the zip and how to write it:
bytes from a renderer, a stored file to stream, or a writer to a temporary file (the
ledger). The documents app knows no domain app: it only collects the sections, streams
each entry into the zip one at a time (memory follows the largest rendered PDF, never
the pack) and writes the index PDF last, named to sort first ("00 目录.pdf").

Every section reads through the scoping rule (``PackScope.narrow``), and the units of a
scope are checked against the requester's when the pack is asked for and again when it
is written, so the zip holds nothing the requester may not see.
"""

import gc
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from safetyzone.org.models import Unit
from safetyzone.org.scoping import scope_queryset, sees_all_units, unit_choices_for

# Copy stored files into the zip this much at a time: a 20 MB photo costs 1 MB of memory.
COPY_CHUNK_BYTES = 1024 * 1024
# Already compressed: stored as they are instead of deflated again for nothing.
STORED_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".xlsx", ".zip"})
_UNSAFE_PART = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
PART_MAX_LENGTH = 80


@dataclass(frozen=True, kw_only=True)
class PackScope:
    """What a pack covers: ``subject`` (a campaign or a key period, ``campaign`` and
    ``key_period`` saying which; a key period's campaign is in ``campaign`` too when it
    has one), its dates, and the units (``None``: every unit the requester sees).
    Sections read through ``narrow``, never around it."""

    user: Any
    subject: Model
    title: str
    start_date: date
    end_date: date
    units: list[Unit] | None
    campaign: Any = None
    key_period: Any = None

    @property
    def unit_ids(self) -> list[int] | None:
        return None if self.units is None else [unit.pk for unit in self.units]

    def narrow(
        self, queryset: QuerySet, unit_field: str | tuple[str, ...] | None = None, perms=()
    ) -> QuerySet:
        """``queryset`` as the requester may see it (the scoping rule, with the role
        permissions ``perms``), narrowed to the pack's units by ``unit_field`` (the
        model's ``scope_unit_field`` by default; any of several paths)."""
        queryset = scope_queryset(queryset, self.user, unit_field=unit_field, perms=perms)
        if self.units is None:
            return queryset
        paths = unit_field or queryset.model.scope_unit_field
        if isinstance(paths, str):
            return queryset.filter(**{f"{paths}__in": self.unit_ids})
        matching = queryset.model._default_manager.none()
        for path in paths:
            matching = matching | queryset.model._default_manager.filter(
                **{f"{path}__in": self.unit_ids}
            )
        return queryset.filter(pk__in=matching.values("pk"))


@dataclass(kw_only=True)
class PackEntry:
    """One file of the pack: ``name`` inside its section's folder (a tuple for a file in
    sub-folders: ``("YH-2024-000001", "photo.jpg")``; each part is made safe, a "/" in
    it included), a ``title`` for the index, and one way to write it: ``render()``
    returning bytes (a PDF from a template), ``file`` (a stored file, streamed in
    chunks) or ``write(path)`` writing a temporary file (the ledger, too large for
    memory)."""

    name: str | tuple[str, ...]
    title: str
    render: Callable[[], bytes] | None = None
    file: Any = None
    write: Callable[[str], None] | None = None
    # Filled in by the writer.
    path: str = ""
    section: str = ""
    pages: int | None = None
    first_page: int | None = None
    size: int = 0
    error: str = ""


@dataclass(frozen=True)
class PackSection:
    code: str
    label: str | Promise
    order: int
    collect: Callable[[PackScope], Iterable[PackEntry]]

    @property
    def folder(self) -> str:
        return f"{self.order:02d} {safe_part(str(self.label))}"


_SECTIONS: dict[str, PackSection] = {}


def register_pack_section(section: PackSection) -> PackSection:
    """Add (or replace, on reload) a section of the evidence pack."""
    _SECTIONS[section.code] = section
    return section


def pack_sections() -> list[PackSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.code))


def safe_part(text: str, extension: str = "") -> str:
    """One component of a path in the zip: no separators, no control characters, not
    empty, not "..", short enough for every unzip tool; ``extension`` kept at the end."""
    text = _UNSAFE_PART.sub("_", str(text)).strip(" .") or "_"
    if extension and text.lower().endswith(extension.lower()):
        text = text[: -len(extension)].rstrip(" .") or "_"
    return text[:PART_MAX_LENGTH] + extension


# --- Parameters: the units ---------------------------------------------------------------


def pack_units(user, query: Mapping[str, Any], field_name: str = "units") -> list[int]:
    """The unit ids asked for in ``query`` (repeated ``units=`` or one comma-separated
    value, as the API sends it), checked against the units ``user`` may see: one they
    may not is a field error. Someone who sees one unit only (a head) always gets their
    own, whatever they ask; committee staff get what they chose, ``[]`` for every unit."""
    raw = query.getlist(field_name) if hasattr(query, "getlist") else [query.get(field_name)]
    asked: set[int] = set()
    for value in raw:
        for part in str(value or "").replace("，", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise ValidationError({field_name: _("Choose units from the list.")})
            asked.add(int(part))
    allowed = set(unit_choices_for(user).values_list("pk", flat=True))
    if asked - allowed:
        raise ValidationError(
            {field_name: _("You may not build a pack for a unit you do not see.")}
        )
    if not sees_all_units(user):
        return [user.unit_id]
    return sorted(asked)


def pack_units_get(user, unit_ids: list[int]) -> list[Unit] | None:
    """The units of a pack's parameters, checked again as it is written (the requester
    may have moved): ``None`` for every unit the requester sees."""
    if not unit_ids:
        if not sees_all_units(user):
            raise ValidationError(_("Only committee staff build a pack of every unit."))
        return None
    units = list(scope_queryset(Unit.objects.filter(pk__in=unit_ids), user).order_by("pk"))
    if len(units) != len(set(unit_ids)):
        raise ValidationError(_("You may not build a pack for a unit you do not see."))
    return units


def pack_units_described(scope: PackScope) -> str:
    if scope.units is None:
        return _("All units")
    return "、".join(unit.name for unit in scope.units)


# --- Writing -----------------------------------------------------------------------------


def _count_pages(source: Any) -> int | None:
    from pypdf import PdfReader

    try:
        return len(PdfReader(source).pages)
    except Exception:  # noqa: BLE001 - an unreadable PDF is listed without a page count
        return None


def _compression(name: str) -> int:
    extension = os.path.splitext(name)[1].lower()
    return zipfile.ZIP_STORED if extension in STORED_EXTENSIONS else zipfile.ZIP_DEFLATED


def _unique(path: str, taken: set[str]) -> str:
    stem, extension = os.path.splitext(path)
    candidate, n = path, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem} ({n}){extension}"
    taken.add(candidate.lower())
    return candidate


def _write_entry(archive: zipfile.ZipFile, entry: PackEntry, directory: str) -> None:
    is_pdf = entry.path.lower().endswith(".pdf")
    info = zipfile.ZipInfo(entry.path, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = _compression(entry.path)
    if entry.render is not None:
        content = entry.render()
        entry.size = len(content)
        if is_pdf:
            entry.pages = _count_pages(io.BytesIO(content))
        archive.writestr(info, content)
        return
    if entry.write is not None:
        temporary = os.path.join(directory, "entry" + os.path.splitext(entry.path)[1])
        try:
            entry.write(temporary)
            entry.size = os.path.getsize(temporary)
            if is_pdf:
                entry.pages = _count_pages(temporary)
            _copy(archive, info, temporary)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        return
    with entry.file.open("rb") as source:
        with archive.open(info, "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target, COPY_CHUNK_BYTES)
        entry.size = source.tell()
        if is_pdf:
            source.seek(0)
            entry.pages = _count_pages(source)


def _copy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str) -> None:
    with open(path, "rb") as source, archive.open(info, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, COPY_CHUNK_BYTES)


def pack_collect(scope: PackScope) -> list[tuple[PackSection, list[PackEntry]]]:
    """Every section's entries for ``scope`` (nothing is rendered yet), with their paths
    in the zip: the section's folder and the entry's name, made unique."""
    taken: set[str] = set()
    collected = []
    for section in pack_sections():
        entries = list(section.collect(scope))
        for entry in entries:
            *folders, last = (entry.name,) if isinstance(entry.name, str) else entry.name
            stem, extension = os.path.splitext(last)
            parts = [*(safe_part(folder) for folder in folders), safe_part(stem, extension.lower())]
            entry.path = _unique("/".join([section.folder, *parts]), taken)
            entry.section = str(section.label)
        collected.append((section, entries))
    return collected


def write_pack(scope: PackScope, progress: Any, path: str) -> dict[str, int]:
    """Write the pack of ``scope`` to ``path``: each entry streamed into the zip in turn
    (``progress`` told after each), then the index. Returns the files and bytes."""
    from .rendering import render_pdf

    collected = pack_collect(scope)
    entries = [entry for _section, section_entries in collected for entry in section_entries]
    progress.start(len(entries) + 1)
    with (
        tempfile.TemporaryDirectory() as directory,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
    ):
        for done, entry in enumerate(entries, start=1):
            try:
                _write_entry(archive, entry, directory)
            except FileNotFoundError:
                # A stored file gone from the disk is listed as missing, not fatal.
                entry.error = _("The file is missing from the storage.")
            # A WeasyPrint render leaves tens of MB in reference cycles that the cyclic
            # collector frees only now and then: freed after each entry, a pack of 40
            # dossiers peaks at one render's memory instead of growing by each.
            gc.collect()
            progress.advance(done)
        page = 1
        for entry in entries:
            if entry.pages:
                entry.first_page, page = page, page + entry.pages
        index = render_pdf(
            "documents/pdf/pack_index.html",
            {
                "scope": scope,
                "units": pack_units_described(scope),
                "sections": [
                    (section, [e for e in section_entries if not e.error])
                    for section, section_entries in collected
                ],
                "missing": [e for e in entries if e.error],
                "files": sum(1 for e in entries if not e.error),
                "pages": page - 1,
                "generated_at": timezone.localtime(),
            },
        )
        info = zipfile.ZipInfo("00 " + safe_part(_("Contents"), ".pdf"))
        info.date_time = timezone.localtime().timetuple()[:6]
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, index)
        progress.advance(len(entries) + 1)
    return {"files": sum(1 for e in entries if not e.error) + 1, "size": os.path.getsize(path)}


# --- Helpers for the sections ------------------------------------------------------------


def kind_pdf(kind: str, subject: Model) -> Callable[[], bytes]:
    """An entry's renderer: the PDF of the registered document kind ``kind`` for
    ``subject`` (the meeting notice, the hazard dossier...), made as its job makes it."""
    from .services import document_file_render

    return lambda: document_file_render(kind=kind, subject=subject)


def record_pdf(title: str, **context: Any) -> Callable[[], bytes]:
    """An entry's renderer for a record that has no document of its own: a PDF of
    ``title`` with ``facts`` (label, value pairs), ``text`` and a table (``columns``,
    ``rows``), each optional (``documents/pdf/pack_record.html``)."""

    def render() -> bytes:
        from .rendering import render_pdf

        return render_pdf(
            "documents/pdf/pack_record.html",
            {"title": title, "generated_at": timezone.localtime(), **context},
        )

    return render


def stored_file_name(field_file: Any, label: str = "") -> str:
    """The name of a stored upload inside the pack: its uploader's label with the
    extension of its stored (server-chosen, by detected type) name."""
    from safetyzone.core.uploads import download_name

    extension = os.path.splitext(field_file.name)[1].lower() or ".bin"
    return download_name(label or field_file.name, extension)
