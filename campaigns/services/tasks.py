"""Changes of state of tasks (督办事项): the one door for creating and editing a task and
its units' assignments. The steps of an assignment are in ``assignments``, extensions,
chasers and progress reports in their own modules.

Preconditions everywhere: the objects passed in came through a selector scoped to the
actor (so an object of another unit was already a 404).
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.calendar import WorkingCalendar
from safetyzone.org.models import Unit, User

from ..models import AssignmentEvent, Campaign, Directive, Meeting, Task, TaskAssignment
from . import notices
from ._assignments import add, raise_if, record, require
from .assignments import is_task_manager

Status = TaskAssignment.Status
Action = AssignmentEvent.Action


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _resolve_deadline(
    errors: dict[str, list],
    *,
    deadline: date | None,
    working_days: int | None,
    issued_on: date,
) -> date | None:
    """A deadline given as a date or as N working days after ``issued_on``."""
    if deadline is not None and working_days is not None:
        add(
            errors,
            "deadline_working_days",
            _("Give either a deadline or a number of working days, not both."),
            "deadline_twice",
        )
        return None
    if deadline is None and working_days is None:
        add(
            errors,
            "deadline",
            _("Give a deadline, or a number of working days."),
            "required",
        )
        return None
    if working_days is not None:
        if working_days < 1:
            add(
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
        add(
            errors,
            "assisting_units",
            _("The lead unit (%(unit)s) cannot also be an assisting unit.") % {"unit": lead_unit},
            "lead_also_assisting",
        )
    if lead_unit is not None and not lead_unit.is_active:
        add(errors, "lead_unit", _("This unit is no longer active."), "inactive")
    inactive = [str(u) for u in assisting if not u.is_active]
    if inactive:
        add(
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
    record(assignment, Action.ISSUED, actor)
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
    require(
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
        add(errors, "deadline", _("The deadline cannot be in the past."), "past")
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
        exc.update_error_dict(errors)
    raise_if(errors)
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
        add(
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
    require(is_task_manager(actor), _("Only committee staff can edit tasks."))
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
                add(errors, field, _("The new deadline cannot be in the past."), "past")
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
        exc.update_error_dict(errors)
    raise_if(errors)
    task.save()

    new_assignments = []
    if units_changed:
        new_assignments = _apply_units(
            task, lead_unit=task.lead_unit, assisting=assisting, actor=actor, errors=errors
        )
        raise_if(errors)  # rolls back the whole edit
    if task.deadline != old_deadline:
        moved = task.assignments.select_for_update().exclude(status=Status.DONE)
        for assignment in moved.filter(extension_count=0):
            previous = assignment.deadline
            if previous == task.deadline:
                continue
            assignment.deadline = task.deadline
            assignment.save(update_fields=["deadline"])
            record(assignment, Action.DEADLINE_CHANGED, actor, f"{previous} → {task.deadline}")
    notices.tell_assigned(assignments=new_assignments, actor=actor)
    return task
