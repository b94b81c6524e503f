"""The steps of a task's assignment (签收, start, report done, return) and who may take
which step now. Each step checks who may take it (``PermissionDenied`` otherwise), moves
only along ``TaskAssignment.TRANSITIONS`` (``TransitionNotAllowed``, a 409 on the API,
otherwise) and records who and when in the assignment's history (``AssignmentEvent``).

Precondition everywhere: the assignment came through a selector scoped to the actor (so
one of another unit was already a 404).
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.core.states import TransitionNotAllowed
from safetyzone.core.uploads import IMAGE, PDF, validate_upload
from safetyzone.org.models import User
from safetyzone.org.scoping import can_act_on, sees_all_units

from ..models import AssignmentAttachment, AssignmentEvent, Chaser, TaskAssignment
from . import notices
from ._assignments import add, lock, raise_if, record, require, require_unit, required_text

Status = TaskAssignment.Status
Action = AssignmentEvent.Action

MAX_ATTACHMENTS = 10

# Each step of the unit or of staff, and the status it leads to along the model's graph.
STEPS = {
    "sign": Status.SIGNED,
    "start": Status.IN_PROGRESS,
    "complete": Status.DONE,
    "return": Status.RETURNED,
}


# --- Who may do what -------------------------------------------------------------------


def is_task_manager(user: User) -> bool:
    """Committee staff (and admins): create and edit tasks, return assignments."""
    return sees_all_units(user) and user.has_perm("campaigns.change_task")


def acts_for_unit(user: User, assignment: TaskAssignment, perm: str) -> bool:
    """Only people of the assignment's own unit act on it (sign for, report...):
    committee staff too only for their own unit's."""
    return can_act_on(user, assignment, as_member=True) and user.has_perm(perm)


def may_chase(user: User) -> bool:
    return sees_all_units(user) and user.has_perm("campaigns.chase_taskassignment")


def may_decide_extensions(user: User) -> bool:
    return sees_all_units(user) and user.has_perm("campaigns.decide_extensionrequest")


def may_acknowledge(user: User, chaser: Chaser) -> bool:
    return Chaser.TRANSITIONS.allows(chaser.status, Chaser.Status.SIGNED) and acts_for_unit(
        user, chaser.assignment, "campaigns.change_chaser"
    )


def assignment_actions(*, assignment: TaskAssignment, user: User) -> frozenset[str]:
    """The steps ``user`` may take on ``assignment`` now, asked of the status graph, the
    write rule and the role: what the pages offer and the services allow. Names: sign,
    start, complete, request_extension, report_progress, return, chase."""
    status = assignment.status
    is_open = status in TaskAssignment.OPEN_STATUSES
    graph = TaskAssignment.TRANSITIONS
    actions = set()
    if acts_for_unit(user, assignment, "campaigns.change_taskassignment"):
        actions.update(
            name for name in ("sign", "start", "complete") if graph.allows(status, STEPS[name])
        )
    if is_open and acts_for_unit(user, assignment, "campaigns.add_extensionrequest"):
        actions.add("request_extension")
    if is_open and may_chase(user):
        actions.add("chase")
    if (
        is_open
        and assignment.task.report_every
        and acts_for_unit(user, assignment, "campaigns.add_progressreport")
    ):
        actions.add("report_progress")
    if graph.allows(status, STEPS["return"]) and is_task_manager(user):
        actions.add("return")
    return frozenset(actions)


# --- The steps -------------------------------------------------------------------------


def _step(assignment: TaskAssignment, step: str) -> str:
    """The status ``step`` leads to, or ``TransitionNotAllowed`` from the current one."""
    target = STEPS[step]
    if not TaskAssignment.TRANSITIONS.allows(assignment.status, target):
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
        raise TransitionNotAllowed(
            messages[step],
            code="invalid_transition",
            params={"status": assignment.get_status_display()},
        )
    return target


def require_open(assignment: TaskAssignment, message: str) -> None:
    """Refuse a step taken on the open work (an extension, a chaser, a progress report)
    once the assignment is done."""
    if assignment.status not in TaskAssignment.OPEN_STATUSES:
        raise TransitionNotAllowed(message, code="invalid_transition")


@transaction.atomic
def assignment_sign(*, assignment: TaskAssignment, actor: User) -> TaskAssignment:
    """The unit signs for (签收) its assignment: issued → signed."""
    require_unit(actor, assignment, "campaigns.change_taskassignment")
    lock(assignment)
    assignment.status = _step(assignment, "sign")
    assignment.signed_at = timezone.now()
    assignment.signed_by = actor
    assignment.save(update_fields=["status", "signed_at", "signed_by"])
    record(assignment, Action.SIGNED, actor)
    return assignment


@transaction.atomic
def assignment_start(*, assignment: TaskAssignment, actor: User) -> TaskAssignment:
    """The unit starts work: signed (or returned) → in progress."""
    require_unit(actor, assignment, "campaigns.change_taskassignment")
    lock(assignment)
    assignment.status = _step(assignment, "start")
    assignment.save(update_fields=["status"])
    record(assignment, Action.STARTED, actor)
    return assignment


def _validated_attachments(
    errors: dict[str, list], attachments: Sequence[UploadedFile]
) -> list[UploadedFile]:
    files = [f for f in attachments if f]
    if len(files) > MAX_ATTACHMENTS:
        add(
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
    require_unit(actor, assignment, "campaigns.change_taskassignment")
    lock(assignment)
    target = _step(assignment, "complete")
    errors: dict[str, list] = {}
    feedback = required_text(
        errors, "feedback", feedback, _("Describe what was done before reporting it done.")
    )
    files = _validated_attachments(errors, attachments)
    raise_if(errors)
    assignment.status = target
    assignment.feedback = feedback
    assignment.done_at = timezone.now()
    assignment.save(update_fields=["status", "feedback", "done_at"])
    for upload in files:
        AssignmentAttachment.objects.create(assignment=assignment, file=upload, uploaded_by=actor)
    record(assignment, Action.COMPLETED, actor, feedback)
    return assignment


@transaction.atomic
def assignment_return(*, assignment: TaskAssignment, actor: User, reason: str) -> TaskAssignment:
    """Staff send a done assignment back with a reason: done → returned. The unit then
    starts work again and reports it done anew."""
    require(is_task_manager(actor), _("Only committee staff can return an assignment."))
    lock(assignment)
    target = _step(assignment, "return")
    errors: dict[str, list] = {}
    reason = required_text(errors, "reason", reason, _("Say why the assignment is returned."))
    raise_if(errors)
    assignment.status = target
    assignment.return_reason = reason
    assignment.done_at = None
    assignment.save(update_fields=["status", "return_reason", "done_at"])
    event = record(assignment, Action.RETURNED, actor, reason)
    notices.tell_returned(assignment=assignment, actor=actor, event_key=f"return-{event.pk}")
    return assignment
