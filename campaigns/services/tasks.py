"""Changes of state of tasks (督办事项) and their assignments: the one door for creating
and editing tasks, for every step of an assignment (sign for, start, report done,
return), for extensions, chasers (催办) and periodic progress reports.

Each step checks who may take it (``PermissionDenied`` otherwise), moves only along the
allowed paths (a ``ValidationError`` otherwise), and records who and when in the
assignment's history (``AssignmentEvent``).

Preconditions everywhere: the objects passed in came through a selector scoped to the
actor (so an object of another unit was already a 404).
"""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.calendar import WorkingCalendar
from safetyzone.core.uploads import IMAGE, PDF, validate_upload
from safetyzone.org.models import Unit, User
from safetyzone.org.scoping import can_act_on, require_record, sees_all_units

from ..models import (
    AssignmentAttachment,
    AssignmentEvent,
    Campaign,
    Chaser,
    Directive,
    ExtensionRequest,
    Meeting,
    ProgressReport,
    Task,
    TaskAssignment,
)
from ..selectors.tasks import progress_schedule
from . import notices

Status = TaskAssignment.Status
Action = AssignmentEvent.Action

MAX_ATTACHMENTS = 10

# Where each step may start from, and where it leads.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "sign": (frozenset({Status.ISSUED}), Status.SIGNED),
    "start": (frozenset({Status.SIGNED, Status.RETURNED}), Status.IN_PROGRESS),
    "complete": (frozenset({Status.SIGNED, Status.IN_PROGRESS}), Status.DONE),
    "return": (frozenset({Status.DONE}), Status.RETURNED),
}


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


# --- Who may do what -------------------------------------------------------------------


def is_task_manager(user: User) -> bool:
    """Committee staff (and admins): create and edit tasks, return assignments."""
    return sees_all_units(user) and user.has_perm("campaigns.change_task")


def acts_for_unit(user: User, assignment: TaskAssignment, perm: str) -> bool:
    """Only people of the assignment's own unit act on it (sign for, report...):
    committee staff too only for their own unit's."""
    return can_act_on(user, assignment, as_member=True) and user.has_perm(perm)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_unit(user: User, assignment: TaskAssignment, perm: str) -> None:
    message = _("Only the assigned unit can do this for its assignment.")
    require_record(user, assignment, as_member=True, message=message)
    _require(user.has_perm(perm), message)


def assignment_actions(*, assignment: TaskAssignment, user: User) -> frozenset[str]:
    """The steps ``user`` may take on ``assignment`` now: what the pages offer and the
    services allow. Names: sign, start, complete, request_extension, report_progress,
    return, chase."""
    actions = set()
    status = assignment.status
    if acts_for_unit(user, assignment, "campaigns.change_taskassignment"):
        for name in ("sign", "start", "complete"):
            if status in TRANSITIONS[name][0]:
                actions.add(name)
    if status != Status.DONE:
        if acts_for_unit(user, assignment, "campaigns.add_extensionrequest"):
            actions.add("request_extension")
        if sees_all_units(user) and user.has_perm("campaigns.chase_taskassignment"):
            actions.add("chase")
    if assignment.task.report_every and status != Status.DONE:
        if acts_for_unit(user, assignment, "campaigns.add_progressreport"):
            actions.add("report_progress")
    if status in TRANSITIONS["return"][0] and is_task_manager(user):
        actions.add("return")
    return frozenset(actions)


def may_decide_extensions(user: User) -> bool:
    return sees_all_units(user) and user.has_perm("campaigns.decide_extensionrequest")


def may_acknowledge(user: User, chaser: Chaser) -> bool:
    return chaser.acknowledged_at is None and acts_for_unit(
        user, chaser.assignment, "campaigns.change_chaser"
    )


# --- Helpers ---------------------------------------------------------------------------


def _merge(errors: dict[str, list], exc: ValidationError) -> None:
    exc.update_error_dict(errors)


def _raise_if(errors: dict[str, list]) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: dict[str, list], field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _lock(assignment: TaskAssignment) -> None:
    """Re-read the assignment under a row lock, so two people cannot move it at once.
    Call inside ``transaction.atomic``."""
    assignment.refresh_from_db(from_queryset=TaskAssignment.objects.select_for_update())


