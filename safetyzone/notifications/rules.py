"""The reminder ladder: which reminder, if any, a deadline calls for today."""

from dataclasses import dataclass
from datetime import date, timedelta

from .models import Notification, ReminderRule

# The office's defaults, also seeded by the migration: used when a rule row is missing.
DEFAULTS: dict[str, dict] = {
    Notification.Kind.TASK_ASSIGNMENT: {
        "days_before": "3,1",
        "on_the_day": True,
        "overdue_every_days": 2,
        "escalate_after_days": 7,
    },
    Notification.Kind.HAZARD: {
        "days_before": "3,1",
        "on_the_day": True,
        "overdue_every_days": 2,
        "escalate_after_days": None,
    },
    Notification.Kind.RECTIFICATION_REPORT: {
        "days_before": "",
        "on_the_day": False,
        "overdue_every_days": 0,
        "escalate_after_days": 2,
    },
    Notification.Kind.SHIFT: {"days_before": "1", "on_the_day": False, "overdue_every_days": 0},
    Notification.Kind.INCIDENT_REPORT: {
        "days_before": "",
        "on_the_day": False,
        "overdue_every_days": 0,
        "minutes_before": 10,
    },
    Notification.Kind.WEATHER_WARNING: {
        "days_before": "",
        "on_the_day": False,
        "overdue_every_days": 0,
    },
}


def rule_for(kind: str) -> ReminderRule | None:
    """The kind's rule (one query); None when an admin switched it off."""
    rule = ReminderRule.objects.filter(kind=kind).first()
    if rule is None:
        rule = ReminderRule(kind=kind, **DEFAULTS.get(kind, {}))
    return rule if rule.is_active else None


@dataclass(frozen=True)
class Ladder:
    """A rule read for one day: the deadlines it reminds of, and what each is owed."""

    rule: ReminderRule
    today: date

    @property
    def soon_deadlines(self) -> set[date]:
        days = set(self.rule.days_before_list)
        if self.rule.on_the_day:
            days.add(0)
        return {self.today + timedelta(days=d) for d in days}

    def reason(self, deadline: date) -> str | None:
        """The reminder owed today to the people who must act, or None."""
        if deadline == self.today:
            return Notification.Reason.DUE_TODAY if self.rule.on_the_day else None
        if deadline > self.today:
            days = (deadline - self.today).days
            return Notification.Reason.DUE_SOON if days in self.rule.days_before_list else None
        every = self.rule.overdue_every_days
        if every and (self.today - deadline).days % every == 0:
            return Notification.Reason.OVERDUE
        return None

    def escalates(self, deadline: date) -> bool:
        """Overdue for more than the rule's days: committee staff are told (once)."""
        after = self.rule.escalate_after_days
        return after is not None and (self.today - deadline).days > after
