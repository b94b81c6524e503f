"""Demo reminders: what beat's daily sweep sent this morning over every app's demo
records (deadlines near, tasks and hazards overdue), and the escalation of an overdue
major hazard's reminder that nobody acknowledged, passed one level up when its wait was
over. seed_demo runs this after every other app's demo (the sweeps read their records).
Idempotent: a reminder is sent once per step, and the escalation moves on the first
seeding only."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from .escalation import escalations_advance
from .models import Escalation, EscalationStep
from .services import run_sweeps


def _this_mornings_sweep(now: datetime) -> datetime:
    """08:00 today, when beat's daily sweep runs (yesterday's before 09:30, so that an
    escalation's first wait is over by now)."""
    local = timezone.localtime(now)
    day = local.date() if local.time() >= time(9, 30) else local.date() - timedelta(days=1)
    return datetime.combine(day, time(8, 0), tzinfo=local.tzinfo)


def seed() -> None:
    now = timezone.now()
    morning = _this_mornings_sweep(now)
    run_sweeps("daily", now=morning)
    if EscalationStep.objects.exists():
        return
    # Each chain whose wait ended before now goes one level up at that moment.
    due = (
        Escalation.objects.filter(status=Escalation.Status.OPEN, next_at__lte=now)
        .order_by("next_at")
        .values_list("next_at", flat=True)
        .distinct()
    )
    for moment in list(due):
        escalations_advance(now=moment)
