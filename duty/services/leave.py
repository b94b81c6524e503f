"""Leave asked for approval: a duty officer or leader on duty asks for themself, a
department head for their unit's people; committee staff grant (the days are recorded
as the person's unavailability, in the same transaction) or refuse (with a reason). A
second decision on a decided request is refused by the request itself
(``DecidedRequest.record_decision``: ``TransitionNotAllowed``, a 409 on the API).

Preconditions: objects passed in came through a selector scoped to the actor.
"""

from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.org.models import User
from safetyzone.org.roles import Role
from safetyzone.org.scoping import require_record, require_unit

from .. import notices
from ..models import LeaveRequest, Unavailability
from ..selectors.leave import attach_clashes, may_decide_leave, may_request_for_unit
from ._common import _require
from .shifts import _days_errors, _record_unavailability


def _check_person(actor: User, person: User) -> None:
    """Who the actor may ask leave for: themself, or (a head) their unit's people."""
    if person.pk == actor.pk:
        return
    if not may_request_for_unit(actor):
        raise ValidationError({"person": _("You can ask for leave only for yourself.")})
    require_unit(
        actor,
        person.unit_id,
        field="person",
        message=_("You can ask for leave only for your own unit's people."),
    )


@transaction.atomic
def leave_request_create(
    *,
    actor: User,
    person: User,
    start_date: date,
    end_date: date,
    reason: str,
    kind: str = Unavailability.Kind.LEAVE,
) -> LeaveRequest:
    """Ask committee staff for days off duty for ``person``, with a reason. Days already
    recorded or asked for are refused; staff are told, with the shifts on published
    rosters the days overlap."""
    _require(actor, "duty.add_leaverequest")
    _check_person(actor, person)
    # One request of a person at a time: the overlap check below holds.
    User.objects.select_for_update().filter(pk=person.pk).first()
    errors = _days_errors(start_date, end_date)
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the leave is needed.")]
    if not (person.is_active and person.has_role(Role.DUTY_LEADER, Role.DUTY_OFFICER)):
        errors["person"] = [_("%(person)s is not on the duty rosters.") % {"person": person}]
    if start_date and start_date < timezone.localdate():
        errors.setdefault("start_date", []).append(_("The first day cannot be in the past."))
    if not errors:
        recorded = Unavailability.objects.filter(
            person=person, start_date__lte=end_date, end_date__gte=start_date
        )
        waiting = LeaveRequest.objects.filter(
            person=person,
            status=LeaveRequest.Status.PENDING,
            start_date__lte=end_date,
            end_date__gte=start_date,
        )
        if recorded.exists() or waiting.exists():
            errors[NON_FIELD_ERRORS] = [
                _("%(person)s already has leave recorded or asked for on some of these days.")
                % {"person": person}
            ]
    if errors:
        raise ValidationError(errors)
    request = LeaveRequest(
        person=person,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        reason=reason,
        requested_by=actor,
    )
    request.full_clean()
    request.save()
    attach_clashes([request])
    notices.leave_requested(request, clashes=request.clashes)
    return request


@transaction.atomic
def leave_request_decide(
    *, actor: User, request: LeaveRequest, grant: bool, note: str = ""
) -> LeaveRequest:
    """Committee staff grant a pending request (its days are recorded as the person's
    unavailability, which the generator, the checks and swaps respect) or refuse it,
    saying why; the request and its decision stay. Whoever asked, and the person, are
    told."""
    if not may_decide_leave(actor):
        raise PermissionDenied(_("Only committee staff decide on leave."))
    require_record(actor, request)
    request = (
        LeaveRequest.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=request.pk)
    )
    note = (note or "").strip()
    # A request already decided is refused here (409), before its note is looked at.
    request.record_decision(actor=actor, grant=grant, note=note, at=timezone.now())
    if not grant and not note:
        raise ValidationError({"note": _("Say why the leave is refused.")})
    if grant:
        request.leave = _record_unavailability(
            person=request.person,
            kind=request.kind,
            start_date=request.start_date,
            end_date=request.end_date,
            note=request.reason[:200],
            recorded_by=actor,
        )
    request.full_clean()
    request.save()
    notices.leave_decided(request, actor=actor)
    return request
