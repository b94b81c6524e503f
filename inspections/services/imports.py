"""Imports from spreadsheets (enterprises, a paper hazard ledger): all or nothing."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from inspections.models import Hazard
from inspections.services.hazards import hazard_create, hazard_start_rectification
from safetyzone.org.models import Enterprise, User

# --- Imports --------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did: the rows it created, or the errors that stopped it (then
    nothing was saved)."""

    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _error_text(exc: ValidationError, model=None) -> str:
    if hasattr(exc, "error_dict"):
        parts = []
        for name, errors in exc.message_dict.items():
            label = "" if name == "__all__" else f"{_field_label(model, name)}: "
            parts.append(label + "；".join(errors))
        return "；".join(parts)
    return "；".join(exc.messages)


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - not a field of the model: show its name
        return name


def _import_rows(rows, create_one, model=None) -> ImportResult:
    """Create one record per row; any error rolls back the whole file."""
    result = ImportResult()
    with transaction.atomic():
        for number, row in rows:
            try:
                with transaction.atomic():
                    create_one(row)
                result.created += 1
            except ValidationError as exc:
                result.errors.append((number, _error_text(exc, model)))
            except PermissionDenied:
                result.errors.append((number, _("You may not import this row.")))
        if result.errors:
            transaction.set_rollback(True)
            result.created = 0
    return result


def enterprises_import(*, actor: User, rows) -> ImportResult:
    """Import enterprises from parsed spreadsheet rows (see ``inspections.excel``)
    through the organisation's own service. All or nothing."""
    from safetyzone.org.services import enterprise_create

    def create_one(row):
        if row.errors:
            raise ValidationError(row.errors)
        data = dict(row.values)
        enterprise_create(actor=actor, **data)

    return _import_rows(rows, create_one, Enterprise)


def hazards_import(*, actor: User, rows) -> ImportResult:
    """Import existing hazards (a paper ledger) from parsed rows; each gets a new code.
    A row whose status is rectifying starts its rectification. All or nothing."""

    def create_one(row):
        if row.errors:
            raise ValidationError(row.errors)
        data = dict(row.values)
        status = data.pop("status", Hazard.Status.REPORTED)
        hazard = hazard_create(actor=actor, **data)
        if status == Hazard.Status.RECTIFYING:
            hazard_start_rectification(actor=actor, hazard=hazard)

    return _import_rows(rows, create_one, Hazard)
