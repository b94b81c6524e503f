"""Thin Celery entry points: beat runs the sweeps by group name."""

from celery import shared_task

from .delivery import ATTEMPT_TIME_LIMIT, MAX_RETRIES


@shared_task(name="notifications.run_sweeps", time_limit=600, soft_time_limit=540)
def run_sweeps_task(group: str, now: str | None = None) -> int:
    """``now`` (ISO 8601) runs the sweeps as of another moment: a missed run caught up."""
    from datetime import datetime

    from .services import run_sweeps

    return run_sweeps(group, now=datetime.fromisoformat(now) if now else None)


@shared_task(name="notifications.weekly_digest", time_limit=600, soft_time_limit=540)
def weekly_digest_task() -> int:
    from .services import weekly_digest_send

    return weekly_digest_send()


@shared_task(
    bind=True,
    name="notifications.deliver",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    time_limit=ATTEMPT_TIME_LIMIT,
    soft_time_limit=ATTEMPT_TIME_LIMIT - 10,
)
def deliver_task(self, delivery_id: int) -> bool:
    """Send one delivery; on failure retry with exponential backoff (30 s, 1, 2, 4, 8
    minutes; the broker's visibility timeout outlasts the longest), then leave it failed
    for an admin to retry. A URL that may not be posted to is not retried."""
    from .delivery import delivery_attempt
    from .outbound import Refused

    final = self.request.retries >= MAX_RETRIES
    # Redis marks a message it hands back after its worker died.
    takeover = bool((self.request.delivery_info or {}).get("redelivered"))
    try:
        return delivery_attempt(delivery_id=delivery_id, final=final, takeover=takeover)
    except Refused:
        return False
    except Exception as exc:
        if final:
            return False
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(name="notifications.hand_back_deliveries", time_limit=120, soft_time_limit=100)
def deliveries_hand_back_task() -> int:
    """Every minute (beat): hand back a dead worker's deliveries and enqueue the robot
    posts the rate limit held back, now due."""
    from .delivery import deliveries_hand_back

    return len(deliveries_hand_back())


@shared_task(name="notifications.escalate_unacknowledged", time_limit=120, soft_time_limit=100)
def escalate_unacknowledged_task() -> int:
    """Every minute (beat): reminders nobody acknowledged in time go one level up."""
    from .escalation import escalations_advance

    return escalations_advance()
