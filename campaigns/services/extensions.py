"""Extensions of a task's assignment: the unit asks for more time, committee staff grant
or refuse. A second decision on a decided request is refused by the request itself
(``DecidedRequest.record_decision``: ``TransitionNotAllowed``, a 409 on the API)."""

from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.org.models import User

from ..models import AssignmentEvent, ExtensionRequest, TaskAssignment
from . import notices
from ._assignments import add, lock, raise_if, record, require, require_unit, required_text
from .assignments import may_decide_extensions, require_open

Action = AssignmentEvent.Action


@transaction.atomic
def extension_request(
    *, assignment: TaskAssignment, actor: User, reason: str, requested_deadline: date | None
) -> ExtensionRequest:
    """The unit asks for more time: a later deadline than the current one, with a
    reason; one request waits for a decision at a time."""
    require_unit(actor, assignment, "campaigns.add_extensionrequest")
    lock(assignment)
    require_open(assignment, _("The assignment is done; it needs no more time."))
    errors: dict[str, list] = {}
    reason = required_text(errors, "reason", reason, _("Say why more time is needed."))
    if requested_deadline is None:
        add(errors, "requested_deadline", _("Give the deadline you ask for."), "required")
    elif requested_deadline <= assignment.deadline:
        add(
            errors,
            "requested_deadline",
            _("Ask for a date after the current deadline (%(deadline)s).")
            % {"deadline": assignment.deadline.isoformat()},
            "not_later",
        )
    elif requested_deadline < timezone.localdate():
        add(errors, "requested_deadline", _("The date cannot be in the past."), "past")
    if assignment.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        add(
            errors,
            NON_FIELD_ERRORS,
            _("An extension request is already waiting for a decision."),
            "pending_exists",
        )
    raise_if(errors)
    request = ExtensionRequest(
        assignment=assignment,
        reason=reason,
        requested_deadline=requested_deadline,
        requested_by=actor,
    )
    request.full_clean()
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:  # a request that slipped in concurrently
        raise ValidationError(
            _("An extension request is already waiting for a decision."), code="pending_exists"
        ) from exc
    record(
        assignment,
        Action.EXTENSION_REQUESTED,
        actor,
        f"{requested_deadline.isoformat()} · {reason}",
    )
    return request


@transaction.atomic
def extension_decide(
    *, request: ExtensionRequest, actor: User, grant: bool, note: str = ""
) -> ExtensionRequest:
    """Staff grant (the assignment's deadline moves, its extension count grows) or refuse
    (the deadline stays; a refusal says why) a pending request."""
    require(may_decide_extensions(actor), _("Only committee staff can decide on extensions."))
    # The assignment first, then the request: the order extension_request locks in.
    assignment = request.assignment
    lock(assignment)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    note = (note or "").strip()
    # A request already decided is refused here (409), before its note is looked at.
    request.record_decision(actor=actor, grant=grant, note=note, at=timezone.now())
    errors: dict[str, list] = {}
    if not grant and not note:
        add(errors, "note", _("Say why the extension is refused."), "required")
    raise_if(errors)
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if grant:
        previous = assignment.deadline
        assignment.deadline = request.requested_deadline
        assignment.extension_count += 1
        assignment.save(update_fields=["deadline", "extension_count"])
        detail = f"{previous.isoformat()} → {assignment.deadline.isoformat()}"
        record(assignment, Action.EXTENSION_GRANTED, actor, f"{detail} {note}".strip())
    else:
        record(assignment, Action.EXTENSION_REFUSED, actor, note)
    notices.tell_extension_decided(request=request, actor=actor)
    return request
