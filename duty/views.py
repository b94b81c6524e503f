"""The duty pages. Thin: read through selectors, change through services, and show a
service's ValidationError beside the fields it names."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safetyzone.core.pagination import Paginator
from safetyzone.org.scoping import can_act_on

from . import checks, selectors, services
from .forms import (
    GenerateForm,
    HandoverForm,
    IncidentForm,
    IncidentUpdateForm,
    LogEntryForm,
    MovementForm,
    PeriodForm,
    ResourceForm,
    RosterForm,
    ShiftForm,
    StandbyForm,
    SwapForm,
    TeamForm,
    UnavailabilityForm,
    WarningForm,
)
from .ical import person_calendar, roster_calendar
from .models import (
    CalendarFeed,
    DutyRoster,
    EmergencyResource,
    ShiftAssignment,
    SwapRequest,
    Unavailability,
)


def _errors_to_form(form, exc: ValidationError) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, problems in errors.items():
        form.add_error(field if field in form.fields else None, problems)


def _apply(form, action: Callable[[], Any]) -> Any:
    """Run a service; put its errors beside the form's fields. None when it refused."""
    try:
        return action()
    except ValidationError as exc:
        _errors_to_form(form, exc)
        return None


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for problem in exc.messages:
        messages.error(request, problem)


def _month(value: str | None) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


# --- Overview and my shifts -----------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    current = selectors.shifts_current(user=user)
    context = {
        "current": current,
        "upcoming": list(selectors.my_upcoming_shifts(user=user)[:5]),
        "warnings": selectors.active_warnings(),
        "open_swaps": selectors.swap_list(user=user)
        .filter(status__in=SwapRequest.OPEN_STATUSES)
        .count(),
    }
    return render(request, "duty/index.html", context)


@login_required
@require_GET
def my_shifts(request: HttpRequest) -> HttpResponse:
    user = request.user
    feed = CalendarFeed.objects.filter(person=user).first()
    swaps = selectors.swap_list(user=user).filter(Q(requester=user) | Q(counterpart=user))[:20]
    context = {
        "shifts": selectors.my_upcoming_shifts(user=user)[:60],
        "swaps": swaps,
        "feed_url": request.build_absolute_uri(reverse("duty:person-feed", args=[feed.token]))
        if feed
        else None,
    }
    return render(request, "duty/my_shifts.html", context)


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


# --- Rosters -------------------------------------------------------------------------


@login_required
@require_GET
def roster_list(request: HttpRequest) -> HttpResponse:
    rosters = selectors.roster_list(user=request.user).order_by("-start_date", "pk")
    page = Paginator(rosters, 20).get_page(request.GET.get("page"))
    return render(request, "duty/roster_list.html", {"page": page})


