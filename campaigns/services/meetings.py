"""Changes of state for directives, meetings, their notices and document numbers.

A notice gets its document number when it is issued, in the same transaction: a failed
issue rolls the number back with everything else, so numbers never skip, and the
counter row is locked while a number is taken, so they never repeat.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyzone.core.states import TransitionNotAllowed
from safetyzone.core.uploads import IMAGE, PDF, validate_upload
from safetyzone.org.models import Unit, User
from safetyzone.org.scoping import require_record, require_unit

from ..models import (
    Campaign,
    Directive,
    DocumentNumber,
    DocumentNumberSequence,
    KeyPeriod,
    Meeting,
    MeetingAttendance,
    MeetingItem,
)
from . import notices

ISSUED_IS_FROZEN = gettext_lazy(
    "This notice has been issued and can no longer be changed; minutes can still be recorded."
)

# The meeting's history keeps a change's reason in 100 characters.
PAST_REASON_MAX = 100

# Set by the system, and emptied when the account is deleted (SET_NULL): never a reason
# to refuse a change to the record.
_SYSTEM_FIELDS = ["created_by"]

# --- Directives ---------------------------------------------------------------------------

_DIRECTIVE_FIELDS = ("issuer", "number", "issued_on", "title", "requirements", "campaign")


def _directive_apply(
    directive: Directive, data: dict[str, Any], attachment: UploadedFile | bool | None
) -> None:
    for field in _DIRECTIVE_FIELDS:
        if field in data:
            value = data[field]
            setattr(directive, field, value.strip() if isinstance(value, str) else value)
    errors: dict[str, list[ValidationError]] = {}
    if attachment is False:
        # A cleared file input: the directive keeps no attachment.
        directive.attachment = ""
        directive.attachment_name = ""
    elif attachment is not None:
        try:
            validate_upload(attachment, kinds=(IMAGE, PDF))
        except ValidationError as exc:
            errors["attachment"] = exc.error_list
        else:
            directive.attachment = attachment
    if (
        directive.number
        and Directive.objects.filter(issuer=directive.issuer, number=directive.number)
        .exclude(pk=directive.pk)
        .exists()
    ):
        # The database refuses it too; this puts the message beside the number.
        errors["number"] = [
            ValidationError(_("This issuer's document number is already recorded."), code="unique")
        ]
    try:
        directive.full_clean(exclude=[*errors, *_SYSTEM_FIELDS])
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def directive_create(
    *, actor: User, attachment: UploadedFile | None = None, **data: Any
) -> Directive:
    """Record a directive received from a higher office. ``attachment`` is checked by
    its content: an image or a PDF."""
    if not actor.has_perm("campaigns.add_directive"):
        raise PermissionDenied
    directive = Directive(created_by=actor)
    _directive_apply(directive, data, attachment)
    directive.save()
    return directive


@transaction.atomic
def directive_update(
    *,
    actor: User,
    directive: Directive,
    attachment: UploadedFile | bool | None = None,
    **data: Any,
) -> Directive:
    """Change a directive. ``attachment`` None keeps the file, False removes it."""
    if not actor.has_perm("campaigns.change_directive"):
        raise PermissionDenied
    _directive_apply(directive, data, attachment)
    directive.save()
    return directive


# --- Document numbers ---------------------------------------------------------------------


def document_number_take(
    *, prefix: str, year: int, issued_by: User | None, issued_at: datetime | None = None
) -> DocumentNumber:
    """Take the next document number of ``prefix`` in ``year``.

    Call it inside the transaction that uses the number: the counter row stays locked
    until that transaction ends, and a rollback gives the number back, so numbers
    neither repeat nor skip.
    """
    prefix = (prefix or "").strip()
    if not prefix:
        raise ValidationError({"prefix": _("A document number needs an issuer prefix.")})
    with transaction.atomic():
        number = DocumentNumber(
            prefix=prefix,
            year=year,
            sequence=DocumentNumberSequence.take_next(year=year, prefix=prefix),
            issued_at=issued_at or timezone.now(),
            issued_by=issued_by,
        )
        number.full_clean(exclude=["issued_by"])
        number.save()
    return number


# --- Meetings -----------------------------------------------------------------------------

_MEETING_FIELDS = (
    "title",
    "kind",
    "starts_at",
    "place",
    "chair",
    "organiser",
    "campaign",
    "notice_body",
    "copy_to",
)


def _clean_lines(items: Iterable[str] | None) -> list[str]:
    return [text.strip() for text in (items or ()) if text and text.strip()]


def _set_items(meeting: Meeting, kind: str, texts: Sequence[str]) -> None:
    meeting.items.filter(kind=kind).delete()
    MeetingItem.objects.bulk_create(
        MeetingItem(meeting=meeting, kind=kind, order=order, text=text)
        for order, text in enumerate(texts, start=1)
    )


def _set_attending_units(meeting: Meeting, units: Iterable[Unit]) -> None:
    wanted = {unit.pk: unit for unit in units}
    meeting.attendances.exclude(unit_id__in=wanted).delete()
    present = set(meeting.attendances.values_list("unit_id", flat=True))
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(meeting=meeting, unit=unit)
        for pk, unit in wanted.items()
        if pk not in present
    )


def _meeting_save(
    meeting: Meeting,
    data: dict[str, Any],
    *,
    attending_units: Iterable[Unit] | None,
    agenda: Iterable[str] | None,
    requirements: Iterable[str] | None,
    key_periods: Iterable[KeyPeriod] | None,
    directives: Iterable[Directive] | None,
) -> Meeting:
    unknown = set(data) - set(_MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting fields: {', '.join(sorted(unknown))}")
    for field in _MEETING_FIELDS:
        if field in data:
            value = data[field]
            setattr(meeting, field, value.strip() if isinstance(value, str) else value)
    meeting.full_clean(exclude=_SYSTEM_FIELDS)
    meeting.save()
    if attending_units is not None:
        _set_attending_units(meeting, attending_units)
    if agenda is not None:
        _set_items(meeting, MeetingItem.Kind.AGENDA, _clean_lines(agenda))
    if requirements is not None:
        _set_items(meeting, MeetingItem.Kind.REQUIREMENT, _clean_lines(requirements))
    if key_periods is not None:
        meeting.key_periods.set(key_periods)
    if directives is not None:
        meeting.directives.set(directives)
    return meeting


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    title: str,
    starts_at: datetime,
    place: str,
    chair: str,
    organiser: Unit,
    kind: str = Meeting.Kind.WORK_ARRANGEMENT,
    campaign: Campaign | None = None,
    notice_body: str = "",
    copy_to: str = "",
    attending_units: Iterable[Unit] = (),
    agenda: Iterable[str] = (),
    requirements: Iterable[str] = (),
    key_periods: Iterable[KeyPeriod] = (),
    directives: Iterable[Directive] = (),
) -> Meeting:
    """Record a meeting as a draft. Its start may lie in the past (a meeting recorded
    afterwards); agenda and requirements keep the order given."""
    if not actor.has_perm("campaigns.add_meeting"):
        raise PermissionDenied
    if organiser is not None:
        require_unit(actor, organiser, field="organiser")
    data = {
        "title": title,
        "kind": kind,
        "starts_at": starts_at,
        "place": place,
        "chair": chair,
        "organiser": organiser,
        "campaign": campaign,
        "notice_body": notice_body,
        "copy_to": copy_to,
    }
    meeting = Meeting(created_by=actor, status=Meeting.Status.DRAFT)
    return _meeting_save(
        meeting,
        data,
        attending_units=attending_units,
        agenda=agenda,
        requirements=requirements,
        key_periods=key_periods,
        directives=directives,
    )


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    attending_units: Iterable[Unit] | None = None,
    agenda: Iterable[str] | None = None,
    requirements: Iterable[str] | None = None,
    key_periods: Iterable[KeyPeriod] | None = None,
    directives: Iterable[Directive] | None = None,
    **data: Any,
) -> Meeting:
    """Change a draft meeting; arguments left as None keep their value. An issued
    notice is frozen. Precondition: ``meeting`` came through a selector scoped to
    ``actor``."""
    if not actor.has_perm("campaigns.change_meeting"):
        raise PermissionDenied
    require_record(actor, meeting)
    if data.get("organiser") is not None:
        require_unit(actor, data["organiser"], field="organiser")
    # Lock the row: an issue running at the same time either sees this change or
    # makes it fail here, never a half-changed notice.
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    # Only a draft is changed: one that may still be issued.
    if not Meeting.TRANSITIONS.allows(locked.status, Meeting.Status.ISSUED):
        raise TransitionNotAllowed(ISSUED_IS_FROZEN, code="issued")
    return _meeting_save(
        locked,
        data,
        attending_units=attending_units,
        agenda=agenda,
        requirements=requirements,
        key_periods=key_periods,
        directives=directives,
    )


@transaction.atomic
def meeting_issue(
    *,
    meeting: Meeting,
    actor: User,
    issued_at: datetime | None = None,
    override_past: bool = False,
    past_reason: str = "",
) -> Meeting:
    """Issue a draft meeting's notice: check it is complete, give it the next document
    number of the organising unit in the year of issue, and freeze it. ``issued_at``
    (default now) records a notice issued earlier, e.g. when entering past ones.

    A number can never be taken back, so a meeting that has already begun at the time
    of issue is refused unless ``override_past`` is given with ``past_reason``, which
    the meeting's history keeps."""
    if not actor.has_perm("campaigns.issue_meeting"):
        raise PermissionDenied
    require_record(actor, meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not Meeting.TRANSITIONS.allows(locked.status, Meeting.Status.ISSUED):
        raise TransitionNotAllowed(_("This notice has already been issued."), code="issued")
    errors: dict[str, ValidationError] = {}
    if not locked.attendances.exists():
        errors["attending_units"] = ValidationError(
            _("Choose at least one attending unit before issuing the notice."), code="required"
        )
    if not locked.items.exists():
        errors["requirements"] = ValidationError(
            _("Add at least one agenda item or requirement before issuing the notice."),
            code="required",
        )
    organiser = Unit.objects.get(pk=locked.organiser_id)
    prefix = organiser.doc_number_prefix.strip()
    if not prefix:
        errors["organiser"] = ValidationError(
            _(
                "The organising unit “%(unit)s” has no document number prefix; an "
                "administrator must set one on the unit before its notices can be issued."
            ),
            code="no_prefix",
            params={"unit": organiser.name},
        )
    now = issued_at or timezone.now()
    past_reason = " ".join((past_reason or "").split())
    is_past = locked.starts_at < now
    if is_past and not override_past:
        errors["starts_at"] = ValidationError(
            _(
                "The meeting began on %(when)s, before this notice would be issued. "
                "Issue it only if it must be, ticking “issue although the meeting is "
                "past” and giving the reason."
            ),
            code="past",
            params={"when": timezone.localtime(locked.starts_at).strftime("%Y-%m-%d %H:%M")},
        )
    elif is_past and not past_reason:
        errors["past_reason"] = ValidationError(
            _("Give the reason for issuing the notice of a past meeting."), code="required"
        )
    elif is_past and len(past_reason) > PAST_REASON_MAX:
        errors["past_reason"] = ValidationError(
            _("Keep the reason within %(max)d characters."),
            code="max_length",
            params={"max": PAST_REASON_MAX},
        )
    if errors:
        raise ValidationError(errors)

    locked.document_number = document_number_take(
        prefix=prefix, year=timezone.localdate(now).year, issued_by=actor, issued_at=now
    )
    locked.status = Meeting.Status.ISSUED
    locked.issued_at = now
    locked.issued_by = actor
    # Anything wrong from here on rolls the number back with the rest: no gap.
    locked.full_clean(exclude=_SYSTEM_FIELDS)
    locked._history_user = actor
    if is_past:
        locked._change_reason = past_reason
    locked.save(update_fields=["document_number", "status", "issued_at", "issued_by", "updated_at"])
    notices.tell_meeting_issued(meeting=locked, actor=actor)
    return locked


@transaction.atomic
def meeting_record_minutes(*, meeting: Meeting, actor: User, minutes: str) -> Meeting:
    """Record (or correct) the minutes of a meeting, issued or not."""
    if not actor.has_perm("campaigns.change_meeting"):
        raise PermissionDenied
    require_record(actor, meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    locked.minutes = (minutes or "").strip()
    locked.minutes_recorded_at = timezone.now() if locked.minutes else None
    locked.full_clean(exclude=_SYSTEM_FIELDS)
    locked.save(update_fields=["minutes", "minutes_recorded_at", "updated_at"])
    return locked


@transaction.atomic
def meeting_sign(*, meeting: Meeting, actor: User) -> MeetingAttendance:
    """Sign for an issued notice on behalf of the actor's unit. Signing again keeps the
    first signature. Raises ``MeetingAttendance.DoesNotExist`` when the actor's unit is
    not called to the meeting."""
    if not actor.has_perm("campaigns.change_meetingattendance"):
        raise PermissionDenied
    attendance = (
        MeetingAttendance.objects.select_for_update()
        .filter(meeting_id=meeting.pk, unit_id=actor.unit_id)
        .first()
    )
    if attendance is None:
        raise MeetingAttendance.DoesNotExist("The actor's unit is not called to this meeting.")
    status = Meeting.objects.values_list("status", flat=True).get(pk=meeting.pk)
    if status != Meeting.Status.ISSUED:
        raise TransitionNotAllowed(_("Only an issued notice can be signed for."), code="not_issued")
    # Signing again keeps the first signature.
    if MeetingAttendance.TRANSITIONS.allows(attendance.status, MeetingAttendance.Status.SIGNED):
        attendance.signed_at = timezone.now()
        attendance.signed_by = actor
        attendance.full_clean()
        attendance.save(update_fields=["signed_at", "signed_by"])
    return attendance
