"""Changes of state of the inspections domain: the one door for each of them.

Every function takes keyword arguments, validates (``full_clean``) and runs in one
transaction, so that bad input saves nothing half-way. Callers pass records they
fetched through a scoped selector; the functions check the actor's permission and, for
records they create, the actor's scope again.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Directive, KeyPeriod
from safetyzone.calendar import WorkingCalendar
from safetyzone.core.uploads import IMAGE, PDF, validate_upload
from safetyzone.notifications.models import Notification
from safetyzone.notifications.recipients import committee_staff_ids, heads_by_unit
from safetyzone.notifications.services import notify
from safetyzone.org.models import Enterprise, KeyArea, Unit, User
from safetyzone.org.scoping import can_act_on, require_record, require_unit, sees_all_units

from . import notices
from .models import (
    ChecklistItem,
    ChecklistTemplate,
    EnforcementAction,
    Hazard,
    HazardChangeRequest,
    HazardCodeSequence,
    HazardLevel,
    HazardPhoto,
    Inspection,
    InspectionAnswer,
    InspectionTarget,
    InspectionTask,
    InspectionTaskUnit,
    QuarterlyReport,
    RectificationReport,
    ReportEvidence,
    Violation,
)

# Default rectification time in working days, by level, when no deadline is given.
DEFAULT_DEADLINE_WORKING_DAYS = {HazardLevel.GENERAL: 10, HazardLevel.MAJOR: 30}
# A closed hazard of the same kind within this many days makes a new one a recurrence.
RECURRENCE_WINDOW_DAYS = 365
PLAN_FIELDS = (
    "plan_responsibility",
    "plan_measures",
    "plan_funds",
    "plan_time_limit",
    "plan_contingency",
)


class TransitionNotAllowed(ValidationError):
    """A change of a hazard's status that the allowed transitions do not include. The
    API answers it with 409 Conflict."""


def _require(actor: User, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied


def _check_unit(actor: User, unit: Unit | None, field_name: str) -> None:
    if unit is None:
        raise ValidationError({field_name: _("Choose a unit.")})
    require_unit(
        actor, unit, field=field_name, message=_("You can only record this for your own unit.")
    )


def _check_enterprise(actor: User, enterprise: Enterprise | None) -> None:
    if enterprise is None:
        raise ValidationError({"enterprise": _("Choose an enterprise.")})
    if not can_act_on(actor, enterprise):
        raise ValidationError({"enterprise": _("This enterprise is not supervised by your unit.")})


def _validate_files(files: Iterable[UploadedFile], kinds: Sequence[str], field_name: str) -> list:
    checked = []
    for upload in files or ():
        try:
            kind = validate_upload(upload, kinds=kinds)
        except ValidationError as exc:
            raise ValidationError(
                {field_name: [f"{upload.name}: {message}" for message in exc.messages]}
            ) from exc
        checked.append((upload, kind))
    return checked


def _default_unit(actor: User, enterprise: Enterprise) -> Unit:
    """The unit a record of ``actor`` about ``enterprise`` belongs to: the actor's own,
    or for the committee office (which works for every unit) the supervising unit."""
    return enterprise.supervising_unit if sees_all_units(actor) else actor.unit


def _save_with_history(
    instance, actor: User | None, reason: str = "", at: dt.datetime | None = None
) -> None:
    # django-simple-history takes who, why and when from these attributes when there is
    # no request (the API with a token, the worker, seed_demo).
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    if at is not None:
        instance._history_date = at
    instance.save()


def _event(event: str, detail: str = "") -> str:
    """A history entry's reason: the event's code, and the step's own words (a reason,
    an office) after a colon; shown in the reader's language (selectors.hazard_history).
    The history keeps 100 characters."""
    detail = " ".join((detail or "").split())
    return f"{event}:{detail}"[:100] if detail else str(event)


def _when(at: dt.datetime | None) -> dt.datetime:
    """The time of a decision: now, or an earlier time when a decision taken on paper is
    recorded afterwards (never a time to come)."""
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise ValidationError(_("A decision cannot be recorded in advance."))
    return at


# --- Hazard codes ---------------------------------------------------------------------


def hazard_code_next(*, year: int) -> str:
    """Take the next hazard code of ``year`` (YH-2024-000123). Call inside a
    transaction: the year's sequence row stays locked until it commits, so two
    concurrent requests can never take the same number."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("hazard_code_next must run inside a transaction")
    sequence = HazardCodeSequence.objects.select_for_update().filter(year=year).first()
    if sequence is None:
        try:
            with transaction.atomic():
                HazardCodeSequence.objects.create(year=year, last_value=0)
        except IntegrityError:
            pass  # another transaction created the year's row first: lock theirs
        sequence = HazardCodeSequence.objects.select_for_update().get(year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return f"YH-{year}-{sequence.last_value:06d}"


# --- Hazards --------------------------------------------------------------------------


def _default_deadline(found_on: dt.date, level: str) -> dt.date:
    return WorkingCalendar().add_working_days(
        found_on, DEFAULT_DEADLINE_WORKING_DAYS.get(level, 10)
    )


def _find_recurrence(hazard: Hazard) -> Hazard | None:
    """A closed hazard of the same enterprise, key area and checklist item within the
    last twelve months, if there is one."""
    if hazard.checklist_item_id is None or hazard.enterprise_id is None:
        return None
    since = timezone.make_aware(
        dt.datetime.combine(hazard.found_on - dt.timedelta(days=RECURRENCE_WINDOW_DAYS), dt.time())
    )
    until = timezone.make_aware(dt.datetime.combine(hazard.found_on, dt.time.max))
    return (
        Hazard.objects.filter(
            enterprise_id=hazard.enterprise_id,
            key_area_id=hazard.key_area_id,
            checklist_item_id=hazard.checklist_item_id,
            status=Hazard.Status.ACCEPTED,
            closed_at__range=(since, until),
        )
        .exclude(pk=hazard.pk)
        .order_by("-closed_at")
        .first()
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
    hazard.code = "YH-0000-000000"  # a placeholder while the fields are checked
    hazard.full_clean(exclude=["code"])
    hazard.code = hazard_code_next(year=found_on.year)
    previous = _find_recurrence(hazard)
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
    key area); ``overrides`` replace any of those. The answer's photo is copied."""
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
    if answer.photo and "photos" not in overrides:
        with answer.photo.open("rb") as source:
            content = ContentFile(source.read())
        photo = HazardPhoto(hazard=hazard, uploaded_by=actor, caption=item.question[:200])
        # The name given is the label: the uploader's, not the answer's stored name.
        photo.image.save(answer.photo_name or answer.photo.name, content, save=False)
        photo.save()
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


def may_decide_hazard_changes(user: User) -> bool:
    """Committee staff: they change a hazard's level or deadline (with a reason) and
    grant or refuse the units' requests to."""
    return sees_all_units(user) and user.has_perm("inspections.decide_hazardchangerequest")


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


@transaction.atomic
def hazard_change_request(
    *,
    actor: User,
    hazard: Hazard,
    level: str | None = None,
    deadline: dt.date | None = None,
    reason: str,
) -> HazardChangeRequest:
    """The responsible unit asks committee staff for another level or deadline of its
    open hazard, with a reason; one request waits for a decision at a time. The request
    stays in the hazard's history and committee staff are told. Precondition:
    ``hazard`` came through a selector scoped to ``actor``."""
    _require(actor, "inspections.add_hazardchangerequest")
    hazard = _lock_hazard(hazard)
    require_record(actor, hazard)
    if not hazard.is_open:
        raise TransitionNotAllowed(
            _("This hazard is closed: its level and deadline stay."), code="hazard_closed"
        )
    errors: dict[str, str] = {}
    level = (level or "").strip()
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why the change is needed.")
    if level and level not in HazardLevel.values:
        errors["level"] = _("Choose a level.")
    elif level and level == hazard.level:
        errors["level"] = _("The hazard already has this level.")
    elif level == HazardLevel.GENERAL and hazard.is_listed:
        errors["level"] = _("A hazard under listed supervision stays a major hazard.")
    if deadline is not None:
        if deadline == hazard.deadline:
            errors["deadline"] = _("This is already the hazard's deadline.")
        elif deadline < hazard.found_on:
            errors["deadline"] = _("The deadline cannot be before the hazard was found.")
    if not level and deadline is None:
        errors[NON_FIELD_ERRORS] = _("Ask for a new level, a new deadline or both.")
    if hazard.change_requests.filter(status=HazardChangeRequest.Status.PENDING).exists():
        errors[NON_FIELD_ERRORS] = _("A change request is already waiting for a decision.")
    if errors:
        raise ValidationError(errors)
    request = HazardChangeRequest(
        hazard=hazard,
        level=level,
        deadline=deadline,
        previous_level=hazard.level,
        previous_deadline=hazard.deadline,
        reason=reason,
        requested_by=actor,
    )
    request.full_clean()
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:  # a request that slipped in concurrently
        raise ValidationError(
            _("A change request is already waiting for a decision."), code="pending_exists"
        ) from exc
    _save_with_history(hazard, actor, _event(Hazard.Event.CHANGE_REQUESTED, reason))
    notify(
        recipient_ids=committee_staff_ids(),
        kind=Notification.Kind.HAZARD,
        reason=Notification.Reason.CHANGE_REQUESTED,
        subject=hazard,
        subject_label=hazard.code,
        message=_(
            "%(unit)s asks to change the level or deadline of hazard %(code)s (%(enterprise)s)"
            ": %(reason)s"
        )
        % {
            "unit": hazard.responsible_unit,
            "code": hazard.code,
            "enterprise": hazard.enterprise,
            "reason": reason,
        },
        event_key=f"change-{request.pk}",
        exclude_id=actor.pk,
    )
    return request


@transaction.atomic
def hazard_change_decide(
    *, actor: User, request: HazardChangeRequest, grant: bool, note: str = ""
) -> HazardChangeRequest:
    """Committee staff grant (the hazard takes the requested level and deadline) or
    refuse (with a reason) a pending change request. The decision stays in the hazard's
    history; the unit's heads and the requester are told."""
    if not may_decide_hazard_changes(actor):
        raise PermissionDenied(_("Only committee staff decide on a change of a hazard."))
    # The hazard first, then the request: the order hazard_change_request locks in.
    hazard = _lock_hazard(request.hazard)
    require_record(actor, hazard)
    request = HazardChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != HazardChangeRequest.Status.PENDING:
        raise TransitionNotAllowed(
            _("This request was already decided (%(status)s).")
            % {"status": request.get_status_display()},
            code="already_decided",
        )
    note = (note or "").strip()
    if not grant and not note:
        raise ValidationError({"note": _("Say why the change is refused.")})
    now = timezone.now()
    if grant:
        if not hazard.is_open:
            raise TransitionNotAllowed(
                _("This hazard is closed: its level and deadline stay."), code="hazard_closed"
            )
        if request.level:
            hazard.level = request.level
        if request.deadline:
            hazard.deadline = request.deadline
        _refuse_if_listed_and_lowered(hazard)
        hazard.full_clean()
        event = _event(Hazard.Event.CHANGE_GRANTED, note or request.reason)
    else:
        event = _event(Hazard.Event.CHANGE_REFUSED, note)
    request.record_decision(actor=actor, grant=grant, note=note, at=now)
    request.full_clean()
    request.save()
    _save_with_history(hazard, actor, event, now)
    heads = heads_by_unit([hazard.responsible_unit_id]).get(hazard.responsible_unit_id, [])
    message = (
        _("The change of hazard %(code)s (%(enterprise)s) was granted.")
        if grant
        else _("The change of hazard %(code)s (%(enterprise)s) was refused: %(note)s")
    )
    notify(
        recipient_ids=[*heads, *([request.requested_by_id] if request.requested_by_id else [])],
        kind=Notification.Kind.HAZARD,
        reason=Notification.Reason.CHANGE_DECIDED,
        subject=hazard,
        subject_label=hazard.code,
        message=message % {"code": hazard.code, "enterprise": hazard.enterprise, "note": note},
        event_key=f"change-{request.pk}",
        exclude_id=actor.pk,
    )
    return request


def _transition(hazard: Hazard, to: str) -> None:
    if not hazard.can_move_to(to):
        raise TransitionNotAllowed(
            _("A hazard that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": Hazard.Status(hazard.status).label,
                "target": Hazard.Status(to).label,
            },
            code="transition_not_allowed",
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


# --- Rectification reports ------------------------------------------------------------


@transaction.atomic
def report_file(
    *,
    actor: User,
    hazard: Hazard,
    measures_taken: str,
    completed_on: dt.date,
    funds_spent: Decimal | int = 0,
    notes: str = "",
    evidence: Iterable[UploadedFile] = (),
    at: dt.datetime | None = None,
) -> RectificationReport:
    """The responsible unit files its rectification report: the hazard goes from
    rectifying to submitted. Evidence files are photos or PDFs, checked by content.
    Precondition: ``hazard`` came through a scoped selector."""
    _require(actor, "inspections.add_rectificationreport")
    hazard = _lock_hazard(hazard)
    require_record(actor, hazard)
    if hazard.status == Hazard.Status.ACCEPTED:
        raise TransitionNotAllowed(
            _("This hazard is closed: no report can be filed on it."), code="hazard_closed"
        )
    _transition(hazard, Hazard.Status.SUBMITTED)
    checked = _validate_files(evidence, (IMAGE, PDF), "evidence")
    errors = {}
    if completed_on is None:
        errors["completed_on"] = _("Give the date the rectification was completed.")
    elif completed_on < hazard.found_on:
        errors["completed_on"] = _("The rectification cannot end before the hazard was found.")
    elif completed_on > timezone.localdate(_when(at)):
        errors["completed_on"] = _("The completion date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    report = RectificationReport(
        hazard=hazard,
        measures_taken=(measures_taken or "").strip(),
        completed_on=completed_on,
        funds_spent=funds_spent if funds_spent is not None else 0,
        notes=notes or "",
        filed_by=actor,
        filed_at=_when(at),
    )
    report.full_clean()
    _save_with_history(report, actor, _("Report filed"), report.filed_at)
    for upload, kind in checked:
        ReportEvidence.objects.create(report=report, file=upload, kind=kind)
    hazard.full_clean()
    _save_with_history(hazard, actor, _event(Hazard.Event.REPORT_FILED), report.filed_at)
    notices.tell_report_filed(report=report, actor=actor)
    return report


def _pending_report(hazard: Hazard) -> RectificationReport:
    report = (
        RectificationReport.objects.select_for_update()
        .filter(hazard=hazard, status=RectificationReport.Status.PENDING)
        .first()
    )
    if report is None:
        raise TransitionNotAllowed(
            _("This hazard has no report awaiting review."), code="no_pending_report"
        )
    return report


@transaction.atomic
def report_accept(
    *, actor: User, hazard: Hazard, note: str = "", at: dt.datetime | None = None
) -> RectificationReport:
    """Committee staff accept the pending report: the hazard is closed (销号)."""
    _require(actor, "inspections.review_hazard")
    hazard = _lock_hazard(hazard)
    require_record(actor, hazard)
    _transition(hazard, Hazard.Status.ACCEPTED)
    report = _pending_report(hazard)
    now = _when(at)
    report.status = RectificationReport.Status.ACCEPTED
    report.reviewed_by = actor
    report.reviewed_at = now
    report.review_note = (note or "").strip()
    report.full_clean()
    _save_with_history(report, actor, _("Report accepted"), now)
    hazard.closed_at = now
    hazard.closed_by = actor
    hazard.full_clean()
    _save_with_history(hazard, actor, _event(Hazard.Event.ACCEPTED), now)
    _delist(hazard, actor, now)
    notices.tell_report_accepted(report=report, actor=actor)
    return report


@transaction.atomic
def report_return(
    *, actor: User, hazard: Hazard, reason: str, at: dt.datetime | None = None
) -> RectificationReport:
    """Committee staff send the pending report back with a reason; the unit resumes
    rectification and files again."""
    _require(actor, "inspections.review_hazard")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is returned.")})
    hazard = _lock_hazard(hazard)
    require_record(actor, hazard)
    _transition(hazard, Hazard.Status.RETURNED)
    report = _pending_report(hazard)
    report.status = RectificationReport.Status.RETURNED
    report.reviewed_by = actor
    report.reviewed_at = _when(at)
    report.review_note = reason
    report.full_clean()
    _save_with_history(report, actor, _("Report returned"), report.reviewed_at)
    hazard.full_clean()
    _save_with_history(hazard, actor, _event(Hazard.Event.RETURNED, reason), report.reviewed_at)
    notices.tell_report_returned(report=report, actor=actor)
    return report


# --- Inspections ----------------------------------------------------------------------


@dataclass
class AnswerInput:
    """One checklist item as answered on site."""

    item: ChecklistItem
    result: str
    note: str = ""
    photo: UploadedFile | None = None


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
    photos = _validate_files([a.photo for a in answers if a.photo], (IMAGE,), "answers")
    del photos  # checked; saved with their answers below
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
    target = _open_target(inspection=inspection)
    if target is not None:
        target.inspection = inspection
        target.save(update_fields=["inspection"])
        if inspection.task_id is None:
            inspection.task_id = target.task_id
            inspection.save(update_fields=["task"])
    return inspection


# --- Inspection tasks -----------------------------------------------------------------


@transaction.atomic
def inspection_task_create(
    *,
    actor: User,
    title: str,
    key_area: KeyArea,
    units: Iterable[Unit],
    deadline: dt.date,
    start_date: dt.date | None = None,
    key_period: KeyPeriod | None = None,
    campaign: Campaign | None = None,
    directive: Directive | None = None,
    description: str = "",
    enterprises: Iterable[Enterprise] | None = None,
) -> InspectionTask:
    """Issue a task to units. Its targets are, by default, every active enterprise of
    the key area that each unit supervises ("full coverage")."""
    _require(actor, "inspections.add_inspectiontask")
    units = list({u.pk: u for u in units}.values())
    if not units:
        raise ValidationError({"units": _("Choose at least one unit.")})
    for unit in units:
        require_unit(actor, unit, field="units")
    task = InspectionTask(
        title=(title or "").strip(),
        key_area=key_area,
        key_period=key_period,
        campaign=campaign,
        directive=directive,
        description=description,
        start_date=start_date or timezone.localdate(),
        deadline=deadline,
        created_by=actor,
    )
    task.full_clean()
    task.save()
    InspectionTaskUnit.objects.bulk_create(InspectionTaskUnit(task=task, unit=u) for u in units)
    unit_ids = {u.pk for u in units}
    if enterprises is None:
        chosen = Enterprise.objects.filter(
            key_areas=key_area, supervising_unit__in=unit_ids, is_active=True
        ).distinct()
    else:
        chosen = list({e.pk: e for e in enterprises}.values())
        outside = [e for e in chosen if e.supervising_unit_id not in unit_ids]
        if outside:
            raise ValidationError(
                {
                    "enterprises": _("%(names)s: not supervised by a unit of this task.")
                    % {"names": "、".join(e.name for e in outside)}
                }
            )
    InspectionTarget.objects.bulk_create(
        InspectionTarget(task=task, unit_id=e.supervising_unit_id, enterprise=e) for e in chosen
    )
    return task


@transaction.atomic
def inspection_tasks_from_key_period(
    *,
    actor: User,
    key_period: KeyPeriod,
    key_areas: Iterable[KeyArea],
    units: Iterable[Unit],
    deadline: dt.date | None = None,
    start_date: dt.date | None = None,
    campaign: Campaign | None = None,
    description: str = "",
) -> list[InspectionTask]:
    """One step from a key period to its inspection tasks: one task per key area,
    issued to the chosen units, due by default on the last working day before the
    period starts (or in five working days when that has passed)."""
    key_areas = list(key_areas)
    if not key_areas:
        raise ValidationError({"key_areas": _("Choose at least one key area.")})
    today = timezone.localdate()
    calendar = WorkingCalendar()
    if deadline is None:
        deadline = calendar.previous_working_day(key_period.start_date)
        if deadline < today:
            deadline = calendar.add_working_days(today, 5)
    units = list(units)
    return [
        inspection_task_create(
            actor=actor,
            title=_("%(period)s: hidden-danger inspection of %(area)s")
            % {"period": key_period.name, "area": area.name},
            key_area=area,
            units=units,
            deadline=deadline,
            start_date=start_date or min(today, deadline),
            key_period=key_period,
            campaign=campaign or key_period.campaign,
            description=description or key_period.notes,
        )
        for area in key_areas
    ]


# --- Violations and enforcement -------------------------------------------------------


@transaction.atomic
def violation_record(
    *,
    actor: User,
    enterprise: Enterprise,
    kind: str,
    person: str,
    description: str,
    date: dt.date | None = None,
    inspection: Inspection | None = None,
    unit: Unit | None = None,
) -> Violation:
    _require(actor, "inspections.add_violation")
    _check_enterprise(actor, enterprise)
    unit = unit or (inspection.unit if inspection else _default_unit(actor, enterprise))
    _check_unit(actor, unit, "unit")
    if inspection is not None and inspection.enterprise_id != enterprise.pk:
        raise ValidationError({"inspection": _("This inspection was of another enterprise.")})
    violation = Violation(
        enterprise=enterprise,
        unit=unit,
        kind=kind,
        person=(person or "").strip(),
        description=(description or "").strip(),
        date=date or timezone.localdate(),
        inspection=inspection,
        recorded_by=actor,
    )
    violation.full_clean()
    violation.save()
    return violation


@transaction.atomic
def enforcement_action_record(
    *,
    actor: User,
    enterprise: Enterprise,
    kind: str,
    legal_basis: str,
    date: dt.date | None = None,
    decision_number: str = "",
    amount: Decimal | None = None,
    description: str = "",
    inspection: Inspection | None = None,
    hazard: Hazard | None = None,
    violation: Violation | None = None,
    unit: Unit | None = None,
) -> EnforcementAction:
    """Record an enforcement action against an enterprise, linked to the inspection,
    hazard or violation behind it."""
    _require(actor, "inspections.add_enforcementaction")
    _check_enterprise(actor, enterprise)
    unit = unit or _default_unit(actor, enterprise)
    _check_unit(actor, unit, "unit")
    errors = {}
    if inspection is None and hazard is None and violation is None:
        errors["inspection"] = _("Link the action to an inspection, a hazard or a violation.")
    for name, linked in (("inspection", inspection), ("hazard", hazard), ("violation", violation)):
        if linked is not None and linked.enterprise_id != enterprise.pk:
            errors[name] = _("This record concerns another enterprise.")
    if errors:
        raise ValidationError(errors)
    action = EnforcementAction(
        enterprise=enterprise,
        unit=unit,
        kind=kind,
        legal_basis=(legal_basis or "").strip(),
        decision_number=(decision_number or "").strip(),
        amount=amount,
        date=date or timezone.localdate(),
        description=description,
        inspection=inspection,
        hazard=hazard,
        violation=violation,
        recorded_by=actor,
    )
    action.full_clean()
    action.save()
    return action


# --- Quarterly statistics -------------------------------------------------------------


@transaction.atomic
def quarterly_report_file(
    *,
    actor: User,
    unit: Unit,
    year: int,
    quarter: int,
    notes: str = "",
    at: dt.datetime | None = None,
) -> QuarterlyReport:
    """File a unit's quarterly statistics table once the quarter has ended: the figures
    of the ledger at this moment are kept as filed."""
    from .selectors import quarter_bounds, quarterly_table

    _require(actor, "inspections.add_quarterlyreport")
    _check_unit(actor, unit, "unit")
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("Choose a quarter from 1 to 4.")})
    _first, last, due = quarter_bounds(year, quarter)
    filed_at = _when(at)
    if timezone.localdate(filed_at) <= last:
        raise ValidationError(
            {
                "quarter": _("The quarter ends on %(last)s; file its table after that.")
                % {"last": last}
            }
        )
    table = quarterly_table(user=actor, year=year, quarter=quarter)
    row = next((r for r in table["rows"] if r["unit"].pk == unit.pk), None)
    if row is None:
        raise ValidationError({"unit": _("This unit is not active.")})
    report = QuarterlyReport(
        unit=unit,
        year=year,
        quarter=quarter,
        due_on=due,
        notes=(notes or "").strip(),
        filed_by=actor,
        filed_at=filed_at,
        **{
            key: row[key]
            for key in (
                "inspections",
                "enterprises",
                "hazards",
                "major",
                "closed",
                "overdue",
                "violations",
                "actions",
                "fines",
            )
        },
    )
    report.full_clean()
    report.save()
    return report


