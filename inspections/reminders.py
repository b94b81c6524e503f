"""Reminders of hazards and rectification reports, swept daily.

An open hazard is chased on its rule's ladder against its rectification deadline, to
the responsible unit's heads; a major hazard overdue goes to committee staff at once,
and its reminder must be acknowledged: unacknowledged, it goes up the escalation's levels
(safetyzone/notifications/escalation.py). A rectification report awaiting review for
more than the rule's days goes to committee staff."""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.notifications.models import EscalationRule, Notification
from safetyzone.notifications.recipients import committee_staff_ids, heads_by_unit
from safetyzone.notifications.registry import (
    DAILY,
    Escalatable,
    Sweep,
    register_escalatable,
    register_sweep,
)
from safetyzone.notifications.rules import Ladder, rule_for
from safetyzone.notifications.services import Draft

from .models import Hazard, HazardLevel, RectificationReport

MAJOR_HAZARD_OVERDUE = EscalationRule.Subject.MAJOR_HAZARD_OVERDUE


def hazard_sweep(now: datetime) -> list[Draft]:
    rule = rule_for(Notification.Kind.HAZARD)
    if rule is None:
        return []
    ladder = Ladder(rule=rule, today=timezone.localdate(now))
    due = list(
        Hazard.objects.filter(status__in=Hazard.OPEN_STATUSES)
        .filter(Q(deadline__in=ladder.soon_deadlines) | Q(deadline__lt=ladder.today))
        .only("id", "code", "deadline", "level", "responsible_unit_id")
    )
    if not due:
        return []
    heads = heads_by_unit(h.responsible_unit_id for h in due)
    staff = None
    drafts: list[Draft] = []
    for hazard in due:
        common = {
            "kind": Notification.Kind.HAZARD,
            "subject_key": f"inspections.hazard:{hazard.pk}",
            "subject_label": hazard.code,
            "subject_url": hazard.get_absolute_url(),
            "message": _("Hazard %(code)s must be rectified by %(deadline)s.")
            % {"code": hazard.code, "deadline": hazard.deadline.isoformat()},
        }
        reason = ladder.reason(hazard.deadline)
        overdue = hazard.deadline < ladder.today
        # An overdue major hazard's reminder must be acknowledged (its rule permitting).
        escalation = MAJOR_HAZARD_OVERDUE if overdue and hazard.level == HazardLevel.MAJOR else ""
        if reason:
            drafts.extend(
                Draft(
                    recipient_id=user_id,
                    reason=reason,
                    due_date=ladder.today,
                    escalation=escalation,
                    **common,
                )
                for user_id in heads.get(hazard.responsible_unit_id, [])
            )
        if overdue and (hazard.level == HazardLevel.MAJOR or ladder.escalates(hazard.deadline)):
            if staff is None:
                staff = committee_staff_ids()
            drafts.extend(
                Draft(
                    recipient_id=user_id,
                    reason=Notification.Reason.ESCALATED,
                    due_date=hazard.deadline,
                    **common,
                )
                for user_id in staff
            )
    return drafts


def rectification_report_sweep(now: datetime) -> list[Draft]:
    rule = rule_for(Notification.Kind.RECTIFICATION_REPORT)
    if rule is None or rule.escalate_after_days is None:
        return []
    waited_since = now - timedelta(days=rule.escalate_after_days)
    waiting = list(
        RectificationReport.objects.filter(
            status=RectificationReport.Status.PENDING, filed_at__lt=waited_since
        )
        .select_related("hazard")
        .only("id", "filed_at", "hazard__id", "hazard__code")
    )
    if not waiting:
        return []
    staff = committee_staff_ids()
    return [
        Draft(
            recipient_id=user_id,
            kind=Notification.Kind.RECTIFICATION_REPORT,
            reason=Notification.Reason.AWAITING_REVIEW,
            subject_key=f"inspections.rectificationreport:{report.pk}",
            subject_label=report.hazard.code,
            subject_url=report.hazard.get_absolute_url(),
            due_date=timezone.localdate(report.filed_at),
            message=_("The rectification report on hazard %(code)s awaits review since %(day)s.")
            % {"code": report.hazard.code, "day": timezone.localdate(report.filed_at).isoformat()},
        )
        for report in waiting
        for user_id in staff
    ]


def _hazard_pks(keys: list[str]) -> dict[int, str]:
    return {int(key.split(":", 1)[1]): key for key in keys}


def hazard_units(keys: list[str]) -> dict[str, int]:
    """The unit responsible for each hazard: its heads are the escalation's first level."""
    pks = _hazard_pks(keys)
    rows = Hazard.objects.filter(pk__in=pks).values_list("pk", "responsible_unit_id")
    return {pks[pk]: unit_id for pk, unit_id in rows}


def hazards_closed(keys: list[str]) -> set[str]:
    """Hazards no longer open (accepted, closed): nothing left to escalate."""
    pks = _hazard_pks(keys)
    still_open = set(
        Hazard.objects.filter(pk__in=pks, status__in=Hazard.OPEN_STATUSES).values_list(
            "pk", flat=True
        )
    )
    return {key for pk, key in pks.items() if pk not in still_open}


register_sweep(Sweep(key="inspections.hazard", group=DAILY, run=hazard_sweep))
register_escalatable(
    Escalatable(subject=MAJOR_HAZARD_OVERDUE, units=hazard_units, settled=hazards_closed)
)
register_sweep(
    Sweep(key="inspections.rectification_report", group=DAILY, run=rectification_report_sweep)
)
