"""The life of a hidden danger: the checklists of each key area, the inspection tasks
the committee issues, the inspections that answer them, the hazards found, their
rectification and its review, the three violations and enforcement."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from safetyzone.core.models import DecidedRequest, YearlyCounter
from safetyzone.core.states import StatusGraph
from safetyzone.core.uploads import UploadField
from safetyzone.org.models import Enterprise, KeyArea, Unit

USER = settings.AUTH_USER_MODEL


class HazardLevel(models.TextChoices):
    GENERAL = "general", _("General hazard")
    MAJOR = "major", _("Major hazard")


class ChecklistTemplate(models.Model):
    """A checklist (检查表) for one key area: the ordered questions an inspector answers
    on site, each with its legal basis."""

    key_area = models.ForeignKey(
        KeyArea,
        verbose_name=_("key area"),
        on_delete=models.PROTECT,
        related_name="checklist_templates",
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["key_area__order", "name", "pk"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        constraints = [
            models.UniqueConstraint(fields=["key_area", "name"], name="checklist_name_per_area"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspections:checklist-detail", args=[self.pk])


class ChecklistItem(models.Model):
    """One question of a checklist, with its legal basis and the level of hazard that a
    failure implies."""

    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    question = models.CharField(_("question"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    implied_level = models.CharField(
        _("level if failed"),
        max_length=10,
        choices=HazardLevel.choices,
        default=HazardLevel.GENERAL,
    )

    class Meta:
        ordering = ["template", "order", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="checklist_item_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.question}"


class InspectionTask(models.Model):
    """An inspection task (排查任务) issued by the committee office for a key area,
    optionally in a key period and a campaign, to one or more units, with a deadline and
    the enterprises to be inspected ("full coverage")."""

    title = models.CharField(_("title"), max_length=200)
    key_area = models.ForeignKey(
        KeyArea, verbose_name=_("key area"), on_delete=models.PROTECT, related_name="+"
    )
    key_period = models.ForeignKey(
        "campaigns.KeyPeriod",
        verbose_name=_("key period"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspection_tasks",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspection_tasks",
    )
    directive = models.ForeignKey(
        "campaigns.Directive",
        verbose_name=_("higher office's notice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspection_tasks",
    )
    description = models.TextField(_("requirements"), blank=True)
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    deadline = models.DateField(_("deadline"))
    units = models.ManyToManyField(
        Unit,
        verbose_name=_("units"),
        through="InspectionTaskUnit",
        related_name="inspection_tasks",
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("issued by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    # Visible to every unit the task was issued to.
    scope_unit_field = "assignments__unit"

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=F("start_date")),
                name="inspection_task_deadline_after_start",
                violation_error_message=_("The deadline cannot be before the start date."),
            ),
        ]
        indexes = [models.Index(fields=["deadline"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspections:task-detail", args=[self.pk])

    def clean(self) -> None:
        if self.deadline and self.start_date and self.deadline < self.start_date:
            raise ValidationError({"deadline": _("The deadline cannot be before the start date.")})

    def is_overdue(self, on: date | None = None) -> bool:
        return (on or timezone.localdate()) > self.deadline


class InspectionTaskUnit(models.Model):
    """A unit an inspection task was issued to."""

    task = models.ForeignKey(
        InspectionTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )

    scope_unit_field = "unit"

    class Meta:
        ordering = ["task", "unit__order", "pk"]
        verbose_name = _("inspection task unit")
        verbose_name_plural = _("inspection task units")
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="inspection_task_unit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.unit}"


class InspectionTarget(models.Model):
    """An enterprise a task's unit must inspect. ``inspection`` is the first inspection
    that answered it; coverage is inspected targets over targets."""

    task = models.ForeignKey(
        InspectionTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="targets"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    inspection = models.ForeignKey(
        "Inspection",
        verbose_name=_("inspection"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="targets",
    )

    scope_unit_field = "unit"

    class Meta:
        ordering = ["task", "unit__order", "enterprise__name", "pk"]
        verbose_name = _("inspection target")
        verbose_name_plural = _("inspection targets")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "enterprise"], name="inspection_target_unique_enterprise"
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "inspection"])]

    def __str__(self) -> str:
        return f"{self.task} · {self.enterprise}"

    @property
    def is_inspected(self) -> bool:
        return self.inspection_id is not None


class Inspection(models.Model):
    """One visit to an enterprise (检查 / 排查), answered against a checklist item by
    item. An enforcement visit needs two inspectors or more."""

    class Method(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        UNANNOUNCED = "unannounced", _("Unannounced (four-nos-two-directs)")
        JOINT = "joint", _("Joint inspection")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("inspecting unit"), on_delete=models.PROTECT, related_name="+"
    )
    key_area = models.ForeignKey(
        KeyArea, verbose_name=_("key area"), on_delete=models.PROTECT, related_name="+"
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    task = models.ForeignKey(
        InspectionTask,
        verbose_name=_("task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspections",
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    method = models.CharField(
        _("method"), max_length=12, choices=Method.choices, default=Method.ROUTINE
    )
    is_enforcement = models.BooleanField(_("enforcement visit"), default=False)
    inspectors = models.ManyToManyField(
        USER, verbose_name=_("inspectors"), related_name="inspections"
    )
    other_participants = models.CharField(
        _("other participants"),
        max_length=200,
        blank=True,
        help_text=_("Experts or staff of other units who took part."),
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_unit_field = "unit"

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(fields=["unit", "date"]),
            models.Index(fields=["enterprise", "date"]),
            models.Index(fields=["-date", "-id"], name="inspection_list_order"),
            models.Index(fields=["created_at"], name="inspection_created"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:inspection-detail", args=[self.pk])


class InspectionAnswer(models.Model):
    """The answer to one checklist item in one inspection."""

    class Result(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")
        NOT_APPLICABLE = "na", _("Not applicable")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = UploadField(
        _("photo"), upload_to="inspections/%Y/%m/", blank=True, label_field="photo_name"
    )
    photo_name = models.CharField(_("photo name"), max_length=200, blank=True)

    scope_unit_field = "inspection__unit"

    class Meta:
        ordering = ["inspection", "item__order", "pk"]
        verbose_name = _("inspection answer")
        verbose_name_plural = _("inspection answers")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="answer_one_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_result_display()}"


class AnswerPhoto(models.Model):
    """A photo of a checklist answer taken on site (a failed item may have several);
    served only through a permission-checked view."""

    answer = models.ForeignKey(
        InspectionAnswer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="photos"
    )
    image = UploadField(_("image"), upload_to="inspections/%Y/%m/", label_field="original_name")
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_unit_field = "answer__inspection__unit"

    class Meta:
        ordering = ["answer", "pk"]
        verbose_name = _("answer photo")
        verbose_name_plural = _("answer photos")

    def __str__(self) -> str:
        return self.original_name or self.image.name


class HazardDraft(models.Model):
    """A failed checklist item waiting for the inspector's decision: confirmed, it
    becomes a hazard of the ledger; discarded, it stays on record as discarded (who,
    when, why), so that no failure is lost and none is dropped silently."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed as a hazard")
        DISCARDED = "discarded", _("Discarded")

    TRANSITIONS = StatusGraph(
        {
            Status.DRAFT: (Status.CONFIRMED, Status.DISCARDED),
            Status.CONFIRMED: (),
            Status.DISCARDED: (),
        }
    )

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.CASCADE,
        related_name="hazard_drafts",
    )
    answer = models.OneToOneField(
        InspectionAnswer,
        verbose_name=_("failed checklist answer"),
        on_delete=models.CASCADE,
        related_name="hazard_draft",
    )
    description = models.TextField(_("description"))
    level = models.CharField(
        _("level"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    hazard = models.OneToOneField(
        "Hazard",
        verbose_name=_("hazard"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_unit_field = "inspection__unit"

    class Meta:
        ordering = ["inspection", "answer__item__order", "pk"]
        verbose_name = _("hazard draft")
        verbose_name_plural = _("hazard drafts")
        indexes = [models.Index(fields=["inspection", "status"])]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.answer.item}"


def hazard_code(year: int, number: int) -> str:
    """A hazard's code: YH-2024-000123, the year it was found and its number in that
    year. The one place the code's text is made; ``hazard_code_parts`` reads it back."""
    return f"YH-{year:04d}-{number:06d}"


def hazard_code_parts(code: str) -> tuple[int, int]:
    """The year and number of a hazard's code (``hazard_code``'s inverse)."""
    _prefix, year, number = code.split("-")
    return int(year), int(number)


class HazardCodeSequence(YearlyCounter):
    """The counter behind hazard codes: one row per year, locked while a code is taken
    (``YearlyCounter.take_next``), so that codes never repeat."""

    class Meta:
        ordering = ["-year"]
        verbose_name = _("hazard code sequence")
        verbose_name_plural = _("hazard code sequences")
        constraints = [
            models.UniqueConstraint(fields=["year"], name="hazard_code_sequence_one_per_year")
        ]

    def __str__(self) -> str:
        return hazard_code(self.year, self.last_value)


class Hazard(models.Model):
    """A hidden danger (隐患) found at an enterprise, from its finding to the accepted
    rectification that closes it (销号). A major hazard needs its rectification plan's
    five implementations (五落实) before it can be worked on."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        RECTIFYING = "rectifying", _("Rectifying")
        SUBMITTED = "submitted", _("Submitted for acceptance")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted (closed)")

    # The allowed moves; every other change of status is refused.
    TRANSITIONS = StatusGraph(
        {
            Status.REPORTED: (Status.RECTIFYING,),
            Status.RECTIFYING: (Status.SUBMITTED,),
            Status.SUBMITTED: (Status.ACCEPTED, Status.RETURNED),
            Status.RETURNED: (Status.RECTIFYING,),
            Status.ACCEPTED: (),
        }
    )
    OPEN_STATUSES = TRANSITIONS.open

    class Event(models.TextChoices):
        """What a step of the hazard's history was. The history keeps the code (with the
        step's own words after a colon: a reason, a date), never a translated sentence,
        so that each reader sees it in their own language."""

        RECORDED = "recorded", _("Hazard recorded")
        CHANGED = "changed", _("Hazard changed")
        RECTIFICATION_STARTED = "rectification_started", _("Rectification started")
        REPORT_FILED = "report_filed", _("Rectification report filed")
        ACCEPTED = "accepted", _("Accepted and closed")
        RETURNED = "returned", _("Returned")
        LISTED = "listed", _("Put under listed supervision")
        DELISTED = "delisted", _("Delisted (supervision ended)")
        CHANGE_REQUESTED = "change_requested", _("Change of level or deadline requested")
        CHANGE_GRANTED = "change_granted", _("Change of level or deadline granted")
        CHANGE_REFUSED = "change_refused", _("Change of level or deadline refused")
        CHANGED_BY_STAFF = "staff_changed", _("Level or deadline changed by committee staff")

    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="hazards"
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    key_area = models.ForeignKey(
        KeyArea, verbose_name=_("key area"), on_delete=models.PROTECT, related_name="+"
    )
    checklist_item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("source inspection"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hazards",
    )
    answer = models.OneToOneField(
        InspectionAnswer,
        verbose_name=_("failed checklist answer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hazard",
    )
    description = models.TextField(_("description"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    level = models.CharField(
        _("level"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL
    )
    found_on = models.DateField(_("found on"), default=timezone.localdate)
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    deadline = models.DateField(_("rectification deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REPORTED
    )
    # The rectification plan's five implementations (五落实).
    plan_responsibility = models.CharField(
        _("responsibility"),
        max_length=200,
        blank=True,
        help_text=_("Who answers for the rectification."),
    )
    plan_measures = models.TextField(_("measures"), blank=True)
    plan_funds = models.DecimalField(
        _("funds (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    plan_time_limit = models.DateField(_("time limit"), null=True, blank=True)
    plan_contingency = models.TextField(
        _("contingency plan"),
        blank=True,
        help_text=_("What keeps people safe until the hazard is removed."),
    )
    # Listed supervision (挂牌督办) of a major hazard.
    is_supervised = models.BooleanField(_("under listed supervision"), default=False)
    supervising_office = models.CharField(_("supervising office"), max_length=100, blank=True)
    supervision_deadline = models.DateField(_("supervision deadline"), null=True, blank=True)
    supervised_at = models.DateTimeField(_("listed at"), null=True, blank=True)
    supervised_by = models.ForeignKey(
        USER,
        verbose_name=_("listed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Delisting (摘牌) ends the listed supervision when the rectification is accepted;
    # the listing's office and dates stay, so a listing is never overwritten.
    delisted_at = models.DateTimeField(_("delisted at"), null=True, blank=True)
    delisting_office = models.CharField(_("delisting office"), max_length=100, blank=True)
    delisted_by = models.ForeignKey(
        USER,
        verbose_name=_("delisted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_recurrence = models.BooleanField(_("recurrence"), default=False)
    recurrence_of = models.ForeignKey(
        "self",
        verbose_name=_("recurrence of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recurrences",
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
    created_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope_unit_field = "responsible_unit"

    class Meta:
        ordering = ["-found_on", "-pk"]
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        permissions = [
            ("review_hazard", _("Can accept or return a rectification")),
            ("supervise_hazard", _("Can put a major hazard under listed supervision")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=F("found_on")),
                name="hazard_deadline_after_finding",
                violation_error_message=_("The deadline cannot be before the hazard was found."),
            ),
            models.CheckConstraint(
                condition=Q(level="general")
                | Q(status="reported")
                | (
                    ~Q(plan_responsibility="")
                    & ~Q(plan_measures="")
                    & Q(plan_funds__isnull=False)
                    & Q(plan_time_limit__isnull=False)
                    & ~Q(plan_contingency="")
                ),
                name="hazard_major_has_five_implementations",
                violation_error_message=_(
                    "A major hazard needs all five implementations (responsibility, measures, "
                    "funds, time limit, contingency plan) before it can be worked on."
                ),
            ),
            models.CheckConstraint(
                condition=Q(is_supervised=False)
                | (
                    Q(level="major")
                    & ~Q(supervising_office="")
                    & Q(supervision_deadline__isnull=False)
                ),
                name="hazard_supervision_is_for_major",
                violation_error_message=_(
                    "Only a major hazard can be put under listed supervision, with the "
                    "supervising office and its deadline."
                ),
            ),
            models.CheckConstraint(
                condition=Q(delisted_at__isnull=True)
                | (Q(is_supervised=True) & Q(status="accepted") & ~Q(delisting_office="")),
                name="hazard_delisted_when_listed_and_accepted",
                violation_error_message=_(
                    "Only a listed hazard is delisted, by its office, once it is accepted."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(status="accepted") & Q(closed_at__isnull=False))
                | (~Q(status="accepted") & Q(closed_at__isnull=True)),
                name="hazard_closed_when_accepted",
            ),
            models.CheckConstraint(
                condition=Q(plan_funds__isnull=True) | Q(plan_funds__gte=0),
                name="hazard_plan_funds_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["responsible_unit", "status", "deadline"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["key_area", "level"]),
            models.Index(fields=["enterprise", "key_area", "closed_at"]),
            models.Index(fields=["-found_on", "-id"], name="hazard_ledger_order"),
            # The ledger's filters, each in the ledger's order, so that a page is read
            # straight from the index: a unit's hazards (every head's ledger), by status
            # and level too, and the office's status and level filters.
            models.Index(
                fields=["responsible_unit", "-found_on", "-id"], name="hazard_unit_ledger"
            ),
            models.Index(
                fields=["responsible_unit", "status", "level", "-found_on", "-id"],
                name="hazard_unit_status_level",
            ),
            models.Index(
                fields=["status", "level", "-found_on", "-id"], name="hazard_status_level"
            ),
            # Few hazards are supervised or recurrences: partial indexes.
            models.Index(
                fields=["-found_on", "-id"],
                condition=Q(is_supervised=True),
                name="hazard_supervised",
            ),
            models.Index(
                fields=["-found_on", "-id"],
                condition=Q(is_recurrence=True),
                name="hazard_recurrence",
            ),
            # The API's other orderings.
            models.Index(fields=["deadline"], name="hazard_deadline"),
            models.Index(fields=["created_at"], name="hazard_created"),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("inspections:hazard-detail", args=[self.pk])

    def clean(self) -> None:
        # The database keeps this rule too; here it is reported beside its field.
        if self.deadline and self.found_on and self.deadline < self.found_on:
            raise ValidationError(
                {"deadline": _("The deadline cannot be before the hazard was found.")}
            )

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.ACCEPTED

    def is_overdue(self, on: date | None = None) -> bool:
        """Still open after its deadline. Computed, never stored."""
        return self.is_open and (on or timezone.localdate()) > self.deadline

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR

    @property
    def is_listed(self) -> bool:
        """Under listed supervision now: listed and not yet delisted."""
        return self.is_supervised and self.delisted_at is None

    def can_move_to(self, status: str) -> bool:
        return self.TRANSITIONS.allows(self.status, status)

    def missing_implementations(self) -> list[str]:
        """The labels of the five implementations still missing from the plan."""
        missing = []
        for name in (
            "plan_responsibility",
            "plan_measures",
            "plan_funds",
            "plan_time_limit",
            "plan_contingency",
        ):
            if getattr(self, name) in (None, ""):
                missing.append(str(self._meta.get_field(name).verbose_name))
        return missing


class HazardChangeRequest(DecidedRequest):
    """A unit's request to change its hazard's level or rectification deadline (the
    unit cannot change them itself); committee staff grant or refuse it, and the
    request, its reason and the decision stay in the record."""

    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("hazard"),
        on_delete=models.CASCADE,
        related_name="change_requests",
    )
    level = models.CharField(
        _("requested level"), max_length=10, choices=HazardLevel.choices, blank=True
    )
    deadline = models.DateField(_("requested deadline"), null=True, blank=True)
    # What the hazard had when the request was made, for the record.
    previous_level = models.CharField(
        _("level at the request"), max_length=10, choices=HazardLevel.choices
    )
    previous_deadline = models.DateField(_("deadline at the request"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)

    scope_unit_field = "hazard__responsible_unit"

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("hazard change request")
        verbose_name_plural = _("hazard change requests")
        permissions = [
            ("decide_hazardchangerequest", _("Can grant or refuse a change of a hazard")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=Q(status="pending"),
                name="hazard_change_one_pending",
                violation_error_message=_("A change request is already waiting for a decision."),
            ),
            models.CheckConstraint(
                condition=~Q(level="") | Q(deadline__isnull=False),
                name="hazard_change_asks_something",
                violation_error_message=_("Ask for a new level, a new deadline or both."),
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="hazard_change_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(decision_note=""),
                name="hazard_change_refused_has_reason",
                violation_error_message=_("Say why the change is refused."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hazard} · {self.requested_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:hazard-detail", args=[self.hazard_id]) + f"#change-{self.pk}"


class HazardPhoto(models.Model):
    """A photo of a hazard, as found or after rectification; served only through a
    permission-checked view."""

    class Stage(models.TextChoices):
        FOUND = "found", _("As found")
        RECTIFIED = "rectified", _("After rectification")

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="photos"
    )
    image = UploadField(_("image"), upload_to="hazards/%Y/%m/", label_field="original_name")
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.FOUND)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_unit_field = "hazard__responsible_unit"

    class Meta:
        ordering = ["hazard", "uploaded_at", "pk"]
        verbose_name = _("hazard photo")
        verbose_name_plural = _("hazard photos")

    def __str__(self) -> str:
        return self.caption or self.original_name or self.image.name


class RectificationReport(models.Model):
    """A rectification report (整改报告) filed by the responsible unit and reviewed by
    the committee office: accepted (the hazard closes) or returned with a reason. Every
    report and its decision stays in the record."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    # A report is reviewed once: accepted or returned (a returned hazard gets a new report).
    TRANSITIONS = StatusGraph(
        {
            Status.PENDING: (Status.ACCEPTED, Status.RETURNED),
            Status.ACCEPTED: (),
            Status.RETURNED: (),
        }
    )

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("hazard"), on_delete=models.PROTECT, related_name="reports"
    )
    measures_taken = models.TextField(_("measures taken"))
    completed_on = models.DateField(_("completed on"))
    funds_spent = models.DecimalField(
        _("funds spent (yuan)"), max_digits=12, decimal_places=2, default=0
    )
    notes = models.TextField(_("notes"), blank=True)
    filed_by = models.ForeignKey(
        USER, verbose_name=_("filed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reviewed_by = models.ForeignKey(
        USER,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    history = HistoricalRecords()

    scope_unit_field = "hazard__responsible_unit"

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("rectification report")
        verbose_name_plural = _("rectification reports")
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=Q(status="pending"),
                name="report_one_pending_per_hazard",
                violation_error_message=_("This hazard already has a report awaiting review."),
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(reviewed_at__isnull=False),
                name="report_reviewed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(review_note=""),
                name="report_returned_has_reason",
                violation_error_message=_("Say why the report is returned."),
            ),
            models.CheckConstraint(
                condition=Q(funds_spent__gte=0),
                name="report_funds_not_negative",
                violation_error_message=_("Funds spent cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "filed_at"]),
            models.Index(fields=["-filed_at", "-id"], name="report_list_order"),
            models.Index(fields=["reviewed_at"], name="report_reviewed"),
        ]

    def __str__(self) -> str:
        return f"{self.hazard} · {self.filed_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:hazard-detail", args=[self.hazard_id]) + f"#report-{self.pk}"


class ReportEvidence(models.Model):
    """An evidence file of a rectification report: a photo or a PDF, checked by content
    and size, served only through a permission-checked view."""

    report = models.ForeignKey(
        RectificationReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = UploadField(_("file"), upload_to="rectification/%Y/%m/", label_field="original_name")
    kind = models.CharField(_("kind"), max_length=10, default="image")
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_unit_field = "report__hazard__responsible_unit"

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name or self.file.name

    @property
    def is_image(self) -> bool:
        return self.kind == "image"


class Violation(models.Model):
    """One of the three violations (三违) found at an enterprise."""

    class Kind(models.TextChoices):
        ILLEGAL_COMMAND = "illegal_command", _("Illegal command")
        ILLEGAL_OPERATION = "illegal_operation", _("Illegal operation")
        LABOUR_DISCIPLINE = "labour_discipline", _("Breach of labour discipline")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("recording unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    person = models.CharField(_("person"), max_length=50)
    date = models.DateField(_("date"), default=timezone.localdate)
    description = models.TextField(_("description"))
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="violations",
    )
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_unit_field = "unit"

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        indexes = [models.Index(fields=["unit", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person}"


class EnforcementAction(models.Model):
    """An enforcement action (执法): an order to rectify, a warning, a fine, a
    suspension..., linked to the enterprise and to the inspection, hazard or violation
    that caused it."""

    class Kind(models.TextChoices):
        ORDER_TO_RECTIFY = "order", _("Order to rectify")
        WARNING = "warning", _("Warning")
        FINE = "fine", _("Fine")
        SUSPENSION = "suspension", _("Suspension of production")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("enforcing unit"), on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    description = models.TextField(_("description"), blank=True)
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enforcement_actions",
    )
    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("hazard"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enforcement_actions",
    )
    violation = models.ForeignKey(
        Violation,
        verbose_name=_("violation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enforcement_actions",
    )
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_unit_field = "unit"

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("enforcement action")
        verbose_name_plural = _("enforcement actions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="fine") | (Q(amount__isnull=False) & Q(amount__gt=0)),
                name="enforcement_fine_has_amount",
                violation_error_message=_("A fine needs its amount."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="enforcement_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["unit", "decision_number"],
                condition=~Q(decision_number=""),
                name="enforcement_decision_number_unique",
                violation_error_message=_("This decision number is already recorded."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.enterprise}"


class QuarterlyReport(models.Model):
    """A unit's quarterly statistics table of hidden-danger screening (隐患排查治理季度
    统计表), filed by the 15th of the month after the quarter. The figures are those
    of the ledger when it was filed."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    inspections = models.PositiveIntegerField(_("inspections"), default=0)
    enterprises = models.PositiveIntegerField(_("enterprises inspected"), default=0)
    hazards = models.PositiveIntegerField(_("hazards found"), default=0)
    major = models.PositiveIntegerField(_("of which major"), default=0)
    closed = models.PositiveIntegerField(_("rectified"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    violations = models.PositiveIntegerField(_("violations"), default=0)
    actions = models.PositiveIntegerField(_("enforcement actions"), default=0)
    fines = models.DecimalField(_("fines (yuan)"), max_digits=14, decimal_places=2, default=0)
    notes = models.TextField(_("notes"), blank=True)
    due_on = models.DateField(_("due on"))
    filed_by = models.ForeignKey(
        USER, verbose_name=_("filed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)

    scope_unit_field = "unit"

    class Meta:
        ordering = ["-year", "-quarter", "unit__order", "pk"]
        verbose_name = _("quarterly statistics report")
        verbose_name_plural = _("quarterly statistics reports")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "quarter"],
                name="quarterly_report_once_per_unit",
                violation_error_message=_("This unit has already filed its table for the quarter."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                name="quarterly_report_quarter_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year} Q{self.quarter}"

    @property
    def is_late(self) -> bool:
        return timezone.localdate(self.filed_at) > self.due_on
