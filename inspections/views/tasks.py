"""Pages of checklists and inspection tasks."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.filters import InspectionTaskFilter
from inspections.forms.tasks import KeyPeriodTasksForm, TaskForm
from inspections.models import ChecklistTemplate
from inspections.selectors import tasks as task_selectors
from inspections.services import tasks as task_services
from inspections.views._common import _page
from safetyzone.core.filters import page_filter
from safetyzone.core.forms import errors_to_form

# --- Checklists -----------------------------------------------------------------------


@login_required
@permission_required("inspections.view_checklisttemplate", raise_exception=True)
def checklist_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspections/checklist_list.html",
        {"templates": task_selectors.checklist_template_list()},
    )


@login_required
@permission_required("inspections.view_checklisttemplate", raise_exception=True)
def checklist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = task_selectors.checklist_template_get(pk=pk)
    return render(request, "inspections/checklist_detail.html", {"template": template})


# --- Tasks ----------------------------------------------------------------------------


@login_required
@permission_required("inspections.view_inspectiontask", raise_exception=True)
def task_list(request: HttpRequest) -> HttpResponse:
    form, tasks = page_filter(
        InspectionTaskFilter,
        request,
        task_selectors.inspection_task_list(user=request.user),
        staff_only=("unit",),
    )
    return render(
        request,
        "inspections/task_list.html",
        {
            "page": _page(request, tasks),
            "filter_form": form,
            "coverage": task_selectors.coverage_by_unit(user=request.user),
        },
    )


@login_required
@permission_required("inspections.view_inspectiontask", raise_exception=True)
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_selectors.inspection_task_get(user=request.user, pk=pk)
    rows, total = task_selectors.task_coverage(user=request.user, task=task)
    return render(
        request,
        "inspections/task_detail.html",
        {
            "task": task,
            "coverage": rows,
            "total": total,
            "targets": task_selectors.task_targets(user=request.user, task=task),
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
            task = task_services.inspection_task_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
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
            tasks = task_services.inspection_tasks_from_key_period(
                actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("%(n)d inspection tasks were issued.") % {"n": len(tasks)})
            return redirect("inspections:task-list")
    return render(request, "inspections/task_from_key_period.html", {"form": form})
