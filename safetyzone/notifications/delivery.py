"""Deliveries by email and group robot: created in bulk after new notifications, sent
one by one by the worker, each attempt recorded; robot posts paced to the platforms'
rate limit, and deliveries of a dead worker handed back by a periodic sweep."""

import hashlib
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import channels, outbound
from .models import Channel, ChannelPreference, Delivery, DeliveryAttempt, Notification, UnitWebhook

# The deliver task's limits (tasks.py): retries after the first attempt, and its hard
# time limit in seconds, after which a claim is a dead worker's.
MAX_RETRIES = 5
ATTEMPT_TIME_LIMIT = 60
# WeCom's and DingTalk's limit: 20 messages a minute per robot; above it they refuse.
ROBOT_POSTS_PER_MINUTE = 20
ROBOT_WINDOW_SECONDS = 60


def deliveries_create(*, since: datetime, subject_keys: Iterable[str]) -> list[int]:
    """Deliveries for the notifications created since ``since`` about these subjects,
    on the channels their recipients want: a bounded number of queries. Returns the new
    deliveries' ids, to be enqueued after commit."""
    keys = set(subject_keys)
    if not keys:
        return []
    fresh = list(
        Notification.objects.filter(created_at__gte=since, subject_key__in=keys)
        .exclude(deliveries__isnull=False)
        .values_list(
            "pk",
            "recipient_id",
            "kind",
            "recipient__email",
            "recipient__unit_id",
            "subject_key",
            "reason",
            "due_date",
        )
    )
    if not fresh:
        return []
    refused = {
        (p.user_id, p.kind): p
        for p in ChannelPreference.objects.filter(
            Q(email=False) | Q(webhook=False), user_id__in={r for _, r, *_ in fresh}
        )
    }
    robots = set(
        UnitWebhook.objects.filter(
            is_active=True, unit_id__in={row[4] for row in fresh if row[4]}
        ).values_list("unit_id", flat=True)
    )
    rows = []
    # A unit's group hears each reminder once, however many of its people receive it.
    posted_to_group: set[tuple] = set()
    for pk, recipient_id, kind, email, unit_id, subject_key, reason, due_date in fresh:
        preference = refused.get((recipient_id, kind))
        if email and (preference is None or preference.email):
            rows.append(Delivery(notification_id=pk, channel=Channel.EMAIL))
        group_post = (unit_id, subject_key, reason, due_date)
        if (
            unit_id in robots
            and (preference is None or preference.webhook)
            and group_post not in posted_to_group
        ):
            posted_to_group.add(group_post)
            rows.append(Delivery(notification_id=pk, channel=Channel.WEBHOOK))
    # One statement on PostgreSQL, however many rows (see notifications_create).
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        Delivery.objects.filter(
            notification_id__in=[row[0] for row in fresh], status=Delivery.Status.PENDING
        ).values_list("pk", flat=True)
    )


def _claim_stale_before(now: datetime) -> datetime:
    """A claim older than this is a dead worker's: the deliver task's hard time limit
    has stopped any live one by then."""
    margin = settings.WORKER_RECLAIM_MARGIN_SECONDS
    return now - timedelta(seconds=ATTEMPT_TIME_LIMIT + margin)


def _robot_slot_take(webhook_id: int | str) -> datetime | None:
    """Take one of the robot's posts for the next minute: None when taken, else the
    moment the first one frees. Each post holds a cache key of its own for a minute
    (added atomically, SET NX on Redis), so that however many workers post, no more
    than ROBOT_POSTS_PER_MINUTE posts go to one robot in any 60 seconds."""
    now = time.time()
    keys = [f"notifications:robot:{webhook_id}:post:{n}" for n in range(ROBOT_POSTS_PER_MINUTE)]
    for key in keys:
        if cache.add(key, now, timeout=ROBOT_WINDOW_SECONDS):
            return None
    taken = [t for t in cache.get_many(keys).values() if isinstance(t, float)]
    free_at = min(taken, default=now) + ROBOT_WINDOW_SECONDS
    return datetime.fromtimestamp(max(free_at, now + 1), tz=UTC)