@login_required
@permission_required("duty.add_dutyroster", raise_exception=True)
def roster_create(request: HttpRequest) -> HttpResponse:
    form = RosterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        roster = _apply(
            form, lambda: services.roster_create(actor=request.user, **form.cleaned_data)
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
@require_GET
def roster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roster = selectors.roster_get(user=request.user, pk=pk)
    issues = checks.roster_check(roster=roster)
    calendars = [
        (date(y, m, 1), selectors.month_calendar(user=request.user, year=y, month=m, roster=roster))
        for y, m in _roster_months(roster)
    ]
    context = {
        "roster": roster,
        "issues": issues,
        "issues_by_day": checks.issues_by_day(issues),
        "calendars": calendars,
        "generate_form": GenerateForm() if not roster.is_published else None,
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
    roster = selectors.roster_get(user=request.user, pk=pk)
    form = GenerateForm(request.POST or None)
    failures = []
    if request.method == "POST" and form.is_valid():
        try:
            services.roster_generate(
                roster=roster,
                actor=request.user,
                leaders=list(form.cleaned_data["leaders"]),
                officers=list(form.cleaned_data["officers"]),
                seed=form.cleaned_data.get("seed") or 0,
            )
        except services.RosterCannotBeCovered as exc:
            failures = exc.failures
            form.add_error(None, _("The pools cannot cover the period; nothing was saved."))
        except ValidationError as exc:
            _errors_to_form(form, exc)
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
    roster = selectors.roster_get(user=request.user, pk=pk)
    try:
        services.roster_publish(roster=roster, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _("The roster fails its checks and was not published."))
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The roster is published."))
    return redirect(roster)


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


@login_required
@require_GET
def month_calendar(request: HttpRequest) -> HttpResponse:
    year, month = _month(request.GET.get("month"))
    first = date(year, month, 1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    context = {
        "month": first,
        "weeks": selectors.month_calendar(user=request.user, year=year, month=month),
        "previous": f"{previous:%Y-%m}",
        "following": f"{following:%Y-%m}",
        "today": timezone.localdate(),
    }
    return render(request, "duty/calendar.html", context)


# --- Shifts --------------------------------------------------------------------------


def _role_of(shift, user) -> str | None:
    for a in shift.assignments.all():
        if a.person_id == user.pk:
            return a.role
    return None


@login_required
@require_GET
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shift = selectors.shift_get(user=request.user, pk=pk)
    role = _role_of(shift, request.user)
    can_read_log = request.user.has_perm("duty.view_dutylogentry")
    entries = (
        list(selectors.log_entry_list(user=request.user, filters={"shift": shift}))
        if can_read_log
        else []
    )
    handover = (
        selectors.handover_list(user=request.user, filters={"shift": shift}).first()
        if can_read_log
        else None
    )
    reports = (
        list(selectors.incident_list(user=request.user, filters={"shift": shift}))
        if request.user.has_perm("duty.view_incidentreport")
        else []
    )
    context = {
        "shift": shift,
        "role": role,
        "entries": entries,
        "handover": handover,
        "reports": reports,
        "log_form": LogEntryForm(shift=shift) if role and not shift.is_closed else None,
        "changes": shift.changes.select_related("person_before", "person_after", "changed_by")
        if can_read_log or request.user.has_perm("duty.view_shiftchange")
        else [],
        "carried": services.open_matters_before(shift) if role and not shift.is_closed else [],
        "awaiting": services.handover_awaiting(shift) if role == "leader" else None,
    }
    return render(request, "duty/shift_detail.html", context)


@login_required
@permission_required("duty.add_shift", raise_exception=True)
def shift_create(request: HttpRequest, roster_pk: int) -> HttpResponse:
    roster = selectors.roster_get(user=request.user, pk=roster_pk)
    form = ShiftForm(request.POST or None, initial={"date": request.GET.get("date")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        shift = _apply(
            form,
            lambda: services.shift_create(
                actor=request.user,
                roster=roster,
                date=data["date"],
                leader=data["leader"],
                officers=list(data["officers"]),
                phone=data["phone"],
            ),
        )
        if shift is not None:
            messages.success(request, _("The shift was added."))
            return redirect(roster)
    return render(request, "duty/shift_form.html", {"form": form, "roster": roster})


@login_required
@permission_required("duty.change_shift", raise_exception=True)
def shift_update(request: HttpRequest, pk: int) -> HttpResponse:
    shift = selectors.shift_get(user=request.user, pk=pk)
    people = list(shift.assignments.all())
    initial = {
        "date": shift.date,
        "leader": next((a.person for a in people if a.role == "leader"), None),
        "officers": [a.person for a in people if a.role == "officer"],
        "phone": shift.phone,
    }
    form = ShiftForm(request.POST or None, initial=initial)
    form.fields["date"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _apply(
            form,
            lambda: services.shift_update(
                actor=request.user,
                shift=shift,
                leader=data["leader"],
                officers=list(data["officers"]),
                phone=data["phone"],
                note=data["note"],
            ),
        )
        if saved is not None:
            messages.success(request, _("The shift was changed."))
            return redirect(saved)
    return render(
        request, "duty/shift_form.html", {"form": form, "roster": shift.roster, "shift": shift}
    )


@login_required
@require_POST
@permission_required("duty.add_dutylogentry", raise_exception=True)
def log_create(request: HttpRequest, pk: int) -> HttpResponse:
    shift = selectors.shift_get(user=request.user, pk=pk)
    form = LogEntryForm(request.POST, shift=shift)
    if form.is_valid():
        entry = _apply(
            form,
            lambda: services.log_entry_create(actor=request.user, shift=shift, **form.cleaned_data),
        )
        if entry is not None:
            messages.success(request, _("The entry was added to the duty log."))
            return redirect(shift)
    for field, problems in form.errors.items():
        for problem in problems:
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {problem}" if label else problem)
    return redirect(shift)


@login_required
@permission_required("duty.add_handover", raise_exception=True)
def handover_create(request: HttpRequest, pk: int) -> HttpResponse:
    shift = selectors.shift_get(user=request.user, pk=pk)
    matters = services.open_matters_before(shift)
    form = HandoverForm(request.POST or None, matters=matters)
    if request.method == "POST" and form.is_valid():
        handover = _apply(
            form,
            lambda: services.handover_create(
                actor=request.user,
                shift=shift,
                new_matters=form.new(),
                close_matters=form.closed(),
                notes=form.cleaned_data["notes"],
                early_reason=form.cleaned_data["early_reason"],
            ),
        )
        if handover is not None:
            messages.success(
                request,
                _("The shift was handed over; it closes when the incoming leader confirms."),
            )
            return redirect(shift)
    following = services.next_shift(shift)
    return render(
        request,
        "duty/handover_form.html",
        {"form": form, "shift": shift, "next_shift": following, "matters": matters},
    )


@login_required
@require_POST
@permission_required("duty.change_handover", raise_exception=True)
def handover_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The incoming leader takes over ``pk``, their shift, from the one before."""
    shift = selectors.shift_get(user=request.user, pk=pk)
    handover = services.handover_awaiting(shift)
    if handover is None:
        raise Http404
    try:
        services.handover_confirm(actor=request.user, handover=handover)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("You took the shift over; the previous one is closed."))
    return redirect(shift)


@login_required
@require_POST
def matter_close(request: HttpRequest, pk: int) -> HttpResponse:
    matter = selectors.open_matter_get(user=request.user, pk=pk)
    try:
        services.open_matter_close(
            actor=request.user, matter=matter, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The matter is closed."))
    # Back to the shift the matter was handed over to, where it was shown.
    return redirect(matter.handover.next_shift or matter.handover.shift)


# --- Swaps ---------------------------------------------------------------------------


@login_required
@permission_required("duty.add_swaprequest", raise_exception=True)
def swap_create(request: HttpRequest, pk: int) -> HttpResponse:
    shift = selectors.shift_get(user=request.user, pk=pk)
    role = _role_of(shift, request.user)
    if role is None:
        raise PermissionDenied
    from safetyzone.org.roles import Role

    others = selectors.shift_list(
        user=request.user, filters={"published": True, "date_from": timezone.localdate()}
    ).exclude(pk=shift.pk)
    form = SwapForm(
        request.POST or None,
        role=Role.DUTY_LEADER if role == ShiftAssignment.Role.LEADER else Role.DUTY_OFFICER,
        shifts=others,
    )
    if request.method == "POST" and form.is_valid():
        swap = _apply(
            form,
            lambda: services.swap_request_create(
                requester=request.user, shift=shift, **form.cleaned_data
            ),
        )
        if swap is not None:
            messages.success(request, _("Your request was sent to %s.") % swap.counterpart)
            return redirect("duty:swap-list")
    return render(request, "duty/swap_form.html", {"form": form, "shift": shift})


@login_required
@require_GET
def swap_list(request: HttpRequest) -> HttpResponse:
    swaps = selectors.swap_list(user=request.user).order_by("-requested_at", "-pk")
    page = Paginator(swaps, 20).get_page(request.GET.get("page"))
    return render(request, "duty/swap_list.html", {"page": page})


SWAP_ACTIONS = {
    "accept": services.swap_accept,
    "decline": services.swap_decline,
    "cancel": services.swap_cancel,
    "approve": services.swap_approve,
    "reject": services.swap_reject,
}


@login_required
@require_POST
def swap_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    swap = selectors.swap_get(user=request.user, pk=pk)
    if action not in SWAP_ACTIONS:
        raise Http404
    kwargs: dict[str, Any] = {"swap": swap, "actor": request.user}
    if action in ("approve", "reject"):
        kwargs["note"] = request.POST.get("note", "")
    try:
        swap = SWAP_ACTIONS[action](**kwargs)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Swap request: %s.") % swap.get_status_display())
    return redirect("duty:swap-list")


# --- Incident reports ----------------------------------------------------------------


@login_required
@permission_required("duty.view_incidentreport", raise_exception=True)
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    reports = selectors.incident_list(user=request.user)
    page = Paginator(reports, 20).get_page(request.GET.get("page"))
    rows = [(r, selectors.incident_deadlines(r)) for r in page]
    return render(request, "duty/incident_list.html", {"page": page, "rows": rows})


@login_required
@permission_required("duty.add_incidentreport", raise_exception=True)
def incident_create(request: HttpRequest, pk: int) -> HttpResponse:
    shift = selectors.shift_get(user=request.user, pk=pk)
    initial = {"received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    form = IncidentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        report = _apply(
            form,
            lambda: services.incident_report_create(
                actor=request.user, shift=shift, **form.cleaned_data
            ),
        )
        if report is not None:
            messages.success(request, _("The incident was recorded. Report it up in time."))
            return redirect(report)
    return render(request, "duty/incident_form.html", {"form": form, "shift": shift})


@login_required
@permission_required("duty.view_incidentreport", raise_exception=True)
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.incident_get(user=request.user, pk=pk)
    can_add = request.user.has_perm("duty.add_incidentupdate")
    form = IncidentUpdateForm(request.POST or None) if can_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            update = _apply(
                form,
                lambda: services.incident_update_create(
                    actor=request.user, report=report, **form.cleaned_data
                ),
            )
            if update is not None:
                messages.success(request, _("“%s” was added to the chain.") % update)
                return redirect(report)
    context = {
        "report": report,
        "deadlines": selectors.incident_deadlines(report),
        "form": form,
    }
    return render(request, "duty/incident_detail.html", context)


# --- Warnings ------------------------------------------------------------------------


@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    can_add = request.user.has_perm("duty.add_weatherwarning")
    form = WarningForm(request.POST or None) if can_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            warning = _apply(
                form, lambda: services.warning_create(actor=request.user, **form.cleaned_data)
            )
            if warning is not None:
                messages.success(request, _("The warning “%s” was recorded.") % warning)
                return redirect("duty:warning-list")
    warnings = selectors.warning_list(user=request.user)
    page = Paginator(warnings, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "duty/warning_list.html",
        {"page": page, "form": form, "now": timezone.now()},
    )


@login_required
@require_POST
@permission_required("duty.change_weatherwarning", raise_exception=True)
def warning_lift(request: HttpRequest, pk: int) -> HttpResponse:
    warning = selectors.warning_get(user=request.user, pk=pk)
    try:
        services.warning_lift(actor=request.user, warning=warning)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The warning was lifted."))
    return redirect("duty:warning-list")


# --- Resources and teams --------------------------------------------------------------


@login_required
@permission_required("duty.view_emergencyresource", raise_exception=True)
@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    filters = {
        "kind": request.GET.get("kind"),
        "low": request.GET.get("low"),
        "q": request.GET.get("q"),
    }
    resources = selectors.resource_list(user=request.user, filters=filters)
    page = Paginator(resources, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "duty/resource_list.html",
        {"page": page, "kinds": EmergencyResource.Kind.choices, "filters": filters},
    )


@login_required
@permission_required("duty.add_emergencyresource", raise_exception=True)
def resource_create(request: HttpRequest) -> HttpResponse:
    form = ResourceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        quantity = data.pop("opening_quantity")
        resource = _apply(
            form,
            lambda: services.resource_create(actor=request.user, quantity=quantity, **data),
        )
        if resource is not None:
            messages.success(request, _("“%s” was added.") % resource)
            return redirect(resource)
    return render(request, "duty/resource_form.html", {"form": form})


@login_required
@permission_required("duty.change_emergencyresource", raise_exception=True)
def resource_update(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    form = ResourceForm(request.POST or None, instance=resource, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _apply(
            form,
            lambda: services.resource_update(
                actor=request.user, resource=resource, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("“%s” was saved.") % saved)
            return redirect(saved)
    return render(request, "duty/resource_form.html", {"form": form, "resource": resource})


@login_required
@permission_required("duty.view_emergencyresource", raise_exception=True)
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    can_move = request.user.has_perm("duty.add_stockmovement")
    # The duty office issues another unit's stock; it does not take it back or stock in.
    issue_only = can_move and not can_act_on(request.user, resource)
    form = MovementForm(request.POST or None, issue_only=issue_only) if can_move else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            movement = _apply(
                form,
                lambda: services.stock_move(
                    actor=request.user, resource=resource, **form.cleaned_data
                ),
            )
            if movement is not None:
                messages.success(request, _("The stock movement was recorded."))
                return redirect(resource)
    movements = selectors.movement_list(user=request.user, filters={"resource": resource})[:50]
    standby = selectors.standby_list(user=request.user, filters={"resource": resource})
    return render(
        request,
        "duty/resource_detail.html",
        {"resource": resource, "form": form, "movements": movements, "standby": standby},
    )


@login_required
@permission_required("duty.view_rescueteam", raise_exception=True)
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    teams = selectors.team_list(user=request.user)
    standby = selectors.standby_list(user=request.user).filter(ends_at__gte=timezone.now())[:50]
    return render(request, "duty/team_list.html", {"teams": teams, "standby": standby})


@login_required
@permission_required("duty.add_rescueteam", raise_exception=True)
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("member_lines", None)
        team = _apply(
            form,
            lambda: services.team_create(actor=request.user, members=form.members(), **data),
        )
        if team is not None:
            messages.success(request, _("“%s” was added.") % team)
            return redirect(team)
    return render(request, "duty/team_form.html", {"form": form})


@login_required
@permission_required("duty.view_rescueteam", raise_exception=True)
@require_GET
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk)
    standby = selectors.standby_list(user=request.user, filters={"team": team})
    return render(request, "duty/team_detail.html", {"team": team, "standby": standby})


@login_required
@permission_required("duty.add_standbyassignment", raise_exception=True)
def standby_create(request: HttpRequest) -> HttpResponse:
    form = StandbyForm(
        request.POST or None,
        teams=selectors.team_list(user=request.user),
        resources=selectors.resource_list(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        standby = _apply(
            form, lambda: services.standby_create(actor=request.user, **form.cleaned_data)
        )
        if standby is not None:
            messages.success(request, _("The stand-by was recorded."))
            return redirect("duty:team-list")
    return render(request, "duty/standby_form.html", {"form": form})


# --- Staff: leave, fairness -----------------------------------------------------------


@login_required
@permission_required("duty.add_unavailability", raise_exception=True)
def unavailability_list(request: HttpRequest) -> HttpResponse:
    form = UnavailabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        absence = _apply(
            form,
            lambda: services.unavailability_create(actor=request.user, **form.cleaned_data),
        )
        if absence is not None:
            messages.success(request, _("Recorded: %s.") % absence)
            return redirect("duty:unavailability-list")
    absences = Unavailability.objects.filter(
        end_date__gte=timezone.localdate() - timedelta(days=31)
    ).select_related("person", "person__unit")
    return render(
        request, "duty/unavailability_list.html", {"form": form, "absences": absences[:200]}
    )


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
    rows = selectors.fairness(user=request.user, start=start, end=end)
    hours = [r.hours for r in rows]
    context = {
        "form": form,
        "rows": rows,
        "start": start,
        "end": end,
        "spread": (max(hours) - min(hours)) if hours else 0,
    }
    return render(request, "duty/fairness.html", context)
