"""The zone's emergency duty (应急值班): rosters and shifts, swaps, duty logs and
handovers, incident reports, weather warnings, emergency resources and rescue teams."""

import secrets
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from safetyzone.core.models import DecidedRequest, YearlyCounter
from safetyzone.core.states import StatusGraph
from safetyzone.org.models import Unit

USER = settings.AUTH_USER_MODEL

# The duty office (值班室): the leader and the officers on duty now. At night it is the
# zone's eyes on every unit's resources and rescue teams, and it may issue any unit's
# stock (see ``safetyzone.org.scoping``: the office is registered in apps.py).
DUTY_OFFICE = "duty_office"


class DutyRoster(models.Model):
    """A duty roster (值班表) of one unit over a period: one shift per day by default,
    each with its leader on duty and its duty officers. Built as a draft, checked, then
    published; a published roster changes only through approved swaps."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    TRANSITIONS = StatusGraph({Status.DRAFT: (Status.PUBLISHED,), Status.PUBLISHED: ()})

    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="duty_rosters"
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    officers_per_shift = models.PositiveSmallIntegerField(
        _("officers per shift"),
        default=1,
        help_text=_("Duty officers on an ordinary day; key periods and warnings add more."),
    )
    phone = models.CharField(_("duty phone"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        USER,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ical_token = models.CharField(
        _("calendar feed key"), max_length=64, unique=True, default=secrets.token_urlsafe
    )

    # The roster's own unit, and the units of the people on it.
    scope_unit_field = ("unit", "shifts__assignments__person__unit")

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")
        permissions = [("publish_dutyroster", _("Can generate and publish duty rosters"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="duty_roster_end_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="duty_roster_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(officers_per_shift__gte=1),
                name="duty_roster_at_least_one_officer",
                violation_error_message=_("A shift needs at least one duty officer."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "start_date", "end_date"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("duty:roster-detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Shift(models.Model):
    """One shift of a roster (班次): by default a duty day from the change-over time
    (08:30) to the same time the next day. Closed by its handover."""

    class State(models.TextChoices):
        """Not a column: a shift is open until its handover closes it (``closed_at``)."""

        OPEN = "open", _("Shift open")
        HANDED_OVER = "handed_over", _("Handed over, waiting for confirmation")
        CLOSED = "closed", _("Handed over")

    # Handed over once; its log and incidents are written until the incoming leader
    # confirms the handover, which closes it.
    TRANSITIONS = StatusGraph(
        {
            State.OPEN: (State.HANDED_OVER,),
            State.HANDED_OVER: (State.CLOSED,),
            State.CLOSED: (),
        }
    )

    roster = models.ForeignKey(
        DutyRoster, verbose_name=_("roster"), on_delete=models.CASCADE, related_name="shifts"
    )
    date = models.DateField(_("duty day"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    phone = models.CharField(_("duty phone"), max_length=30, blank=True)
    officers_needed = models.PositiveSmallIntegerField(_("officers needed"), default=1)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    people = models.ManyToManyField(
        USER,
        through="ShiftAssignment",
        verbose_name=_("people on duty"),
        related_name="duty_shifts",
    )

    scope_unit_field = ("roster__unit", "roster__shifts__assignments__person__unit")

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="duty_shift_ends_after_start",
                violation_error_message=_("A shift must end after it starts."),
            ),
            models.UniqueConstraint(
                fields=["roster", "starts_at"],
                name="duty_shift_unique_start",
                violation_error_message=_("The roster already has a shift starting then."),
            ),
        ]
        indexes = [
            models.Index(fields=["starts_at", "ends_at"]),
            models.Index(fields=["roster", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.roster} · {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("duty:shift-detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def state(self) -> str:
        """One query while the shift is not closed (is it handed over?)."""
        if self.is_closed:
            return self.State.CLOSED
        if Handover.objects.filter(shift=self).exists():
            return self.State.HANDED_OVER
        return self.State.OPEN

    def is_on_now(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.starts_at <= at < self.ends_at


class ShiftAssignment(models.Model):
    """A person on a shift, as its leader on duty (带班领导) or as a duty officer (值班员)."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader on duty")
        OFFICER = "officer", _("Duty officer")

    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="assignments"
    )
    person = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="duty_assignments"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    scope_unit_field = ("shift__roster__unit", "person__unit")

    class Meta:
        ordering = ["shift", "role", "pk"]
        verbose_name = _("shift assignment")
        verbose_name_plural = _("shift assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "person"],
                name="duty_assignment_once_per_shift",
                violation_error_message=_("This person is already on this shift."),
            ),
            models.UniqueConstraint(
                fields=["shift"],
                condition=Q(role="leader"),
                name="duty_one_leader_per_shift",
                violation_error_message=_("A shift has exactly one leader on duty."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()}"


class ShiftChange(models.Model):
    """The history of a shift's people: who was replaced by whom, when, why."""

    class Kind(models.TextChoices):
        EDIT = "edit", _("Edited")
        SWAP = "swap", _("Swap")

    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    role = models.CharField(_("role"), max_length=10, choices=ShiftAssignment.Role.choices)
    person_before = models.ForeignKey(
        USER,
        verbose_name=_("before"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    person_after = models.ForeignKey(
        USER,
        verbose_name=_("after"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    swap_request = models.ForeignKey(
        "SwapRequest",
        verbose_name=_("swap request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
    )
    changed_by = models.ForeignKey(
        USER,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_unit_field = "shift__roster__unit"

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("shift change")
        verbose_name_plural = _("shift changes")

    def __str__(self) -> str:
        return f"{self.shift}: {self.person_before} → {self.person_after}"


class Unavailability(models.Model):
    """Days a person cannot be on duty: leave (请假), a business trip (出差), training."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("Leave")
        TRIP = "trip", _("Business trip")
        TRAINING = "training", _("Training")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.CASCADE, related_name="unavailabilities"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.LEAVE)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_unit_field = "person__unit"

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("unavailability")
        verbose_name_plural = _("unavailabilities")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="duty_unavailability_end_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
        ]
        indexes = [models.Index(fields=["person", "start_date", "end_date"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} {self.start_date}–{self.end_date}"


class LeaveRequest(DecidedRequest):
    """A request for leave (请假), a business trip or training, asked by a duty officer
    or leader on duty for themself or by a department head for their unit's people;
    committee staff grant it, which records the days as the person's unavailability
    (the one record the generator, the checks and swaps read), or refuse it with a
    reason. The request and its decision stay on record either way."""

    person = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.CASCADE, related_name="leave_requests"
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Unavailability.Kind.choices,
        default=Unavailability.Kind.LEAVE,
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # The leave recorded when the request was granted.
    leave = models.OneToOneField(
        Unavailability,
        verbose_name=_("recorded leave"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="request",
    )

    scope_unit_field = "person__unit"

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        permissions = [
            ("decide_leaverequest", _("Can grant or refuse leave requests")),
            ("request_for_unit_leaverequest", _("Can request leave for the unit's people")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="duty_leave_request_end_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="duty_leave_request_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(decision_note=""),
                name="duty_leave_request_refused_has_reason",
                violation_error_message=_("Say why the leave is refused."),
            ),
            # Granted is recorded leave; nothing else is.
            models.CheckConstraint(
                condition=Q(status="granted", leave__isnull=False)
                | (~Q(status="granted") & Q(leave__isnull=True)),
                name="duty_leave_request_granted_is_recorded",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "start_date", "end_date"]),
            models.Index(fields=["status", "-requested_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} {self.start_date}–{self.end_date}"

    def get_absolute_url(self) -> str:
        return reverse("duty:unavailability-list") + f"#leave-request-{self.pk}"


class SwapRequest(models.Model):
    """A person asks to give their shift to another (and, in a swap, to take one of the
    other's in return); the other accepts; committee staff approve, and the roster
    changes."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the colleague")
        ACCEPTED = "accepted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined by the colleague")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    # Cancelled by the requester, rejected by staff, while open; the colleague answers a
    # request, staff decide on an accepted one.
    TRANSITIONS = StatusGraph(
        {
            Status.REQUESTED: (
                Status.ACCEPTED,
                Status.DECLINED,
                Status.CANCELLED,
                Status.REJECTED,
            ),
            Status.ACCEPTED: (Status.APPROVED, Status.REJECTED, Status.CANCELLED),
            Status.APPROVED: (),
            Status.DECLINED: (),
            Status.REJECTED: (),
            Status.CANCELLED: (),
        }
    )
    OPEN_STATUSES = TRANSITIONS.open

    shift = models.ForeignKey(
        Shift, verbose_name=_("shift given"), on_delete=models.CASCADE, related_name="swaps_out"
    )
    requester = models.ForeignKey(
        USER, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    counterpart = models.ForeignKey(
        USER, verbose_name=_("colleague"), on_delete=models.CASCADE, related_name="+"
    )
    counterpart_shift = models.ForeignKey(
        Shift,
        verbose_name=_("shift taken in return"),
        on_delete=models.CASCADE,
        related_name="swaps_in",
        null=True,
        blank=True,
        help_text=_("Leave empty when the colleague simply takes over the shift."),
    )
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    scope_unit_field = ("shift__roster__unit", "requester__unit", "counterpart__unit")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        permissions = [("approve_swaprequest", _("Can approve shift swaps"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=F("counterpart")),
                name="duty_swap_with_someone_else",
                violation_error_message=_("A swap needs another person."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.counterpart} · {self.shift.date}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class DutyLogEntry(models.Model):
    """One entry of a shift's duty log (值班日志). Append-only: a correction is a new
    entry that points at the one it corrects."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call received")
        INSTRUCTION = "instruction", _("Instruction")
        PATROL = "patrol", _("Patrol")
        INCIDENT = "incident", _("Incident")
        OTHER = "other", _("Other")

    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.PROTECT, related_name="log_entries"
    )
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    content = models.TextField(_("content"))
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    author = models.ForeignKey(
        USER, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    scope_unit_field = ("shift__roster__unit", "shift__assignments__person__unit")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log entries")
        indexes = [models.Index(fields=["shift", "at"])]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.get_kind_display()}"


class Handover(models.Model):
    """The handover (交接班) that closes a shift: who hands over to whom, when, and the
    matters still open, which carry over by themselves into the next handover."""

    class State(models.TextChoices):
        """Not a column: a handover waits until the incoming leader confirms it
        (``confirmed_at``)."""

        AWAITING = "awaiting", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed by the incoming leader")

    TRANSITIONS = StatusGraph({State.AWAITING: (State.CONFIRMED,), State.CONFIRMED: ()})

    shift = models.OneToOneField(
        Shift, verbose_name=_("shift"), on_delete=models.PROTECT, related_name="handover"
    )
    next_shift = models.ForeignKey(
        Shift,
        verbose_name=_("next shift"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handovers_received",
    )
    handed_over_at = models.DateTimeField(_("handed over at"))
    outgoing = models.ManyToManyField(USER, verbose_name=_("outgoing"), related_name="+")
    incoming = models.ManyToManyField(
        USER, verbose_name=_("incoming"), related_name="+", blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    early_reason = models.CharField(
        _("reason for handing over early"),
        max_length=200,
        blank=True,
        help_text=_("Needed when the shift is handed over before it ends."),
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    scope_unit_field = ("shift__roster__unit", "shift__assignments__person__unit")

    class Meta:
        ordering = ["-handed_over_at", "-pk"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, confirmed_by__isnull=True)
                | Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="duty_handover_confirmed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return _("Handover of %(shift)s") % {"shift": self.shift}

    @property
    def is_confirmed(self) -> bool:
        """Complete: the incoming leader on duty has taken the shift over."""
        return self.confirmed_at is not None

    @property
    def state(self) -> str:
        return self.State.CONFIRMED if self.is_confirmed else self.State.AWAITING


class OpenMatter(models.Model):
    """A matter still open at a handover. Each handover lists its own copy; one left
    open is copied into the next handover (``carried_from``) until someone closes it."""

    class State(models.TextChoices):
        """Not a column: open until closed (``closed_at``)."""

        OPEN = "open", _("Still open")
        CLOSED = "closed", _("Matter closed")

    TRANSITIONS = StatusGraph({State.OPEN: (State.CLOSED,), State.CLOSED: ()})

    handover = models.ForeignKey(
        Handover, verbose_name=_("handover"), on_delete=models.CASCADE, related_name="matters"
    )
    text = models.CharField(_("matter"), max_length=500)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closing_note = models.CharField(_("how it was closed"), max_length=200, blank=True)
    incident = models.ForeignKey(
        "IncidentReport",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matters",
        help_text=_("An incident still open (no final report yet) carried over as a matter."),
    )

    scope_unit_field = (
        "handover__shift__roster__unit",
        "handover__shift__assignments__person__unit",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("open matter")
        verbose_name_plural = _("open matters")

    def __str__(self) -> str:
        return self.text

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def state(self) -> str:
        return self.State.OPEN if self.is_open else self.State.CLOSED


# The national classification of production safety accidents (生产安全事故报告和调查处理
# 条例, art. 3), also used for fires: a level and the deaths, serious injuries (acute
# industrial poisoning included) and direct economic loss (in 10,000 yuan) from which
# an accident is at least of that level. Highest first; below the last row it is general.
ACCIDENT_LEVEL_THRESHOLDS: tuple[tuple[str, int, int, Decimal], ...] = (
    ("especially_serious", 30, 100, Decimal(10000)),
    ("serious", 10, 50, Decimal(5000)),
    ("larger", 3, 10, Decimal(1000)),
)
# Lowest first.
INCIDENT_LEVEL_ORDER = ("general", "larger", "serious", "especially_serious")
# The kinds of incident the classification applies to (weather, natural disasters and
# public health events have classifications of their own).
CLASSIFIED_KINDS = ("accident", "fire")


def accident_level(*, deaths: int, injuries: int, direct_loss: Decimal | int) -> str:
    """The least level the figures of an accident imply."""
    for level, min_deaths, min_injuries, min_loss in ACCIDENT_LEVEL_THRESHOLDS:
        if deaths >= min_deaths or injuries >= min_injuries or direct_loss >= min_loss:
            return level
    return INCIDENT_LEVEL_ORDER[0]


def _level_at_least_implied() -> list[models.CheckConstraint]:
    """One constraint per row of the table: figures reaching it need a level as high."""
    constraints = []
    for level, min_deaths, min_injuries, min_loss in ACCIDENT_LEVEL_THRESHOLDS:
        high_enough = INCIDENT_LEVEL_ORDER[INCIDENT_LEVEL_ORDER.index(level) :]
        reached = (
            Q(deaths__gte=min_deaths) | Q(injuries__gte=min_injuries) | Q(direct_loss__gte=min_loss)
        )
        constraints.append(
            models.CheckConstraint(
                condition=~(Q(kind__in=CLASSIFIED_KINDS) & reached) | Q(level__in=high_enough),
                name=f"duty_incident_level_{level}_by_figures",
                violation_error_message=_("The level is lower than the casualties and losses."),
            )
        )
    return constraints


class IncidentReport(models.Model):
    """A report received on duty (信息报送 / 突发事件信息) and the chain of reports sent up
    about it: the first report (首报), follow-ups (续报) and the final report (终报)."""

    class State(models.TextChoices):
        """Not a column: how far the chain of reports sent up has come (its updates)."""

        RECEIVED = "received", _("Received, not yet reported")
        REPORTED = "reported", _("First report sent")
        FOLLOWED_UP = "followed_up", _("Follow-up sent")
        CLOSED = "closed", _("Final report sent")

    # The first report comes first, once; follow-ups after it; the final report closes
    # the chain.
    TRANSITIONS = StatusGraph(
        {
            State.RECEIVED: (State.REPORTED,),
            State.REPORTED: (State.FOLLOWED_UP, State.CLOSED),
            State.FOLLOWED_UP: (State.FOLLOWED_UP, State.CLOSED),
            State.CLOSED: (),
        }
    )

    class Kind(models.TextChoices):
        ACCIDENT = "accident", _("Accident")
        FIRE = "fire", _("Fire")
        WEATHER = "weather", _("Extreme weather")
        DISASTER = "disaster", _("Natural disaster")
        HEALTH = "health", _("Public health")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        GENERAL = "general", _("General (level IV)")
        LARGER = "larger", _("Larger (level III)")
        SERIOUS = "serious", _("Serious (level II)")
        ESPECIALLY_SERIOUS = "especially_serious", _("Especially serious (level I)")

    SERIOUS_LEVELS = (Level.SERIOUS, Level.ESPECIALLY_SERIOUS)

    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.PROTECT, related_name="incident_reports"
    )
    received_at = models.DateTimeField(_("received at"))
    reported_by = models.CharField(_("from whom"), max_length=100)
    reporter_phone = models.CharField(_("their phone"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.GENERAL
    )
    place = models.CharField(_("place"), max_length=200)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    injuries = models.PositiveIntegerField(_("injuries"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    direct_loss = models.DecimalField(
        _("direct economic loss (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    description = models.TextField(_("description"))
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_unit_field = ("shift__roster__unit", "shift__assignments__person__unit")
    # What the person on duty writes down of a report received: the form, the API and
    # the service take these and nothing else.
    REPORT_FIELDS = (
        "received_at",
        "reported_by",
        "reporter_phone",
        "kind",
        "level",
        "place",
        "deaths",
        "injuries",
        "missing",
        "direct_loss",
        "description",
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")
        indexes = [models.Index(fields=["received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(direct_loss__gte=0),
                name="duty_incident_loss_not_negative",
                violation_error_message=_("The loss cannot be negative."),
            ),
            *_level_at_least_implied(),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.received_at):%Y-%m-%d %H:%M} {self.place}"

    def get_absolute_url(self) -> str:
        return reverse("duty:incident-detail", args=[self.pk])

    @property
    def is_serious(self) -> bool:
        return self.level in self.SERIOUS_LEVELS

    def state_after(self, kinds) -> str:
        """The chain's state once the updates of ``kinds`` (``IncidentUpdate.Kind``) are
        sent."""
        kinds = set(kinds)
        if IncidentUpdate.Kind.FINAL in kinds:
            return self.State.CLOSED
        if IncidentUpdate.Kind.FOLLOW_UP in kinds:
            return self.State.FOLLOWED_UP
        if IncidentUpdate.Kind.FIRST in kinds:
            return self.State.REPORTED
        return self.State.RECEIVED

    @property
    def state(self) -> str:
        """One query unless the updates were prefetched."""
        return self.state_after(u.kind for u in self.updates.all())

    def level_implied(self) -> str | None:
        """The least level the figures imply, for the kinds the national classification
        covers (``ACCIDENT_LEVEL_THRESHOLDS``); None for the others."""
        if self.kind not in CLASSIFIED_KINDS:
            return None
        return accident_level(
            deaths=self.deaths or 0,
            injuries=self.injuries or 0,
            direct_loss=self.direct_loss if self.direct_loss is not None else Decimal(0),
        )


class IncidentUpdate(models.Model):
    """One report sent up about an incident: first, follow-up n, or final."""

    class Kind(models.TextChoices):
        FIRST = "first", _("First report")
        FOLLOW_UP = "follow_up", _("Follow-up report")
        FINAL = "final", _("Final report")

    class Method(models.TextChoices):
        PHONE = "phone", _("By phone")
        WRITTEN = "written", _("In writing")

    report = models.ForeignKey(
        IncidentReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="updates"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sequence = models.PositiveSmallIntegerField(_("number"), default=0)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    sent_at = models.DateTimeField(_("sent at"))
    content = models.TextField(_("content"))
    received_by = models.CharField(_("received by"), max_length=100)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    scope_unit_field = (
        "report__shift__roster__unit",
        "report__shift__assignments__person__unit",
    )

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("report sent up")
        verbose_name_plural = _("reports sent up")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind", "sequence"],
                name="duty_incident_update_unique_number",
                violation_error_message=_("This report of the chain already exists."),
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(kind="first"),
                name="duty_incident_one_first_report",
                violation_error_message=_("The incident already has its first report."),
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(kind="final"),
                name="duty_incident_one_final_report",
                violation_error_message=_("The incident already has its final report."),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.FOLLOW_UP:
            return _("Follow-up report %(n)s") % {"n": self.sequence}
        return str(self.get_kind_display())


# The hazard as it stands in a warning's name ("Orange blizzard warning"), lower case in
# English; a context of its own, since the kind's label starts a sentence elsewhere.
WARNING_HAZARD_NAMES = {
    "rainstorm": pgettext_lazy("weather warning name", "rainstorm"),
    "blizzard": pgettext_lazy("weather warning name", "blizzard"),
    "high_wind": pgettext_lazy("weather warning name", "high wind"),
    "heat": pgettext_lazy("weather warning name", "heat"),
    "cold_wave": pgettext_lazy("weather warning name", "cold wave"),
    "thunder": pgettext_lazy("weather warning name", "thunder and lightning"),
    "fog": pgettext_lazy("weather warning name", "fog"),
    "hail": pgettext_lazy("weather warning name", "hail"),
}


def warning_name(*, kind: str, level: str) -> str:
    """The one way a weather warning is named: colour, hazard, "warning" in English
    ("Orange blizzard warning"), in the order each language says it (暴雪橙色预警).
    A warning of another kind is named by its colour alone ("Orange warning")."""
    colour = WeatherWarning.Level(level).label if level in WeatherWarning.Level.values else level
    hazard = WARNING_HAZARD_NAMES.get(kind)
    if hazard is None:
        return gettext("%(level)s warning") % {"level": colour}
    return gettext("%(level)s %(kind)s warning") % {"level": colour, "kind": hazard}


class WeatherWarning(models.Model):
    """A weather warning (预警) in force over an area. An active one shows as a banner to
    everyone; orange and red raise the officers every shift needs."""

    class State(models.TextChoices):
        """Not a column: in force until lifted (``lifted_at``) or until it runs out."""

        ISSUED = "issued", _("Not lifted")
        LIFTED = "lifted", _("Lifted")

    TRANSITIONS = StatusGraph({State.ISSUED: (State.LIFTED,), State.LIFTED: ()})

    class Kind(models.TextChoices):
        RAINSTORM = "rainstorm", _("Rainstorm")
        BLIZZARD = "blizzard", _("Blizzard")
        HIGH_WIND = "high_wind", _("High wind")
        HEAT = "heat", _("Heat")
        COLD_WAVE = "cold_wave", _("Cold wave")
        THUNDER = "thunder", _("Thunder and lightning")
        FOG = "fog", _("Fog")
        HAIL = "hail", _("Hail")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        BLUE = "blue", _("Blue")
        YELLOW = "yellow", _("Yellow")
        ORANGE = "orange", _("Orange")
        RED = "red", _("Red")

    RAISING_LEVELS = (Level.ORANGE, Level.RED)

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    area = models.CharField(_("area"), max_length=200)
    issued_by = models.CharField(_("issued by"), max_length=100, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    valid_until = models.DateTimeField(_("valid until"))
    content = models.TextField(_("content"), blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        USER,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("weather warning")
        verbose_name_plural = _("weather warnings")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("issued_at")),
                name="duty_warning_ends_after_issue",
                violation_error_message=_("A warning must be valid until after it is issued."),
            ),
        ]
        indexes = [models.Index(fields=["issued_at", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.name} · {self.area}"

    @property
    def name(self) -> str:
        """The warning as it is named everywhere (banner, checks, notifications, robot
        posts): "Orange blizzard warning", 暴雪橙色预警."""
        return warning_name(kind=self.kind, level=self.level)

    @property
    def ends_at(self) -> datetime:
        return self.lifted_at or self.valid_until

    @property
    def state(self) -> str:
        return self.State.LIFTED if self.lifted_at is not None else self.State.ISSUED

    def is_active(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.issued_at <= at < self.ends_at

    @property
    def raises_duty(self) -> bool:
        return self.level in self.RAISING_LEVELS


class EmergencyResource(models.Model):
    """A vehicle, piece of equipment or stock of material (应急物资 / 装备 / 车辆) the
    zone can send out, with where it is kept and who keeps it."""

    class Kind(models.TextChoices):
        VEHICLE = "vehicle", _("Vehicle")
        EQUIPMENT = "equipment", _("Equipment")
        MATERIAL = "material", _("Material")

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        IN_USE = "in_use", _("In use")
        MAINTENANCE = "maintenance", _("Under maintenance")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="emergency_resources"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=0)
    issued = models.DecimalField(
        _("issued, not yet returned"),
        max_digits=12,
        decimal_places=2,
        default=0,
        editable=False,
        help_text=_("What went out and has not come back; a return cannot exceed it."),
    )
    measure = models.CharField(_("measure"), max_length=20, default="件")
    low_stock_threshold = models.DecimalField(
        _("low-stock threshold"), max_digits=12, decimal_places=2, default=0
    )
    storage_place = models.CharField(_("storage place"), max_length=200)
    keeper = models.CharField(_("keeper"), max_length=50)
    keeper_phone = models.CharField(_("keeper's phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.AVAILABLE
    )
    last_checked_on = models.DateField(_("last checked"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_unit_field = "unit"
    scope_offices = (DUTY_OFFICE,)

    class Meta:
        ordering = ["kind", "name", "pk"]
        verbose_name = _("emergency resource")
        verbose_name_plural = _("emergency resources")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="duty_resource_quantity_not_negative",
                violation_error_message=_("The stock cannot fall below zero."),
            ),
            models.CheckConstraint(
                condition=Q(issued__gte=0),
                name="duty_resource_returns_not_above_issued",
                violation_error_message=_("More cannot come back than went out."),
            ),
            models.CheckConstraint(
                condition=Q(low_stock_threshold__gte=0),
                name="duty_resource_threshold_not_negative",
                violation_error_message=_("The low-stock threshold cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "kind"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("duty:resource-detail", args=[self.pk])

    @property
    def is_low(self) -> bool:
        return self.quantity <= self.low_stock_threshold


class StockMovement(models.Model):
    """Stock going out (出库), coming back (归还) or added (入库). The resource's quantity
    follows it and never falls below zero."""

    class Direction(models.TextChoices):
        OUT = "out", _("Out")
        BACK = "back", _("Back")
        IN = "in", _("Stocked in")

    resource = models.ForeignKey(
        EmergencyResource,
        verbose_name=_("resource"),
        on_delete=models.CASCADE,
        related_name="movements",
    )
    direction = models.CharField(_("direction"), max_length=5, choices=Direction.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    balance_after = models.DecimalField(_("stock after"), max_digits=12, decimal_places=2)
    moved_at = models.DateTimeField(_("moved at"), default=timezone.now)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    handled_by = models.CharField(_("handled by"), max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        USER,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    scope_unit_field = "resource__unit"
    scope_offices = (DUTY_OFFICE,)

    class Meta:
        ordering = ["-moved_at", "-pk"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="duty_movement_quantity_positive",
                violation_error_message=_("The quantity must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0),
                name="duty_movement_balance_not_negative",
                violation_error_message=_("The stock cannot fall below zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.get_direction_display()} {self.quantity}"


class RescueTeam(models.Model):
    """A rescue team (救援队伍): its speciality, leader, members, equipment and base."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="rescue_teams"
    )
    name = models.CharField(_("name"), max_length=100)
    speciality = models.CharField(_("speciality"), max_length=100)
    leader = models.CharField(_("team leader"), max_length=50)
    leader_phone = models.CharField(_("leader's phone"), max_length=30)
    equipment = models.TextField(_("equipment"), blank=True)
    base = models.CharField(_("base"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    scope_unit_field = "unit"
    scope_offices = (DUTY_OFFICE,)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("rescue team")
        verbose_name_plural = _("rescue teams")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("duty:team-detail", args=[self.pk])


class RescueTeamMember(models.Model):
    """A member of a rescue team."""

    team = models.ForeignKey(
        RescueTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role in the team"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    scope_unit_field = "team__unit"
    scope_offices = (DUTY_OFFICE,)

    class Meta:
        ordering = ["team", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return self.name


class StandbyAssignment(models.Model):
    """A team or a resource standing by (预置) at a place during a key period."""

    key_period = models.ForeignKey(
        "campaigns.KeyPeriod",
        verbose_name=_("key period"),
        on_delete=models.PROTECT,
        related_name="standby_assignments",
    )
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    team = models.ForeignKey(
        RescueTeam,
        verbose_name=_("rescue team"),
        on_delete=models.CASCADE,
        related_name="standby_assignments",
        null=True,
        blank=True,
    )
    resource = models.ForeignKey(
        EmergencyResource,
        verbose_name=_("resource"),
        on_delete=models.CASCADE,
        related_name="standby_assignments",
        null=True,
        blank=True,
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_unit_field = ("team__unit", "resource__unit")
    scope_offices = (DUTY_OFFICE,)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("stand-by assignment")
        verbose_name_plural = _("stand-by assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="duty_standby_ends_after_start",
                violation_error_message=_("A stand-by must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(team__isnull=False) | Q(resource__isnull=False),
                name="duty_standby_has_team_or_resource",
                violation_error_message=_("Name a rescue team or a resource."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team or self.resource} @ {self.place}"


class CalendarFeed(models.Model):
    """A person's secret calendar-feed link (iCalendar); renewing it retires the old."""

    person = models.OneToOneField(
        USER, verbose_name=_("person"), on_delete=models.CASCADE, related_name="duty_feed"
    )
    token = models.CharField(_("key"), max_length=64, unique=True, default=secrets.token_urlsafe)
    renewed_at = models.DateTimeField(_("renewed at"), default=timezone.now)

    scope_unit_field = "person__unit"

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.person)


class DutyReportSequence(YearlyCounter):
    """The counter behind the daily duty reports' numbers: one row per year, locked while
    a number is taken (``YearlyCounter.take_next``), so numbers never repeat or skip."""

    class Meta:
        ordering = ["-year"]
        verbose_name = _("daily duty report sequence")
        verbose_name_plural = _("daily duty report sequences")
        constraints = [
            models.UniqueConstraint(fields=["year"], name="duty_report_sequence_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


def duty_report_number(year: int, sequence: int) -> str:
    """A daily duty report's number as it is printed: 值班日报〔2026〕第12期."""
    return gettext("Daily duty report 〔%(year)d〕 No. %(sequence)d") % {
        "year": year,
        "sequence": sequence,
    }


class DutyReport(models.Model):
    """The daily duty report (值班日报) of one shift: the past 24 hours as generated at
    the change-over (who was on duty, the log, incidents and their reporting times,
    warnings, resources issued, matters carried over), numbered per year. The leader on
    duty confirms it; it is then kept as it was and sent up. ``content`` is the
    snapshot: written while the report waits, never after it is confirmed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")

    TRANSITIONS = StatusGraph({Status.DRAFT: (Status.CONFIRMED,), Status.CONFIRMED: ()})

    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("number"), editable=False)
    shift = models.OneToOneField(
        Shift, verbose_name=_("shift"), on_delete=models.PROTECT, related_name="daily_report"
    )
    duty_day = models.DateField(_("duty day"))
    period_start = models.DateTimeField(_("from"))
    period_end = models.DateTimeField(_("until"))
    content = models.JSONField(_("content"), default=dict, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note of the leader on duty"), blank=True)
    sent_at = models.DateTimeField(_("sent up at"), null=True, blank=True)

    # The office's record: the roster's unit and the people on the shift read it.
    scope_unit_field = ("shift__roster__unit", "shift__assignments__person__unit")

    class Meta:
        ordering = ["-duty_day", "-pk"]
        verbose_name = _("daily duty report")
        verbose_name_plural = _("daily duty reports")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"],
                name="duty_report_unique_number",
                violation_error_message=_("This report number is already taken."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft", confirmed_at__isnull=True, confirmed_by__isnull=True)
                | Q(status="confirmed", confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="duty_report_confirmed_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")),
                name="duty_report_period_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["status", "generated_at"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("duty:report-detail", args=[self.pk])

    @property
    def number(self) -> str:
        return duty_report_number(self.year, self.sequence)

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED
