"""Changes of state of notifications: creating them in bulk (once each) and reading."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from .delivery import deliveries_create, deliveries_enqueue
from .models import Notification


@dataclass(frozen=True)
class Draft:
    """One notification a sweep wants sent."""

    recipient_id: int
    kind: str
    reason: str
    subject_key: str
    subject_label: str
    due_date: date
    message: str
    subject_url: str = ""


def notifications_create(*, drafts: Iterable[Draft]) -> int:
    """Insert the drafts in one statement; one already sent (same recipient, subject,
    reason and due date) is skipped by the database, so a sweep run twice or a retried
    task sends nothing twice. The new ones get their email and robot deliveries,
    enqueued after commit. Returns the number of drafts offered.

    No batch size: on PostgreSQL Django inserts any number of rows in one statement
    (UNNEST), so a sweep's queries stay bounded whatever the number of due records
    (SQLite alone splits the insert, by its limit on parameters)."""
    since = timezone.now()
    rows = [
        Notification(
            recipient_id=d.recipient_id,
            kind=d.kind,
            reason=d.reason,
            subject_key=d.subject_key[:100],
            subject_label=d.subject_label[:255],
            subject_url=d.subject_url[:255],
            due_date=d.due_date,
            message=d.message,
        )
        for d in drafts
    ]
    if rows:
        with transaction.atomic():
            Notification.objects.bulk_create(rows, ignore_conflicts=True)
            ids = deliveries_create(since=since, subject_keys={row.subject_key for row in rows})
            deliveries_enqueue(ids)
    return len(rows)


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def weekly_digest_send(*, now=None) -> int:
    """To each committee staff member, once a week: how many reminders of each kind went
    out over the past seven days and how many are still unread."""
    from django.db.models import Count, Q
    from django.utils.translation import gettext as _

    from .recipients import committee_staff_ids

    now = now or timezone.now()
    today = timezone.localdate(now)
    since = now - timedelta(days=7)
    rows = (
        Notification.objects.filter(created_at__gte=since)
        .exclude(kind=Notification.Kind.DIGEST)
        .values("kind")
        .annotate(sent=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)))
        .order_by("kind")
    )
    labels = dict(Notification.Kind.choices)
    lines = [
        _("%(kind)s: %(sent)d sent, %(unread)d unread")
        % {"kind": labels.get(row["kind"], row["kind"]), **row}
        for row in rows
    ]
    message = "\n".join(lines) or _("No reminders were sent this week.")
    year, week, _weekday = today.isocalendar()
    return notifications_create(
        drafts=[
            Draft(
                recipient_id=user_id,
                kind=Notification.Kind.DIGEST,
                reason=Notification.Reason.DIGEST,
                subject_key=f"notifications.digest:{year}-W{week:02d}",
                subject_label=_("Weekly digest, week %(week)d of %(year)d")
                % {"week": week, "year": year},
                due_date=today,
                message=message,
            )
            for user_id in committee_staff_ids()
        ]
    )


@transaction.atomic
def channel_preferences_set(*, user, choices: dict[str, tuple[bool, bool]]) -> None:
    """Save ``user``'s channels per kind: {kind: (email, webhook)}. In-app is always on."""
    from .models import ChannelPreference

    for kind, (email, webhook) in choices.items():
        if kind not in Notification.Kind.values:
            continue
        ChannelPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": email, "webhook": webhook}
        )


@transaction.atomic
def unit_webhook_set(*, unit, url: str, secret: str = "", is_active: bool = True):
    """Create or change ``unit``'s group robot; a URL that is not http(s) is refused."""
    from .models import UnitWebhook

    webhook = UnitWebhook.objects.filter(unit=unit).first() or UnitWebhook(unit=unit)
    webhook.url, webhook.secret, webhook.is_active = url, secret, is_active
    webhook.full_clean()
    webhook.save()
    return webhook
