"""Duty days: a duty day runs from the change-over time (``DUTY_CHANGEOVER_TIME``,
08:30) to the same time the next day, in the site's time zone."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone


def changeover_time() -> time:
    hours, minutes = (int(part) for part in settings.DUTY_CHANGEOVER_TIME.split(":"))
    return time(hours, minutes)


def changeover(d: date) -> datetime:
    """The aware moment duty day ``d`` begins."""
    return timezone.make_aware(datetime.combine(d, changeover_time()))


def shift_window(d: date) -> tuple[datetime, datetime]:
    return changeover(d), changeover(d + timedelta(days=1))


def duty_day_of(moment: datetime) -> date:
    """The duty day ``moment`` falls in (00:00–08:30 belongs to the day before)."""
    local = timezone.localtime(moment)
    if local.time() < changeover_time():
        return local.date() - timedelta(days=1)
    return local.date()
