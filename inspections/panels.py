"""The inspections panel of the home page: the user's open, overdue and major hazards,
reports awaiting review, and the rectification rate; and the inspections part of a
head's "to do"."""

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.core.charts import CHART_SCRIPTS
from safetyzone.core.panels import (
    TODO_LIMIT,
    Panel,
    TodoGroup,
    TodoItem,
    TodoSource,
    is_unit_head,
    register_home_panel,
    register_todo,
    todo_group,
)


def _hazard_statistics(request: HttpRequest) -> dict:
    """The user's hazard statistics, read once per request: the summary panel and the
    charts panel both show them."""
    from inspections.selectors.statistics import hazard_statistics

    if not hasattr(request, "_hazard_statistics"):
        request._hazard_statistics = hazard_statistics(user=request.user)
    return request._hazard_statistics


def inspections_panel(request: HttpRequest) -> dict | None:
    from inspections.models import RectificationReport
    from inspections.selectors.hazards import hazard_list
    from inspections.selectors.reports import report_list

    user = request.user
    if not user.has_perm("inspections.view_hazard"):
        return None
    stats = _hazard_statistics(request)
    return {
        "stats": stats,
        # Heads are told here when a report of theirs came back.
        "returned": hazard_list(user=user, filters={"status": "returned"}).count(),
        "pending_reports": report_list(
            user=user, filters={"status": RectificationReport.Status.PENDING}
        ).count()
        if user.has_perm("inspections.review_hazard")
        else None,
    }


register_home_panel(
    Panel(
        key="inspections",
        template="inspections/_home_panel.html",
        context=inspections_panel,
        order=20,
    )
)


def inspections_charts_panel(request: HttpRequest) -> dict | None:
    """Hazards found and closed in the twelve months up to the last with data; by unit
    for staff (rate and overdue), by key area for a head (their unit only). A fixed
    number of queries."""
    from inspections.charts import area_chart, monthly_chart, unit_chart
    from inspections.selectors.statistics import hazards_by_month, latest_data_day
    from safetyzone.org.scoping import sees_all_units

    user = request.user
    if not user.has_perm("inspections.view_hazard"):
        return None
    last = latest_data_day(user=user) or timezone.localdate()
    stats = _hazard_statistics(request)
    monthly = hazards_by_month(user=user, last=last)
    return {
        "key": "inspections-charts",
        "title": _("Hazards in charts"),
        "url": reverse("inspections:statistics"),
        "charts": [
            monthly_chart(monthly),
            unit_chart(stats) if sees_all_units(user) else area_chart(stats),
        ],
    }


register_home_panel(
    Panel(
        key="inspections-charts",
        template="core/_charts_panel.html",
        context=inspections_charts_panel,
        order=40,
        scripts=CHART_SCRIPTS,
        wide=True,
    )
)


def inspections_todo(request: HttpRequest) -> list[TodoGroup | None] | None:
    """A head's rectification work waiting at home: reports sent back and not yet filed
    again, and open hazards due by the end of this week (overdue ones too). Two queries
    whatever their number."""
    from inspections.models import Hazard, RectificationReport
    from inspections.selectors.hazards import hazard_list
    from inspections.selectors.reports import report_list

    user = request.user
    if not is_unit_head(user) or not user.has_perm("inspections.view_hazard"):
        return None
    today = timezone.localdate()
    week_end = today + dt.timedelta(days=6 - today.weekday())
    rows = TODO_LIMIT + 1
    returned = list(
        report_list(user=user, filters={"status": RectificationReport.Status.RETURNED})
        # Once filed again the hazard moves on: only reports still waiting for the unit.
        .filter(hazard__status=Hazard.Status.RETURNED)
        .order_by("-reviewed_at", "-pk")[:rows]
    )
    due = list(
        hazard_list(user=user, filters={"status": "open"})
        # A submitted hazard waits for the committee, not for the unit.
        .exclude(status=Hazard.Status.SUBMITTED)
        .filter(deadline__lte=week_end)
        .order_by("deadline", "pk")[:rows]
    )
    return [
        todo_group(
            _("Rectification reports returned"),
            returned,
            lambda r: TodoItem(
                f"{r.hazard.code} · {r.hazard.enterprise.name}",
                r.hazard.get_absolute_url(),
                r.reviewed_at,
            ),
            reverse("inspections:hazard-list") + "?status=returned",
        ),
        todo_group(
            _("Hazards due this week"),
            due,
            lambda h: TodoItem(
                f"{h.code} · {h.enterprise.name}", h.get_absolute_url(), h.deadline, h.overdue
            ),
            reverse("inspections:hazard-list") + "?status=open",
        ),
    ]


register_todo(TodoSource(key="inspections", groups=inspections_todo, order=20))
