"""Periodic progress reports on a task's assignment (a monthly report, say)."""

from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safetyzone.org.models import User

from ..models import AssignmentEvent, ProgressReport, TaskAssignment
from ..selectors.tasks import progress_schedule
from ._assignments import add, lock, raise_if, record, require_unit, required_text
from .assignments import require_open

Action = AssignmentEvent.Action


@transaction.atomic
def progress_report_submit(
    *, assignment: TaskAssignment, actor: User, period_end: date | None, content: str
) -> ProgressReport:
    """The unit files its periodic report for one period: a period that has ended with
    no report yet, or the current one."""
    require_unit(actor, assignment, "campaigns.add_progressreport")
    lock(assignment)
    if not assignment.task.report_every:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    _("This task asks for no periodic progress reports."), code="not_required"
                )
            }
        )
    require_open(assignment, _("The assignment is done; no more progress reports are due."))
    errors: dict[str, list] = {}
    content = required_text(errors, "content", content, _("Write the progress report."))
    schedule = progress_schedule(assignment)
    if period_end is None:
        add(errors, "period_end", _("Choose the period reported on."), "required")
    elif period_end not in schedule.open_periods:
        if period_end in schedule.due:
            message = _("A report for this period has already been filed.")
            code = "already_reported"
        else:
            choices = "、".join(d.isoformat() for d in schedule.open_periods)
            message = _("Choose a period that ends on one of: %(dates)s.") % {"dates": choices}
            code = "not_a_period"
        add(errors, "period_end", message, code)
    raise_if(errors)
    report = ProgressReport(
        assignment=assignment, period_end=period_end, content=content, submitted_by=actor
    )
    report.full_clean()
    report.save()
    record(assignment, Action.PROGRESS_REPORTED, actor, period_end.isoformat())
    return report
