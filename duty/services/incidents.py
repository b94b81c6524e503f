"""Changes of state of incident reports, their updates, and weather warnings.

Preconditions: objects passed in came through a selector scoped to the actor.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.org.models import User
from safetyzone.org.scoping import require_record

from .. import checks, notices
from ..models import (
    INCIDENT_LEVEL_ORDER,
    IncidentReport,
    IncidentUpdate,
    Shift,
    ShiftAssignment,
    WeatherWarning,
)
from ..selectors.incidents import banner_warnings_forget
from ._common import _fail, _number, _require


def _check_level(report: IncidentReport) -> None:
    """Refuse a level lower than the casualties and losses imply under the national
    classification (``ACCIDENT_LEVEL_THRESHOLDS``), naming the level they call for. A
    higher level stays the reporter's call (the impact may be more than the figures)."""
    implied = report.level_implied()
    if implied is None or report.level not in INCIDENT_LEVEL_ORDER:
        return
    if INCIDENT_LEVEL_ORDER.index(report.level) < INCIDENT_LEVEL_ORDER.index(implied):
        raise _fail(
            _(
                "With %(deaths)s dead, %(injuries)s injured and a direct loss "
                "of %(loss)s × 10,000 yuan this is at least a %(level)s incident."
            )
            % {
                "deaths": report.deaths,
                "injuries": report.injuries,
                "loss": _number(Decimal(report.direct_loss)),
                "level": IncidentReport.Level(implied).label,
            },
            "level",
        )


@transaction.atomic
def incident_report_create(*, actor: User, shift: Shift, **data: Any) -> IncidentReport:
    """Record an incident reported to the duty office during ``shift``. Its level is
    at least the one its figures imply (see ``_check_level``)."""
    _require(actor, "duty.add_incidentreport")
    if not ShiftAssignment.objects.filter(shift=shift, person=actor).exists():
        raise _fail(_("You can only record reports on your own shift."), "shift")
    Shift.TRANSITIONS.check_in(
        Shift.objects.get(pk=shift.pk).state,
        Shift.TRANSITIONS.open,
        _("This shift has been handed over; record it on the current one."),
    )
    report = IncidentReport(
        shift=shift,
        recorded_by=actor,
        **{k: v for k, v in data.items() if k in IncidentReport.REPORT_FIELDS},
    )
    report.full_clean(validate_constraints=False)
    _check_level(report)
    report.validate_constraints()
    if report.received_at > timezone.now() + timedelta(minutes=5):
        raise _fail(_("The time cannot be in the future."), "received_at")
    if not shift.starts_at <= report.received_at <= shift.ends_at:
        raise _fail(_("The time must fall within the shift."), "received_at")
    report.save()
    return report


@transaction.atomic
def incident_update_create(
    *,
    actor: User,
    report: IncidentReport,
    kind: str,
    method: str,
    content: str,
    received_by: str,
    sent_at: datetime | None = None,
) -> IncidentUpdate:
    """Add a report to the chain sent up: the first report first, follow-ups numbered
    in order, nothing after the final report."""
    _require(actor, "duty.add_incidentupdate")
    report = IncidentReport.objects.select_for_update().get(pk=report.pk)
    # The chain is sent up by whoever keeps the duty days, like the report itself.
    require_record(actor, report, any_path=True)
    existing = list(report.updates.all())
    kinds = {u.kind for u in existing}
    state = report.state_after(kinds)
    if state == IncidentReport.State.CLOSED:
        refusal = _("The final report has been sent; the chain is closed.")
    elif state == IncidentReport.State.RECEIVED:
        refusal = _("The first report comes first.")
    else:
        refusal = _("The incident already has its first report.")
    IncidentReport.TRANSITIONS.check(state, report.state_after({kind}), refusal)
    sent_at = sent_at or timezone.now()
    sequence = 0
    if kind == IncidentUpdate.Kind.FOLLOW_UP:
        sequence = (report.updates.aggregate(n=Max("sequence"))["n"] or 0) + 1
    update = IncidentUpdate(
        report=report,
        kind=kind,
        sequence=sequence,
        method=method,
        content=content,
        received_by=received_by,
        sent_at=sent_at,
        recorded_by=actor,
    )
    update.full_clean()
    if sent_at < report.received_at:
        raise _fail(_("A report cannot be sent before the incident was received."), "sent_at")
    if sent_at > timezone.now() + timedelta(minutes=5):
        raise _fail(_("The time cannot be in the future."), "sent_at")
    if existing and sent_at < max(u.sent_at for u in existing):
        raise _fail(_("Reports of the chain follow one another in time."), "sent_at")
    update.save()
    return update


# --- Weather warnings -----------------------------------------------------------------


_WARNING_FIELDS = ("kind", "level", "area", "issued_by", "issued_at", "valid_until", "content")


@transaction.atomic
def warning_create(*, actor: User, **data: Any) -> WeatherWarning:
    """Record a warning. Orange and red raise the officers the shifts under it need;
    the rosters it touches are flagged until they have them."""
    _require(actor, "duty.add_weatherwarning")
    warning = WeatherWarning(
        recorded_by=actor, **{k: v for k, v in data.items() if k in _WARNING_FIELDS}
    )
    warning.full_clean()
    warning.save()
    transaction.on_commit(banner_warnings_forget)
    if warning.raises_duty:
        notices.staffing_raised(
            warning, extra=checks.warning_extra_officers(warning.level), actor=actor
        )
    return warning


@transaction.atomic
def warning_lift(*, actor: User, warning: WeatherWarning, at: datetime | None = None):
    _require(actor, "duty.change_weatherwarning")
    warning = WeatherWarning.objects.select_for_update().get(pk=warning.pk)
    at = at or timezone.now()
    WeatherWarning.TRANSITIONS.check(
        warning.state, WeatherWarning.State.LIFTED, _("This warning was already lifted.")
    )
    if at <= warning.issued_at:
        raise _fail(_("A warning is lifted after it is issued."), "lifted_at")
    warning.lifted_at = min(at, warning.valid_until)
    warning.full_clean()
    warning.save()
    transaction.on_commit(banner_warnings_forget)
    return warning
