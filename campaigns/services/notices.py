"""Telling units at once that campaign work reached their desk: a task assigned, a
meeting notice to sign for, a chaser, an assignment sent back, an extension decided.

Each function is called by the service that makes the change, inside its transaction
(a rollback tells nobody), and goes through ``notify``: in-app, then email and the
unit's group robot by the outbox. The actor is never told of their own step."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.notifications.models import EscalationRule, Notification
from safetyzone.notifications.recipients import heads_by_unit
from safetyzone.notifications.services import notify
from safetyzone.org.models import User

from ..models import Chaser, ExtensionRequest, Meeting, TaskAssignment

Kind = Notification.Kind
Reason = Notification.Reason


def tell_assigned(*, assignments: Iterable[TaskAssignment], actor: User) -> None:
    """The heads of each unit that has just been given an assignment."""
    assignments = list(assignments)
    heads = heads_by_unit(a.unit_id for a in assignments)
    for assignment in assignments:
        task = assignment.task
        notify(
            recipient_ids=heads.get(assignment.unit_id, ()),
            kind=Kind.TASK_ASSIGNMENT,
            reason=Reason.ASSIGNED,
            subject=assignment,
            subject_label=task.title,
            message=_("Task “%(title)s” was assigned to your unit; deadline %(deadline)s.")
            % {"title": task.title, "deadline": assignment.deadline.isoformat()},
            exclude_id=actor.pk,
        )


def tell_returned(*, assignment: TaskAssignment, actor: User, event_key: str) -> None:
    """The unit's heads: their done assignment was sent back, with the reason."""
    notify(
        recipient_ids=heads_by_unit([assignment.unit_id]).get(assignment.unit_id, ()),
        kind=Kind.TASK_ASSIGNMENT,
        reason=Reason.RETURNED,
        subject=assignment,
        subject_label=assignment.task.title,
        message=_("Task “%(title)s” was sent back to your unit: %(reason)s")
        % {"title": assignment.task.title, "reason": assignment.return_reason},
        event_key=event_key,
        exclude_id=actor.pk,
    )


def tell_chased(*, chaser: Chaser, actor: User) -> None:
    """The unit's heads: committee staff chase (催办) their assignment."""
    assignment = chaser.assignment
    notify(
        recipient_ids=heads_by_unit([assignment.unit_id]).get(assignment.unit_id, ()),
        kind=Kind.TASK_ASSIGNMENT,
        reason=Reason.CHASED,
        subject=assignment,
        subject_label=assignment.task.title,
        message=_("Your unit is chased about task “%(title)s”: %(message)s")
        % {"title": assignment.task.title, "message": chaser.message},
        event_key=f"chaser-{chaser.pk}",
        exclude_id=actor.pk,
        # Unsigned, it goes up the escalation's levels (campaigns/reminders.py).
        escalation=EscalationRule.Subject.CHASER,
    )


def tell_extension_decided(*, request: ExtensionRequest, actor: User) -> None:
    """Whoever asked for more time, and the unit's heads: granted or refused."""
    assignment = request.assignment
    title = assignment.task.title
    if request.status == ExtensionRequest.Status.GRANTED:
        reason = Reason.EXTENSION_GRANTED
        message = _("More time on task “%(title)s” was granted: the deadline is now %(deadline)s.")
        message %= {"title": title, "deadline": assignment.deadline.isoformat()}
    else:
        reason = Reason.EXTENSION_REFUSED
        message = _("More time on task “%(title)s” was refused: %(note)s")
        message %= {"title": title, "note": request.decision_note}
    recipients = list(heads_by_unit([assignment.unit_id]).get(assignment.unit_id, ()))
    if request.requested_by_id:
        recipients.append(request.requested_by_id)
    notify(
        recipient_ids=recipients,
        kind=Kind.TASK_ASSIGNMENT,
        reason=reason,
        subject=assignment,
        subject_label=title,
        message=message,
        event_key=f"extension-{request.pk}",
        exclude_id=actor.pk,
    )


def tell_meeting_issued(*, meeting: Meeting, actor: User) -> None:
    """The heads of every attending unit: a meeting notice to sign for."""
    unit_ids = list(meeting.attendances.values_list("unit_id", flat=True))
    heads = heads_by_unit(unit_ids)
    notify(
        recipient_ids=[user_id for unit_id in unit_ids for user_id in heads.get(unit_id, ())],
        kind=Kind.MEETING,
        reason=Reason.TO_SIGN,
        subject=meeting,
        subject_label=meeting.title,
        message=_("Meeting notice “%(title)s” (%(when)s, %(place)s): please sign for it.")
        % {
            "title": meeting.title,
            "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
            "place": meeting.place,
        },
        exclude_id=actor.pk,
    )
