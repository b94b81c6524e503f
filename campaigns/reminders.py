"""Reminders of task assignments, swept daily: to the assigned unit's heads on the
rule's ladder (3 days, 1 day before, on the day, every 2 days overdue), and to
committee staff once an assignment is overdue for more than the rule's days."""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.notifications.models import Notification
from safetyzone.notifications.recipients import committee_staff_ids, heads_by_unit
from safetyzone.notifications.registry import DAILY, Draft, Sweep, register_sweep
from safetyzone.notifications.rules import Ladder, rule_for

from .models import TaskAssignment

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


register_sweep(Sweep(key="campaigns.task_assignment", group=DAILY, run=task_assignment_sweep))
