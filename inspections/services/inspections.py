"""Recording an inspection with its checklist answers."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import (
    AnswerPhoto,
    ChecklistItem,
    ChecklistTemplate,
    HazardDraft,
    Inspection,
    InspectionAnswer,
    InspectionTarget,
    InspectionTask,
)
from inspections.services._common import (
    _check_enterprise,
    _check_unit,
    _default_unit,
    _require,
    _validate_files,
)
from inspections.services.hazard_drafts import hazard_drafts_create
from safetyzone.core.uploads import IMAGE
from safetyzone.org.models import Enterprise, KeyArea, Unit, User
from safetyzone.org.scoping import can_act_on

# --- Inspections ----------------------------------------------------------------------


@dataclass
class AnswerInput:
    """One checklist item as answered on site: ``photo`` is the answer's own (the API's
    single photo), ``photos`` any number more (the phone's form)."""

    item: ChecklistItem
    result: str
    note: str = ""
    photo: UploadedFile | None = None
    photos: list[UploadedFile] = field(default_factory=list)

    def uploads(self) -> list[UploadedFile]:
        return ([self.photo] if self.photo else []) + [p for p in self.photos if p]


def _open_target(*, inspection: Inspection) -> InspectionTarget | None:
    targets = InspectionTarget.objects.select_for_update().filter(
        enterprise=inspection.enterprise, unit=inspection.unit, inspection__isnull=True
    )
    if inspection.task_id:
        return targets.filter(task_id=inspection.task_id).first()
    # An inspection recorded without its task still answers the task that targets this
    # enterprise in the same key area, if one is open on that date.
    return (
        targets.filter(
            task__key_area=inspection.key_area,
            task__start_date__lte=inspection.date,
            task__deadline__gte=inspection.date,
        )
        .order_by("task__deadline", "pk")
        .first()
    )


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    enterprise: Enterprise,
    key_area: KeyArea,
    inspectors: Iterable[User],
    answers: Iterable[AnswerInput] = (),
    template: ChecklistTemplate | None = None,
    task: InspectionTask | None = None,
    unit: Unit | None = None,
    date: dt.date | None = None,
    method: str = Inspection.Method.ROUTINE,
    is_enforcement: bool = False,
    other_participants: str = "",
    conclusion: str = "",
) -> Inspection:
    """Record one inspection with its answers. An enforcement visit needs two
    inspectors or more; answers must belong to the chosen checklist; photos must be
    images. The inspection answers its task's target for the enterprise (coverage)."""
    _require(actor, "inspections.add_inspection")
    _check_enterprise(actor, enterprise)
    unit = unit or _default_unit(actor, enterprise)
    _check_unit(actor, unit, "unit")
    inspectors = list({u.pk: u for u in inspectors}.values())
    answers = list(answers)
    errors: dict[str, list[str]] = {}
    if not inspectors:
        errors["inspectors"] = [_("Name at least one inspector.")]
    elif is_enforcement and len(inspectors) < 2:
        errors["inspectors"] = [_("An enforcement visit needs at least two inspectors.")]
    if template is not None and template.key_area_id != key_area.pk:
        errors["template"] = [_("This checklist belongs to another key area.")]
    if task is not None:
        if not can_act_on(actor, task):
            errors["task"] = [_("This task was not issued to your unit.")]
        elif task.key_area_id != key_area.pk:
            errors["task"] = [_("This task is for another key area.")]
    seen = set()
    for answer in answers:
        if template is None or answer.item.template_id != template.pk:
            errors.setdefault("answers", []).append(
                _("Item “%(item)s” is not on the chosen checklist.") % {"item": answer.item}
            )
        if answer.item.pk in seen:
            errors.setdefault("answers", []).append(_("An item was answered twice."))
        seen.add(answer.item.pk)
        if answer.result not in InspectionAnswer.Result.values:
            errors.setdefault("answers", []).append(_("Answer every item: pass, fail or n/a."))
    if errors:
        raise ValidationError(errors)
    _validate_files([p for a in answers for p in a.uploads()], (IMAGE,), "answers")
    inspection = Inspection(
        enterprise=enterprise,
        unit=unit,
        key_area=key_area,
        template=template,
        task=task,
        date=date or timezone.localdate(),
        method=method,
        is_enforcement=is_enforcement,
        other_participants=other_participants,
        conclusion=conclusion,
        recorded_by=actor,
    )
    if inspection.date > timezone.localdate():
        raise ValidationError({"date": _("An inspection cannot be recorded in advance.")})
    inspection.full_clean()
    inspection.save()
    inspection.inspectors.set(inspectors)
    for answer in answers:
        row = InspectionAnswer(
            inspection=inspection, item=answer.item, result=answer.result, note=answer.note or ""
        )
        row.full_clean(exclude=["inspection"])
        if answer.photo:
            row.photo = answer.photo
        row.save()
        # The further photos of the item (several from the phone), each under a
        # server-chosen name.
        for upload in answer.photos:
            if upload:
                AnswerPhoto.objects.create(answer=row, image=upload, uploaded_by=actor)
    target = _open_target(inspection=inspection)
    if target is not None:
        target.inspection = inspection
        target.save(update_fields=["inspection"])
        if inspection.task_id is None:
            inspection.task_id = target.task_id
            inspection.save(update_fields=["task"])
    return inspection


@transaction.atomic
def inspection_submit(*, actor: User, **fields: Any) -> tuple[Inspection, list[HazardDraft]]:
    """Record an inspection (``fields`` are ``inspection_record``'s) and, in the same
    transaction, turn each failed item into a draft hazard for the inspector to confirm
    or discard: a failure is never lost because a second form was forgotten."""
    inspection = inspection_record(actor=actor, **fields)
    drafts = hazard_drafts_create(actor=actor, inspection=inspection)
    return inspection, drafts
