"""Pages of the hazard ledger and a hazard's steps. Thin: each reads through a scoped
selector, checks the shape of the input with a form and calls a service."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inspections.filters import HazardFilter
from inspections.forms.hazards import (
    HazardChangeRequestForm,
    HazardForm,
    HazardPlanForm,
    PhotoForm,
    SuperviseForm,
)
from inspections.forms.reports import ReviewForm
from inspections.models import Hazard, HazardChangeRequest, RectificationReport
from inspections.selectors import hazards as hazard_selectors
from inspections.selectors import reports as report_selectors
from inspections.services import hazard_changes as change_services
from inspections.services import hazards as hazard_services
from inspections.views._common import _page
from safetyzone.core.filters import page_filter
from safetyzone.core.forms import DecisionForm, errors_to_form
from safetyzone.core.uploads import protected_file_response
from safetyzone.org.scoping import can_act_on

DUE_SOON_DAYS = 3

# --- Hazards --------------------------------------------------------------------------


def _ledger(request: HttpRequest):
    """The ledger's filter form and its rows, filtered as the API filters them
    (``HazardFilter``); an invalid filter shows the rows unfiltered beside its error."""
    return page_filter(HazardFilter, request, hazard_selectors.hazard_list(user=request.user))


@login_required
@permission_required("inspections.view_hazard", raise_exception=True)
def hazard_list(request: HttpRequest) -> HttpResponse:
    form, hazards = _ledger(request)
    hazards = hazards.only(*hazard_selectors.LEDGER_ROW_COLUMNS)
    query = request.GET.copy()
    query.pop("page", None)
    without_enterprise = query.copy()
    without_enterprise.pop("enterprise", None)
    return render(
        request,
        "inspections/hazard_list.html",
        {
            "page": _page(request, hazards),
            "filter_form": form,
            "query": query.urlencode(),
            "query_without_enterprise": without_enterprise.urlencode(),
            # An open hazard's light turns yellow this close to its deadline (calendar
            # days: the working calendar would cost the page a query).
            "due_soon": timezone.localdate() + dt.timedelta(days=DUE_SOON_DAYS),
        },
    )


@login_required
@permission_required("inspections.add_hazard", raise_exception=True)
def hazard_create(request: HttpRequest) -> HttpResponse:
    form = HazardForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"found_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            hazard = hazard_services.hazard_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Hazard %(code)s was registered.") % {"code": hazard.code})
            return redirect(hazard)
    return render(request, "inspections/hazard_form.html", {"form": form})


@login_required
@permission_required("inspections.view_hazard", raise_exception=True)
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = hazard_selectors.hazard_get(user=request.user, pk=pk)
    reports = list(report_selectors.hazard_reports(hazard=hazard))
    user = request.user
    pending = next((r for r in reports if r.status == RectificationReport.Status.PENDING), None)
    change_requests = list(hazard_selectors.hazard_change_requests(hazard=hazard))
    pending_change = next(
        (r for r in change_requests if r.status == HazardChangeRequest.Status.PENDING), None
    )
    may_decide = hazard_selectors.may_decide_hazard_changes(user)
    # A step is offered when the status graph allows it, the write rule lets the user act
    # on this hazard and their role has the permission: the services check the same.
    graph = Hazard.TRANSITIONS
    acts = can_act_on(user, hazard)
    is_open = hazard.status in graph.open

    def may(step: str, perm: str) -> bool:
        return graph.allows(hazard.status, step) and acts and user.has_perm(perm)

    # A relapse links to its earlier hazard, when the user may read that one too.
    earlier = (
        hazard_selectors.hazard_list(user=user).filter(pk=hazard.recurrence_of_id).first()
        if hazard.recurrence_of_id
        else None
    )
    context = {
        "hazard": hazard,
        "earlier": earlier,
        "reports": reports,
        "photos": list(hazard.photos.all()),
        "history": hazard_selectors.hazard_history(hazard=hazard),
        "actions": list(hazard.enforcement_actions.all()),
        "overdue": hazard.is_overdue(),
        "can_start": may(Hazard.Status.RECTIFYING, "inspections.change_hazard"),
        "can_file": may(Hazard.Status.SUBMITTED, "inspections.add_rectificationreport"),
        "can_review": pending is not None
        and may(Hazard.Status.ACCEPTED, "inspections.review_hazard"),
        "can_supervise": is_open
        and hazard.is_major
        and not hazard.is_listed
        and acts
        and user.has_perm("inspections.supervise_hazard"),
        "change_requests": change_requests,
        "pending_change": pending_change,
        "change_form": HazardChangeRequestForm()
        if is_open
        and pending_change is None
        and not may_decide
        and acts
        and user.has_perm("inspections.add_hazardchangerequest")
        else None,
        "decide_form": DecisionForm()
        if pending_change is not None
        and pending_change.status in HazardChangeRequest.TRANSITIONS.open
        and may_decide
        and is_open
        else None,
        "can_edit": is_open and acts and user.has_perm("inspections.change_hazard"),
        "review_form": ReviewForm(),
        "photo_form": PhotoForm() if user.has_perm("inspections.add_hazardphoto") else None,
        "pending": pending,
    }
    return render(request, "inspections/hazard_detail.html", context)


@login_required
@require_POST
@permission_required("inspections.add_hazardphoto", raise_exception=True)
def hazard_photos(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = hazard_selectors.hazard_get(user=request.user, pk=pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(hazard)
    return _service_redirect(
        request,
        hazard,
        lambda: hazard_services.hazard_photos_add(
            actor=request.user, hazard=hazard, **form.cleaned_data
        ),
        _("The photos were added."),
    )


@login_required
@permission_required("inspections.change_hazard", raise_exception=True)
def hazard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = hazard_selectors.hazard_get(user=request.user, pk=pk)
    form = HazardPlanForm(
        request.POST or None,
        instance=hazard,
        may_decide=hazard_selectors.may_decide_hazard_changes(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            hazard_services.hazard_update(actor=request.user, hazard=hazard, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The hazard was saved."))
            return redirect(hazard)
    # A refused change is answered as the bad request it is, with the form's errors.
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "inspections/hazard_edit.html", {"form": form, "hazard": hazard}, status=status
    )


@login_required
@require_POST
@permission_required("inspections.add_hazardchangerequest", raise_exception=True)
def hazard_change_request(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = hazard_selectors.hazard_get(user=request.user, pk=pk)
    form = HazardChangeRequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(hazard)
    return _service_redirect(
        request,
        hazard,
        lambda: change_services.hazard_change_request(
            actor=request.user, hazard=hazard, **form.cleaned_data
        ),
        _("The change request was sent to committee staff."),
    )


@login_required
@require_POST
@permission_required("inspections.decide_hazardchangerequest", raise_exception=True)
def hazard_change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = hazard_selectors.hazard_change_request_get(user=request.user, pk=pk)
    hazard = hazard_selectors.hazard_get(user=request.user, pk=change.hazard_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(hazard)
    grant = form.grants
    return _service_redirect(
        request,
        hazard,
        lambda: change_services.hazard_change_decide(
            actor=request.user, request=change, grant=grant, note=form.cleaned_data["note"]
        ),
        _("The change was granted.") if grant else _("The change was refused."),
    )


def _service_redirect(request: HttpRequest, hazard: Hazard, call, success: str) -> HttpResponse:
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(hazard)


@login_required
@require_POST
@permission_required("inspections.change_hazard", raise_exception=True)
def hazard_start(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = hazard_selectors.hazard_get(user=request.user, pk=pk)
    return _service_redirect(
        request,
        hazard,
        lambda: hazard_services.hazard_start_rectification(actor=request.user, hazard=hazard),
        _("Rectification has started."),
    )


@login_required
@permission_required("inspections.supervise_hazard", raise_exception=True)
def hazard_supervise(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = hazard_selectors.hazard_get(user=request.user, pk=pk)
    form = SuperviseForm(request.POST or None, initial={"deadline": hazard.deadline})
    if request.method == "POST" and form.is_valid():
        try:
            hazard_services.hazard_supervise(actor=request.user, hazard=hazard, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The hazard is under listed supervision."))
            return redirect(hazard)
    return render(request, "inspections/supervise_form.html", {"form": form, "hazard": hazard})


@login_required
@require_GET
def hazard_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = hazard_selectors.hazard_photo_get(user=request.user, pk=pk)
    return protected_file_response(photo.image, label=photo.original_name)


def _to_export(request: HttpRequest, kind: str) -> HttpResponse:
    """The old download links: an export is a document job now (its page shows the
    filters and the button that queues it)."""
    url = reverse("documents:export", args=[kind])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_GET
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    return _to_export(request, "ledger_xlsx")


@login_required
@require_GET
def ledger_pdf(request: HttpRequest) -> HttpResponse:
    return _to_export(request, "ledger_pdf")
