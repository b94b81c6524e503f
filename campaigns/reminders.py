"""Reminders of task assignments, swept daily: to the assigned unit's heads on the
rule's ladder (3 days, 1 day before, on the day, every 2 days overdue), and to
committee staff once an assignment is overdue for more than the rule's days. A chaser
(催办) must be signed for: unsigned, it goes up the escalation's levels
(safetyzone/notifications/escalation.py)."""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.notifications.models import EscalationRule, Notification
from safetyzone.notifications.recipients import committee_staff_ids, heads_by_unit
from safetyzone.notifications.registry import (
    DAILY,
    Draft,
    Escalatable,
    Sweep,
    register_escalatable,
    register_sweep,
)
from safetyzone.notifications.rules import Ladder, rule_for

from .models import Chaser, TaskAssignment

KIND = Notification.Kind.TASK_ASSIGNMENT


def task_assignment_sweep(now: datetime) -> list[Draft]:
    rule = rule_for(KIND)
    if rule is None:
        return []
    ladder = Ladder(rule=rule, today=timezone.localdate(now))
    due = (
        TaskAssignment.objects.exclude(status=TaskAssignment.Status.DONE)
        .filter(Q(deadline__in=ladder.soon_deadlines) | Q(deadline__lt=ladder.today))
        .select_related("task")
        .only("id", "deadline", "unit_id", "task__title")
    )
    due = list(due)
    if not due:
        return []
    heads = heads_by_unit(a.unit_id for a in due)
    staff = None
    drafts: list[Draft] = []
    for assignment in due:
        common = {
            "kind": KIND,
            "subject_key": f"campaigns.taskassignment:{assignment.pk}",
            "subject_label": assignment.task.title,
            "subject_url": assignment.get_absolute_url(),
        }
        message = _("Task “%(title)s” is due on %(deadline)s.") % {
            "title": assignment.task.title,
            "deadline": assignment.deadline.isoformat(),
        }
        reason = ladder.reason(assignment.deadline)
        if reason:
            drafts.extend(
                Draft(
                    recipient_id=user_id,
                    reason=reason,
                    due_date=ladder.today,
                    message=message,
                    **common,
                )
                for user_id in heads.get(assignment.unit_id, [])
            )
        if ladder.escalates(assignment.deadline):
            if staff is None:
                staff = committee_staff_ids()
            # Once per assignment and deadline: the due date is the deadline itself.
            drafts.extend(
                Draft(
                    recipient_id=user_id,
                    reason=Notification.Reason.ESCALATED,
                    due_date=assignment.deadline,
                    message=message,
                    **common,
                )
                for user_id in staff
            )
    return drafts


# --- Escalation: a chaser must be acknowledged ------------------------------------------


def _chaser_pks(keys: list[str]) -> dict[int, str]:
    """{chaser pk: key} of keys "campaigns.taskassignment:<pk>#chaser-<pk>" (notices.py)."""
    return {int(key.rsplit("#chaser-", 1)[1]): key for key in keys if "#chaser-" in key}


def chaser_units(keys: list[str]) -> dict[str, int]:
    """The unit chased: its heads are the escalation's first level."""
    pks = _chaser_pks(keys)
    rows = Chaser.objects.filter(pk__in=pks).values_list("pk", "assignment__unit_id")
    return {pks[pk]: unit_id for pk, unit_id in rows}


def chasers_answered(keys: list[str]) -> set[str]:
    """Chasers signed for on the task's page, or whose assignment is done (or gone)."""
    pks = _chaser_pks(keys)
    waiting = set(
        Chaser.objects.filter(pk__in=pks, acknowledged_at__isnull=True)
        .exclude(assignment__status=TaskAssignment.Status.DONE)
        .values_list("pk", flat=True)
    )
    return {key for pk, key in pks.items() if pk not in waiting}


register_sweep(Sweep(key="campaigns.task_assignment", group=DAILY, run=task_assignment_sweep))
register_escalatable(
    Escalatable(subject=EscalationRule.Subject.CHASER, units=chaser_units, settled=chasers_answered)
)