def _check_transition(assignment: TaskAssignment, step: str) -> str:
    sources, target = TRANSITIONS[step]
    if assignment.status not in sources:
        messages = {
            "sign": _("Only an issued assignment can be signed for; this one is “%(status)s”."),
            "start": _(
                "Work can start only on an assignment that is signed for or returned; "
                "this one is “%(status)s”."
            ),
            "complete": _(
                "Only an assignment that is signed for or in progress can be reported "
                "done; this one is “%(status)s”."
            ),
            "return": _("Only a done assignment can be returned; this one is “%(status)s”."),
        }
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    messages[step],
                    code="invalid_transition",
                    params={"status": assignment.get_status_display()},
                )
            }
        )
    return target


def _record(
    assignment: TaskAssignment, action: str, actor: User | None, note: str = ""
) -> AssignmentEvent:
    return AssignmentEvent.objects.create(
        assignment=assignment, action=action, status=assignment.status, actor=actor, note=note
    )


def _required_text(errors: dict[str, list], field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        _add(errors, field, message, "required")
    return value


# --- Tasks -----------------------------------------------------------------------------


def _resolve_deadline(
    errors: dict[str, list],
    *,
    deadline: date | None,
    working_days: int | None,
    issued_on: date,
) -> date | None:
    """A deadline given as a date or as N working days after ``issued_on``."""
    if deadline is not None and working_days is not None:
        _add(
            errors,
            "deadline_working_days",
            _("Give either a deadline or a number of working days, not both."),
            "deadline_twice",
        )
        return None
    if deadline is None and working_days is None:
        _add(
            errors,
            "deadline",
            _("Give a deadline, or a number of working days."),
            "required",
        )
        return None
    if working_days is not None:
        if working_days < 1:
            _add(
                errors,
                "deadline_working_days",
                _("Give at least one working day."),
                "min_value",
            )
            return None
        return WorkingCalendar().add_working_days(issued_on, working_days)
    return deadline


def _check_units(errors: dict[str, list], lead_unit: Unit | None, assisting: list[Unit]) -> None:
    if lead_unit is not None and any(u.pk == lead_unit.pk for u in assisting):
        _add(
            errors,
            "assisting_units",
            _("The lead unit (%(unit)s) cannot also be an assisting unit.") % {"unit": lead_unit},
            "lead_also_assisting",
        )
    if lead_unit is not None and not lead_unit.is_active:
        _add(errors, "lead_unit", _("This unit is no longer active."), "inactive")
    inactive = [str(u) for u in assisting if not u.is_active]
    if inactive:
        _add(
            errors,
            "assisting_units",
            _("No longer active: %(units)s.") % {"units": "、".join(inactive)},
            "inactive",
        )


def _unique_units(units: Iterable[Unit]) -> list[Unit]:
    seen: dict[int, Unit] = {}
    for unit in units:
        seen.setdefault(unit.pk, unit)
    return list(seen.values())


def _new_assignment(task: Task, unit: Unit, role: str, actor: User) -> TaskAssignment:
    assignment = TaskAssignment(task=task, unit=unit, role=role, deadline=task.deadline)
    assignment.full_clean()
    assignment.save()
    _record(assignment, Action.ISSUED, actor)
    return assignment


@transaction.atomic
def task_create(
    *,
    actor: User,
    title: str,
    content: str,
    deadline: date | None = None,
    deadline_working_days: int | None = None,
    lead_unit: Unit,
    assisting_units: Iterable[Unit] = (),
    campaign: Campaign | None = None,
    meeting: Meeting | None = None,
    directive: Directive | None = None,
    report_every: str = "",
) -> Task:
    """Create a task and one assignment per unit (the lead unit's with the lead role).
    The deadline is a date, or N working days from today by the working-day calendar."""
    _require(
        is_task_manager(actor) and actor.has_perm("campaigns.add_task"),
        _("Only committee staff can create tasks."),
    )
    errors: dict[str, list] = {}
    today = timezone.localdate()
    assisting = _unique_units(assisting_units)
    resolved = _resolve_deadline(
        errors, deadline=deadline, working_days=deadline_working_days, issued_on=today
    )
    if resolved is not None and deadline is not None and resolved < today:
        _add(errors, "deadline", _("The deadline cannot be in the past."), "past")
    _check_units(errors, lead_unit, assisting)
    task = Task(
        title=(title or "").strip(),
        content=(content or "").strip(),
        deadline=resolved,
        deadline_working_days=deadline_working_days if deadline is None else None,
        lead_unit=lead_unit,
        campaign=campaign,
        meeting=meeting,
        directive=directive,
        report_every=report_every or "",
        created_by=actor,
    )
    try:
        task.full_clean(exclude=[f for f in errors if f in {"deadline", "deadline_working_days"}])
    except ValidationError as exc:
        _merge(errors, exc)
    _raise_if(errors)
    task.save()
    new = [_new_assignment(task, lead_unit, TaskAssignment.Role.LEAD, actor)]
    for unit in assisting:
        new.append(_new_assignment(task, unit, TaskAssignment.Role.ASSIST, actor))
    notices.tell_assigned(assignments=new, actor=actor)
    return task


def _apply_units(
    task: Task, *, lead_unit: Unit, assisting: list[Unit], actor: User, errors: dict[str, list]
) -> list[TaskAssignment]:
    """Give every wanted unit an assignment, with the right role; drop the assignments of
    units no longer wanted, as long as they have not been signed for. Returns the new
    assignments."""
    current = {a.unit_id: a for a in task.assignments.select_for_update().select_related("unit")}
    wanted = {lead_unit.pk, *(u.pk for u in assisting)}
    dropped = [a for unit_id, a in current.items() if unit_id not in wanted]
    busy = [a for a in dropped if a.status != Status.ISSUED]
    if busy:
        _add(
            errors,
            "assisting_units",
            _("Already at work on this task, so it cannot be removed: %(units)s.")
            % {"units": "、".join(str(a.unit) for a in busy)},
            "unit_at_work",
        )
        return []
    new = []
    for assignment in dropped:
        assignment.delete()
    # Demote the old lead first: the database allows one lead per task.
    for unit_id, assignment in current.items():
        if (
            unit_id in wanted
            and unit_id != lead_unit.pk
            and assignment.role != TaskAssignment.Role.ASSIST
        ):
            assignment.role = TaskAssignment.Role.ASSIST
            assignment.save(update_fields=["role"])
    lead = current.get(lead_unit.pk)
    if lead is None:
        new.append(_new_assignment(task, lead_unit, TaskAssignment.Role.LEAD, actor))
    elif lead.role != TaskAssignment.Role.LEAD:
        lead.role = TaskAssignment.Role.LEAD
        lead.save(update_fields=["role"])
    for unit in assisting:
        if unit.pk not in current:
            new.append(_new_assignment(task, unit, TaskAssignment.Role.ASSIST, actor))
    return new


@transaction.atomic
def task_update(
    *,
    actor: User,
    task: Task,
    title: str = UNSET,
    content: str = UNSET,
    deadline: date | None = UNSET,
    deadline_working_days: int | None = UNSET,
    lead_unit: Unit = UNSET,
    assisting_units: Iterable[Unit] = UNSET,
    campaign: Campaign | None = UNSET,
    meeting: Meeting | None = UNSET,
    directive: Directive | None = UNSET,
    report_every: str = UNSET,
) -> Task:
    """Edit a task; arguments left out stay as they are. A new deadline (a date, or N
    working days from the issue date) moves the deadlines of the open assignments that
    were not extended; units added get an assignment, units removed lose theirs if they
    have not signed for it yet."""
    _require(is_task_manager(actor), _("Only committee staff can edit tasks."))
    task = Task.objects.select_for_update().get(pk=task.pk)
    errors: dict[str, list] = {}
    for name, value in (
        ("title", title),
        ("content", content),
        ("campaign", campaign),
        ("meeting", meeting),
        ("directive", directive),
        ("report_every", report_every),
    ):
        if value is not UNSET:
            setattr(task, name, value.strip() if isinstance(value, str) else value)

    old_deadline = task.deadline
    if deadline is not UNSET or deadline_working_days is not UNSET:
        given_date = None if deadline is UNSET else deadline
        # A date sent alone replaces a deadline counted in working days, and the other way.
        given_days = None if deadline_working_days is UNSET else deadline_working_days
        issued_on = timezone.localdate(task.created_at)
        resolved = _resolve_deadline(
            errors, deadline=given_date, working_days=given_days, issued_on=issued_on
        )
        if resolved is not None:
            if resolved != old_deadline and resolved < timezone.localdate():
                field = "deadline" if given_days is None else "deadline_working_days"
                _add(errors, field, _("The new deadline cannot be in the past."), "past")
            task.deadline = resolved
            task.deadline_working_days = given_days

    units_changed = lead_unit is not UNSET or assisting_units is not UNSET
    if units_changed:
        new_lead = task.lead_unit if lead_unit is UNSET else lead_unit
        if assisting_units is UNSET:
            assisting = [
                a.unit for a in task.assignments.select_related("unit") if a.unit_id != new_lead.pk
            ]
        else:
            assisting = _unique_units(assisting_units)
        _check_units(errors, new_lead, assisting)
        task.lead_unit = new_lead
    # created_by is not edited here (and may be empty on records made outside the app).
    exclude = ["created_by", *(f for f in errors if f in {"deadline", "deadline_working_days"})]
    try:
        task.full_clean(exclude=exclude)
    except ValidationError as exc:
        _merge(errors, exc)
    _raise_if(errors)
    task.save()

    new_assignments = []
    if units_changed:
        new_assignments = _apply_units(
            task, lead_unit=task.lead_unit, assisting=assisting, actor=actor, errors=errors
        )
        _raise_if(errors)  # rolls back the whole edit
    if task.deadline != old_deadline:
        moved = task.assignments.select_for_update().exclude(status=Status.DONE)
        for assignment in moved.filter(extension_count=0):
            previous = assignment.deadline
            if previous == task.deadline:
                continue
            assignment.deadline = task.deadline
            assignment.save(update_fields=["deadline"])
            _record(assignment, Action.DEADLINE_CHANGED, actor, f"{previous} → {task.deadline}")
    notices.tell_assigned(assignments=new_assignments, actor=actor)
    return task


# --- The steps of an assignment --------------------------------------------------------


@transaction.atomic
def assignment_sign(*, assignment: TaskAssignment, actor: User) -> TaskAssignment:
    """The unit signs for (签收) its assignment: issued → signed."""
    _require_unit(actor, assignment, "campaigns.change_taskassignment")
    _lock(assignment)
    assignment.status = _check_transition(assignment, "sign")
    assignment.signed_at = timezone.now()
    assignment.signed_by = actor
    assignment.save(update_fields=["status", "signed_at", "signed_by"])
    _record(assignment, Action.SIGNED, actor)
    return assignment


@transaction.atomic
def assignment_start(*, assignment: TaskAssignment, actor: User) -> TaskAssignment:
    """The unit starts work: signed (or returned) → in progress."""
    _require_unit(actor, assignment, "campaigns.change_taskassignment")
    _lock(assignment)
    assignment.status = _check_transition(assignment, "start")
    assignment.save(update_fields=["status"])
    _record(assignment, Action.STARTED, actor)
    return assignment


def _validated_attachments(
    errors: dict[str, list], attachments: Sequence[UploadedFile]
) -> list[UploadedFile]:
    files = [f for f in attachments if f]
    if len(files) > MAX_ATTACHMENTS:
        _add(
            errors,
            "attachments",
            _("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS},
            "too_many",
        )
        return files
    for upload in files:
        try:
            validate_upload(upload, kinds=(IMAGE, PDF))
        except ValidationError as exc:
            for error in exc.error_list:
                errors.setdefault("attachments", []).append(
                    ValidationError(
                        _("“%(name)s”: %(error)s")
                        % {"name": upload.name, "error": " ".join(error.messages)},
                        code=error.code,
                    )
                )
    return files


@transaction.atomic
def assignment_complete(
    *,
    assignment: TaskAssignment,
    actor: User,
    feedback: str,
    attachments: Sequence[UploadedFile] = (),
) -> TaskAssignment:
    """The unit reports its assignment done, with feedback and optional images or PDFs
    (checked by content): signed or in progress → done. Every file is checked before any
    is stored."""
    _require_unit(actor, assignment, "campaigns.change_taskassignment")
    _lock(assignment)
    target = _check_transition(assignment, "complete")
    errors: dict[str, list] = {}
    feedback = _required_text(
        errors, "feedback", feedback, _("Describe what was done before reporting it done.")
    )
    files = _validated_attachments(errors, attachments)
    _raise_if(errors)
    assignment.status = target
    assignment.feedback = feedback
    assignment.done_at = timezone.now()
    assignment.save(update_fields=["status", "feedback", "done_at"])
    for upload in files:
        AssignmentAttachment.objects.create(assignment=assignment, file=upload, uploaded_by=actor)
    _record(assignment, Action.COMPLETED, actor, feedback)
    return assignment


@transaction.atomic
def assignment_return(*, assignment: TaskAssignment, actor: User, reason: str) -> TaskAssignment:
    """Staff send a done assignment back with a reason: done → returned. The unit then
    starts work again and reports it done anew."""
    _require(is_task_manager(actor), _("Only committee staff can return an assignment."))
    _lock(assignment)
    target = _check_transition(assignment, "return")
    errors: dict[str, list] = {}
    reason = _required_text(errors, "reason", reason, _("Say why the assignment is returned."))
    _raise_if(errors)
    assignment.status = target
    assignment.return_reason = reason
    assignment.done_at = None
    assignment.save(update_fields=["status", "return_reason", "done_at"])
    event = _record(assignment, Action.RETURNED, actor, reason)
    notices.tell_returned(assignment=assignment, actor=actor, event_key=f"return-{event.pk}")
    return assignment


# --- Extensions ------------------------------------------------------------------------


@transaction.atomic
def extension_request(
    *, assignment: TaskAssignment, actor: User, reason: str, requested_deadline: date | None
) -> ExtensionRequest:
    """The unit asks for more time: a later deadline than the current one, with a
    reason; one request waits for a decision at a time."""
    _require_unit(actor, assignment, "campaigns.add_extensionrequest")
    _lock(assignment)
    if assignment.status == Status.DONE:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    _("The assignment is done; it needs no more time."), code="invalid_transition"
                )
            }
        )
    errors: dict[str, list] = {}
    reason = _required_text(errors, "reason", reason, _("Say why more time is needed."))
    if requested_deadline is None:
        _add(errors, "requested_deadline", _("Give the deadline you ask for."), "required")
    elif requested_deadline <= assignment.deadline:
        _add(
            errors,
            "requested_deadline",
            _("Ask for a date after the current deadline (%(deadline)s).")
            % {"deadline": assignment.deadline.isoformat()},
            "not_later",
        )
    elif requested_deadline < timezone.localdate():
        _add(errors, "requested_deadline", _("The date cannot be in the past."), "past")
    if assignment.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        _add(
            errors,
            NON_FIELD_ERRORS,
            _("An extension request is already waiting for a decision."),
            "pending_exists",
        )
    _raise_if(errors)
    request = ExtensionRequest(
        assignment=assignment,
        reason=reason,
        requested_deadline=requested_deadline,
        requested_by=actor,
    )
    request.full_clean()
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:  # a request that slipped in concurrently
        raise ValidationError(
            _("An extension request is already waiting for a decision."), code="pending_exists"
        ) from exc
    _record(
        assignment,
        Action.EXTENSION_REQUESTED,
        actor,
        f"{requested_deadline.isoformat()} · {reason}",
    )
    return request


