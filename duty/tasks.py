"""Thin Celery entry points of the duty app."""

from celery import shared_task


@shared_task(name="duty.daily_reports_generate", time_limit=300, soft_time_limit=270)
def daily_reports_generate_task() -> int:
    """At the change-over (beat): the daily report of each shift that just ended, and
    its leader told to confirm it."""
    from .services.duty_report import duty_reports_generate_due

    return len(duty_reports_generate_due())
