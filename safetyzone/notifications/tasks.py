"""Thin Celery entry points: beat runs the sweeps by group name."""

from celery import shared_task

from . import registry


@shared_task(name="notifications.run_sweeps", time_limit=600, soft_time_limit=540)
def run_sweeps_task(group: str, now: str | None = None) -> int:
    """``now`` (ISO 8601) runs the sweeps as of another moment: a missed run caught up."""
    from datetime import datetime

    return registry.run_sweeps(group, now=datetime.fromisoformat(now) if now else None)


@shared_task(name="notifications.weekly_digest", time_limit=600, soft_time_limit=540)
def weekly_digest_task() -> int:
    from .services import weekly_digest_send

    return weekly_digest_send()


MAX_RETRIES = 5


@shared_task(
    bind=True,
    name="notifications.deliver",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    time_limit=60,
    soft_time_limit=50,
)
def deliver_task(self, delivery_id: int) -> bool:
    """Send one delivery; on failure retry with exponential backoff (30 s, 1, 2, 4, 8
    minutes), then leave it failed for an admin to retry."""
    from .delivery import delivery_attempt

    final = self.request.retries >= MAX_RETRIES
    try:
        return delivery_attempt(delivery_id=delivery_id, final=final)
    except Exception as exc:
        if final:
            return False
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
