"""How the safety committee plans and drives its work: campaigns and their phases, key
periods of raised risk, directives from higher offices, meetings and their numbered
notices, the member units' publicity activities, and the tasks it assigns and chases."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from safetyzone.calendar import HOLIDAY_CHOICES
from safetyzone.core.models import DecidedRequest, YearlyCounter
from safetyzone.core.states import StatusGraph
from safetyzone.core.uploads import UploadField
from safetyzone.org.models import KeyArea, Unit

USER = settings.AUTH_USER_MODEL


class RiskLevel(models.TextChoices):
    """China's four-colour grading, used for the risk of a key period."""

    MAJOR = "major", _("Major (red)")
    HIGH = "high", _("High (orange)")
    GENERAL = "general", _("General (yellow)")
    LOW = "low", _("Low (blue)")


class Campaign(models.Model):
    """A campaign (专项行动 / 活动) such as the yearly Safety Production Month, or the
    three-year root-cause action that carries it."""

    class Kind(models.TextChoices):
        SAFETY_MONTH = "safety_month", _("Safety Production Month")
        THREE_YEAR_ACTION = "three_year_action", _("Three-year root-cause action")
        SPECIAL_RECTIFICATION = "special_rectification", _("Special rectification")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("carrier campaign"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    goals = models.TextField(_("goals"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Every user reads campaigns (the selectors do not scope them). The rule is here for
    # what belongs to one unit: the generated summary report is the lead unit's.
    scope_unit_field = "lead_unit"
    # So the API's filters offer every campaign (safetyzone.core.filters.scope_choices).
    read_by_everyone = True

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="campaign_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        indexes = [models.Index(fields=["kind", "start_date"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:campaign-detail", args=[self.pk])

    def is_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on <= self.end_date


class CampaignPhase(models.Model):
    """A phase of a campaign: mobilisation 动员部署, implementation 组织实施, summary 总结提升."""

    class Kind(models.TextChoices):
        MOBILISATION = "mobilisation", _("Mobilisation")
        IMPLEMENTATION = "implementation", _("Implementation")
        SUMMARY = "summary", pgettext_lazy("campaign phase", "Summary")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="phases"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["campaign", "start_date", "pk"]
        verbose_name = _("campaign phase")
        verbose_name_plural = _("campaign phases")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="phase_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        campaign = self.campaign if self.campaign_id else None
        if campaign and self.start_date and self.end_date:
            errors = {}
            if not campaign.start_date <= self.start_date <= campaign.end_date:
                errors["start_date"] = _("A phase must lie within its campaign's dates.")
            if not campaign.start_date <= self.end_date <= campaign.end_date:
                errors["end_date"] = _("A phase must lie within its campaign's dates.")
            if errors:
                raise ValidationError(errors)


class KeyPeriod(models.Model):
    """A date range of raised risk (重要时段): the entrance exam, a festival, the marathon,
    the consultation day. Periods may overlap."""

    class DutyLevel(models.TextChoices):
        NORMAL = "normal", _("Normal duty")
        ENHANCED = "enhanced", _("Enhanced duty")
        SPECIAL = "special", _("Special duty")

    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.GENERAL
    )
    key_areas = models.ManyToManyField(
        KeyArea, verbose_name=_("key areas"), related_name="key_periods", blank=True
    )
    duty_level = models.CharField(
        _("duty level"), max_length=10, choices=DutyLevel.choices, default=DutyLevel.ENHANCED
    )
    extra_duty_officers = models.PositiveSmallIntegerField(
        _("extra duty officers"),
        default=0,
        help_text=_("Officers to add to each shift of the period, on top of the usual."),
    )
    holiday = models.CharField(
        _("holiday"),
        max_length=20,
        choices=HOLIDAY_CHOICES,
        blank=True,
        help_text=_(
            "The public holiday the period goes with: a copy in another year moves with "
            "that year's days off of the holiday. Blank for a period on fixed dates."
        ),
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        related_name="key_periods",
        null=True,
        blank=True,
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("key period")
        verbose_name_plural = _("key periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="key_period_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:key-period-detail", args=[self.pk])

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on <= self.end_date


class Directive(models.Model):
    """A notice received from a higher office (上级文件) that campaigns and meetings cite,
    e.g. the district safety committee office's notice on recent prevention work."""

    issuer = models.CharField(_("issuer"), max_length=100)
    number = models.CharField(_("document number"), max_length=60, blank=True)
    issued_on = models.DateField(_("date of issue"))
    title = models.CharField(_("title"), max_length=200)
    requirements = models.TextField(_("requirements"), blank=True)
    attachment = UploadField(
        _("attachment"), upload_to="directives/%Y/", blank=True, label_field="attachment_name"
    )
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        related_name="directives",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "pk"]
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number"],
                condition=~Q(number=""),
                name="directive_number_unique_per_issuer",
                violation_error_message=_("This issuer's document number is already recorded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）" if self.number else self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:directive-detail", args=[self.pk])


class DocumentNumberSequence(YearlyCounter):
    """The counter behind document numbers: one row per issuer prefix and year, locked
    while a number is taken (``take_next``), so numbers never repeat or skip."""

    prefix = models.CharField(_("prefix"), max_length=30)

    class Meta:
        verbose_name = _("document number sequence")
        verbose_name_plural = _("document number sequences")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="sequence_prefix_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.last_value}"


class DocumentNumber(models.Model):
    """A document number (文号) given to an issued notice, e.g. 高新安委办〔2024〕12号.
    Never reused: the database refuses a second number with the same prefix, year and
    sequence."""

    prefix = models.CharField(_("prefix"), max_length=30)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        USER, verbose_name=_("issued by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["prefix", "-year", "-sequence"]
        verbose_name = _("document number")
        verbose_name_plural = _("document numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year", "sequence"], name="document_number_unique"
            ),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="document_number_positive"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.sequence}号"


class Meeting(models.Model):
    """A meeting of the committee (会议): it produces a notice (会议通知) with a document
    number when issued, and minutes (会议纪要) afterwards."""

    class Kind(models.TextChoices):
        WORK_ARRANGEMENT = "work_arrangement", _("Work arrangement meeting")
        MOBILISATION = "mobilisation", _("Mobilisation meeting")
        PLENARY = "plenary", _("Plenary meeting of the committee")
        SPECIAL = "special", _("Special-topic meeting")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    # A draft is issued once; an issued notice is frozen (its minutes stay writable) and
    # only an issued notice is signed for by the attending units.
    TRANSITIONS = StatusGraph({Status.DRAFT: (Status.ISSUED,), Status.ISSUED: ()})

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.WORK_ARRANGEMENT
    )
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200)
    chair = models.CharField(
        _("chair"), max_length=100, help_text=_("Name and post, e.g. 王立（管委会副主任）.")
    )
    organiser = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+"
    )
    attending_units = models.ManyToManyField(
        Unit,
        verbose_name=_("attending units"),
        through="MeetingAttendance",
        related_name="meetings",
        blank=True,
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        related_name="meetings",
        null=True,
        blank=True,
    )
    key_periods = models.ManyToManyField(
        KeyPeriod, verbose_name=_("key periods"), related_name="meetings", blank=True
    )
    directives = models.ManyToManyField(
        Directive, verbose_name=_("directives cited"), related_name="meetings", blank=True
    )
    notice_body = models.TextField(
        _("notice text"), blank=True, help_text=_("The opening paragraph of the notice.")
    )
    copy_to = models.CharField(
        _("copy to"),
        max_length=200,
        blank=True,
        help_text=_(
            "The notice's copy line, e.g. 市安委办，区委办. Left empty, the office's "
            "usual copy line is printed."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    document_number = models.OneToOneField(
        DocumentNumber,
        verbose_name=_("document number"),
        on_delete=models.PROTECT,
        related_name="meeting",
        null=True,
        blank=True,
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        USER,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_recorded_at = models.DateTimeField(_("minutes recorded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Every change, with its reason where one is given (a notice issued although its
    # meeting is past keeps the reason here).
    history = HistoricalRecords(excluded_fields=["updated_at"])

    # Visible to the organising unit and to every attending unit.
    scope_unit_field = ("organiser", "attendances__unit")

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        permissions = [("issue_meeting", _("Can issue a meeting notice"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(document_number__isnull=False),
                name="issued_meeting_has_number",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:meeting-detail", args=[self.pk])

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED


class MeetingItem(models.Model):
    """An ordered item of a meeting: an agenda point or a requirement (工作要求)."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        REQUIREMENT = "requirement", _("Requirement")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["meeting", "kind", "order", "pk"]
        verbose_name = _("meeting item")
        verbose_name_plural = _("meeting items")

    def __str__(self) -> str:
        return self.text[:50]


class MeetingAttendance(models.Model):
    """A unit called to a meeting, and whether its head has signed for the notice."""

    class Status(models.TextChoices):
        CALLED = "called", _("Called")
        SIGNED = "signed", _("Signed for")

    # A unit signs for an issued notice once (signing again keeps the first signature).
    TRANSITIONS = StatusGraph({Status.CALLED: (Status.SIGNED,), Status.SIGNED: ()})

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="attendances"
    )
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        USER,
        verbose_name=_("signed for by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    attendee = models.CharField(_("attendee"), max_length=100, blank=True)

    scope_unit_field = "unit"

    class Meta:
        ordering = ["meeting", "unit__order", "pk"]
        verbose_name = _("meeting attendance")
        verbose_name_plural = _("meeting attendances")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "unit"], name="attendance_unique_unit")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.unit}"

    @property
    def status(self) -> str:
        """Called, or signed for: read from ``signed_at`` (no column of its own)."""
        return self.Status.CALLED if self.signed_at is None else self.Status.SIGNED


class Activity(models.Model):
    """A publicity or education activity of a member unit (活动): the consultation day, an
    emergency drill, training, a seminar, the five-into publicity."""

    class Kind(models.TextChoices):
        CONSULTATION_DAY = "consultation_day", _("Consultation day")
        DRILL = "drill", _("Emergency drill")
        TRAINING = "training", _("Training")
        SEMINAR = "seminar", _("Seminar")
        FIVE_INTO = "five_into", _("Five-into publicity")
        OTHER = "other", _("Other")

    class FiveIntoTarget(models.TextChoices):
        ENTERPRISES = "enterprises", _("Into enterprises")
        RURAL = "rural", _("Into rural areas")
        COMMUNITIES = "communities", _("Into communities")
        SCHOOLS = "schools", _("Into schools")
        FAMILIES = "families", _("Into families")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    five_into_target = models.CharField(
        _("five-into target"), max_length=12, choices=FiveIntoTarget.choices, blank=True
    )
    drill_plan = models.CharField(
        _("plan rehearsed"),
        max_length=200,
        blank=True,
        help_text=_("For a drill: the emergency plan it rehearses."),
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        related_name="activities",
        null=True,
        blank=True,
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_unit_field = "unit"

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="five_into") | Q(five_into_target=""),
                name="activity_target_only_for_five_into",
                violation_error_message=_("Only a five-into activity has a five-into target."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="five_into") | ~Q(five_into_target=""),
                name="activity_five_into_has_target",
                violation_error_message=_("Choose where the five-into publicity went."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="drill") | ~Q(drill_plan=""),
                name="activity_drill_names_plan",
                violation_error_message=_("A drill must name the plan it rehearses."),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "date"]),
            models.Index(fields=["campaign", "kind"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:activity-detail", args=[self.pk])

    @property
    def is_exercise(self) -> bool:
        """Anything recorded as part of a drill is an exercise (演练), never a real event."""
        return self.kind == self.Kind.DRILL


class ActivityPhoto(models.Model):
    """A photo of an activity; served only through a permission-checked view."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="photos"
    )
    image = UploadField(_("image"), upload_to="activities/%Y/%m/", label_field="original_name")
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_unit_field = "activity__unit"

    class Meta:
        ordering = ["activity", "uploaded_at", "pk"]
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")

    def __str__(self) -> str:
        return self.caption or self.original_name or self.image.name


class Task(models.Model):
    """Work the committee assigns to member units (督办事项), with a deadline; each unit
    gets its own assignment."""

    class ReportEvery(models.TextChoices):
        NONE = "", _("No periodic report")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        related_name="tasks",
        null=True,
        blank=True,
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        related_name="tasks",
        null=True,
        blank=True,
    )
    directive = models.ForeignKey(
        Directive,
        verbose_name=_("directive"),
        on_delete=models.SET_NULL,
        related_name="tasks",
        null=True,
        blank=True,
    )
    deadline = models.DateField(_("deadline"))
    deadline_working_days = models.PositiveSmallIntegerField(
        _("deadline in working days"),
        null=True,
        blank=True,
        help_text=_("If given, the deadline is this many working days after the issue date."),
    )
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    report_every = models.CharField(
        _("progress reports"), max_length=10, choices=ReportEvery.choices, blank=True, default=""
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Visible to every unit that holds an assignment of it.
    scope_unit_field = "assignments__unit"

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["deadline"]), models.Index(fields=["campaign"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:task-detail", args=[self.pk])


class TaskAssignment(models.Model):
    """One unit's share of a task, with its own status and deadline (moved by granted
    extensions). Overdue is computed from the deadline, never stored."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead unit")
        ASSIST = "assist", _("Assisting unit")

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        SIGNED = "signed", _("Signed for")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        RETURNED = "returned", _("Returned")

    # The steps: sign for (issued → signed), start (signed or returned → in progress),
    # report done (signed or in progress → done), return (done → returned).
    TRANSITIONS = StatusGraph(
        {
            Status.ISSUED: (Status.SIGNED,),
            Status.SIGNED: (Status.IN_PROGRESS, Status.DONE),
            Status.IN_PROGRESS: (Status.DONE,),
            Status.DONE: (Status.RETURNED,),
            Status.RETURNED: (Status.IN_PROGRESS,),
        }
    )
    # Still the unit's work: extensions, chasers and progress reports are taken on these.
    OPEN_STATUSES = (Status.ISSUED, Status.SIGNED, Status.IN_PROGRESS, Status.RETURNED)

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="task_assignments"
    )
    role = models.CharField(_("role"), max_length=6, choices=Role.choices, default=Role.ASSIST)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ISSUED
    )
    deadline = models.DateField(_("deadline"))
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        USER,
        verbose_name=_("signed for by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    feedback = models.TextField(_("feedback"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    extension_count = models.PositiveSmallIntegerField(_("extensions granted"), default=0)

    scope_unit_field = "unit"

    class Meta:
        ordering = ["task", "-role", "unit__order", "pk"]
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")
        permissions = [("chase_taskassignment", _("Can chase a unit about its assignment"))]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="assignment_unique_unit"),
            models.UniqueConstraint(
                fields=["task"], condition=Q(role="lead"), name="assignment_one_lead"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "deadline"]),
            models.Index(fields=["status", "deadline"]),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:assignment-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.deadline < (today or timezone.localdate())


class AssignmentAttachment(models.Model):
    """A file attached to a unit's feedback on its assignment."""

    assignment = models.ForeignKey(
        TaskAssignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = UploadField(_("file"), upload_to="tasks/%Y/%m/", label_field="original_name")
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_unit_field = "assignment__unit"

    class Meta:
        ordering = ["assignment", "uploaded_at", "pk"]
        verbose_name = _("assignment attachment")
        verbose_name_plural = _("assignment attachments")

    def __str__(self) -> str:
        return self.original_name or self.file.name.rsplit("/", 1)[-1]


class ExtensionRequest(DecidedRequest):
    """A unit's request for more time on its assignment; staff grant or refuse it."""

    assignment = models.ForeignKey(
        TaskAssignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="extension_requests",
    )
    requested_deadline = models.DateField(_("requested deadline"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    scope_unit_field = "assignment__unit"

    class Meta:
        ordering = ["-requested_at", "pk"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        permissions = [("decide_extensionrequest", _("Can grant or refuse an extension"))]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="pending"),
                name="extension_one_pending_per_assignment",
                violation_error_message=_(
                    "An extension request is already waiting for a decision."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} → {self.requested_deadline}"


class Chaser(models.Model):
    """A chaser notice (催办) sent by staff to a unit about its assignment; shown to the
    unit until it signs for it."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        SIGNED = "signed", _("Signed for")

    # A chaser is signed for once.
    TRANSITIONS = StatusGraph({Status.SENT: (Status.SIGNED,), Status.SIGNED: ()})

    assignment = models.ForeignKey(
        TaskAssignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="chasers",
    )
    message = models.TextField(_("message"))
    sent_by = models.ForeignKey(
        USER, verbose_name=_("sent by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER,
        verbose_name=_("signed for by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    scope_unit_field = "assignment__unit"

    class Meta:
        ordering = ["-sent_at", "pk"]
        verbose_name = _("chaser notice")
        verbose_name_plural = _("chaser notices")
        indexes = [models.Index(fields=["assignment", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.sent_at:%Y-%m-%d}"

    @property
    def status(self) -> str:
        """Sent, or signed for: read from ``acknowledged_at`` (no column of its own)."""
        return self.Status.SENT if self.acknowledged_at is None else self.Status.SIGNED


class ProgressReport(models.Model):
    """A periodic progress report on an assignment (e.g. monthly)."""

    assignment = models.ForeignKey(
        TaskAssignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    period_end = models.DateField(_("period ending"))
    content = models.TextField(_("content"))
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("submitted by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    scope_unit_field = "assignment__unit"

    class Meta:
        ordering = ["assignment", "-period_end", "pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "period_end"],
                name="progress_report_one_per_period",
                violation_error_message=_("A report for this period has already been filed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.period_end}"


class AssignmentEvent(models.Model):
    """One step in an assignment's history (流转记录): who did what, and when. Written by
    the task services on every transition, so an assignment that goes done → returned →
    done again keeps both rounds."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        SIGNED = "signed", _("Signed for")
        STARTED = "started", _("Work started")
        COMPLETED = "completed", _("Reported done")
        RETURNED = "returned", _("Returned")
        DEADLINE_CHANGED = "deadline_changed", _("Deadline changed")
        EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
        EXTENSION_GRANTED = "extension_granted", _("Extension granted")
        EXTENSION_REFUSED = "extension_refused", _("Extension refused")
        CHASED = "chased", _("Chased")
        CHASER_SIGNED = "chaser_signed", _("Chaser signed for")
        PROGRESS_REPORTED = "progress_reported", _("Progress reported")

    assignment = models.ForeignKey(
        TaskAssignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    status = models.CharField(
        _("status afterwards"), max_length=12, choices=TaskAssignment.Status.choices
    )
    actor = models.ForeignKey(
        USER, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    scope_unit_field = "assignment__unit"

    class Meta:
        ordering = ["assignment", "at", "pk"]
        verbose_name = _("assignment event")
        verbose_name_plural = _("assignment events")

    def __str__(self) -> str:
        return f"{self.assignment} · {self.get_action_display()}"
