"""Pages of inspections, their answers and the spreadsheet imports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inspections.filters import InspectionFilter
from inspections.forms.drafts import HazardDraftForm
from inspections.forms.hazards import HazardForm
from inspections.forms.inspections import ImportForm, InspectionForm
from inspections.models import ChecklistTemplate
from inspections.selectors import inspections as inspection_selectors
from inspections.selectors import tasks as task_selectors
from inspections.services import hazard_drafts as draft_services
from inspections.services import hazards as hazard_services
from inspections.services import imports as import_services
from inspections.services import inspections as inspection_services
from inspections.views._common import _page
from safetyzone.core.filters import page_filter
from safetyzone.core.forms import errors_to_form
from safetyzone.core.uploads import protected_file_response

# --- Inspections ----------------------------------------------------------------------


@login_required
@permission_required("inspections.view_inspection", raise_exception=True)
def inspection_list(request: HttpRequest) -> HttpResponse:
    form, inspections = page_filter(
        InspectionFilter,
        request,
        inspection_selectors.inspection_list(user=request.user),
        staff_only=("unit",),
    )
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
            {"templates": task_selectors.checklist_template_list()},
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
            inspection, drafts = inspection_services.inspection_submit(
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
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The inspection was recorded."))
            if drafts and request.user.has_perm("inspections.add_hazard"):
                to = reverse("inspections:inspection-drafts", args=[inspection.pk])
            else:
                to = inspection.get_absolute_url()
            if request.headers.get("X-Requested-With") == "XMLHttpRequest":
                # The phone's script sent it: it goes there itself, so that the page it
                # opens (not the script's request) shows the message.
                return JsonResponse({"location": to})
            return redirect(to)
    return render(request, "inspections/inspection_form.html", {"form": form, "template": template})


@login_required
@permission_required("inspections.add_hazard", raise_exception=True)
def inspection_drafts(request: HttpRequest, pk: int) -> HttpResponse:
    """One screen: each failed item's prefilled hazard, to confirm or discard."""
    inspection = inspection_selectors.inspection_get(user=request.user, pk=pk)
    drafts = inspection_selectors.hazard_drafts_of(user=request.user, inspection=inspection)
    forms = [HazardDraftForm(draft=draft) for draft in drafts]
    return render(
        request,
        "inspections/inspection_drafts.html",
        {"inspection": inspection, "forms": forms},
    )


@login_required
@require_POST
@permission_required("inspections.add_hazard", raise_exception=True)
def hazard_draft_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    draft = inspection_selectors.hazard_draft_get(user=request.user, pk=pk)
    form = HazardDraftForm(request.POST, draft=draft)
    back = redirect("inspections:inspection-drafts", draft.inspection_id)
    if not form.is_valid() and decision == "confirm":
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return back
    data = form.cleaned_data
    try:
        if decision == "confirm":
            hazard = draft_services.hazard_draft_confirm(
                actor=request.user,
                draft=draft,
                description=data["description"],
                level=data["level"],
            )
            messages.success(request, _("Hazard %(code)s was registered.") % {"code": hazard.code})
        else:
            draft_services.hazard_draft_discard(
                actor=request.user, draft=draft, reason=data.get("reason") or ""
            )
            messages.success(request, _("The draft was discarded; it stays on record."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return back


@login_required
@permission_required("inspections.view_inspection", raise_exception=True)
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = inspection_selectors.inspection_get(user=request.user, pk=pk)
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
    inspection = inspection_selectors.inspection_get(user=request.user, pk=pk)
    try:
        hazards = hazard_services.hazards_from_inspection(actor=request.user, inspection=inspection)
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
    answer = inspection_selectors.answer_get(user=request.user, pk=pk)
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
            hazard = hazard_services.hazard_from_answer(
                actor=request.user, answer=answer, **data, **({"photos": photos} if photos else {})
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Hazard %(code)s was registered.") % {"code": hazard.code})
            return redirect(hazard)
    return render(request, "inspections/hazard_form.html", {"form": form, "answer": answer})


@login_required
@require_GET
def answer_photo(request: HttpRequest, pk: int) -> FileResponse:
    answer = inspection_selectors.answer_photo_get(user=request.user, pk=pk)
    return protected_file_response(answer.photo, label=answer.photo_name)


@login_required
@require_GET
def answer_photo_file(request: HttpRequest, pk: int) -> FileResponse:
    photo = inspection_selectors.answer_photo_file_get(user=request.user, pk=pk)
    return protected_file_response(photo.image, label=photo.original_name)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The checklist form's offline worker (no data in it, so no login: a signed-out
    phone must still be able to load it). Served here, not from static files, so that
    its scope covers the inspections pages."""
    response = render(
        request, "inspections/service_worker.js", content_type="application/javascript"
    )
    response["Cache-Control"] = "no-cache"
    return response


# --- Import ---------------------------------------------------------------------------


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.has_perm("org.add_enterprise") or user.has_perm("inspections.add_hazard")):
        raise PermissionDenied
    from inspections import excel

    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            rows = excel.read_rows(form.cleaned_data["file"], kind=kind, user=user)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if kind == ImportForm.ENTERPRISES:
                result = import_services.enterprises_import(actor=user, rows=rows)
            else:
                result = import_services.hazards_import(actor=user, rows=rows)
            if result.ok and not result.created:
                messages.info(
                    request,
                    _(
                        "The first sheet has no data rows: nothing was imported. "
                        "The template's example sheet is never imported."
                    ),
                )
            elif result.ok:
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
    from inspections import import_templates

    if kind not in (ImportForm.ENTERPRISES, ImportForm.HAZARDS):
        from django.http import Http404

        raise Http404
    return import_templates.template_response(kind, request.user)
