"""The emergency duty section of the weekly digest to committee staff: the incidents
received over the past seven days, serious ones, and those reported up late or not yet
past their time limit; and, if any, this week's shifts without a leader or short of
officers. Two queries."""

from datetime import datetime, timedelta

from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyzone.notifications.registry import DigestLine, DigestSection, register_digest_section

from .models import DutyRoster, IncidentReport, IncidentUpdate, Shift, ShiftAssignment
from .selectors.incidents import report_limits


def _incident_counts(now: datetime) -> dict[str, int]:
    """One query: a row per incident of the week (a few dozen at most), with when its
    first report and its first written report went up."""
    rows = (
        IncidentReport.objects.filter(received_at__gte=now - timedelta(days=7), received_at__lt=now)
        .annotate(
            first_at=Min("updates__sent_at"),
            written_at=Min(
                "updates__sent_at", filter=Q(updates__method=IncidentUpdate.Method.WRITTEN)
            ),
        )
        .values_list("level", "received_at", "first_at", "written_at")
    )
    counts = {"received": 0, "serious": 0, "late": 0, "missing": 0}
    for level, received_at, first_at, written_at in rows:
        counts["received"] += 1
        counts["serious"] += level in IncidentReport.SERIOUS_LEVELS
        phone, written = report_limits(level)
        limits = ((received_at + phone, first_at), (received_at + written, written_at))
        if any(done is None and due <= now for due, done in limits):
            counts["missing"] += 1
        elif any(done is not None and done > due for due, done in limits):
            counts["late"] += 1
    return counts


def duty_digest(now: datetime) -> list[DigestLine]:
    today = timezone.localdate(now)
    week_end = today + timedelta(days=6 - today.weekday())
    incidents = _incident_counts(now)
    uncovered = (
        Shift.objects.filter(
            date__gte=today, date__lte=week_end, roster__status=DutyRoster.Status.PUBLISHED
        )
        .annotate(
            leaders=Count("assignments", filter=Q(assignments__role=ShiftAssignment.Role.LEADER)),
            officers=Count("assignments", filter=Q(assignments__role=ShiftAssignment.Role.OFFICER)),
        )
        .filter(Q(leaders=0) | Q(officers__lt=F("officers_needed")))
        .count()
    )
    lines = [
        DigestLine(_("Incidents received in the past 7 days"), incidents["received"]),
        DigestLine(_("Serious or especially serious incidents"), incidents["serious"]),
        DigestLine(_("Incidents reported up late"), incidents["late"]),
        DigestLine(_("Incidents not yet reported up past their time limit"), incidents["missing"]),
    ]
    if uncovered:
        lines.append(
            DigestLine(_("Shifts this week without a leader or short of officers"), uncovered)
        )
    return lines


register_digest_section(
    DigestSection(
        key="duty.duty",
        title=gettext_lazy("Emergency duty"),
        run=duty_digest,
        order=30,
    )
)