@transaction.atomic
def extension_decide(
    *, request: ExtensionRequest, actor: User, grant: bool, note: str = ""
) -> ExtensionRequest:
    """Staff grant (the assignment's deadline moves, its extension count grows) or refuse
    (the deadline stays; a refusal says why) a pending request."""
    _require(may_decide_extensions(actor), _("Only committee staff can decide on extensions."))
    # The assignment first, then the request: the order extension_request locks in.
    assignment = request.assignment
    _lock(assignment)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ExtensionRequest.Status.PENDING:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    _("This request was already decided (%(status)s).")
                    % {"status": request.get_status_display()},
                    code="already_decided",
                )
            }
        )
    errors: dict[str, list] = {}
    note = (note or "").strip()
    if not grant and not note:
        _add(errors, "note", _("Say why the extension is refused."), "required")
    _raise_if(errors)
    request.record_decision(actor=actor, grant=grant, note=note, at=timezone.now())
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if grant:
        previous = assignment.deadline
        assignment.deadline = request.requested_deadline
        assignment.extension_count += 1
        assignment.save(update_fields=["deadline", "extension_count"])
        detail = f"{previous.isoformat()} → {assignment.deadline.isoformat()}"
        _record(assignment, Action.EXTENSION_GRANTED, actor, f"{detail} {note}".strip())
    else:
        _record(assignment, Action.EXTENSION_REFUSED, actor, note)
    notices.tell_extension_decided(request=request, actor=actor)
    return request


