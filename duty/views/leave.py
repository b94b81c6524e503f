"""The leave page: leave requests (those waiting first, with the published shifts each
overlaps; staff grant or refuse them), the form to ask (an officer for themself, a head
for their unit's people), recorded leave, and staff's form to record leave directly.
Thin: read through selectors, change through services."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetyzone.core.forms import DecisionForm
from safetyzone.core.pagination import Paginator

from ..forms import LeaveRequestForm, UnavailabilityForm
from ..models import LeaveRequest
from ..selectors import leave as selectors
from ..services import leave as leave_services
from ..services import shifts as shifts_services
from ._common import _apply, _flash_errors

# Recorded leave shown: what ended within the last month, and all that is to come.
RECENT_DAYS = 31


def _page(
    request: HttpRequest,
    *,
    record_form: UnavailabilityForm | None = None,
    ask_form: LeaveRequestForm | None = None,
) -> HttpResponse:
    user = request.user
    deciding = selectors.may_decide_leave(user)
    if record_form is None and user.has_perm("duty.add_unavailability"):
        record_form = UnavailabilityForm()
    # Staff record leave themselves; the others ask them.
    if ask_form is None and user.has_perm("duty.add_leaverequest") and not deciding:
        ask_form = LeaveRequestForm(user=user)
    page = Paginator(selectors.leave_request_list(user=user), 20).get_page(request.GET.get("page"))
    page.object_list = selectors.attach_clashes(page.object_list)
    for leave_request in page.object_list:
        leave_request.decidable = deciding and LeaveRequest.TRANSITIONS.allows(
            leave_request.status, LeaveRequest.Status.GRANTED
        )
    since = timezone.localdate() - timedelta(days=RECENT_DAYS)
    absences = selectors.unavailability_list(user=user, filters={"since": since})[:200]
    context = {
        "page": page,
        "absences": absences,
        "form": record_form,
        "ask_form": ask_form,
    }
    return render(request, "duty/unavailability_list.html", context)


@login_required
@permission_required("duty.view_leaverequest", raise_exception=True)
def unavailability_list(request: HttpRequest) -> HttpResponse:
    """The leave page; a POST is staff recording leave directly."""
    if request.method != "POST":
        return _page(request)
    if not request.user.has_perm("duty.add_unavailability"):
        raise PermissionDenied
    form = UnavailabilityForm(request.POST)
    if form.is_valid():
        absence = _apply(
            form,
            lambda: shifts_services.unavailability_create(actor=request.user, **form.cleaned_data),
        )
        if absence is not None:
            messages.success(request, _("Recorded: %s.") % absence)
            return redirect("duty:unavailability-list")
    return _page(request, record_form=form)


@login_required
@require_POST
@permission_required("duty.add_leaverequest", raise_exception=True)
def leave_request_create(request: HttpRequest) -> HttpResponse:
    form = LeaveRequestForm(request.POST, user=request.user)
    if form.is_valid():
        data = dict(form.cleaned_data)
        person = data.pop("person", request.user)
        asked = _apply(
            form,
            lambda: leave_services.leave_request_create(actor=request.user, person=person, **data),
        )
        if asked is not None:
            messages.success(
                request,
                _("Leave asked for %(person)s: committee staff will decide.")
                % {"person": asked.person},
            )
            return redirect("duty:unavailability-list")
    return _page(request, ask_form=form)


@login_required
@require_POST
@permission_required("duty.decide_leaverequest", raise_exception=True)
def leave_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    leave_request = selectors.leave_request_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(leave_request)
    try:
        leave_services.leave_request_decide(
            actor=request.user,
            request=leave_request,
            grant=form.grants,
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(
            request, _("The leave was granted.") if form.grants else _("The leave was refused.")
        )
    return redirect(leave_request)
