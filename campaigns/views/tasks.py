"""Pages of tasks (督办事项) and assignments. Thin: selectors read within the user's
scope (another unit's assignment is a 404), services decide and save, and their errors
come back beside the form's fields with the user's input kept."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safetyzone.core.filters import page_filter
from safetyzone.core.forms import DecisionForm, errors_to_form
from safetyzone.core.pagination import Paginator
from safetyzone.core.uploads import protected_file_response
from safetyzone.org.scoping import sees_all_units

from ..filters import AssignmentFilter, TaskFilter, request_clock
from ..forms.tasks import (
    AssignmentActionForm,
    ChaseForm,
    CompleteForm,
    ExtensionRequestForm,
    ProgressReportForm,
    ReturnForm,
    TaskForm,
)
from ..models import ExtensionRequest, TaskAssignment
from ..selectors import tasks as selectors
from ..selectors.tasks import LightClock, with_lights
from ..services import assignments as assignment_services
from ..services import chasers as chaser_services
from ..services import extensions as extension_services
from ..services import progress as progress_services
from ..services import tasks as task_services

PAGE_SIZE = 20


# --- Tasks -----------------------------------------------------------------------------


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    clock = request_clock(request)
    form, tasks = page_filter(
        TaskFilter,
        request,
        selectors.task_list(user=request.user, clock=clock),
        staff_only=("unit",),
    )
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    for task in page:
        with_lights(task.visible_assignments, clock=clock)
    return render(
        request,
        "campaigns/tasks/task_list.html",
        {"page": page, "filter_form": form, "sees_all_units": sees_all_units(request.user)},
    )


@login_required
@permission_required("campaigns.view_task", raise_exception=True)
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, pk=pk)
    assignments = with_lights(
        selectors.task_assignments(user=request.user, task=task), clock=LightClock()
    )
    staff = sees_all_units(request.user)
    context = {
        "task": task,
        "assignments": assignments,
        "progress": selectors.task_progress(assignments) if staff else None,
        "sees_all_units": staff,
        "may_edit": assignment_services.is_task_manager(request.user),
    }
    return render(request, "campaigns/tasks/task_detail.html", context)


def _task_save(request: HttpRequest, form: TaskForm, task=None):
    data = dict(form.cleaned_data)
    try:
        if task is None:
            return task_services.task_create(actor=request.user, **data)
        return task_services.task_update(actor=request.user, task=task, **data)
    except ValidationError as exc:
        errors_to_form(form, exc)
        return None


@login_required
@permission_required("campaigns.add_task", raise_exception=True)
def task_create(request: HttpRequest) -> HttpResponse:
    form = TaskForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        task = _task_save(request, form)
        if task is not None:
            messages.success(request, _("Task “%s” was issued.") % task)
            return redirect(task)
    return render(request, "campaigns/tasks/task_form.html", {"form": form})


@login_required
@permission_required("campaigns.change_task", raise_exception=True)
def task_update(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, pk=pk)
    form = TaskForm(request.POST or None, user=request.user, task=task)
    if request.method == "POST" and form.is_valid():
        saved = _task_save(request, form, task)
        if saved is not None:
            messages.success(request, _("Task “%s” was saved.") % saved)
            return redirect(saved)
    return render(request, "campaigns/tasks/task_form.html", {"form": form, "task": task})


# --- Assignments -----------------------------------------------------------------------


@login_required
@require_GET
def assignment_list(request: HttpRequest) -> HttpResponse:
    clock = request_clock(request)
    form, qs = page_filter(
        AssignmentFilter,
        request,
        selectors.assignment_list(user=request.user, clock=clock),
        staff_only=("unit",),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_lights(page.object_list, clock=clock)
    chasers = list(selectors.open_chasers(user=request.user)[:PAGE_SIZE])
    for chaser in chasers:
        chaser.may_acknowledge = assignment_services.may_acknowledge(request.user, chaser)
    context = {
        "page": page,
        "filter_form": form,
        "open_chasers": chasers,
        "sees_all_units": sees_all_units(request.user),
    }
    return render(request, "campaigns/tasks/assignment_list.html", context)


def _detail_context(
    request: HttpRequest, assignment: TaskAssignment, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = request.user
    parts = selectors.assignment_detail_parts(assignment)
    schedule = selectors.progress_schedule(
        assignment, reported=[r.period_end for r in parts["progress_reports"]]
    )
    actions = assignment_services.assignment_actions(assignment=assignment, user=user)
    forms_ = {
        "sign": AssignmentActionForm(),
        "start": AssignmentActionForm(),
        "complete": CompleteForm(initial={"feedback": assignment.feedback}),
        "return": ReturnForm(),
        "chase": ChaseForm(),
        "request_extension": ExtensionRequestForm(),
        "report_progress": ProgressReportForm(periods=schedule.open_periods),
        "decide": DecisionForm(),
    }
    forms_.update(bound or {})
    may_decide = assignment_services.may_decide_extensions(user)
    for chaser in parts["chasers"]:
        chaser.assignment = assignment
        chaser.may_acknowledge = assignment_services.may_acknowledge(user, chaser)
    pending = next(
        (r for r in parts["extension_requests"] if r.status == ExtensionRequest.Status.PENDING),
        None,
    )
    return {
        "assignment": assignment,
        "task": assignment.task,
        "light": selectors.assignment_light(assignment),
        "actions": actions,
        "forms": forms_,
        "schedule": schedule,
        "pending_request": pending,
        "may_decide": may_decide,
        "open_chasers": [c for c in parts["chasers"] if c.acknowledged_at is None],
        "sees_all_units": sees_all_units(user),
        **parts,
    }


@login_required
@permission_required("campaigns.view_taskassignment", raise_exception=True)
@require_GET
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    return render(
        request, "campaigns/tasks/assignment_detail.html", _detail_context(request, assignment)
    )


def _act(
    request: HttpRequest,
    assignment: TaskAssignment,
    *,
    name: str,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    """Run one step from a POSTed form; on refusal show the page again with the form's
    errors beside its fields and the input kept."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, success)
            return redirect(assignment)
    context = _detail_context(request, assignment, bound={name: form})
    if not _form_shown(name, context):
        # The step is no longer on offer (someone else moved the assignment on): its
        # form is not on the page, so say why above it.
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return render(request, "campaigns/tasks/assignment_detail.html", context)