# --- Chasers ---------------------------------------------------------------------------


@transaction.atomic
def assignment_chase(*, assignment: TaskAssignment, actor: User, message: str) -> Chaser:
    """Staff chase (催办) a unit about an open assignment; the unit sees the chaser until
    it signs for it."""
    _require(
        sees_all_units(actor) and actor.has_perm("campaigns.chase_taskassignment"),
        _("Only committee staff can chase a unit."),
    )
    _lock(assignment)
    if assignment.status == Status.DONE:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    _("The assignment is done; there is nothing to chase."),
                    code="invalid_transition",
                )
            }
        )
    errors: dict[str, list] = {}
    message = _required_text(errors, "message", message, _("Write the chaser's message."))
    _raise_if(errors)
    chaser = Chaser(assignment=assignment, message=message, sent_by=actor)
    chaser.full_clean()
    chaser.save()
    _record(assignment, Action.CHASED, actor, message)
    notices.tell_chased(chaser=chaser, actor=actor)
    return chaser


@transaction.atomic
def chaser_acknowledge(*, chaser: Chaser, actor: User) -> Chaser:
    """The unit signs for a chaser sent to it."""
    _require_unit(actor, chaser.assignment, "campaigns.change_chaser")
    chaser = Chaser.objects.select_for_update().select_related("assignment").get(pk=chaser.pk)
    if chaser.acknowledged_at is not None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    _("This chaser was already signed for."), code="already_signed"
                )
            }
        )
    chaser.acknowledged_at = timezone.now()
    chaser.acknowledged_by = actor
    chaser.save(update_fields=["acknowledged_at", "acknowledged_by"])
    _record(chaser.assignment, Action.CHASER_SIGNED, actor)
    return chaser


