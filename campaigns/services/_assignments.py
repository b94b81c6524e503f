"""What every change of a task's assignment shares: refusing a missing role, collecting
a step's field errors, the row lock and the assignment's history. Used by the task
services (tasks, assignments, extensions, chasers, progress); not a door of its own.
Who may take which step is ``campaigns.services.assignments``."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from safetyzone.org.models import User
from safetyzone.org.scoping import require_record

from ..models import AssignmentEvent, TaskAssignment


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_unit(user: User, assignment: TaskAssignment, perm: str) -> None:
    message = _("Only the assigned unit can do this for its assignment.")
    require_record(user, assignment, as_member=True, message=message)
    require(user.has_perm(perm), message)


def add(errors: dict[str, list], field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def raise_if(errors: dict[str, list]) -> None:
    if errors:
        raise ValidationError(errors)


def required_text(errors: dict[str, list], field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        add(errors, field, message, "required")
    return value


def lock(assignment: TaskAssignment) -> None:
    """Re-read the assignment under a row lock, so two people cannot move it at once.
    Call inside ``transaction.atomic``."""
    assignment.refresh_from_db(from_queryset=TaskAssignment.objects.select_for_update())


def record(
    assignment: TaskAssignment, action: str, actor: User | None, note: str = ""
) -> AssignmentEvent:
    """Write the step into the assignment's history, with the status it left behind."""
    return AssignmentEvent.objects.create(
        assignment=assignment, action=action, status=assignment.status, actor=actor, note=note
    )