def _form_shown(name: str, context: dict[str, Any]) -> bool:
    """Whether the page shows the form of step ``name`` (as the template decides)."""
    if name == "decide":
        return bool(context["pending_request"] and context["may_decide"])
    if name == "report_progress":
        return name in context["actions"] and bool(context["schedule"].open_periods)
    if name == "request_extension":
        return name in context["actions"] and not context["pending_request"]
    return name in context["actions"]


@login_required
@require_POST
def assignment_sign(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    return _act(
        request,
        assignment,
        name="sign",
        form=AssignmentActionForm(request.POST),
        call=lambda data: assignment_services.assignment_sign(
            assignment=assignment, actor=request.user
        ),
        success=_("The assignment was signed for."),
    )


@login_required
@require_POST
def assignment_start(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    return _act(
        request,
        assignment,
        name="start",
        form=AssignmentActionForm(request.POST),
        call=lambda data: assignment_services.assignment_start(
            assignment=assignment, actor=request.user
        ),
        success=_("Work on the assignment has started."),
    )


@login_required
@require_POST
def assignment_complete(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    return _act(
        request,
        assignment,
        name="complete",
        form=CompleteForm(request.POST, request.FILES),
        call=lambda data: assignment_services.assignment_complete(
            assignment=assignment,
            actor=request.user,
            feedback=data["feedback"],
            attachments=data["attachments"],
        ),
        success=_("The assignment was reported done."),
    )


@login_required
@require_POST
def assignment_return(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    return _act(
        request,
        assignment,
        name="return",
        form=ReturnForm(request.POST),
        call=lambda data: assignment_services.assignment_return(
            assignment=assignment, actor=request.user, reason=data["reason"]
        ),
        success=_("The assignment was returned to the unit."),
    )


@login_required
@require_POST
def assignment_chase(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    return _act(
        request,
        assignment,
        name="chase",
        form=ChaseForm(request.POST),
        call=lambda data: chaser_services.assignment_chase(
            assignment=assignment, actor=request.user, message=data["message"]
        ),
        success=_("The chaser was sent to the unit."),
    )


@login_required
@require_POST
def assignment_extension(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    return _act(
        request,
        assignment,
        name="request_extension",
        form=ExtensionRequestForm(request.POST),
        call=lambda data: extension_services.extension_request(
            assignment=assignment,
            actor=request.user,
            reason=data["reason"],
            requested_deadline=data["requested_deadline"],
        ),
        success=_("The extension request was sent."),
    )


@login_required
@require_POST
def assignment_progress(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    schedule = selectors.progress_schedule(assignment)
    return _act(
        request,
        assignment,
        name="report_progress",
        form=ProgressReportForm(request.POST, periods=schedule.open_periods),
        call=lambda data: progress_services.progress_report_submit(
            assignment=assignment,
            actor=request.user,
            period_end=data["period_end"],
            content=data["content"],
        ),
        success=_("The progress report was filed."),
    )


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    extension = selectors.extension_request_get(user=request.user, pk=pk)
    assignment = selectors.assignment_get(user=request.user, pk=extension.assignment_id)
    form = DecisionForm(request.POST)
    granted = request.POST.get("decision") == DecisionForm.GRANT
    return _act(
        request,
        assignment,
        name="decide",
        form=form,
        call=lambda data: extension_services.extension_decide(
            request=extension,
            actor=request.user,
            grant=data["decision"] == DecisionForm.GRANT,
            note=data["note"],
        ),
        success=_("The extension was granted.") if granted else _("The extension was refused."),
    )


@login_required
@require_POST
def chaser_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    chaser = selectors.chaser_get(user=request.user, pk=pk)
    try:
        chaser_services.chaser_acknowledge(chaser=chaser, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The chaser was signed for."))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(chaser.assignment)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    return protected_file_response(attachment.file, label=attachment.original_name)
