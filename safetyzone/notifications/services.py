"""Changes of state of notifications: creating them in bulk (once each) and reading."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .delivery import deliveries_create, deliveries_enqueue
from .escalation import escalations_start
from .models import Notification
from .registry import Draft, digest_sections, sweeps


def notifications_create(*, drafts: Iterable[Draft], now: datetime | None = None) -> int:
    """Insert the drafts in one statement; one already sent (same recipient, subject,
    reason and due date) is skipped by the database, so a sweep run twice or a retried
    task sends nothing twice. The new ones get their email and robot deliveries,
    enqueued after commit. Returns the number of drafts offered.

    No batch size: on PostgreSQL Django inserts any number of rows in one statement
    (UNNEST), so a sweep's queries stay bounded whatever the number of due records
    (SQLite alone splits the insert, by its limit on parameters).

    A draft marked for escalation (``Draft.escalation``) whose rule requires
    acknowledgement starts its record's chain, or joins the one it has (``escalation``):
    ``now`` is when its first wait begins (the sweep's moment; default now)."""
    since = timezone.now()
    drafts = list(drafts)
    rows = [
        Notification(
            recipient_id=d.recipient_id,
            escalation_level=d.escalation_level,
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
            chains = escalations_start(drafts=drafts, now=now or since)
            for row, draft in zip(rows, drafts, strict=True):
                if draft.escalation:
                    row.escalation_id = chains.get(row.subject_key)
            Notification.objects.bulk_create(rows, ignore_conflicts=True)
            ids = deliveries_create(since=since, subject_keys={row.subject_key for row in rows})
            deliveries_enqueue(ids)
    return len(rows)


def run_sweeps(group: str, *, now: datetime | None = None) -> int:
    """Run every sweep of ``group`` and send what they find; returns the drafts offered
    (those already sent are skipped by the database)."""
    now = now or timezone.now()
    drafts: list[Draft] = []
    for sweep in sweeps(group):
        drafts.extend(sweep.run(now))
    return notifications_create(drafts=drafts, now=now)


def _subject_key_and_url(subject, subject_url: str) -> tuple[str, str]:
    """The record's key ("app_label.model:pk"), and its link: ``subject_url`` when given,
    else the record's own ``get_absolute_url``."""
    if not subject_url and hasattr(subject, "get_absolute_url"):
        subject_url = subject.get_absolute_url()
    return f"{subject._meta.label_lower}:{subject.pk}", subject_url


def notify(
    *,
    recipient_ids: Iterable[int],
    kind: str,
    reason: str,
    subject,
    subject_label: str,
    message: str,
    subject_url: str = "",
    event_key: str = "",
    exclude_id: int | None = None,
    escalation: str = "",
) -> int:
    """Tell people at once that work has reached their desk (a task assigned to their
    unit, a report to review, a swap to decide...): the one path for domain services,
    through the outbox, so preferences, retries and the record hold as for reminders.

    Call it inside the service's transaction: the notifications are rolled back with the
    change, and their email and robot deliveries are enqueued after commit. ``subject``
    is the record (its URL is ``subject_url``, default its ``get_absolute_url``);
    ``event_key`` tells apart two events of one reason on one record in a day (a report
    sent back twice: the report's pk). ``exclude_id`` is the actor, who is not told of
    their own step. ``escalation``: an EscalationRule.Subject when it must be
    acknowledged (see ``escalation.py``). Returns the number of notifications offered."""
    key, subject_url = _subject_key_and_url(subject, subject_url)
    if event_key:
        key = f"{key}#{event_key}"
    today = timezone.localdate()
    return notifications_create(
        drafts=[
            Draft(
                recipient_id=user_id,
                kind=kind,
                reason=reason,
                subject_key=key,
                subject_label=subject_label,
                subject_url=subject_url,
                due_date=today,
                message=message,
                escalation=escalation,
            )
            for user_id in sorted(set(recipient_ids))
            if user_id != exclude_id
        ]
    )


def notify_outside(
    *,
    sender_id: int,
    kind: str,
    reason: str,
    subject,
    subject_label: str,
    message: str,
    emails: Iterable[str] = (),
    robot_urls: Iterable[str] = (),
    subject_url: str = "",
) -> Notification:
    """Send a record out of the app, to mailboxes and group robots the settings name (a
    report sent up to the upper office), through the outbox like every notification: one
    notification in the sender's list keeps the record, with one delivery per address,
    sent by the worker with retries; a robot URL off the allowed origins fails for good
    when posted (``outbound``). Call it inside the service's transaction; sent once per
    record and reason (a second call returns the first notification)."""
    from .models import Channel, Delivery

    key, subject_url = _subject_key_and_url(subject, subject_url)
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            recipient_id=sender_id,
            subject_key=key[:100],
            reason=reason,
            due_date=timezone.localdate(),
            defaults={
                "kind": kind,
                "subject_label": subject_label[:255],
                "subject_url": subject_url[:255],
                "message": message,
            },
        )
        if not created:
            return notification
        rows = [
            Delivery(notification=notification, channel=channel, address=address.strip())
            for channel, addresses in ((Channel.EMAIL, emails), (Channel.WEBHOOK, robot_urls))
            for address in dict.fromkeys(addresses)
            if address.strip()
        ]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        deliveries_enqueue(
            list(
                Delivery.objects.filter(
                    notification=notification, status=Delivery.Status.PENDING
                ).values_list("pk", flat=True)
            )
        )
    return notification


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


def weekly_digest_text(*, now: datetime) -> str:
    """The weekly summary committee staff read on Monday: each domain app's registered
    section (task assignments, hazards and rectification, emergency duty...), then the
    reminders sent over the past seven days and how many are still unread. A fixed
    number of queries, whatever the number of records."""
    from django.db.models import Count, Q
    from django.utils.translation import gettext as _

    blocks = []
    for section in digest_sections():
        lines = section.run(now)
        if lines:
            blocks.append(
                [
                    _("[%(title)s]") % {"title": section.title},
                    *(
                        _("%(label)s: %(count)d") % {"label": line.label, "count": line.count}
                        for line in lines
                    ),
                ]
            )
    rows = (
        Notification.objects.filter(created_at__gte=now - timedelta(days=7), created_at__lt=now)
        .exclude(kind=Notification.Kind.DIGEST)
        .values("kind")
        .annotate(sent=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)))
        .order_by("kind")
    )
    labels = dict(Notification.Kind.choices)
    reminders = [
        _("%(kind)s: %(sent)d sent, %(unread)d unread")
        % {**row, "kind": labels.get(row["kind"], row["kind"])}
        for row in rows
    ]
    blocks.append(
        [
            _("[%(title)s]") % {"title": _("Reminders in the past 7 days")},
            *(reminders or [_("No reminders were sent this week.")]),
        ]
    )
    return "\n\n".join("\n".join(block) for block in blocks)


