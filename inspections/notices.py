"""Telling people at once that a rectification report reached their desk: filed (the
reviewers), sent back or accepted (the responsible unit's heads and the report's filer).

Called by the report services inside their transaction (a rollback tells nobody),
through ``notify``: in-app, then email and the unit's group robot by the outbox. The
link is the hazard's page; the actor is never told of their own step."""

from django.db.models import Q
from django.utils.translation import gettext as _

from safetyzone.notifications.models import Notification
from safetyzone.notifications.recipients import committee_staff_ids, heads_by_unit
from safetyzone.notifications.services import notify
from safetyzone.org.models import User

from .models import Hazard, RectificationReport

# The permission that decides a report (report_accept, report_return).
REVIEW_PERMISSION = ("inspections", "review_hazard")


def reviewer_ids() -> list[int]:
    """Committee staff who may accept or return a report (the permission through their
    role or given to them)."""
    app_label, codename = REVIEW_PERMISSION
    through_group = Q(
        groups__permissions__content_type__app_label=app_label,
        groups__permissions__codename=codename,
    )
    given = Q(
        user_permissions__content_type__app_label=app_label,
        user_permissions__codename=codename,
    )
    return list(
        User.objects.filter(pk__in=committee_staff_ids())
        .filter(through_group | given)
        .values_list("pk", flat=True)
        .distinct()
    )


def _label(hazard: Hazard) -> str:
    return f"{hazard.code} · {hazard.enterprise}"


def _tell(*, recipient_ids, reason: str, report: RectificationReport, message: str, actor: User):
    notify(
        recipient_ids=recipient_ids,
        kind=Notification.Kind.RECTIFICATION_REPORT,
        reason=reason,
        subject=report,
        subject_label=_label(report.hazard),
        subject_url=report.hazard.get_absolute_url(),
        message=message,
        exclude_id=actor.pk,
    )


def tell_report_filed(*, report: RectificationReport, actor: User) -> None:
    hazard = report.hazard
    _tell(
        recipient_ids=reviewer_ids(),
        reason=Notification.Reason.SUBMITTED,
        report=report,
        message=_(
            "%(unit)s filed a rectification report on hazard %(code)s (%(enterprise)s); "
            "it awaits your review."
        )
        % {"unit": hazard.responsible_unit, "code": hazard.code, "enterprise": hazard.enterprise},
        actor=actor,
    )


def _unit_and_filer(report: RectificationReport) -> list[int]:
    unit_id = report.hazard.responsible_unit_id
    ids = list(heads_by_unit([unit_id]).get(unit_id, ()))
    if report.filed_by_id:
        ids.append(report.filed_by_id)
    return ids


def tell_report_returned(*, report: RectificationReport, actor: User) -> None:
    hazard = report.hazard
    _tell(
        recipient_ids=_unit_and_filer(report),
        reason=Notification.Reason.RETURNED,
        report=report,
        message=_(
            "The rectification report on hazard %(code)s (%(enterprise)s) was sent back: "
            "%(reason)s Resume the rectification and file a new report."
        )
        % {"code": hazard.code, "enterprise": hazard.enterprise, "reason": report.review_note},
        actor=actor,
    )


def tell_report_accepted(*, report: RectificationReport, actor: User) -> None:
    hazard = report.hazard
    _tell(
        recipient_ids=_unit_and_filer(report),
        reason=Notification.Reason.ACCEPTED,
        report=report,
        message=_(
            "The rectification of hazard %(code)s (%(enterprise)s) was accepted; it is closed."
        )
        % {"code": hazard.code, "enterprise": hazard.enterprise},
        actor=actor,
    )
