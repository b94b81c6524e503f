from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notification(models.Model):
    """A reminder (提醒) sent to one person about one record: a task assignment nearing
    its deadline, an overdue hazard, tomorrow's shift... Each person gets it once per
    subject, reason and due date, however often the sweeps run."""

    class Kind(models.TextChoices):
        TASK_ASSIGNMENT = "task_assignment", _("Task assignment")
        HAZARD = "hazard", _("Hazard")
        RECTIFICATION_REPORT = "rectification_report", _("Rectification report")
        SHIFT = "shift", _("Shift")
        INCIDENT_REPORT = "incident_report", _("Incident report")
        WEATHER_WARNING = "weather_warning", _("Weather warning")
        MEETING = "meeting", _("Meeting notice")
        ROSTER = "roster", _("Duty roster")
        SWAP = "swap", _("Shift swap")
        LEAVE = "leave", _("Leave request")
        DIGEST = "digest", _("Weekly digest")

    class Reason(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        DUE_TODAY = "due_today", _("Due today")
        OVERDUE = "overdue", _("Overdue")
        ESCALATED = "escalated", _("Escalated")
        AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
        DUTY_TOMORROW = "duty_tomorrow", _("On duty tomorrow")
        REPORT_LIMIT = "report_limit", _("Report time limit")
        WARNING_ISSUED = "warning_issued", _("Warning issued")
        DIGEST = "digest", _("Digest")
        # Events: a change of state that puts work on the recipient's desk, sent at once.
        ASSIGNED = "assigned", _("Assigned to you")
        TO_SIGN = "to_sign", _("To sign for")
        CHASED = "chased", _("Chased")
        EXTENSION_GRANTED = "extension_granted", _("Extension granted")
        EXTENSION_REFUSED = "extension_refused", _("Extension refused")
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Sent back")
        ACCEPTED = "accepted", _("Accepted")
        LISTED = "listed", _("Listed for supervision")
        CHANGE_REQUESTED = "change_requested", _("Change requested")
        CHANGE_DECIDED = "change_decided", _("Change decided")
        SWAP_REQUESTED = "swap_requested", _("Swap requested")
        SWAP_ACCEPTED = "swap_accepted", _("Swap accepted")
        SWAP_DECIDED = "swap_decided", _("Swap decided")
        LEAVE_REQUESTED = "leave_requested", _("Leave requested")
        LEAVE_DECIDED = "leave_decided", _("Leave decided")
        PUBLISHED = "published", _("Published")
        CHANGED = "changed", _("Changed")
        STAFFING_RAISED = "staffing_raised", _("Staffing raised")
        HANDOVER = "handover", _("Handover to confirm")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    # The record reminded of, as "app_label.model:pk": the notifications app names it
    # without importing the domain app.
    subject_key = models.CharField(_("subject key"), max_length=100)
    subject_label = models.CharField(_("subject"), max_length=255)
    subject_url = models.CharField(_("link"), max_length=255, blank=True)
    # The date of the ladder step this reminder belongs to (3 days before, the
    # deadline, each overdue repeat...): part of its unique key.
    due_date = models.DateField(_("due date"))
    message = models.TextField(_("message"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "subject_key", "reason", "due_date"],
                name="notification_once_per_step",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # A person's list, newest first, read from the index however many they have.
            models.Index(
                fields=["recipient", "-created_at", "-id"], name="notification_recipient_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_label}: {self.get_reason_display()}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def validate_days_list(value: str) -> None:
    from django.core.exceptions import ValidationError

    for part in filter(None, (p.strip() for p in value.split(","))):
        if not part.isdigit():
            raise ValidationError(
                _("Write whole numbers of days separated by commas, e.g. 3,1."), code="invalid"
            )


class ReminderRule(models.Model):
    """When the reminders of one kind go out (提醒规则): so many days before the
    deadline, on the day, every so many days once overdue, and when committee staff are
    told too. Seeded with the office's defaults; admins may change them."""

    kind = models.CharField(
        _("kind"), max_length=30, choices=Notification.Kind.choices, unique=True
    )
    days_before = models.CharField(
        _("days before"),
        max_length=50,
        blank=True,
        validators=[validate_days_list],
        help_text=_("Days before the deadline to remind, separated by commas, e.g. 3,1."),
    )
    on_the_day = models.BooleanField(_("on the day"), default=True)
    overdue_every_days = models.PositiveSmallIntegerField(
        _("overdue: every so many days"),
        default=2,
        help_text=_("0: no reminder once overdue."),
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate to committee staff after days"),
        null=True,
        blank=True,
        help_text=_("Empty: never escalated."),
    )
    minutes_before = models.PositiveSmallIntegerField(
        _("minutes before"),
        default=0,
        help_text=_("For time limits counted in minutes (incident reports)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def days_before_list(self) -> list[int]:
        return sorted(
            {int(p) for p in (s.strip() for s in self.days_before.split(",")) if p.isdigit()},
            reverse=True,
        )


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Group robot")


def validate_http_url(value: str) -> None:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    message = _("Enter a web address starting with http:// or https://.")
    try:
        URLValidator(schemes=["http", "https"], message=message)(value)
    except ValidationError as exc:
        raise ValidationError(message, code="invalid") from exc


def validate_webhook_url(value: str) -> None:
    """Only the robot hosts the settings allow, never an internal address: the one check
    behind the API, the page, the admin and the service (see ``outbound``)."""
    from .outbound import webhook_url_check

    webhook_url_check(value)


class UnitWebhook(models.Model):
    """A unit's group robot (群机器人) on WeCom or DingTalk: reminders to the unit's
    people are posted to its group too."""

    unit = models.OneToOneField(
        "org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="webhook"
    )
    url = models.CharField(_("webhook URL"), max_length=500, validators=[validate_webhook_url])
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk's signing secret, if the robot has one."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("unit group robot")
        verbose_name_plural = _("unit group robots")

    def __str__(self) -> str:
        return str(self.unit)


class ChannelPreference(models.Model):
    """Which channels a person wants, per kind of reminder, on top of the in-app
    notification that is always on. No row: every channel."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Notification.Kind.choices)
    email = models.BooleanField(_("email"), default=True)
    webhook = models.BooleanField(_("group robot"), default=True)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("channel preference")
        verbose_name_plural = _("channel preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"


class Delivery(models.Model):
    """The sending of one notification by email or group robot, run by a worker with
    retries; one per notification and channel, with a record of every attempt. A worker
    claims it (sending, ``claimed_at``) for the time of one attempt; a claim older than
    the task's time limit is a dead worker's, handed back by a periodic sweep."""

    class Status(models.TextChoices):
        # Waiting for its turn to be sent: the shared "Pending" read "awaiting approval".
        PENDING = "pending", pgettext_lazy("delivery status", "Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # A robot post held back by the robot's rate limit goes out at this moment (the
    # periodic sweep enqueues it).
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.notification} · {self.get_channel_display()}"


class DeliveryAttempt(models.Model):
    """One try at sending a delivery: when, and what went wrong if it did."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="tries"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery} · {self.started_at:%Y-%m-%d %H:%M}"
