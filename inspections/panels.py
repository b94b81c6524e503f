"""The inspections panel of the home page: the user's open, overdue and major hazards,
reports awaiting review, and the rectification rate."""

from django.http import HttpRequest

from safetyzone.core.panels import Panel, register_home_panel


def inspections_panel(request: HttpRequest) -> dict | None:
    from .models import RectificationReport
    from .selectors import hazard_list, hazard_statistics, report_list

    user = request.user
    if not user.has_perm("inspections.view_hazard"):
        return None
    stats = hazard_statistics(user=user)
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
