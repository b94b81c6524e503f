"""Pages of violations and enforcement actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.filters import ViolationFilter
from inspections.forms.enforcement import EnforcementActionForm, ViolationForm
from inspections.selectors import enforcement as enforcement_selectors
from inspections.services import enforcement as enforcement_services
from inspections.views._common import _page
from safetyzone.core.filters import page_filter
from safetyzone.core.forms import errors_to_form

# --- Violations and enforcement -------------------------------------------------------


@login_required
@permission_required("inspections.view_violation", raise_exception=True)
def violation_list(request: HttpRequest) -> HttpResponse:
    form, violations = page_filter(
        ViolationFilter,
        request,
        enforcement_selectors.violation_list(user=request.user),
        staff_only=("unit",),
    )
    return render(
        request,
        "inspections/violation_list.html",
        {
            "page": _page(request, violations),
            "filter_form": form,
            "actions": enforcement_selectors.enforcement_action_list(user=request.user)[:50],
        },
    )


@login_required
@permission_required("inspections.add_violation", raise_exception=True)
def violation_create(request: HttpRequest) -> HttpResponse:
    form = ViolationForm(
        request.POST or None,
        user=request.user,
        initial={"date": timezone.localdate(), "inspection": request.GET.get("inspection")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            enforcement_services.violation_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The violation was recorded."))
            return redirect("inspections:violation-list")
    return render(
        request,
        "inspections/simple_form.html",
        {"form": form, "title": _("Record a violation")},
    )


@login_required
@permission_required("inspections.add_enforcementaction", raise_exception=True)
def enforcement_create(request: HttpRequest) -> HttpResponse:
    form = EnforcementActionForm(
        request.POST or None,
        user=request.user,
        initial={
            "date": timezone.localdate(),
            "inspection": request.GET.get("inspection"),
            "hazard": request.GET.get("hazard"),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            enforcement_services.enforcement_action_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The enforcement action was recorded."))
            return redirect("inspections:violation-list")
    return render(
        request,
        "inspections/simple_form.html",
        {"form": form, "title": _("Record an enforcement action")},
    )
