"""Draft hazards: each failed checklist item of a submitted inspection waits as a draft
until the inspector confirms it (it becomes a hazard of the ledger, through
``hazard_from_answer``) or discards it (it stays on record as discarded, with who,
when and why). Nothing an inspector recorded is dropped silently."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import Hazard, HazardDraft, HazardLevel, Inspection, InspectionAnswer
from inspections.services._common import _require
from inspections.services.hazards import hazard_from_answer
from safetyzone.org.models import User
from safetyzone.org.scoping import require_record


def _description(answer: InspectionAnswer) -> str:
    question = answer.item.question
    return f"{question}：{answer.note}" if answer.note else question


@transaction.atomic
def hazard_drafts_create(*, actor: User, inspection: Inspection) -> list[HazardDraft]:
    """A draft for every failed item of ``inspection`` that is neither a hazard nor a
    draft yet, pre-filled from the item (description, the level its failure implies,
    general unless the checklist says major)."""
    require_record(actor, inspection)
    answers = (
        inspection.answers.filter(
            result=InspectionAnswer.Result.FAIL, hazard__isnull=True, hazard_draft__isnull=True
        )
        .select_related("item")
        .order_by("item__order")
    )
    drafts = [
        HazardDraft(
            inspection=inspection,
            answer=answer,
            description=_description(answer),
            level=answer.item.implied_level or HazardLevel.GENERAL,
        )
        for answer in answers
    ]
    for draft in drafts:
        draft.full_clean()
    return HazardDraft.objects.bulk_create(drafts)


def _lock(draft: HazardDraft) -> HazardDraft:
    return (
        HazardDraft.objects.select_for_update()
        .select_related("inspection__unit", "answer__item", "answer__inspection")
        .get(pk=draft.pk)
    )


def _step(draft: HazardDraft, to: str) -> None:
    HazardDraft.TRANSITIONS.check(
        draft.status,
        to,
        _("This draft is already “%(current)s”.")
        % {"current": HazardDraft.Status(draft.status).label},
    )
    draft.status = to


@transaction.atomic
def hazard_draft_confirm(
    *, actor: User, draft: HazardDraft, description: str = "", level: str = ""
) -> Hazard:
    """The draft becomes a hazard of the ledger, with the (edited) description and
    level and the item's photos. Precondition: ``draft`` came through a scoped
    selector; another unit's draft is refused as missing."""
    _require(actor, "inspections.add_hazard")
    draft = _lock(draft)
    require_record(actor, draft)
    _step(draft, HazardDraft.Status.CONFIRMED)
    description = (description or draft.description).strip()
    level = level or draft.level
    if level not in HazardLevel.values:
        raise ValidationError({"level": _("Choose the hazard's level.")})
    hazard = hazard_from_answer(
        actor=actor, answer=draft.answer, description=description, level=level
    )
    draft.description = description
    draft.level = level
    draft.hazard = hazard
    draft.decided_by = actor
    draft.decided_at = timezone.now()
    draft.full_clean()
    draft.save()
    return hazard


@transaction.atomic
def hazard_draft_discard(*, actor: User, draft: HazardDraft, reason: str) -> HazardDraft:
    """The inspector decides the failed item is no hazard: the draft stays on record
    as discarded, with who, when and why (a reason is required: a failure is never
    dropped without one)."""
    _require(actor, "inspections.add_hazard")
    draft = _lock(draft)
    require_record(actor, draft)
    _step(draft, HazardDraft.Status.DISCARDED)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the draft is no hazard before discarding it.")})
    draft.reason = reason.strip()[:200]
    draft.decided_by = actor
    draft.decided_at = timezone.now()
    draft.full_clean()
    draft.save()
    return draft