def delivery_attempt(*, delivery_id: int, final: bool = False, takeover: bool = False) -> bool:
    """Send one delivery; True when it is sent (now or before: a delivery re-run after a
    lost worker is not sent twice). False when this call has nothing to do: a live
    claim of another worker holds it, the delivery is gone with its notification, or
    the robot's rate limit holds it back until
    ``next_attempt_at`` (the periodic sweep enqueues it then; no attempt is spent). A
    failure is recorded and raised again, for the task to retry; ``final``, or a URL
    that may not be posted to (outbound.Refused), marks the delivery failed for good.
    ``takeover``: the broker handed the message back after its worker died, so a claim
    found on the delivery is that dead worker's."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("notification__recipient")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:  # its notification was deleted (a user's removal): no one to tell
            return False
        if delivery.status == Delivery.Status.SENT:
            return True
        if (
            delivery.status == Delivery.Status.SENDING
            and not takeover
            and delivery.claimed_at is not None
            and delivery.claimed_at >= _claim_stale_before(now)
        ):
            return False
        webhook = None
        robot_key: int | str | None = None
        if delivery.channel == Channel.WEBHOOK and delivery.address:
            # A robot named by the settings: paced like a unit's, by its URL.
            webhook = UnitWebhook(url=delivery.address)
            robot_key = "url:" + hashlib.sha256(delivery.address.encode()).hexdigest()[:32]
        elif delivery.channel == Channel.WEBHOOK:
            webhook = UnitWebhook.objects.filter(
                unit_id=delivery.notification.recipient.unit_id, is_active=True
            ).first()
            robot_key = webhook.pk if webhook is not None else None
        if webhook is not None and (free_at := _robot_slot_take(robot_key)) is not None:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.PENDING, claimed_at=None, next_attempt_at=free_at
            )
            return False
        delivery.status = Delivery.Status.SENDING
        delivery.claimed_at = now
        delivery.next_attempt_at = None
        delivery.attempts += 1
        delivery.save(update_fields=["status", "claimed_at", "next_attempt_at", "attempts"])
    notification = delivery.notification
    try:
        if delivery.channel == Channel.EMAIL:
            channels.send_email(notification, address=delivery.address)
        elif webhook is None:
            raise UnitWebhook.DoesNotExist("The unit has no active group robot")
        else:
            channels.send_webhook(notification, webhook)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        failed = final or isinstance(exc, outbound.Refused)
        DeliveryAttempt.objects.create(delivery=delivery, succeeded=False, error=error)
        # Only this attempt's own claim is released: a delivery handed back meanwhile
        # and claimed again (or sent) is left to its new attempt.
        Delivery.objects.filter(
            pk=delivery.pk, status=Delivery.Status.SENDING, claimed_at=now
        ).update(
            error=error,
            claimed_at=None,
            status=Delivery.Status.FAILED if failed else Delivery.Status.PENDING,
        )
        raise
    with transaction.atomic():
        # Sent is sent, whoever's claim it is now; but recorded once: a second attempt
        # finishing after the first (a dead worker's late finish) records nothing.
        recorded = (
            Delivery.objects.filter(pk=delivery.pk)
            .exclude(status=Delivery.Status.SENT)
            .update(
                status=Delivery.Status.SENT,
                sent_at=timezone.now(),
                error="",
                claimed_at=None,
                next_attempt_at=None,
            )
        )
        if recorded:
            DeliveryAttempt.objects.create(delivery=delivery, succeeded=True)
    return True


def deliveries_hand_back(*, now: datetime | None = None) -> list[int]:
    """The periodic sweep (every minute): a delivery whose worker died while sending it
    (its claim older than the deliver task's time limit plus WORKER_RECLAIM_MARGIN_SECONDS)
    is handed back, or failed for good once its attempts are spent; then every pending
    delivery due (held back by the robot's rate limit, or just handed back) is enqueued
    after commit. Returns the enqueued ids."""
    now = now or timezone.now()
    error = "The worker stopped during this attempt; handed back."
    with transaction.atomic():
        stuck = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Delivery.Status.SENDING, claimed_at__lt=_claim_stale_before(now))
            .values_list("pk", "attempts")
        )
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(delivery_id=pk, succeeded=False, error=error) for pk, _ in stuck
        )
        Delivery.objects.filter(
            pk__in=[pk for pk, attempts in stuck if attempts > MAX_RETRIES]
        ).update(status=Delivery.Status.FAILED, claimed_at=None, error=error)
        Delivery.objects.filter(
            pk__in=[pk for pk, attempts in stuck if attempts <= MAX_RETRIES]
        ).update(status=Delivery.Status.PENDING, claimed_at=None, next_attempt_at=now, error=error)
        due = list(
            Delivery.objects.filter(
                status=Delivery.Status.PENDING, next_attempt_at__lte=now
            ).values_list("pk", flat=True)
        )
        deliveries_enqueue(due)
    return due


def deliveries_retry(*, deliveries) -> list[int]:
    """Put failed deliveries back in the queue (the admin's "retry")."""
    ids = list(deliveries.exclude(status=Delivery.Status.SENT).values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.PENDING)
    return ids


def deliveries_enqueue(ids: list[int]) -> None:
    """Enqueue after commit: the worker must find the rows."""
    from .tasks import deliver_task

    def enqueue() -> None:
        for delivery_id in ids:
            deliver_task.delay(delivery_id)

    if ids:
        transaction.on_commit(enqueue)
