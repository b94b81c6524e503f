"""Reads of the daily duty reports (值班日报): the office's record, read by committee
staff and the people on duty (the duty log's readers), never by a member unit's head."""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset, sees_all_units

from ..models import (
    DutyLogEntry,
    DutyReport,
    IncidentReport,
    IncidentUpdate,
    ShiftAssignment,
    warning_name,
)

# Who reads the reports: the roles that read the duty log they are made of (apps.py
# grants both to committee staff and the people on duty, not to a unit's head), within
# the read rule's scope: the roster's unit and the units of the people on the shift.
READ_PERMISSIONS = ("duty.view_dutyreport",)


def duty_report_list(*, user: User) -> QuerySet[DutyReport]:
    return scope_queryset(DutyReport.objects.all(), user, perms=READ_PERMISSIONS).select_related(
        "shift__roster__unit", "confirmed_by"
    )


def duty_report_get(*, user: User, pk: Any) -> DutyReport:
    return get_object_or_404(duty_report_list(user=user), pk=pk)


def duty_report_waiting(*, user: User) -> DutyReport | None:
    """The newest report waiting for ``user``'s confirmation: of a shift they led, or,
    for committee staff, any."""
    drafts = duty_report_list(user=user).filter(status=DutyReport.Status.DRAFT)
    if not sees_all_units(user):
        drafts = drafts.filter(
            shift__assignments__person=user,
            shift__assignments__role=ShiftAssignment.Role.LEADER,
        )
    return drafts.order_by("-duty_day", "-pk").first()


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _label(choices, value: str) -> str:
    return str(dict(choices).get(value, value))


def duty_report_sections(report: DutyReport) -> dict[str, Any]:
    """The report's snapshot as the page and the PDF lay it out: times as datetimes,
    codes named in the reader's language, the incidents' limits with their verdict."""
    content = report.content or {}
    roles = ShiftAssignment.Role.choices
    people = [{**p, "role_label": _label(roles, p["role"])} for p in content.get("people", [])]
    log = [
        {
            **e,
            "at": _at(e["at"]),
            "corrects_at": _at(e.get("corrects_at")),
            "kind_label": _label(DutyLogEntry.Kind.choices, e["kind"]),
        }
        for e in content.get("log", [])
    ]
    limit_labels = {"phone": _("Report by phone"), "written": _("Written report")}
    incidents = []
    for i in content.get("incidents", []):
        incidents.append(
            {
                **i,
                "received_at": _at(i["received_at"]),
                "kind_label": _label(IncidentReport.Kind.choices, i["kind"]),
                "level_label": _label(IncidentReport.Level.choices, i["level"]),
                "limits": [
                    {
                        **limit,
                        "label": limit_labels.get(limit["key"], limit["key"]),
                        "due": _at(limit["due"]),
                        "met_at": _at(limit["met_at"]),
                    }
                    for limit in i.get("limits", [])
                ],
                "updates": [
                    {
                        **u,
                        "sent_at": _at(u["sent_at"]),
                        "kind_label": _label(IncidentUpdate.Kind.choices, u["kind"]),
                        "method_label": _label(IncidentUpdate.Method.choices, u["method"]),
                    }
                    for u in i.get("updates", [])
                ],
            }
        )
    warnings = [
        {
            **w,
            "name": warning_name(kind=w["kind"], level=w["level"]),
            "issued_at": _at(w["issued_at"]),
            "valid_until": _at(w["valid_until"]),
            "lifted_at": _at(w.get("lifted_at")),
        }
        for w in content.get("warnings", [])
    ]
    resources = [{**r, "moved_at": _at(r["moved_at"])} for r in content.get("resources", [])]
    return {
        "unit": content.get("unit", ""),
        "roster": content.get("roster", ""),
        "phone": content.get("phone", ""),
        "people": people,
        "leader": next((p for p in people if p["role"] == ShiftAssignment.Role.LEADER), None),
        "log": log,
        "incidents": incidents,
        "late_limits": sum(1 for i in incidents for lim in i["limits"] if not lim["in_time"]),
        "warnings": warnings,
        "resources": resources,
        "matters": content.get("matters", []),
        "handed_over": content.get("handed_over", False),
    }
