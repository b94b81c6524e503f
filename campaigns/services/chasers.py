"""Chasers (催办): committee staff chase a unit about its open assignment; the unit signs
for the chaser (``Chaser.TRANSITIONS``: once)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.core.states import TransitionNotAllowed
from safetyzone.org.models import User

from ..models import AssignmentEvent, Chaser, TaskAssignment
from . import notices
from ._assignments import lock, raise_if, record, require, require_unit, required_text
from .assignments import may_chase, require_open

Action = AssignmentEvent.Action


@transaction.atomic
def assignment_chase(*, assignment: TaskAssignment, actor: User, message: str) -> Chaser:
    """Staff chase (催办) a unit about an open assignment; the unit sees the chaser until
    it signs for it."""
    require(may_chase(actor), _("Only committee staff can chase a unit."))
    lock(assignment)
    require_open(assignment, _("The assignment is done; there is nothing to chase."))
    errors: dict[str, list] = {}
    message = required_text(errors, "message", message, _("Write the chaser's message."))
    raise_if(errors)
    chaser = Chaser(assignment=assignment, message=message, sent_by=actor)
    chaser.full_clean()
    chaser.save()
    record(assignment, Action.CHASED, actor, message)
    notices.tell_chased(chaser=chaser, actor=actor)
    return chaser


@transaction.atomic
def chaser_acknowledge(*, chaser: Chaser, actor: User) -> Chaser:
    """The unit signs for a chaser sent to it."""
    require_unit(actor, chaser.assignment, "campaigns.change_chaser")
    chaser = Chaser.objects.select_for_update().select_related("assignment").get(pk=chaser.pk)
    if not Chaser.TRANSITIONS.allows(chaser.status, Chaser.Status.SIGNED):
        raise TransitionNotAllowed(_("This chaser was already signed for."), code="already_signed")
    chaser.acknowledged_at = timezone.now()
    chaser.acknowledged_by = actor
    chaser.save(update_fields=["acknowledged_at", "acknowledged_by"])
    record(chaser.assignment, Action.CHASER_SIGNED, actor)
    return chaser
