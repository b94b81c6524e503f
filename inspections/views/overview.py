"""The inspections home page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inspections.models import RectificationReport
from inspections.selectors import hazards as hazard_selectors
from inspections.selectors import reports as report_selectors
from inspections.selectors import statistics as statistics_selectors
from inspections.selectors import tasks as task_selectors


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "stats": statistics_selectors.hazard_statistics(user=user),
        "tasks": list(
            task_selectors.inspection_task_list(user=user, filters={"open_only": True})[:8]
        ),
        "pending_reports": report_selectors.report_list(
            user=user, filters={"status": RectificationReport.Status.PENDING}
        ).count(),
        "returned": hazard_selectors.hazard_list(user=user, filters={"status": "returned"}).count(),
        "templates": task_selectors.checklist_template_list(),
    }
    return render(request, "inspections/index.html", context)
