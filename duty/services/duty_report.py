"""The daily duty report (值班日报): generated at the change-over from the shift that
just ended, confirmed by its leader on duty, then kept as it was and sent up."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.org.models import User
from safetyzone.org.scoping import require_record, sees_all_units

from .. import notices
from ..models import (
    DutyLogEntry,
    DutyReport,
    DutyReportSequence,
    DutyRoster,
    IncidentReport,
    IncidentUpdate,
    OpenMatter,
    Shift,
    ShiftAssignment,
    StockMovement,
    WeatherWarning,
)
from ..selectors.incidents import incident_deadlines
from ..selectors.log import open_matters_before
from ._common import _number, _require


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment is not None else None


def _people(shift: Shift) -> list[dict[str, Any]]:
    return [
        {"name": str(a.person), "role": a.role, "unit": str(a.person.unit or "")}
        for a in shift.assignments.select_related("person__unit").order_by("role", "pk")
    ]


def _log(shift: Shift) -> list[dict[str, Any]]:
    entries = DutyLogEntry.objects.filter(shift=shift).select_related("author", "corrects")
    return [
        {
            "at": _iso(e.at),
            "kind": e.kind,
            "content": e.content,
            "author": str(e.author),
            "corrects_at": _iso(e.corrects.at) if e.corrects else None,
        }
        for e in entries.order_by("at", "pk")
    ]


def _incidents(shift: Shift) -> list[dict[str, Any]]:
    reports = (
        IncidentReport.objects.filter(shift=shift)
        .prefetch_related(
            Prefetch("updates", queryset=IncidentUpdate.objects.order_by("sent_at", "pk"))
        )
        .order_by("received_at", "pk")
    )
    rows = []
    for report in reports:
        phone, written = incident_deadlines(report)
        rows.append(
            {
                "id": report.pk,
                "received_at": _iso(report.received_at),
                "reported_by": report.reported_by,
                "kind": report.kind,
                "level": report.level,
                "place": report.place,
                "deaths": report.deaths,
                "injuries": report.injuries,
                "missing": report.missing,
                "description": report.description,
                "limits": [
                    {
                        "key": key,
                        "due": _iso(deadline.due),
                        "met_at": _iso(deadline.done_at),
                        # met, late, running (not due yet when generated) or overdue
                        "state": deadline.state,
                        "in_time": deadline.state == "met",
                    }
                    for key, deadline in (("phone", phone), ("written", written))
                ],
                "updates": [
                    {
                        "kind": u.kind,
                        "sequence": u.sequence,
                        "method": u.method,
                        "sent_at": _iso(u.sent_at),
                        "received_by": u.received_by,
                    }
                    for u in report.updates.all()
                ],
            }
        )
    return rows


def _warnings(start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The warnings in force at any moment of the period."""
    warnings = WeatherWarning.objects.filter(issued_at__lt=end, valid_until__gt=start).filter(
        Q(lifted_at__isnull=True) | Q(lifted_at__gt=start)
    )
    return [
        {
            "kind": w.kind,
            "level": w.level,
            "area": w.area,
            "issued_by": w.issued_by,
            "issued_at": _iso(w.issued_at),
            "valid_until": _iso(w.valid_until),
            "lifted_at": _iso(w.lifted_at),
        }
        for w in warnings.order_by("issued_at", "pk")
    ]


