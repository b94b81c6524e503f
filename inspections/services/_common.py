"""What every inspections service shares: the permission and scope checks, upload checks,
and saving with the history's who, why and when."""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.core.uploads import validate_upload
from safetyzone.org.models import Enterprise, Unit, User
from safetyzone.org.scoping import can_act_on, require_unit, sees_all_units


def _require(actor: User, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied


def _check_unit(actor: User, unit: Unit | None, field_name: str) -> None:
    if unit is None:
        raise ValidationError({field_name: _("Choose a unit.")})
    require_unit(
        actor, unit, field=field_name, message=_("You can only record this for your own unit.")
    )


def _check_enterprise(actor: User, enterprise: Enterprise | None) -> None:
    if enterprise is None:
        raise ValidationError({"enterprise": _("Choose an enterprise.")})
    if not can_act_on(actor, enterprise):
        raise ValidationError({"enterprise": _("This enterprise is not supervised by your unit.")})


def _validate_files(files: Iterable[UploadedFile], kinds: Sequence[str], field_name: str) -> list:
    checked = []
    for upload in files or ():
        try:
            kind = validate_upload(upload, kinds=kinds)
        except ValidationError as exc:
            raise ValidationError(
                {field_name: [f"{upload.name}: {message}" for message in exc.messages]}
            ) from exc
        checked.append((upload, kind))
    return checked


def _default_unit(actor: User, enterprise: Enterprise) -> Unit:
    """The unit a record of ``actor`` about ``enterprise`` belongs to: the actor's own,
    or for the committee office (which works for every unit) the supervising unit."""
    return enterprise.supervising_unit if sees_all_units(actor) else actor.unit


def _save_with_history(
    instance, actor: User | None, reason: str = "", at: dt.datetime | None = None
) -> None:
    # django-simple-history takes who, why and when from these attributes when there is
    # no request (the API with a token, the worker, seed_demo).
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    if at is not None:
        instance._history_date = at
    instance.save()


def _event(event: str, detail: str = "") -> str:
    """A history entry's reason: the event's code, and the step's own words (a reason,
    an office) after a colon; shown in the reader's language (selectors.hazard_history).
    The history keeps 100 characters."""
    detail = " ".join((detail or "").split())
    return f"{event}:{detail}"[:100] if detail else str(event)


def _when(at: dt.datetime | None) -> dt.datetime:
    """The time of a decision: now, or an earlier time when a decision taken on paper is
    recorded afterwards (never a time to come)."""
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise ValidationError(_("A decision cannot be recorded in advance."))
    return at
