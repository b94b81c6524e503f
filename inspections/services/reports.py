"""Rectification reports: filing, acceptance (the hazard is closed) and return."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import notices
from inspections.models import Hazard, RectificationReport, ReportEvidence
from inspections.services._common import (
    _event,
    _require,
    _save_with_history,
    _validate_files,
    _when,
)
from inspections.services.hazards import _delist, _lock_hazard, _transition
from safetyzone.core.states import TransitionNotAllowed
from safetyzone.core.uploads import IMAGE, PDF
from safetyzone.org.models import User
from safetyzone.org.scoping import require_record

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
    RectificationReport.TRANSITIONS.check(report.status, RectificationReport.Status.ACCEPTED)
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
    RectificationReport.TRANSITIONS.check(report.status, RectificationReport.Status.RETURNED)
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
