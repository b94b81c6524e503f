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


# --- Daily duty report (值班日报) -------------------------------------------------------
# Laid out as the meeting notice is (GB/T 9704): the office's red mark, the report's
# number above the red line, its parts; from the snapshot kept when it was confirmed.


def duty_report_context(report) -> dict[str, Any]:
    from .models import DutyReport
    from .selectors.duty_report import duty_report_sections

    report = DutyReport.objects.select_related("shift__roster__unit", "confirmed_by").get(
        pk=report.pk
    )
    sections = duty_report_sections(report)
    issuer = report.shift.roster.unit.name
    issuer_mark = gettext("%(issuer)s daily duty report") % {"issuer": issuer}
    period = (
        f"{timezone.localtime(report.period_start):%Y-%m-%d %H:%M} – "
        f"{timezone.localtime(report.period_end):%Y-%m-%d %H:%M}"
    )
    return {
        "report": report,
        "sections": sections,
        "issuer": issuer,
        "issuer_mark": issuer_mark,
        "issuer_mark_pt": max(16, min(30, 430 // max(len(issuer_mark), 1))),
        "title": gettext("Daily duty report of %(day)s")
        % {"day": date_format(report.duty_day, "Y-m-d")},
        "lead": gettext(
            "The duty of %(period)s is reported as follows (%(incidents)d incident(s), "
            "%(entries)d log entries)."
        )
        % {
            "period": period,
            "incidents": len(sections["incidents"]),
            "entries": len(sections["log"]),
        },
    }


def duty_report_filename(report) -> str:
    return f"{report.number}.pdf"


register_document_kind(
    DocumentKind(
        code="duty_report",
        label=_("Daily duty report"),
        template="duty/pdf/report.html",
        model="duty.DutyReport",
        context=duty_report_context,
        filename=duty_report_filename,
        unit=lambda report: report.shift.roster.unit,
        permission="duty.view_dutyreport",
        # The kept report: one waiting for its leader is not a document yet.
        refuse=lambda report: (
            None
            if report.is_confirmed
            else gettext("Only a confirmed daily duty report is exported.")
        ),
        subject_related=("shift__roster__unit",),
    )
)

from . import packs  # noqa: E402, F401 - registers its section of the evidence pack
