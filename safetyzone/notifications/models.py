from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
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
        DUTY_REPORT = "duty_report", _("Daily duty report")

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
        TO_CONFIRM = "to_confirm", _("To confirm")
        SENT_UP = "sent_up", _("Sent up")

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
    # The chain this reminder belongs to when it must be acknowledged: the first
    # reminder (level 0) and each level it went up to.
    escalation = models.ForeignKey(
        "Escalation",
        verbose_name=_("escalation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)

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
    # A mailbox or robot outside the app, named by the settings (an upper office's, for
    # a report sent up): the delivery goes there instead of to the recipient's email or
    # their unit's robot. Empty: the recipient's own.
    address = models.CharField(_("address"), max_length=500, blank=True)
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
                fields=["notification", "channel", "address"], name="delivery_once_per_channel"
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


def validate_levels(value: str) -> None:
    from django.core.exceptions import ValidationError

    parts = [p.strip() for p in value.split(",") if p.strip()]
    known = EscalationRule.Level.values
    if not parts or any(p not in known for p in parts) or len(parts) != len(set(parts)):
        raise ValidationError(
            _("Write the levels in order, separated by commas, each once, from: %(levels)s."),
            code="invalid",
            params={"levels": ", ".join(known)},
        )


class EscalationRule(models.Model):
    """Whether a kind of reminder must be acknowledged (签收/知悉), and if nobody does,
    whom it goes to next and after how long (逐级上报): the unit's head, committee staff,
    the leader on duty. Seeded with the office's defaults; admins may change them, and the
    next run of the escalation follows the change."""

    class Subject(models.TextChoices):
        MAJOR_HAZARD_OVERDUE = "major_hazard_overdue", _("Overdue major hazard")
        INCIDENT_REPORT_LIMIT = "incident_report_limit", _("Incident near its reporting limit")
        CHASER = "chaser", _("Chaser")

    class Level(models.TextChoices):
        UNIT_HEAD = "unit_head", _("Head of the record's unit")
        COMMITTEE_STAFF = "committee_staff", _("Committee staff")
        LEADER_ON_DUTY = "leader_on_duty", _("Leader on duty")

    subject = models.CharField(_("reminder"), max_length=30, choices=Subject.choices, unique=True)
    requires_acknowledgement = models.BooleanField(_("requires acknowledgement"), default=True)
    wait_minutes = models.PositiveSmallIntegerField(
        _("minutes to wait at each level"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("Unacknowledged after so many minutes, the reminder goes one level up."),
    )
    levels = models.CharField(
        _("levels in order"),
        max_length=100,
        default="unit_head,committee_staff,leader_on_duty",
        validators=[validate_levels],
        help_text=_(
            "Separated by commas, from: unit_head (head of the record's unit), "
            "committee_staff, leader_on_duty."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["subject"]
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")

    def __str__(self) -> str:
        return str(self.get_subject_display())

    @property
    def level_list(self) -> list[str]:
        known = set(self.Level.values)
        return [p for p in (s.strip() for s in self.levels.split(",")) if p in known]


class Escalation(models.Model):
    """A reminder that must be acknowledged, about one record (an overdue major hazard,
    an incident report's time limit, a chaser): until someone who received it
    acknowledges it, it goes one level up each time its rule's minutes pass. One per
    record; its steps are recorded once each."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting acknowledgement")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        SETTLED = "settled", _("Settled on the record")
        EXHAUSTED = "exhausted", _("Every level told")

    subject_type = models.CharField(
        _("reminder"), max_length=30, choices=EscalationRule.Subject.choices
    )
    # The reminder's subject, as on its notifications ("app_label.model:pk..."): one
    # chain per record, however often it is reminded.
    subject_key = models.CharField(_("subject key"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Notification.Kind.choices)
    subject_label = models.CharField(_("subject"), max_length=255)
    subject_url = models.CharField(_("link"), max_length=255, blank=True)
    message = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    # The levels passed so far (told or skipped): 0 before the first.
    level = models.PositiveSmallIntegerField(_("level"), default=0)
    started_at = models.DateTimeField(_("started at"))
    next_at = models.DateTimeField(_("next level at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        indexes = [
            # The beat's question, every minute: which open chains are due.
            models.Index(fields=["next_at"], condition=Q(status="open"), name="escalation_open_due")
        ]

    def __str__(self) -> str:
        return f"{self.subject_label}: {self.get_status_display()}"

    @property
    def needs_acknowledgement(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.EXHAUSTED)

    def history(self) -> list[dict]:
        """Who was told at each level, and when: the reminder itself (level 0), then each
        step, told or skipped. Reads the steps and the ``told`` notifications that
        ``selectors.notification_list`` prefetches."""
        told: dict[int, list] = {}
        for notification in getattr(self, "told", None) or self.notifications.select_related(
            "recipient"
        ):
            told.setdefault(notification.escalation_level, []).append(notification)
        rows = [
            {
                "level": 0,
                "target": "",
                "label": _("Reminder"),
                "skipped": False,
                "at": self.started_at,
                "people": [str(n.recipient) for n in told.get(0, [])],
            }
        ]
        for step in self.steps.all():
            rows.append(
                {
                    "level": step.level,
                    "target": step.target,
                    "label": step.get_target_display(),
                    "skipped": step.skipped,
                    "at": step.created_at,
                    "people": [str(n.recipient) for n in told.get(step.level, [])],
                }
            )
        return rows


class EscalationStep(models.Model):
    """One level of an escalation, recorded once: whom it went to and when, or that the
    level had nobody new to tell and was skipped."""

    escalation = models.ForeignKey(
        Escalation, verbose_name=_("escalation"), on_delete=models.CASCADE, related_name="steps"
    )
    # Its place in the rule's levels, from 1.
    level = models.PositiveSmallIntegerField(_("level"))
    target = models.CharField(_("told"), max_length=20, choices=EscalationRule.Level.choices)
    skipped = models.BooleanField(_("skipped"), default=False)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["escalation", "level"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        constraints = [
            models.UniqueConstraint(fields=["escalation", "level"], name="escalation_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.escalation} · {self.level} · {self.get_target_display()}"
