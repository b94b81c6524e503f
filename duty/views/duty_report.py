"""Pages of the daily duty report (值班日报): the one waiting for the leader on duty,
the history by month, a report laid out in sections, confirming it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from safetyzone.core.filters import page_filter
from safetyzone.core.pagination import Paginator

from ..filters import DutyReportFilter
from ..selectors import duty_report as selectors
from ..services import duty_report as services
from ._common import _flash_errors


class ConfirmForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note of the leader on duty"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
@permission_required("duty.view_dutyreport", raise_exception=True)
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    form, reports = page_filter(
        DutyReportFilter, request, selectors.duty_report_list(user=request.user)
    )
    page = Paginator(reports.order_by("-duty_day", "-pk"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "duty/report_list.html",
        {"page": page, "form": form, "waiting": selectors.duty_report_waiting(user=request.user)},
    )


@login_required
@permission_required("duty.view_dutyreport", raise_exception=True)
@require_GET
def report_today(request: HttpRequest) -> HttpResponse:
    """The report waiting for the user's confirmation, else the history."""
    report = selectors.duty_report_waiting(user=request.user)
    if report is None:
        messages.info(request, _("No daily duty report is waiting for your confirmation."))
        return redirect("duty:report-list")
    return redirect(report)


@login_required
@permission_required("duty.view_dutyreport", raise_exception=True)
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.duty_report_get(user=request.user, pk=pk)
    leader = services.duty_report_leader(report)
    may_confirm = (
        not report.is_confirmed
        and request.user.has_perm("duty.change_dutyreport")
        and services.can_confirm(request.user, report, leader)
    )
    return render(
        request,
        "duty/report_detail.html",
        {
            "report": report,
            "sections": selectors.duty_report_sections(report),
            "form": ConfirmForm() if may_confirm else None,
        },
    )


@login_required
@require_POST
@permission_required("duty.change_dutyreport", raise_exception=True)
def report_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.duty_report_get(user=request.user, pk=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(report)
    try:
        services.duty_report_confirm(
            report=report, actor=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The daily duty report is confirmed and sent up."))
    return redirect(report)
