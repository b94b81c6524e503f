from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ..selectors.overview import (
    current_campaigns,
    key_periods_soon,
    month_events,
    open_assignments,
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "today": today,
        "current": current_campaigns(on=today),
        "key_periods": key_periods_soon(today=today),
        "assignments": open_assignments(user=request.user),
    }
    return render(request, "campaigns/index.html", context)


def _month_from(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    raw = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in raw.split("-", 1))
        date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    year, month = _month_from(request)
    first = date(year, month, 1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    context = {
        "month": first,
        "weeks": month_events(user=request.user, year=year, month=month),
        "previous": f"{previous:%Y-%m}",
        "following": f"{following:%Y-%m}",
        "this_month": f"{timezone.localdate():%Y-%m}",
    }
    return render(request, "campaigns/calendar.html", context)
