from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .states import StatusGraph


class WorkdayOverride(models.Model):
    """A local exception to the national working-day calendar, added by an admin: a day
    off the State Council's notice does not know yet, or a working day in its place."""

    class Kind(models.TextChoices):
        WORKDAY = "workday", _("Working day")
        HOLIDAY = "holiday", _("Day off")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class SeedRun(models.Model):
    """A run of a bulk data generator (``manage.py seed_scale``): its arguments and the
    rows it inserted, so that a second run with the same arguments leaves the data as it
    is, and a run with other arguments removes exactly its own rows before seeding."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    arguments = models.JSONField(_("arguments"), default=dict)
    # [["app_label.model", "raw" | "orm", first pk, last pk], ...] in insertion order.
    rows = models.JSONField(_("inserted rows"), default=list)
    finished_at = models.DateTimeField(_("finished at"))

    class Meta:
        verbose_name = _("seed run")
        verbose_name_plural = _("seed runs")

    def __str__(self) -> str:
        return self.name


class DecidedRequest(models.Model):
    """A unit's request that committee staff grant or refuse (more time on a task, another
    level or deadline of a hazard): why it was asked, by whom, and the decision. The
    concrete request adds what is asked for and when it was asked."""

    class Status(models.TextChoices):
        # The requests' "Pending" (待审批).
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    TRANSITIONS = StatusGraph(
        {Status.PENDING: (Status.GRANTED, Status.REFUSED), Status.GRANTED: (), Status.REFUSED: ()}
    )

    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        abstract = True

    def record_decision(self, *, actor, grant: bool, note: str, at) -> None:
        """Set the decision on this pending request (the caller validates and saves,
        holding the row: ``select_for_update``). A request already decided is refused
        with ``TransitionNotAllowed`` (409 on the API): a decision is not taken back."""
        target = self.Status.GRANTED if grant else self.Status.REFUSED
        self.TRANSITIONS.check(
            self.status,
            target,
            _("This request was already decided (%(status)s).")
            % {"status": self.get_status_display()},
        )
        self.status = target
        self.decided_by = actor
        self.decided_at = at
        self.decision_note = note


class YearlyCounter(models.Model):
    """The one counter behind numbers that start again each year and never repeat within
    it: hazard codes (YH-2024-000123), document numbers (高新安委办〔2024〕12号). A
    concrete counter adds its key fields (an issuer prefix) and a unique constraint over
    them and ``year``; :meth:`take_next` relies on it."""

    year = models.PositiveSmallIntegerField(_("year"))
    last_value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        abstract = True

    @classmethod
    def take_next(cls, *, year: int, **key) -> int:
        """Take the next number of ``year`` (and ``key``: ``prefix=...``).

        Call it inside the transaction that uses the number: the counter's row stays
        locked until that transaction ends, and a rollback gives the number back, so
        numbers neither repeat nor skip. The year's row is created without racing: of two
        concurrent inserts the second waits for the first and then does nothing.
        """
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError(f"{cls.__name__}.take_next must run inside a transaction")
        cls._default_manager.bulk_create([cls(year=year, **key)], ignore_conflicts=True)
        counter = cls._default_manager.select_for_update().get(year=year, **key)
        counter.last_value += 1
        counter.save(update_fields=["last_value"])
        return counter.last_value
