"""The statistics page and the quarterly table."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inspections.charts import statistics_charts
from inspections.forms.statistics import QuarterForm
from inspections.selectors import statistics as statistics_selectors
from inspections.selectors import tasks as task_selectors
from inspections.services import statistics as statistics_services
from safetyzone.core.charts import CHART_SCRIPTS
from safetyzone.org.models import KeyArea
from safetyzone.org.scoping import unit_choices_for

# --- Statistics -----------------------------------------------------------------------


def _quarter(request: HttpRequest, latest: dt.date | None = None) -> tuple[QuarterForm, int, int]:
    """The quarter asked for; by default the one of ``latest`` (the last day with data,
    so the page does not open on an empty quarter), else the quarter just ended."""
    today = timezone.localdate()
    previous = (today.month - 1) // 3  # the quarter just ended is the one to file
    default_year, default_quarter = (today.year, previous) if previous else (today.year - 1, 4)
    if latest is not None:
        default_year, default_quarter = latest.year, (latest.month - 1) // 3 + 1
    form = QuarterForm(request.GET or {"year": default_year, "quarter": default_quarter})
    if form.is_valid():
        return form, form.cleaned_data["year"], form.cleaned_data["quarter"]
    return form, default_year, default_quarter


@login_required
@permission_required("inspections.view_hazard", raise_exception=True)
def statistics(request: HttpRequest) -> HttpResponse:
    latest = statistics_selectors.latest_data_day(user=request.user)
    form, year, quarter = _quarter(request, latest)
    stats = statistics_selectors.hazard_statistics(user=request.user)
    # The months up to the quarter shown (that quarter's last month, or today's).
    last = min(statistics_selectors.quarter_bounds(year, quarter)[1], timezone.localdate())
    monthly = statistics_selectors.hazards_by_month(user=request.user, last=last)
    return render(
        request,
        "inspections/statistics.html",
        {
            "stats": stats,
            "charts": statistics_charts(stats=stats, monthly=monthly),
            "chart_scripts": CHART_SCRIPTS,
            "coverage": task_selectors.coverage_by_unit(user=request.user),
            "quarter_form": form,
            "table": statistics_selectors.quarterly_table(
                user=request.user, year=year, quarter=quarter
            ),
            # The quarterly table's export asks for the quarter shown.
            "quarterly_query": urlencode({"year": year, "quarter": quarter}),
            "key_areas": KeyArea.objects.all(),
        },
    )


@login_required
@require_POST
@permission_required("inspections.add_quarterlyreport", raise_exception=True)
def quarterly_file(request: HttpRequest) -> HttpResponse:
    """A unit files its quarterly statistics table (the office may file for a unit)."""
    form = QuarterForm(request.POST)
    unit_id = request.POST.get("unit") or request.user.unit_id
    unit = get_object_or_404(unit_choices_for(request.user), pk=unit_id)
    if form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
        try:
            statistics_services.quarterly_report_file(
                actor=request.user,
                unit=unit,
                year=year,
                quarter=quarter,
                notes=request.POST.get("notes", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The %(year)d Q%(quarter)d statistics table of %(unit)s was filed.")
                % {"year": year, "quarter": quarter, "unit": unit},
            )
        return redirect(f"{reverse('inspections:statistics')}?year={year}&quarter={quarter}")
    messages.error(request, _("Choose the year and quarter."))
    return redirect("inspections:statistics")


@login_required
@require_GET
def quarterly_xlsx(request: HttpRequest) -> HttpResponse:
    """The old download link: the table is a document job now."""
    url = reverse("documents:export", args=["quarterly_xlsx"])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)
