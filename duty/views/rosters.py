"""Pages of the duty overview, rosters (making, generating, publishing), the month
calendar and fairness (the leave page is in leave.py). Thin: read through selectors, change through
services.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safetyzone.core.filters import page_filter
from safetyzone.core.forms import errors_to_form
from safetyzone.core.pagination import Paginator
from safetyzone.org.scoping import can_act_on

from .. import checks
from ..filters import RosterFilter
from ..forms import (
    GenerateForm,
    PeriodForm,
    RosterForm,
)
from ..models import (
    CalendarFeed,
    DutyRoster,
    SwapRequest,
)
from ..selectors import incidents as incidents_selectors
from ..selectors import rosters as rosters_selectors
from ..services import rosters as rosters_services
from ._common import _apply, _flash_errors, _month

# --- Overview and my shifts -----------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    current = rosters_selectors.shifts_current(user=user)
    context = {
        "current": current,
        "upcoming": list(rosters_selectors.my_upcoming_shifts(user=user)[:5]),
        "warnings": incidents_selectors.active_warnings(),
        "open_swaps": rosters_selectors.swap_list(user=user)
        .filter(status__in=SwapRequest.OPEN_STATUSES)
        .count(),
    }
    return render(request, "duty/index.html", context)


@login_required
@require_GET
def my_shifts(request: HttpRequest) -> HttpResponse:
    user = request.user
    feed = CalendarFeed.objects.filter(person=user).first()
    swaps = rosters_selectors.swap_list(user=user).filter(Q(requester=user) | Q(counterpart=user))[
        :20
    ]
    context = {
        "shifts": rosters_selectors.my_upcoming_shifts(user=user)[:60],
        "swaps": swaps,
        "feed_url": request.build_absolute_uri(reverse("duty:person-feed", args=[feed.token]))
        if feed
        else None,
    }
    return render(request, "duty/my_shifts.html", context)


# --- Rosters -------------------------------------------------------------------------


@login_required
@require_GET
def roster_list(request: HttpRequest) -> HttpResponse:
    _form, rosters = page_filter(
        RosterFilter,
        request,
        rosters_selectors.roster_list(user=request.user).order_by("-start_date", "pk"),
    )
    page = Paginator(rosters, 20).get_page(request.GET.get("page"))
    return render(request, "duty/roster_list.html", {"page": page})


@login_required
@permission_required("duty.add_dutyroster", raise_exception=True)
def roster_create(request: HttpRequest) -> HttpResponse:
    form = RosterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        roster = _apply(
            form, lambda: rosters_services.roster_create(actor=request.user, **form.cleaned_data)
        )
        if roster is not None:
            messages.success(request, _("Roster “%s” was created.") % roster)
            return redirect(roster)
    return render(request, "duty/roster_form.html", {"form": form})


def _roster_months(roster: DutyRoster) -> list[tuple[int, int]]:
    months = []
    day = roster.start_date.replace(day=1)
    while day <= roster.end_date:
        months.append((day.year, day.month))
        day = (day + timedelta(days=32)).replace(day=1)
    return months[:13]


@login_required
@permission_required("duty.view_dutyroster", raise_exception=True)
@require_GET
def roster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roster = rosters_selectors.roster_get(user=request.user, pk=pk)
    issues = checks.roster_check(roster=roster)
    calendars = [
        (
            date(y, m, 1),
            rosters_selectors.month_calendar(user=request.user, year=y, month=m, roster=roster),
        )
        for y, m in _roster_months(roster)
    ]
    user = request.user
    # Offered as the services decide: the role, the write rule, the roster's graph.
    plans = user.has_perm("duty.publish_dutyroster") and can_act_on(user, roster)
    context = {
        "roster": roster,
        "issues": issues,
        "issues_by_day": checks.issues_by_day(issues),
        "calendars": calendars,
        "can_publish": plans
        and DutyRoster.TRANSITIONS.allows(roster.status, DutyRoster.Status.PUBLISHED),
        "can_add_shift": user.has_perm("duty.add_shift") and can_act_on(user, roster),
        "generate_form": GenerateForm(
            initial=rosters_selectors.roster_previous_pools(user=user, roster=roster)
        )
        if plans and roster.status in DutyRoster.TRANSITIONS.open
        else None,
        "feed_url": request.build_absolute_uri(
            reverse("duty:roster-feed", args=[roster.ical_token])
        )
        if roster.is_published
        else None,
    }
    return render(request, "duty/roster_detail.html", context)


@login_required
@permission_required("duty.publish_dutyroster", raise_exception=True)
def roster_generate(request: HttpRequest, pk: int) -> HttpResponse:
    roster = rosters_selectors.roster_get(user=request.user, pk=pk)
    if request.method == "POST":
        form = GenerateForm(request.POST)
    else:
        # The next month starts from the people of the last one.
        form = GenerateForm(
            initial=rosters_selectors.roster_previous_pools(user=request.user, roster=roster)
        )
    failures = []
    if request.method == "POST" and form.is_valid():
        try:
            rosters_services.roster_generate(
                roster=roster,
                actor=request.user,
                leaders=list(form.cleaned_data["leaders"]),
                officers=list(form.cleaned_data["officers"]),
                seed=form.cleaned_data.get("seed") or 0,
            )
        except rosters_services.RosterCannotBeCovered as exc:
            failures = exc.failures
            form.add_error(None, _("The pools cannot cover the period; nothing was saved."))
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The roster was generated. Check it, then publish it."))
            return redirect(roster)
    return render(
        request,
        "duty/roster_generate.html",
        {"roster": roster, "form": form, "failures": failures},
    )


@login_required
@require_POST
@permission_required("duty.publish_dutyroster", raise_exception=True)
def roster_publish(request: HttpRequest, pk: int) -> HttpResponse:
    roster = rosters_selectors.roster_get(user=request.user, pk=pk)
    try:
        rosters_services.roster_publish(roster=roster, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _("The roster fails its checks and was not published."))
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The roster is published."))
    return redirect(roster)


@login_required
@require_GET
def month_calendar(request: HttpRequest) -> HttpResponse:
    year, month = _month(request.GET.get("month"))
    first = date(year, month, 1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    context = {
        "month": first,
        "weeks": rosters_selectors.month_calendar(user=request.user, year=year, month=month),
        "previous": f"{previous:%Y-%m}",
        "following": f"{following:%Y-%m}",
        "today": timezone.localdate(),
    }
    return render(request, "duty/calendar.html", context)


# --- Staff: fairness -----------------------------------------------------------------


@login_required
@permission_required("duty.publish_dutyroster", raise_exception=True)
@require_GET
def fairness(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = PeriodForm(
        request.GET or None,
        initial={"start": today.replace(day=1), "end": today},
    )
    start, end = today.replace(day=1), today
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = rosters_selectors.fairness(user=request.user, start=start, end=end)
    hours = [r.hours for r in rows]
    context = {
        "form": form,
        "rows": rows,
        "start": start,
        "end": end,
        "spread": (max(hours) - min(hours)) if hours else 0,
    }
    return render(request, "duty/fairness.html", context)