def _resources_issued(start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Stock that went out (出库) during the period, of any unit: the duty office issues
    every unit's stock at night."""
    movements = StockMovement.objects.filter(
        direction=StockMovement.Direction.OUT, moved_at__gte=start, moved_at__lt=end
    ).select_related("resource__unit")
    return [
        {
            "resource": m.resource.name,
            "unit": str(m.resource.unit),
            "quantity": _number(m.quantity),
            "measure": m.resource.measure,
            "moved_at": _iso(m.moved_at),
            "purpose": m.purpose,
            "handled_by": m.handled_by,
        }
        for m in movements.order_by("moved_at", "pk")
    ]


def _matters(shift: Shift) -> list[dict[str, Any]]:
    """The matters still open that the next shift takes over: those of the shift's
    handover, or, before it is made, those carried into the shift and not closed."""
    handover = getattr(shift, "handover", None)
    if handover is not None:
        matters = list(
            OpenMatter.objects.filter(handover=handover, closed_at__isnull=True)
            .select_related("incident")
            .order_by("pk")
        )
    else:
        matters = open_matters_before(shift)
    return [
        {"text": m.text, "carried": m.carried_from_id is not None, "incident": m.incident_id}
        for m in matters
    ]


def duty_report_content(*, shift: Shift) -> dict[str, Any]:
    """The snapshot of the shift's 24 hours, as plain JSON (codes, not labels: the
    pages and the PDF name them in the reader's language)."""
    start, end = shift.starts_at, shift.ends_at
    return {
        "roster": shift.roster.title,
        "unit": str(shift.roster.unit),
        "phone": shift.phone or shift.roster.phone,
        "people": _people(shift),
        "log": _log(shift),
        "incidents": _incidents(shift),
        "warnings": _warnings(start, end),
        "resources": _resources_issued(start, end),
        "matters": _matters(shift),
        "handed_over": hasattr(shift, "handover"),
    }


@transaction.atomic
def duty_report_generate(*, shift: Shift, now: datetime | None = None) -> DutyReport:
    """The shift's daily report, numbered when it is first generated. Idempotent: a
    report waiting for confirmation is brought up to date, a confirmed one is returned
    as it was kept."""
    shift = Shift.objects.select_for_update().select_related("roster__unit").get(pk=shift.pk)
    report = DutyReport.objects.select_for_update().filter(shift=shift).first()
    if report is not None and report.is_confirmed:
        return report
    content = duty_report_content(shift=shift)
    if report is None:
        year = shift.date.year
        report = DutyReport(
            shift=shift,
            duty_day=shift.date,
            year=year,
            sequence=DutyReportSequence.take_next(year=year),
            period_start=shift.starts_at,
            period_end=shift.ends_at,
        )
    report.content = content
    report.generated_at = now or timezone.now()
    report.full_clean()
    report.save()
    return report


def duty_report_leader(report: DutyReport) -> User | None:
    assignment = (
        ShiftAssignment.objects.filter(shift_id=report.shift_id, role=ShiftAssignment.Role.LEADER)
        .select_related("person")
        .first()
    )
    return assignment.person if assignment else None


def can_confirm(user: User, report: DutyReport, leader: User | None) -> bool:
    """The leader on duty of the report's shift, or committee staff (and admins)."""
    return sees_all_units(user) or (leader is not None and leader.pk == user.pk)


@transaction.atomic
def duty_report_confirm(*, report: DutyReport, actor: User, note: str = "") -> DutyReport:
    """The leader on duty (or committee staff) confirms the report: it is kept as it is
    from now on, and sent up through the outbox (the mailboxes and robots the settings
    name). Confirmed once: a second confirmation is refused."""
    _require(actor, "duty.change_dutyreport")
    report = DutyReport.objects.select_for_update().select_related("shift").get(pk=report.pk)
    # Another unit's report is not found; the same office's officer may read, not confirm.
    require_record(actor, report, any_path=True)
    if not can_confirm(actor, report, duty_report_leader(report)):
        raise PermissionDenied(_("Only the leader on duty of this shift confirms its report."))
    DutyReport.TRANSITIONS.check(
        report.status,
        DutyReport.Status.CONFIRMED,
        _("This report has already been confirmed."),
    )
    now = timezone.now()
    report.status = DutyReport.Status.CONFIRMED
    report.confirmed_by = actor
    report.confirmed_at = now
    report.note = note.strip()
    report.sent_at = now
    report.full_clean()
    report.save()
    notices.duty_report_sent(
        report,
        actor=actor,
        emails=settings.DUTY_REPORT_SEND_TO,
        robot_urls=settings.DUTY_REPORT_ROBOTS,
    )
    return report


def duty_reports_generate_due(*, now: datetime | None = None) -> list[DutyReport]:
    """At the change-over (beat): a report for each shift of a published roster that
    ended within the past day and has none yet, and its leader on duty told to confirm
    it. Run again, it generates nothing twice."""
    now = now or timezone.now()
    shifts = Shift.objects.filter(
        roster__status=DutyRoster.Status.PUBLISHED,
        ends_at__lte=now,
        ends_at__gt=now - timedelta(days=1),
        daily_report__isnull=True,
    ).order_by("ends_at", "pk")
    reports = []
    for shift in shifts:
        with transaction.atomic():
            report = duty_report_generate(shift=shift, now=now)
            leader = duty_report_leader(report)
            if leader is not None:
                notices.duty_report_to_confirm(report, leader=leader)
        reports.append(report)
    return reports
