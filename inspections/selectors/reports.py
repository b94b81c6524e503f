"""Rectification reports and their evidence, as the user may see them."""

from typing import Any

from django.db.models import OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from inspections.models import Hazard, RectificationReport, ReportEvidence
from inspections.selectors._common import _count
from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset


def hazard_reports(*, hazard: Hazard) -> QuerySet[RectificationReport]:
    """Every report of a hazard (already fetched through a scoped selector), newest
    first, with its evidence."""
    return (
        hazard.reports.select_related("filed_by", "reviewed_by")
        .prefetch_related("evidence")
        .order_by("-filed_at", "-pk")
    )


EVIDENCE_PERMS = ("inspections.view_hazard", "inspections.view_reportevidence")


def evidence_get(*, user: User, pk: Any, report: RectificationReport | None = None):
    """An evidence file the user may see, by unit and role (of ``report`` if given)."""
    qs = scope_queryset(ReportEvidence.objects.all(), user, perms=EVIDENCE_PERMS)
    if report is not None:
        qs = qs.filter(report=report)
    return get_object_or_404(qs, pk=pk)


# --- Reports --------------------------------------------------------------------------


def report_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    """The reports ``user`` sees, newest first; ``filters`` may name a ``status`` (the
    home panels'). The list's filters are ``inspections.filters.RectificationReportFilter``."""
    filters = filters or {}
    qs = scope_queryset(RectificationReport.objects.all(), user).select_related(
        "hazard__enterprise", "hazard__responsible_unit", "filed_by", "reviewed_by"
    )
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    return qs.annotate(
        evidence_count=_count(ReportEvidence.objects.filter(report=OuterRef("pk")))
    ).order_by("-filed_at", "-pk")


def report_get(*, user: User, pk: Any) -> RectificationReport:
    return get_object_or_404(report_list(user=user), pk=pk)
