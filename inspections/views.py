"""Pages of the inspections domain. Thin: each reads through a scoped selector, checks
the shape of the input with a form and calls a service."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safetyzone.core.pagination import Paginator
from safetyzone.core.uploads import protected_file_response
from safetyzone.org.models import KeyArea
from safetyzone.org.scoping import can_act_on, unit_choices_for

from . import exports, selectors, services
from .forms import (
    EnforcementActionForm,
    HazardChangeDecideForm,
    HazardChangeRequestForm,
    HazardForm,
    HazardPlanForm,
    ImportForm,
    InspectionFilterForm,
    InspectionForm,
    KeyPeriodTasksForm,
    LedgerFilterForm,
    PhotoForm,
    QuarterForm,
    ReportForm,
    ReviewForm,
    SuperviseForm,
    TaskForm,
    ViolationFilterForm,
    ViolationForm,
    add_service_errors,
)
from .models import ChecklistTemplate, Hazard, HazardChangeRequest, RectificationReport

PAGE_SIZE = 25


def _page(request: HttpRequest, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "stats": selectors.hazard_statistics(user=user),
        "tasks": list(selectors.inspection_task_list(user=user, filters={"open_only": True})[:8]),
        "pending_reports": selectors.report_list(
            user=user, filters={"status": RectificationReport.Status.PENDING}
        ).count(),
        "returned": selectors.hazard_list(user=user, filters={"status": "returned"}).count(),
        "templates": selectors.checklist_template_list(),
    }
    return render(request, "inspections/index.html", context)


# --- Checklists -----------------------------------------------------------------------


@login_required
@permission_required("inspections.view_checklisttemplate", raise_exception=True)
def checklist_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspections/checklist_list.html",
        {"templates": selectors.checklist_template_list()},
    )


@login_required
@permission_required("inspections.view_checklisttemplate", raise_exception=True)
def checklist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.checklist_template_get(pk=pk)
    return render(request, "inspections/checklist_detail.html", {"template": template})


# --- Tasks ----------------------------------------------------------------------------


@login_required
@permission_required("inspections.view_inspectiontask", raise_exception=True)
def task_list(request: HttpRequest) -> HttpResponse:
    tasks = selectors.inspection_task_list(user=request.user)
    return render(
        request,
        "inspections/task_list.html",
        {"page": _page(request, tasks), "coverage": selectors.coverage_by_unit(user=request.user)},
    )


@login_required
@permission_required("inspections.view_inspectiontask", raise_exception=True)
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.inspection_task_get(user=request.user, pk=pk)
    rows, total = selectors.task_coverage(user=request.user, task=task)
    return render(
        request,
        "inspections/task_detail.html",
        {
            "task": task,
            "coverage": rows,
            "total": total,
            "targets": selectors.task_targets(user=request.user, task=task),
            "template": ChecklistTemplate.objects.filter(
                key_area=task.key_area, is_active=True
            ).first(),
        },
    )


@login_required
@permission_required("inspections.add_inspectiontask", raise_exception=True)
def task_create(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = TaskForm(
        request.POST or None,
        user=request.user,
        initial={"start_date": today, "deadline": today + dt.timedelta(days=14)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            task = services.inspection_task_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Task “%(task)s” was issued with %(n)d target enterprises.")
                % {"task": task, "n": task.targets.count()},
            )
            return redirect(task)
    return render(request, "inspections/task_form.html", {"form": form})


@login_required
@permission_required("inspections.add_inspectiontask", raise_exception=True)
def tasks_from_key_period(request: HttpRequest) -> HttpResponse:
    form = KeyPeriodTasksForm(
        request.POST or None,
        user=request.user,
        initial={"key_period": request.GET.get("key_period")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            tasks = services.inspection_tasks_from_key_period(
                actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(n)d inspection tasks were issued.") % {"n": len(tasks)})
            return redirect("inspections:task-list")
    return render(request, "inspections/task_from_key_period.html", {"form": form})


# --- Inspections ----------------------------------------------------------------------


@login_required
@permission_required("inspections.view_inspection", raise_exception=True)
def inspection_list(request: HttpRequest) -> HttpResponse:
    form = InspectionFilterForm(request.GET or None, user=request.user)
    inspections = selectors.inspection_list(user=request.user, filters=form.filters())
    return render(
        request,
        "inspections/inspection_list.html",
        {"page": _page(request, inspections), "filter_form": form},
    )


@login_required
@permission_required("inspections.add_inspection", raise_exception=True)
def inspection_create(request: HttpRequest) -> HttpResponse:
    template_id = request.GET.get("template", "")
    if not template_id.isdigit():
        return render(
            request,
            "inspections/inspection_choose.html",
            {"templates": selectors.checklist_template_list()},
        )
    template = get_object_or_404(
        ChecklistTemplate.objects.select_related("key_area"), pk=template_id
    )
    form = InspectionForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        template=template,
        initial={"date": timezone.localdate(), "enterprise": request.GET.get("enterprise")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_record(
                actor=request.user,
                enterprise=data["enterprise"],
                key_area=template.key_area,
                template=template,
                task=data["task"],
                date=data["date"],
                method=data["method"],
                is_enforcement=data["is_enforcement"],
                inspectors=data["inspectors"],
                other_participants=data["other_participants"],
                conclusion=data["conclusion"],
                answers=form.answers(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The inspection was recorded."))
            return redirect(inspection)
    return render(request, "inspections/inspection_form.html", {"form": form, "template": template})


@login_required
@permission_required("inspections.view_inspection", raise_exception=True)
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "violations": inspection.violations.all(),
            "actions": inspection.enforcement_actions.all(),
        },
    )


@login_required
@require_POST
@permission_required("inspections.add_hazard", raise_exception=True)
def inspection_hazards(request: HttpRequest, pk: int) -> HttpResponse:
    """Every failed item not yet a hazard becomes one, pre-filled, in one step."""
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    try:
        hazards = services.hazards_from_inspection(actor=request.user, inspection=inspection)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(n)d hazards were registered from the failed items.") % {"n": len(hazards)}
        )
    return redirect(inspection)


@login_required
@permission_required("inspections.add_hazard", raise_exception=True)
def answer_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    """A failed item becomes a hazard: the form comes pre-filled; one tap saves it."""
    answer = selectors.answer_get(user=request.user, pk=pk)
    inspection, item = answer.inspection, answer.item
    initial = {
        "enterprise": inspection.enterprise_id,
        "key_area": inspection.key_area_id,
        "description": f"{item.question}：{answer.note}" if answer.note else item.question,
        "level": item.implied_level,
        "found_on": inspection.date,
        "legal_basis": item.legal_basis,
    }
    form = HazardForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photos = data.pop("photos")
        if not data["deadline"]:
            data.pop("deadline")
        try:
            hazard = services.hazard_from_answer(
                actor=request.user, answer=answer, **data, **({"photos": photos} if photos else {})
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Hazard %(code)s was registered.") % {"code": hazard.code})
            return redirect(hazard)
    return render(request, "inspections/hazard_form.html", {"form": form, "answer": answer})


@login_required
@require_GET
def answer_photo(request: HttpRequest, pk: int) -> FileResponse:
    answer = selectors.answer_photo_get(user=request.user, pk=pk)
    return protected_file_response(answer.photo, label=answer.photo_name)


# --- Hazards --------------------------------------------------------------------------


@login_required
@permission_required("inspections.view_hazard", raise_exception=True)
def hazard_list(request: HttpRequest) -> HttpResponse:
    form = LedgerFilterForm(request.GET or None, user=request.user)
    hazards = selectors.hazard_list(user=request.user, filters=form.filters()).only(
        *selectors.LEDGER_ROW_COLUMNS
    )
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
            hazard = services.hazard_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Hazard %(code)s was registered.") % {"code": hazard.code})
            return redirect(hazard)
    return render(request, "inspections/hazard_form.html", {"form": form})


@login_required
@permission_required("inspections.view_hazard", raise_exception=True)
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    reports = list(selectors.hazard_reports(hazard=hazard))
    user = request.user
    pending = next((r for r in reports if r.status == RectificationReport.Status.PENDING), None)
    change_requests = list(selectors.hazard_change_requests(hazard=hazard))
    pending_change = next(
        (r for r in change_requests if r.status == HazardChangeRequest.Status.PENDING), None
    )
    may_decide = services.may_decide_hazard_changes(user)
    context = {
        "hazard": hazard,
        "reports": reports,
        "photos": list(hazard.photos.all()),
        "history": selectors.hazard_history(hazard=hazard),
        "actions": list(hazard.enforcement_actions.all()),
        "overdue": hazard.is_overdue(),
        "can_start": hazard.can_move_to(Hazard.Status.RECTIFYING)
        and user.has_perm("inspections.change_hazard"),
        "can_file": hazard.status == Hazard.Status.RECTIFYING
        and user.has_perm("inspections.add_rectificationreport")
        and can_act_on(user, hazard),
        "can_review": pending is not None and user.has_perm("inspections.review_hazard"),
        "can_supervise": hazard.is_major
        and hazard.is_open
        and not hazard.is_listed
        and user.has_perm("inspections.supervise_hazard"),
        "change_requests": change_requests,
        "pending_change": pending_change,
        "change_form": HazardChangeRequestForm()
        if hazard.is_open
        and pending_change is None
        and not may_decide
        and user.has_perm("inspections.add_hazardchangerequest")
        and can_act_on(user, hazard)
        else None,
        "decide_form": HazardChangeDecideForm()
        if pending_change is not None and may_decide and hazard.is_open
        else None,
        "can_edit": hazard.is_open and user.has_perm("inspections.change_hazard"),
        "review_form": ReviewForm(),
        "photo_form": PhotoForm() if user.has_perm("inspections.add_hazardphoto") else None,
        "pending": pending,
    }
    return render(request, "inspections/hazard_detail.html", context)


@login_required
@require_POST
@permission_required("inspections.add_hazardphoto", raise_exception=True)
def hazard_photos(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(hazard)
    return _service_redirect(
        request,
        hazard,
        lambda: services.hazard_photos_add(actor=request.user, hazard=hazard, **form.cleaned_data),
        _("The photos were added."),
    )


@login_required
@permission_required("inspections.change_hazard", raise_exception=True)
def hazard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    form = HazardPlanForm(
        request.POST or None,
        instance=hazard,
        may_decide=services.may_decide_hazard_changes(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.hazard_update(actor=request.user, hazard=hazard, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
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
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    form = HazardChangeRequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(hazard)
    return _service_redirect(
        request,
        hazard,
        lambda: services.hazard_change_request(
            actor=request.user, hazard=hazard, **form.cleaned_data
        ),
        _("The change request was sent to committee staff."),
    )


@login_required
@require_POST
@permission_required("inspections.decide_hazardchangerequest", raise_exception=True)
def hazard_change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.hazard_change_request_get(user=request.user, pk=pk)
    hazard = selectors.hazard_get(user=request.user, pk=change.hazard_id)
    form = HazardChangeDecideForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(hazard)
    grant = form.cleaned_data["decision"] == HazardChangeDecideForm.GRANT
    return _service_redirect(
        request,
        hazard,
        lambda: services.hazard_change_decide(
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
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    return _service_redirect(
        request,
        hazard,
        lambda: services.hazard_start_rectification(actor=request.user, hazard=hazard),
        _("Rectification has started."),
    )


@login_required
@permission_required("inspections.add_rectificationreport", raise_exception=True)
def hazard_report(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    form = ReportForm(
        request.POST or None, request.FILES or None, initial={"completed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_file(actor=request.user, hazard=hazard, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The rectification report was filed for review."))
            return redirect(hazard)
    return render(request, "inspections/report_form.html", {"form": form, "hazard": hazard})


@login_required
@require_POST
@permission_required("inspections.review_hazard", raise_exception=True)
def hazard_review(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.hazard_get(user=request.user, pk=pk)
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
            lambda: services.report_accept(actor=request.user, hazard=hazard, note=note),
            _("The rectification was accepted and the hazard is closed."),
        )
    return _service_redirect(
        request,
        hazard,
        lambda: services.report_return(actor=request.user, hazard=hazard, reason=note),
        _("The report was returned to the unit."),
    )


@login_required
@permission_required("inspections.supervise_hazard", raise_exception=True)
def hazard_supervise(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    form = SuperviseForm(request.POST or None, initial={"deadline": hazard.deadline})
    if request.method == "POST" and form.is_valid():
        try:
            services.hazard_supervise(actor=request.user, hazard=hazard, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The hazard is under listed supervision."))
            return redirect(hazard)
    return render(request, "inspections/supervise_form.html", {"form": form, "hazard": hazard})


@login_required
@require_GET
def hazard_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = selectors.hazard_photo_get(user=request.user, pk=pk)
    return protected_file_response(photo.image, label=photo.original_name)


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = selectors.evidence_get(user=request.user, pk=pk)
    return protected_file_response(evidence.file, label=evidence.original_name)


@login_required
@require_GET
@permission_required("inspections.view_hazard", raise_exception=True)
def ledger_xlsx(request: HttpRequest) -> FileResponse:
    form = LedgerFilterForm(request.GET or None, user=request.user)
    hazards = selectors.hazard_list(user=request.user, filters=form.filters())
    return exports.ledger_xlsx_response(hazards)


@login_required
@require_GET
@permission_required("inspections.view_hazard", raise_exception=True)
def ledger_pdf(request: HttpRequest) -> HttpResponse:
    form = LedgerFilterForm(request.GET or None, user=request.user)
    hazards = selectors.hazard_list(user=request.user, filters=form.filters())
    return exports.ledger_pdf_response(hazards, filters=form.filters())


# --- Reports --------------------------------------------------------------------------


@login_required
@permission_required("inspections.view_rectificationreport", raise_exception=True)
def report_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", RectificationReport.Status.PENDING)
    if status not in RectificationReport.Status.values:
        status = ""
    reports = selectors.report_list(user=request.user, filters={"status": status})
    return render(
        request,
        "inspections/report_list.html",
        {
            "page": _page(request, reports),
            "status": status,
            "statuses": RectificationReport.Status.choices,
        },
    )


# --- Violations and enforcement -------------------------------------------------------


@login_required
@permission_required("inspections.view_violation", raise_exception=True)
def violation_list(request: HttpRequest) -> HttpResponse:
    form = ViolationFilterForm(request.GET or None)
    return render(
        request,
        "inspections/violation_list.html",
        {
            "page": _page(
                request, selectors.violation_list(user=request.user, filters=form.filters())
            ),
            "filter_form": form,
            "actions": selectors.enforcement_action_list(user=request.user)[:50],
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
            services.violation_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
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
            services.enforcement_action_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The enforcement action was recorded."))
            return redirect("inspections:violation-list")
    return render(
        request,
        "inspections/simple_form.html",
        {"form": form, "title": _("Record an enforcement action")},
    )


# --- Statistics -----------------------------------------------------------------------


def _quarter(request: HttpRequest) -> tuple[QuarterForm, int, int]:
    today = timezone.localdate()
    previous = (today.month - 1) // 3  # the quarter just ended is the one to file
    default_year, default_quarter = (today.year, previous) if previous else (today.year - 1, 4)
    form = QuarterForm(request.GET or {"year": default_year, "quarter": default_quarter})
    if form.is_valid():
        return form, form.cleaned_data["year"], form.cleaned_data["quarter"]
    return form, default_year, default_quarter


@login_required
@permission_required("inspections.view_hazard", raise_exception=True)
def statistics(request: HttpRequest) -> HttpResponse:
    form, year, quarter = _quarter(request)
    return render(
        request,
        "inspections/statistics.html",
        {
            "stats": selectors.hazard_statistics(user=request.user),
            "coverage": selectors.coverage_by_unit(user=request.user),
            "quarter_form": form,
            "table": selectors.quarterly_table(user=request.user, year=year, quarter=quarter),
            "key_areas": KeyArea.objects.all(),
        },
    )


@login_required
@require_POST
@permission_required("inspections.add_quarterlyreport", raise_exception=True)
def quarterly_file(request: HttpRequest) -> HttpResponse:
    """A unit files its quarterly statistics table (the office may file for a unit)."""
    form = QuarterForm(request.POST)
    unit_id = request.POST.get("unit") or request.user.unit_id
    unit = get_object_or_404(unit_choices_for(request.user), pk=unit_id)
    if form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
        try:
            services.quarterly_report_file(
                actor=request.user,
                unit=unit,
                year=year,
                quarter=quarter,
                notes=request.POST.get("notes", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The %(year)d Q%(quarter)d statistics table of %(unit)s was filed.")
                % {"year": year, "quarter": quarter, "unit": unit},
            )
        return redirect(f"{reverse('inspections:statistics')}?year={year}&quarter={quarter}")
    messages.error(request, _("Choose the year and quarter."))
    return redirect("inspections:statistics")


@login_required
@require_GET
@permission_required("inspections.view_hazard", raise_exception=True)
def quarterly_xlsx(request: HttpRequest) -> HttpResponse:
    _form, year, quarter = _quarter(request)
    table = selectors.quarterly_table(user=request.user, year=year, quarter=quarter)
    return exports.quarterly_xlsx_response(table)


# --- Import ---------------------------------------------------------------------------


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.has_perm("org.add_enterprise") or user.has_perm("inspections.add_hazard")):
        raise PermissionDenied
    from . import excel

    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            rows = excel.read_rows(form.cleaned_data["file"], kind=kind, user=user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if kind == ImportForm.ENTERPRISES:
                result = services.enterprises_import(actor=user, rows=rows)
            else:
                result = services.hazards_import(actor=user, rows=rows)
            if result.ok:
                messages.success(request, _("%(n)d rows were imported.") % {"n": result.created})
                return redirect(
                    "org:enterprise-list"
                    if kind == ImportForm.ENTERPRISES
                    else "inspections:hazard-list"
                )
    # A refused file (not a workbook, too large, unreadable) is the client's error.
    status = 400 if form.errors else 200
    return render(
        request, "inspections/import.html", {"form": form, "result": result}, status=status
    )


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    from . import excel

    if kind not in (ImportForm.ENTERPRISES, ImportForm.HAZARDS):
        from django.http import Http404

        raise Http404
    return excel.template_response(kind)
