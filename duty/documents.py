"""Document kinds of the duty app: the roster to post on the wall (值班表) and the duty
log of a roster's period (值班日志), both rendered by the documents worker."""

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safetyzone.documents.registry import DocumentKind, register_document_kind

from .models import DutyLogEntry, DutyRoster, Handover, IncidentReport, ShiftAssignment


def _period(roster: DutyRoster) -> str:
    return f"{date_format(roster.start_date, 'Y-m-d')} – {date_format(roster.end_date, 'Y-m-d')}"


def roster_context(roster: DutyRoster) -> dict[str, Any]:
    rows = []
    for shift in roster.shifts.order_by("starts_at").prefetch_related(
        Prefetch("assignments", queryset=ShiftAssignment.objects.select_related("person"))
    ):
        people = list(shift.assignments.all())
        rows.append(
            {
                "shift": shift,
                "leader": next((a.person for a in people if a.role == "leader"), None),
                "officers": [a.person for a in people if a.role == "officer"],
            }
        )
    return {
        "roster": roster,
        "rows": rows,
        "period": _period(roster),
        "generated_at": timezone.localtime(),
    }


def log_context(roster: DutyRoster) -> dict[str, Any]:
    shifts = roster.shifts.order_by("starts_at").prefetch_related(
        Prefetch("assignments", queryset=ShiftAssignment.objects.select_related("person")),
        Prefetch(
            "log_entries",
            queryset=DutyLogEntry.objects.select_related("author", "corrects").order_by("at", "pk"),
        ),
        Prefetch(
            "incident_reports",
            queryset=IncidentReport.objects.prefetch_related("updates").order_by("received_at"),
        ),
    )
    handovers = {
        h.shift_id: h
        for h in Handover.objects.filter(shift__roster=roster)
        .select_related("confirmed_by")
        .prefetch_related("matters", "outgoing", "incoming")
    }
    days = [
        {
            "shift": s,
            "entries": list(s.log_entries.all()),
            "reports": list(s.incident_reports.all()),
            "handover": handovers.get(s.pk),
        }
        for s in shifts
    ]
    return {
        "roster": roster,
        "days": [d for d in days if d["entries"] or d["reports"] or d["handover"]],
        "period": _period(roster),
        "generated_at": timezone.localtime(),
    }


def roster_filename(roster: DutyRoster) -> str:
    return gettext("%(title)s - duty roster") % {"title": roster.title} + ".pdf"


def log_filename(roster: DutyRoster) -> str:
    return gettext("%(title)s - duty log") % {"title": roster.title} + ".pdf"


register_document_kind(
    DocumentKind(
        code="duty_roster",
        label=_("Duty roster"),
        template="duty/pdf/roster.html",
        model="duty.DutyRoster",
        context=roster_context,
        filename=roster_filename,
        unit=lambda roster: roster.unit,
        permission="duty.view_dutyroster",
    )
)
register_document_kind(
    DocumentKind(
        code="duty_log",
        label=_("Duty log"),
        template="duty/pdf/log.html",
        model="duty.DutyRoster",
        context=log_context,
        filename=log_filename,
        unit=lambda roster: roster.unit,
        permission="duty.view_dutylogentry",
    )
)