def weekly_digest_send(*, now: datetime | None = None) -> int:
    """To each committee staff member, once a week: the weekly digest (see
    weekly_digest_text)."""
    from django.utils.translation import gettext as _

    from .recipients import committee_staff_ids

    now = now or timezone.now()
    today = timezone.localdate(now)
    staff = committee_staff_ids()
    if not staff:
        return 0
    message = weekly_digest_text(now=now)
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
            for user_id in staff
        ]
    )


@transaction.atomic
def channel_preferences_set(
    *, user, choices: Mapping[str, tuple[bool | None, bool | None]]
) -> None:
    """Save ``user``'s channels per kind: {kind: (email, webhook)}; None keeps what is
    saved (every channel when nothing is). In-app is always on. An unknown kind or a
    value that is not a boolean is refused, and nothing is saved."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .models import ChannelPreference

    unknown = sorted(set(choices) - set(Notification.Kind.values))
    if unknown:
        raise ValidationError(
            {
                "kind": ValidationError(
                    _("Unknown kind of reminder: %(kinds)s."),
                    code="invalid_choice",
                    params={"kinds": ", ".join(unknown)},
                )
            }
        )
    for field, index in (("email", 0), ("webhook", 1)):
        if any(not isinstance(c[index], bool | None) for c in choices.values()):
            raise ValidationError(
                {field: ValidationError(_("Choose true or false."), code="invalid")}
            )
    saved = {p.kind: p for p in ChannelPreference.objects.filter(user=user, kind__in=list(choices))}
    rows = []
    for kind, (email, webhook) in choices.items():
        current = saved.get(kind) or ChannelPreference(email=True, webhook=True)
        rows.append(
            ChannelPreference(
                user=user,
                kind=kind,
                email=current.email if email is None else email,
                webhook=current.webhook if webhook is None else webhook,
            )
        )
    ChannelPreference.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["email", "webhook"],
    )


@transaction.atomic
def unit_webhook_set(
    *,
    actor,
    unit,
    url: str | None = None,
    secret: str | None = None,
    is_active: bool | None = None,
):
    """Create or change ``unit``'s group robot as ``actor`` (its head, or the office's
    staff); None keeps what is saved (a new robot: no secret, active). A URL off the
    allowed origins or at an internal address is refused, nothing saved."""
    from django.core.exceptions import PermissionDenied

    from safetyzone.org.scoping import require_unit

    from .models import UnitWebhook
    from .selectors import can_set_unit_robot

    if not can_set_unit_robot(actor):
        raise PermissionDenied
    require_unit(actor, unit)

    webhook = UnitWebhook.objects.select_for_update().filter(unit=unit).first() or UnitWebhook(
        unit=unit
    )
    if url is not None:
        webhook.url = url
    if secret is not None:
        webhook.secret = secret
    if is_active is not None:
        webhook.is_active = is_active
    webhook.full_clean()
    webhook.save()
    return webhook
