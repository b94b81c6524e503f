"""A unit's request for another level or deadline of its hazard, and committee staff's
decision on it."""

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import Hazard, HazardChangeRequest, HazardLevel
from inspections.selectors.hazards import may_decide_hazard_changes
from inspections.services._common import _event, _require, _save_with_history
from inspections.services.hazards import _lock_hazard, _refuse_if_listed_and_lowered
from safetyzone.core.states import TransitionNotAllowed
from safetyzone.notifications.models import Notification
from safetyzone.notifications.recipients import committee_staff_ids, heads_by_unit
from safetyzone.notifications.services import notify
from safetyzone.org.models import User
from safetyzone.org.scoping import require_record


@transaction.atomic
def hazard_change_request(
    *,
    actor: User,
    hazard: Hazard,
    level: str | None = None,
    deadline: dt.date | None = None,
    reason: str,
) -> HazardChangeRequest:
    """The responsible unit asks committee staff for another level or deadline of its
    open hazard, with a reason; one request waits for a decision at a time. The request
    stays in the hazard's history and committee staff are told. Precondition:
    ``hazard`` came through a selector scoped to ``actor``."""
    _require(actor, "inspections.add_hazardchangerequest")
    hazard = _lock_hazard(hazard)
    require_record(actor, hazard)
    if not hazard.is_open:
        raise TransitionNotAllowed(
            _("This hazard is closed: its level and deadline stay."), code="hazard_closed"
        )
    errors: dict[str, str] = {}
    level = (level or "").strip()
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why the change is needed.")
    if level and level not in HazardLevel.values:
        errors["level"] = _("Choose a level.")
    elif level and level == hazard.level:
        errors["level"] = _("The hazard already has this level.")
    elif level == HazardLevel.GENERAL and hazard.is_listed:
        errors["level"] = _("A hazard under listed supervision stays a major hazard.")
    if deadline is not None:
        if deadline == hazard.deadline:
            errors["deadline"] = _("This is already the hazard's deadline.")
        elif deadline < hazard.found_on:
            errors["deadline"] = _("The deadline cannot be before the hazard was found.")
    if not level and deadline is None:
        errors[NON_FIELD_ERRORS] = _("Ask for a new level, a new deadline or both.")
    if hazard.change_requests.filter(status=HazardChangeRequest.Status.PENDING).exists():
        errors[NON_FIELD_ERRORS] = _("A change request is already waiting for a decision.")
    if errors:
        raise ValidationError(errors)
    request = HazardChangeRequest(
        hazard=hazard,
        level=level,
        deadline=deadline,
        previous_level=hazard.level,
        previous_deadline=hazard.deadline,
        reason=reason,
        requested_by=actor,
    )
    request.full_clean()
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:  # a request that slipped in concurrently
        raise ValidationError(
            _("A change request is already waiting for a decision."), code="pending_exists"
        ) from exc
    _save_with_history(hazard, actor, _event(Hazard.Event.CHANGE_REQUESTED, reason))
    notify(
        recipient_ids=committee_staff_ids(),
        kind=Notification.Kind.HAZARD,
        reason=Notification.Reason.CHANGE_REQUESTED,
        subject=hazard,
        subject_label=hazard.code,
        message=_(
            "%(unit)s asks to change the level or deadline of hazard %(code)s (%(enterprise)s)"
            ": %(reason)s"
        )
        % {
            "unit": hazard.responsible_unit,
            "code": hazard.code,
            "enterprise": hazard.enterprise,
            "reason": reason,
        },
        event_key=f"change-{request.pk}",
        exclude_id=actor.pk,
    )
    return request


@transaction.atomic
def hazard_change_decide(
    *, actor: User, request: HazardChangeRequest, grant: bool, note: str = ""
) -> HazardChangeRequest:
    """Committee staff grant (the hazard takes the requested level and deadline) or
    refuse (with a reason) a pending change request. The decision stays in the hazard's
    history; the unit's heads and the requester are told."""
    if not may_decide_hazard_changes(actor):
        raise PermissionDenied(_("Only committee staff decide on a change of a hazard."))
    # The hazard first, then the request: the order hazard_change_request locks in.
    hazard = _lock_hazard(request.hazard)
    require_record(actor, hazard)
    request = HazardChangeRequest.objects.select_for_update().get(pk=request.pk)
    note = (note or "").strip()
    now = timezone.now()
    # A request already decided is refused here, before its input is checked (409).
    request.record_decision(actor=actor, grant=grant, note=note, at=now)
    if not grant and not note:
        raise ValidationError({"note": _("Say why the change is refused.")})
    if grant:
        if not hazard.is_open:
            raise TransitionNotAllowed(
                _("This hazard is closed: its level and deadline stay."), code="hazard_closed"
            )
        if request.level:
            hazard.level = request.level
        if request.deadline:
            hazard.deadline = request.deadline
        _refuse_if_listed_and_lowered(hazard)
        hazard.full_clean()
        event = _event(Hazard.Event.CHANGE_GRANTED, note or request.reason)
    else:
        event = _event(Hazard.Event.CHANGE_REFUSED, note)
    request.full_clean()
    request.save()
    _save_with_history(hazard, actor, event, now)
    heads = heads_by_unit([hazard.responsible_unit_id]).get(hazard.responsible_unit_id, [])
    message = (
        _("The change of hazard %(code)s (%(enterprise)s) was granted.")
        if grant
        else _("The change of hazard %(code)s (%(enterprise)s) was refused: %(note)s")
    )
    notify(
        recipient_ids=[*heads, *([request.requested_by_id] if request.requested_by_id else [])],
        kind=Notification.Kind.HAZARD,
        reason=Notification.Reason.CHANGE_DECIDED,
        subject=hazard,
        subject_label=hazard.code,
        message=message % {"code": hazard.code, "enterprise": hazard.enterprise, "note": note},
        event_key=f"change-{request.pk}",
        exclude_id=actor.pk,
    )
    return request