# --- Progress reports ------------------------------------------------------------------


@transaction.atomic
def progress_report_submit(
    *, assignment: TaskAssignment, actor: User, period_end: date | None, content: str
) -> ProgressReport:
    """The unit files its periodic report for one period: a period that has ended with
    no report yet, or the current one."""
    _require_unit(actor, assignment, "campaigns.add_progressreport")
    _lock(assignment)
    if not assignment.task.report_every:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    _("This task asks for no periodic progress reports."), code="not_required"
                )
            }
        )
    if assignment.status == Status.DONE:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    _("The assignment is done; no more progress reports are due."),
                    code="invalid_transition",
                )
            }
        )
    errors: dict[str, list] = {}
    content = _required_text(errors, "content", content, _("Write the progress report."))
    schedule = progress_schedule(assignment)
    if period_end is None:
        _add(errors, "period_end", _("Choose the period reported on."), "required")
    elif period_end not in schedule.open_periods:
        if period_end in schedule.due:
            message = _("A report for this period has already been filed.")
            code = "already_reported"
        else:
            choices = "、".join(d.isoformat() for d in schedule.open_periods)
            message = _("Choose a period that ends on one of: %(dates)s.") % {"dates": choices}
            code = "not_a_period"
        _add(errors, "period_end", message, code)
    _raise_if(errors)
    report = ProgressReport(
        assignment=assignment, period_end=period_end, content=content, submitted_by=actor
    )
    report.full_clean()
    report.save()
    _record(assignment, Action.PROGRESS_REPORTED, actor, period_end.isoformat())
    return report
