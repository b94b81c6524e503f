"""Calendar feeds (iCalendar) of a person and of a roster, and renewing their links."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..ical import person_calendar, roster_calendar
from ..models import (
    CalendarFeed,
    DutyRoster,
)
from ..selectors import rosters as selectors
from ..services import feeds as services


@login_required
@require_POST
def feed_renew(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_renew(person=request.user)
    messages.success(request, _("Your calendar link was renewed; the old link no longer works."))
    return redirect("duty:mine")


@require_GET
def person_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's shifts as iCalendar, for a phone's calendar: the secret link is the
    only key, so it is long, renewable, and tells nothing when wrong."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("person"), token=token)
    if not feed.person.is_active:
        raise Http404
    body = person_calendar(feed.person)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@require_GET
def roster_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The roster as iCalendar through its secret link, for a shared phone calendar
    (which cannot log in): published rosters only; unknown links are a 404."""
    roster = get_object_or_404(
        DutyRoster.objects.filter(status=DutyRoster.Status.PUBLISHED), ical_token=token
    )
    shifts = (
        roster.shifts.order_by("starts_at")
        .prefetch_related("assignments__person")
        .select_related("roster")
    )
    return HttpResponse(
        roster_calendar(roster, shifts), content_type="text/calendar; charset=utf-8"
    )


@login_required
@require_POST
@permission_required("duty.change_dutyroster", raise_exception=True)
def roster_feed_renew(request: HttpRequest, pk: int) -> HttpResponse:
    roster = selectors.roster_get(user=request.user, pk=pk)
    services.roster_feed_renew(actor=request.user, roster=roster)
    messages.success(
        request, _("The roster's calendar link was renewed; the old link no longer works.")
    )
    return redirect(roster)


@login_required
@require_GET
def roster_ical(request: HttpRequest, pk: int) -> HttpResponse:
    roster = selectors.roster_get(user=request.user, pk=pk)
    shifts = selectors.shift_list(user=request.user, filters={"roster": roster})
    response = HttpResponse(
        roster_calendar(roster, shifts), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="roster-{roster.pk}.ics"'
    return response