# --- Imports --------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did: the rows it created, or the errors that stopped it (then
    nothing was saved)."""

    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _error_text(exc: ValidationError, model=None) -> str:
    if hasattr(exc, "error_dict"):
        parts = []
        for name, errors in exc.message_dict.items():
            label = "" if name == "__all__" else f"{_field_label(model, name)}: "
            parts.append(label + "；".join(errors))
        return "；".join(parts)
    return "；".join(exc.messages)


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - not a field of the model: show its name
        return name


def _import_rows(rows, create_one, model=None) -> ImportResult:
    """Create one record per row; any error rolls back the whole file."""
    result = ImportResult()
    with transaction.atomic():
        for number, row in rows:
            try:
                with transaction.atomic():
                    create_one(row)
                result.created += 1
            except ValidationError as exc:
                result.errors.append((number, _error_text(exc, model)))
            except PermissionDenied:
                result.errors.append((number, _("You may not import this row.")))
        if result.errors:
            transaction.set_rollback(True)
            result.created = 0
    return result


def enterprises_import(*, actor: User, rows) -> ImportResult:
    """Import enterprises from parsed spreadsheet rows (see ``inspections.excel``)
    through the organisation's own service. All or nothing."""
    from safetyzone.org.services import enterprise_create

    def create_one(row):
        if row.errors:
            raise ValidationError(row.errors)
        data = dict(row.values)
        enterprise_create(actor=actor, **data)

    return _import_rows(rows, create_one, Enterprise)


def hazards_import(*, actor: User, rows) -> ImportResult:
    """Import existing hazards (a paper ledger) from parsed rows; each gets a new code.
    A row whose status is rectifying starts its rectification. All or nothing."""

    def create_one(row):
        if row.errors:
            raise ValidationError(row.errors)
        data = dict(row.values)
        status = data.pop("status", Hazard.Status.REPORTED)
        hazard = hazard_create(actor=actor, **data)
        if status == Hazard.Status.RECTIFYING:
            hazard_start_rectification(actor=actor, hazard=hazard)

    return _import_rows(rows, create_one, Hazard)
