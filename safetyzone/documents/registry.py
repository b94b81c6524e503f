"""The registry of document kinds.

A domain app describes each document it can generate (a meeting notice, a hazard
ledger...) as a ``DocumentKind`` and registers it from its AppConfig.ready(); the
documents app then requests, renders, lists and serves it without importing the domain
app. The documents app registers its own kinds in ``kinds.py``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.utils.functional import Promise


@dataclass(frozen=True, kw_only=True)
class DocumentKind:
    """One kind of generated document.

    ``model`` is the subject's model label ("org.Unit"). ``context(subject)`` returns the
    template context (it may query freely: it runs in the worker); ``filename(subject)``
    the name offered on download. ``unit(subject)`` gives the owning unit, by default
    the subject's own scope unit (its ``scope_unit_field``, or itself for a Unit).
    ``permission``, when set, is a Django permission the requester must hold on top of
    seeing the subject; ``read_permission`` the one a reader of a finished document
    must hold (default: ``permission``), so a role that may not read hazards neither
    lists nor downloads their dossiers. ``refuse(subject)``, when set, returns why this
    subject cannot be rendered now (a draft has no notice yet), or None; a refused
    request queues nothing.
    ``subject_related`` names the subject's relations that ``unit``, ``filename`` and
    ``refuse`` read: a request fetches them with the subject, in one query.

    An export (a ledger, a statistics table) is made from its requester, whose scope
    decides the rows (``model`` is "org.User"), and from parameters (the filters of the
    page it was asked from). ``parameters(user, query)`` checks the query and returns
    the parameters as JSON-able values (a ``ValidationError`` for a bad filter);
    ``filename(user, parameters)`` names it, and ``write(user, parameters, progress,
    path)`` writes the file at ``path`` in the worker, telling ``progress`` (see
    ``services.Progress``) how far it is; ``describe(user, parameters)`` says the
    parameters in words ("Level: Major hazard"). ``extension`` is the file's type
    ("pdf", "xlsx", "zip").
    """

    code: str
    label: str | Promise
    model: str
    template: str = ""
    context: Callable[[Any], dict[str, Any]] | None = None
    filename: Callable[[Any], str]
    unit: Callable[[Any], Any] | None = None
    permission: str = ""
    read_permission: str = ""
    refuse: Callable[[Any], str | None] | None = None
    subject_related: tuple[str, ...] = ()
    parameters: Callable[[Any, Any], dict[str, Any]] | None = None
    write: Callable[[Any, dict[str, Any], Any, str], None] | None = None
    describe: Callable[[Any, dict[str, Any]], str] | None = None
    extension: str = "pdf"
    # What an export's progress counts: "rows" (a ledger) or "files" (the evidence pack).
    progress_counts: str = "rows"

    @property
    def is_export(self) -> bool:
        return self.parameters is not None

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.extension, "application/octet-stream")

    def get_model(self) -> type[Model]:
        return apps.get_model(self.model)

    def may_read(self, user) -> bool:
        """Whether ``user``'s role may read documents of this kind (the unit is the
        scoping rule's part)."""
        needed = self.read_permission or self.permission
        return not needed or user.has_perm(needed)

    def unit_of(self, subject: Model) -> Any:
        if self.unit is not None:
            return self.unit(subject)
        if subject._meta.label == "org.Unit":
            return subject
        field = getattr(type(subject), "scope_unit_field", None)
        if field is None:
            raise TypeError(f"{subject._meta.label} declares no scope_unit_field")
        owner: Any = subject
        for part in field.split("__"):
            owner = getattr(owner, part)
        return owner


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}

_KINDS: dict[str, DocumentKind] = {}


def register_document_kind(kind: DocumentKind) -> DocumentKind:
    """Add (or replace, on reload) a kind. Call from AppConfig.ready()."""
    _KINDS[kind.code] = kind
    return kind


def unregister_document_kind(code: str) -> None:
    _KINDS.pop(code, None)


def get_document_kind(code: str) -> DocumentKind:
    """The kind registered under ``code``; ``LookupError`` when there is none."""
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"No document kind {code!r} is registered") from None


def document_kinds() -> list[DocumentKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.code)
