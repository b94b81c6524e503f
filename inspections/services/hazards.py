"""Changes of a hazard (the ledger's record): its code, recording (also from a failed
checklist item), photos, edits, the start of rectification and listed supervision.

Every function takes keyword arguments, validates (``full_clean``) and runs in one
transaction, so that bad input saves nothing half-way. Callers pass records they
fetched through a scoped selector; the functions check the actor's permission and, for
records they create, the actor's scope again."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import (
    ChecklistItem,
    Hazard,
    HazardCodeSequence,
    HazardDraft,
    HazardLevel,
    HazardPhoto,
    Inspection,
    InspectionAnswer,
    hazard_code,
)
from inspections.selectors.hazards import hazard_recurrence_of, may_decide_hazard_changes
from inspections.services._common import (
    _check_enterprise,
    _check_unit,
    _event,
    _require,
    _save_with_history,
    _validate_files,
    _when,
)
from safetyzone.calendar import WorkingCalendar
from safetyzone.core.states import TransitionNotAllowed
from safetyzone.core.uploads import IMAGE
from safetyzone.notifications.models import Notification
from safetyzone.notifications.recipients import heads_by_unit
from safetyzone.notifications.services import notify
from safetyzone.org.models import Enterprise, KeyArea, Unit, User
from safetyzone.org.scoping import require_record

# Default rectification time in working days, by level, when no deadline is given.
DEFAULT_DEADLINE_WORKING_DAYS = {HazardLevel.GENERAL: 10, HazardLevel.MAJOR: 30}
PLAN_FIELDS = (
    "plan_responsibility",
    "plan_measures",
    "plan_funds",
    "plan_time_limit",
    "plan_contingency",
)


# --- Hazard codes ---------------------------------------------------------------------


def hazard_code_next(*, year: int) -> str:
    """Take the next hazard code of ``year`` (YH-2024-000123). Call inside a
    transaction: the year's counter stays locked until it commits, so two concurrent
    requests can never take the same number."""
    return hazard_code(year, HazardCodeSequence.take_next(year=year))


# --- Hazards --------------------------------------------------------------------------


def _default_deadline(found_on: dt.date, level: str) -> dt.date:
    return WorkingCalendar().add_working_days(
        found_on, DEFAULT_DEADLINE_WORKING_DAYS.get(level, 10)
    )


@transaction.atomic
def hazard_create(
    *,
    actor: User,
    enterprise: Enterprise,
    key_area: KeyArea,
    description: str,
    level: str = HazardLevel.GENERAL,
    found_on: dt.date | None = None,
    deadline: dt.date | None = None,
    responsible_unit: Unit | None = None,
    responsible_person: str = "",
    place: str = "",
    legal_basis: str = "",
    inspection: Inspection | None = None,
    answer: InspectionAnswer | None = None,
    checklist_item: ChecklistItem | None = None,
    photos: Iterable[UploadedFile] = (),
    at: dt.datetime | None = None,
    **plan: Any,
) -> Hazard:
    """Register a hazard with a new code. Its responsible unit defaults to the
    enterprise's supervising unit; its deadline to 10 (general) or 30 (major) working
    days after the finding. A closed hazard of the same enterprise, key area and
    checklist item within a year flags it as a recurrence."""
    _require(actor, "inspections.add_hazard")
    unknown = set(plan) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unexpected arguments: {', '.join(sorted(unknown))}")
    _check_enterprise(actor, enterprise)
    found_on = found_on or timezone.localdate()
    if responsible_unit is None:
        responsible_unit = enterprise.supervising_unit
    _check_unit(actor, responsible_unit, "responsible_unit")
    checked_photos = _validate_files(photos, (IMAGE,), "photos")
    hazard = Hazard(
        enterprise=enterprise,
        key_area=key_area,
        description=(description or "").strip(),
        level=level,
        found_on=found_on,
        deadline=deadline or _default_deadline(found_on, level),
        responsible_unit=responsible_unit,
        responsible_person=responsible_person,
        place=place,
        legal_basis=legal_basis,
        inspection=inspection,
        answer=answer,
        checklist_item=checklist_item,
        created_by=actor,
        **plan,
    )
    if found_on > timezone.localdate():
        raise ValidationError({"found_on": _("A hazard cannot be found in the future.")})
    hazard.code = hazard_code(0, 0)  # a placeholder while the fields are checked
    hazard.full_clean(exclude=["code"])
    hazard.code = hazard_code_next(year=found_on.year)
    previous = hazard_recurrence_of(hazard=hazard)
    if previous is not None:
        hazard.is_recurrence = True
        hazard.recurrence_of = previous
    _save_with_history(hazard, actor, _event(Hazard.Event.RECORDED), _when(at) if at else None)
    for upload, _kind in checked_photos:
        HazardPhoto.objects.create(hazard=hazard, image=upload, uploaded_by=actor)
    return hazard


@transaction.atomic
def hazard_from_answer(*, actor: User, answer: InspectionAnswer, **overrides: Any) -> Hazard:
    """Turn a failed checklist answer into a hazard in one step, pre-filled from the
    item (question, legal basis, implied level) and the inspection (enterprise, date,
    key area); ``overrides`` replace any of those. The answer's photos are copied."""
    require_record(actor, answer)
    if answer.result != InspectionAnswer.Result.FAIL:
        raise ValidationError(_("Only a failed checklist item becomes a hazard."))
    if Hazard.objects.filter(answer=answer).exists():
        raise ValidationError(_("This failed item has already become a hazard."))
    inspection = answer.inspection
    item = answer.item
    description = item.question
    if answer.note:
        description = f"{item.question}：{answer.note}"
    values: dict[str, Any] = {
        "enterprise": inspection.enterprise,
        "key_area": inspection.key_area,
        "description": description,
        "level": item.implied_level,
        "found_on": inspection.date,
        "legal_basis": item.legal_basis,
        "inspection": inspection,
        "answer": answer,
        "checklist_item": item,
    }
    values.update(overrides)
    hazard = hazard_create(actor=actor, **values)
    if "photos" not in overrides:
        sources = [(answer.photo, answer.photo_name)] if answer.photo else []
        sources += [(p.image, p.original_name) for p in answer.photos.all()]
        for image, label in sources:
            with image.open("rb") as source:
                content = ContentFile(source.read())
            photo = HazardPhoto(hazard=hazard, uploaded_by=actor, caption=item.question[:200])
            # The name given is the label: the uploader's, not the answer's stored name.
            photo.image.save(label or image.name, content, save=False)
            photo.save()
    # Registered through the full form, a waiting draft of the item is decided too.
    HazardDraft.objects.filter(answer=answer, status=HazardDraft.Status.DRAFT).update(
        status=HazardDraft.Status.CONFIRMED,
        hazard=hazard,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    return hazard


@transaction.atomic
def hazards_from_inspection(*, actor: User, inspection: Inspection) -> list[Hazard]:
    """Every failed item of ``inspection`` not yet a hazard becomes one, pre-filled."""
    require_record(actor, inspection)
    answers = (
        inspection.answers.filter(result=InspectionAnswer.Result.FAIL, hazard__isnull=True)
        .select_related("item", "inspection__enterprise__supervising_unit", "inspection__key_area")
        .order_by("item__order")
    )
    return [hazard_from_answer(actor=actor, answer=answer) for answer in answers]


@transaction.atomic
def hazard_photos_add(
    *,
    actor: User,
    hazard: Hazard,
    photos: Iterable[UploadedFile],
    stage: str = HazardPhoto.Stage.FOUND,
) -> list[HazardPhoto]:
    """Add photos to a hazard (as found, or after rectification). Precondition:
    ``hazard`` came through a selector scoped to ``actor``."""
    _require(actor, "inspections.add_hazardphoto")
    require_record(actor, hazard)
    checked = _validate_files(photos, (IMAGE,), "photos")
    if not checked:
        raise ValidationError({"photos": _("Choose at least one photo.")})
    if stage not in HazardPhoto.Stage.values:
        raise ValidationError({"stage": _("Choose the stage of the photos.")})
    return [
        HazardPhoto.objects.create(hazard=hazard, image=upload, stage=stage, uploaded_by=actor)
        for upload, _kind in checked
    ]


HAZARD_EDITABLE = (
    "description",
    "place",
    "legal_basis",
    "level",
    "deadline",
    "responsible_person",
    *PLAN_FIELDS,
)


# What only committee staff change directly; anyone else asks them (hazard_change_request).
DECIDED_FIELDS = ("level", "deadline")


def _refuse_if_listed_and_lowered(hazard: Hazard) -> None:
    if hazard.level == HazardLevel.GENERAL and hazard.is_listed:
        raise ValidationError(
            {"level": _("A hazard under listed supervision stays a major hazard.")}
        )


@transaction.atomic
def hazard_update(*, actor: User, hazard: Hazard, reason: str = "", **data: Any) -> Hazard:
    """Change a hazard's description, place, responsible person or rectification plan.
    Its level and deadline are committee staff's to change, with a ``reason`` kept in
    the history; anyone else sending another level or deadline is refused (a field
    error: ask with ``hazard_change_request``). Precondition: ``hazard`` came through a
    selector scoped to ``actor``. A closed hazard stays as it was closed."""
    _require(actor, "inspections.change_hazard")
    unknown = set(data) - set(HAZARD_EDITABLE)
    if unknown:
        raise TypeError(f"not editable here: {', '.join(sorted(unknown))}")
    hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
    require_record(actor, hazard)
    if not hazard.is_open:
        raise ValidationError(_("A closed hazard cannot be changed."))
    before = {name: getattr(hazard, name) for name in DECIDED_FIELDS}
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(hazard, name, value)
    moved = [name for name in DECIDED_FIELDS if str(getattr(hazard, name)) != str(before[name])]
    reason = (reason or "").strip()
    if moved and not may_decide_hazard_changes(actor):
        raise ValidationError(
            {
                name: ValidationError(
                    _(
                        "Only committee staff change a hazard's level or deadline: send them "
                        "a change request with your reason."
                    ),
                    code="decided_by_staff",
                )
                for name in moved
            }
        )
    if moved and not reason:
        raise ValidationError(
            {"reason": _("Say why the level or deadline changes; the history keeps it.")}
        )
    _refuse_if_listed_and_lowered(hazard)
    hazard.full_clean()
    event = _event(Hazard.Event.CHANGED_BY_STAFF, reason) if moved else Hazard.Event.CHANGED
    _save_with_history(hazard, actor, event)
    return hazard


def _transition(hazard: Hazard, to: str) -> None:
    Hazard.TRANSITIONS.check(
        hazard.status,
        to,
        _("A hazard that is “%(current)s” cannot become “%(target)s”.")
        % {"current": Hazard.Status(hazard.status).label, "target": Hazard.Status(to).label},
    )
    hazard.status = to


def _lock_hazard(hazard: Hazard) -> Hazard:
    return Hazard.objects.select_for_update().get(pk=hazard.pk)


@transaction.atomic
def hazard_start_rectification(
    *, actor: User, hazard: Hazard, at: dt.datetime | None = None
) -> Hazard:
    """Reported or returned → rectifying. A major hazard must first have its plan's five
    implementations. Precondition: ``hazard`` came through a scoped selector."""
    _require(actor, "inspections.change_hazard")
    hazard = _lock_hazard(hazard)
    require_record(actor, hazard)
    _transition(hazard, Hazard.Status.RECTIFYING)
    if hazard.is_major and (missing := hazard.missing_implementations()):
        raise ValidationError(
            _(
                "A major hazard needs its plan's five implementations before rectification "
                "starts. Missing: %(missing)s."
            )
            % {"missing": "、".join(missing)},
            code="five_implementations",
        )
    hazard.full_clean()
    _save_with_history(
        hazard, actor, _event(Hazard.Event.RECTIFICATION_STARTED), _when(at) if at else None
    )
    return hazard


@transaction.atomic
def hazard_supervise(
    *, actor: User, hazard: Hazard, office: str, deadline: dt.date, at: dt.datetime | None = None
) -> Hazard:
    """Put a major, open hazard under listed supervision (挂牌督办)."""
    _require(actor, "inspections.supervise_hazard")
    hazard = _lock_hazard(hazard)
    require_record(actor, hazard)
    if not hazard.is_open:
        raise ValidationError(_("A closed hazard cannot be put under supervision."))
    if hazard.is_listed:
        # A second listing would overwrite the first one's office, deadline and date.
        raise TransitionNotAllowed(
            _(
                "This hazard is already under listed supervision by %(office)s since "
                "%(date)s; it is not listed twice."
            )
            % {
                "office": hazard.supervising_office,
                "date": timezone.localdate(hazard.supervised_at).isoformat()
                if hazard.supervised_at
                else "—",
            },
            code="already_listed",
        )
    if not hazard.is_major:
        raise ValidationError(
            {"level": _("Only a major hazard can be put under listed supervision.")}
        )
    if deadline is not None and deadline < hazard.found_on:
        raise ValidationError(
            {"supervision_deadline": _("The deadline cannot be before the hazard was found.")}
        )
    hazard.is_supervised = True
    hazard.supervising_office = (office or "").strip()
    hazard.supervision_deadline = deadline
    hazard.supervised_at = _when(at)
    hazard.supervised_by = actor
    hazard.full_clean()
    _save_with_history(
        hazard, actor, _event(Hazard.Event.LISTED, hazard.supervising_office), hazard.supervised_at
    )
    notify(
        recipient_ids=heads_by_unit([hazard.responsible_unit_id]).get(
            hazard.responsible_unit_id, []
        ),
        kind=Notification.Kind.HAZARD,
        reason=Notification.Reason.LISTED,
        subject=hazard,
        subject_label=hazard.code,
        message=_(
            "Hazard %(code)s (%(enterprise)s) was put under listed supervision by %(office)s; "
            "rectify it by %(deadline)s."
        )
        % {
            "code": hazard.code,
            "enterprise": hazard.enterprise,
            "office": hazard.supervising_office,
            "deadline": hazard.supervision_deadline.isoformat(),
        },
        exclude_id=actor.pk,
    )
    return hazard


def _delist(hazard: Hazard, actor: User, at: dt.datetime) -> None:
    """Listed supervision ends with the accepted rectification: the hazard is delisted
    (摘牌) by its supervising office, on the acceptance's date; the listing stays on
    record. Call with the hazard locked and accepted."""
    if not hazard.is_listed:
        return
    hazard.delisted_at = at
    hazard.delisting_office = hazard.supervising_office
    hazard.delisted_by = actor
    hazard.full_clean()
    _save_with_history(hazard, actor, _event(Hazard.Event.DELISTED, hazard.delisting_office), at)
