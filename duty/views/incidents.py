"""Pages of incident reports and weather warnings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safetyzone.core.filters import page_filter
from safetyzone.core.pagination import Paginator
from safetyzone.org.scoping import can_act_on

from ..filters import IncidentFilter, WarningFilter
from ..forms import (
    IncidentForm,
    IncidentUpdateForm,
    WarningForm,
)
from ..models import IncidentReport, WeatherWarning
from ..selectors import incidents as incidents_selectors
from ..selectors import rosters as rosters_selectors
from ..services import incidents as services
from ._common import _apply, _flash_errors

# --- Incident reports ----------------------------------------------------------------


@login_required
@permission_required("duty.view_incidentreport", raise_exception=True)
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    _form, reports = page_filter(
        IncidentFilter, request, incidents_selectors.incident_list(user=request.user)
    )
    page = Paginator(reports, 20).get_page(request.GET.get("page"))
    rows = [(r, incidents_selectors.incident_deadlines(r)) for r in page]
    return render(request, "duty/incident_list.html", {"page": page, "rows": rows})


@login_required
@permission_required("duty.add_incidentreport", raise_exception=True)
def incident_create(request: HttpRequest, pk: int) -> HttpResponse:
    shift = rosters_selectors.shift_get(user=request.user, pk=pk)
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
    report = incidents_selectors.incident_get(user=request.user, pk=pk)
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
    # Offered while the chain is open, to whom may write the duty day's records.
    offered = (
        can_add
        and report.state in IncidentReport.TRANSITIONS.open
        and can_act_on(request.user, report, any_path=True)
    )
    context = {
        "report": report,
        "deadlines": incidents_selectors.incident_deadlines(report),
        "form": form if offered or request.method == "POST" else None,
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
    _filters, warnings = page_filter(
        WarningFilter, request, incidents_selectors.warning_list(user=request.user)
    )
    page = Paginator(warnings, 20).get_page(request.GET.get("page"))
    now = timezone.now()
    may_lift = request.user.has_perm("duty.change_weatherwarning")
    for warning in page:
        warning.can_lift = (
            may_lift
            and WeatherWarning.TRANSITIONS.allows(warning.state, WeatherWarning.State.LIFTED)
            and now < warning.valid_until
        )
    return render(request, "duty/warning_list.html", {"page": page, "form": form, "now": now})


@login_required
@require_POST
@permission_required("duty.change_weatherwarning", raise_exception=True)
def warning_lift(request: HttpRequest, pk: int) -> HttpResponse:
    warning = incidents_selectors.warning_get(user=request.user, pk=pk)
    try:
        services.warning_lift(actor=request.user, warning=warning)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The warning was lifted."))
    return redirect("duty:warning-list")
