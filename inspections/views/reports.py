"""Pages of rectification reports: filing, review, the list and the evidence files."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inspections.filters import RectificationReportFilter
from inspections.forms.reports import ReportForm, ReviewForm
from inspections.models import RectificationReport
from inspections.selectors import hazards as hazard_selectors
from inspections.selectors import reports as report_selectors
from inspections.services import reports as report_services
from inspections.views._common import _page
from inspections.views.hazards import _service_redirect
from safetyzone.core.filters import page_filter
from safetyzone.core.forms import errors_to_form
from safetyzone.core.uploads import protected_file_response


@login_required
@permission_required("inspections.add_rectificationreport", raise_exception=True)
def hazard_report(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = hazard_selectors.hazard_get(user=request.user, pk=pk)
    form = ReportForm(
        request.POST or None, request.FILES or None, initial={"completed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            report_services.report_file(actor=request.user, hazard=hazard, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The rectification report was filed for review."))
            return redirect(hazard)
    return render(request, "inspections/report_form.html", {"form": form, "hazard": hazard})


@login_required
@require_POST
@permission_required("inspections.review_hazard", raise_exception=True)
def hazard_review(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = hazard_selectors.hazard_get(user=request.user, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(hazard)
    note = form.cleaned_data["note"]
    if form.cleaned_data["decision"] == ReviewForm.ACCEPT:
        return _service_redirect(
            request,
            hazard,
            lambda: report_services.report_accept(actor=request.user, hazard=hazard, note=note),
            _("The rectification was accepted and the hazard is closed."),
        )
    return _service_redirect(
        request,
        hazard,
        lambda: report_services.report_return(actor=request.user, hazard=hazard, reason=note),
        _("The report was returned to the unit."),
    )


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = report_selectors.evidence_get(user=request.user, pk=pk)
    return protected_file_response(evidence.file, label=evidence.original_name)


# --- Reports --------------------------------------------------------------------------


@login_required
@permission_required("inspections.view_rectificationreport", raise_exception=True)
def report_list(request: HttpRequest) -> HttpResponse:
    # Asked no status, the page lists the reports pending review (``status=``: all).
    query = request.GET.copy()
    query.setdefault("status", RectificationReport.Status.PENDING)
    form, reports = page_filter(
        RectificationReportFilter,
        request,
        report_selectors.report_list(user=request.user),
        data=query,
        staff_only=("unit",),
    )
    form.fields["status"].widget = forms.HiddenInput()  # the tabs choose it
    return render(
        request,
        "inspections/report_list.html",
        {
            "page": _page(request, reports),
            "filter_form": form,
            "status": query["status"],
            "statuses": [("", _("All")), *RectificationReport.Status.choices],
        },
    )
