"""Deliveries by email and group robot: created in bulk after new notifications, sent
one by one by the worker, each attempt recorded."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import channels
from .models import Channel, ChannelPreference, Delivery, DeliveryAttempt, Notification, UnitWebhook


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


def delivery_attempt(*, delivery_id: int, final: bool = False) -> bool:
    """Send one delivery; True when it is sent (now or before: a delivery re-run after a
    lost worker is not sent twice). A failure is recorded and raised again, for the task
    to retry; ``final`` marks the delivery failed for good."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("notification__recipient")
            .get(pk=delivery_id)
        )
        if delivery.status == Delivery.Status.SENT:
            return True
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
    notification = delivery.notification
    try:
        if delivery.channel == Channel.EMAIL:
            channels.send_email(notification)
        else:
            webhook = UnitWebhook.objects.get(
                unit_id=notification.recipient.unit_id, is_active=True
            )
            channels.send_webhook(notification, webhook)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        DeliveryAttempt.objects.create(delivery=delivery, succeeded=False, error=error)
        Delivery.objects.filter(pk=delivery.pk).update(
            error=error, status=Delivery.Status.FAILED if final else Delivery.Status.PENDING
        )
        raise
    DeliveryAttempt.objects.create(delivery=delivery, succeeded=True)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), error=""
    )
    return True


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
