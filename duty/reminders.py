"""Reminders of emergency duty: tomorrow's shifts (swept at 16:00), incident report time
limits close or passed, and orange or red weather warnings (checked every 5 minutes).
An incident's time-limit reminder must be acknowledged: unacknowledged, it goes up the
escalation's levels, the last of which is the leader on duty now
(safetyzone/notifications/escalation.py)."""

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.notifications.models import EscalationRule, Notification
from safetyzone.notifications.registry import (
    DUTY,
    INCIDENTS,
    Escalatable,
    Sweep,
    register_escalatable,
    register_escalation_level,
    register_sweep,
)
from safetyzone.notifications.rules import rule_for
from safetyzone.notifications.services import Draft

from .models import DutyRoster, IncidentReport, IncidentUpdate, ShiftAssignment, WeatherWarning
from .selectors.incidents import report_limits

INCIDENT_REPORT_LIMIT = EscalationRule.Subject.INCIDENT_REPORT_LIMIT


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def shift_sweep(now: datetime) -> list[Draft]:
    """Each person of a published shift starting in the rule's days (tomorrow)."""
    rule = rule_for(Notification.Kind.SHIFT)
    if rule is None:
        return []
    today = timezone.localdate(now)
    days = {today + timedelta(days=d) for d in rule.days_before_list}
    assignments = ShiftAssignment.objects.filter(
        shift__date__in=days, shift__roster__status=DutyRoster.Status.PUBLISHED
    ).select_related("shift", "shift__roster__unit")
    drafts = []
    for assignment in assignments:
        shift = assignment.shift
        drafts.append(
            Draft(
                recipient_id=assignment.person_id,
                kind=Notification.Kind.SHIFT,
                reason=Notification.Reason.DUTY_TOMORROW,
                subject_key=f"duty.shift:{shift.pk}",
                subject_label=str(shift),
                subject_url=shift.get_absolute_url(),
                due_date=shift.date,
                message=_(
                    "You are on duty as %(role)s from %(start)s to %(end)s at %(place)s; "
                    "duty phone %(phone)s."
                )
                % {
                    "role": assignment.get_role_display(),
                    "start": _local(shift.starts_at),
                    "end": _local(shift.ends_at),
                    "place": shift.roster.unit,
                    "phone": shift.phone or "—",
                },
            )
        )
    return drafts


def incident_limit_sweep(now: datetime) -> list[Draft]:
    """Reports whose phone or written limit is within the rule's minutes or passed, and
    not met: to the leader and the duty officers of the shift."""
    rule = rule_for(Notification.Kind.INCIDENT_REPORT)
    if rule is None:
        return []
    ahead = timedelta(minutes=rule.minutes_before)
    # No limit is longer than a day: older reports were chased already.
    reports = IncidentReport.objects.filter(
        received_at__gte=now - timedelta(days=1), received_at__lte=now
    ).prefetch_related("updates", "shift__assignments")
    drafts = []
    for report in reports:
        phone, written = report_limits(report.level)
        updates = list(report.updates.all())
        limits = [
            ("phone", _("Report by phone"), report.received_at + phone, bool(updates)),
            (
                "written",
                _("Written report"),
                report.received_at + written,
                any(u.method == IncidentUpdate.Method.WRITTEN for u in updates),
            ),
        ]
        for key, label, due, met in limits:
            if met or now < due - ahead:
                continue
            message = _("%(limit)s on “%(place)s” is due at %(due)s.") % {
                "limit": label,
                "place": report.place,
                "due": _local(due),
            }
            drafts.extend(
                Draft(
                    recipient_id=assignment.person_id,
                    kind=Notification.Kind.INCIDENT_REPORT,
                    reason=Notification.Reason.REPORT_LIMIT,
                    subject_key=f"duty.incidentreport:{report.pk}:{key}",
                    subject_label=report.place,
                    subject_url=report.get_absolute_url(),
                    due_date=timezone.localdate(due),
                    message=message,
                    escalation=INCIDENT_REPORT_LIMIT,
                )
                for assignment in report.shift.assignments.all()
            )
    return drafts


def warning_sweep(now: datetime) -> list[Draft]:
    """An orange or red warning in force: to everyone on a shift overlapping its
    period."""
    if rule_for(Notification.Kind.WEATHER_WARNING) is None:
        return []
    warnings = list(
        WeatherWarning.objects.filter(
            level__in=WeatherWarning.RAISING_LEVELS,
            lifted_at__isnull=True,
            issued_at__lte=now,
            valid_until__gt=now,
        )
    )
    if not warnings:
        return []
    start = min(w.issued_at for w in warnings)
    end = max(w.valid_until for w in warnings)
    assignments = list(
        ShiftAssignment.objects.filter(
            shift__starts_at__lt=end,
            shift__ends_at__gt=start,
            shift__roster__status=DutyRoster.Status.PUBLISHED,
        ).select_related("shift")
    )
    drafts = []
    for warning in warnings:
        message = _("%(warning)s for %(area)s until %(until)s.") % {
            "warning": warning.name,
            "area": warning.area,
            "until": _local(warning.valid_until),
        }
        recipients = {
            a.person_id
            for a in assignments
            if a.shift.starts_at < warning.valid_until and a.shift.ends_at > warning.issued_at
        }
        drafts.extend(
            Draft(
                recipient_id=person_id,
                kind=Notification.Kind.WEATHER_WARNING,
                reason=Notification.Reason.WARNING_ISSUED,
                subject_key=f"duty.weatherwarning:{warning.pk}",
                subject_label=str(warning),
                subject_url=reverse("duty:warning-list"),
                due_date=timezone.localdate(warning.issued_at),
                message=message,
            )
            for person_id in sorted(recipients)
        )
    return drafts


# --- Escalation: an incident near its limit must be acknowledged ------------------------


def _report_keys(keys: list[str]) -> dict[str, tuple[int, str]]:
    """{"duty.incidentreport:7:phone": (7, "phone"), ...}"""
    parsed = {}
    for key in keys:
        _label, pk, limit = key.split(":")
        parsed[key] = (int(pk), limit)
    return parsed


def incident_units(keys: list[str]) -> dict[str, int]:
    """The unit of the roster the report was received on."""
    parsed = _report_keys(keys)
    units = dict(
        IncidentReport.objects.filter(pk__in={pk for pk, _limit in parsed.values()}).values_list(
            "pk", "shift__roster__unit_id"
        )
    )
    return {key: units[pk] for key, (pk, _limit) in parsed.items() if pk in units}


def incident_limits_met(keys: list[str]) -> set[str]:
    """Limits met since: the phone report by any update, the written one by a written
    update (as ``incident_limit_sweep`` reads them)."""
    parsed = _report_keys(keys)
    methods: dict[int, set[str]] = {}
    for pk, method in IncidentUpdate.objects.filter(
        report_id__in={pk for pk, _limit in parsed.values()}
    ).values_list("report_id", "method"):
        methods.setdefault(pk, set()).add(method)
    return {
        key
        for key, (pk, limit) in parsed.items()
        if pk in methods and (limit == "phone" or IncidentUpdate.Method.WRITTEN in methods[pk])
    }


def leaders_on_duty(now: datetime) -> list[int]:
    """The leaders on duty of the shifts of published rosters running at ``now``."""
    return list(
        ShiftAssignment.objects.filter(
            role=ShiftAssignment.Role.LEADER,
            person__is_active=True,
            shift__roster__status=DutyRoster.Status.PUBLISHED,
            shift__starts_at__lte=now,
            shift__ends_at__gt=now,
        )
        .values_list("person_id", flat=True)
        .distinct()
    )


register_sweep(Sweep(key="duty.shift", group=DUTY, run=shift_sweep))
register_escalatable(
    Escalatable(subject=INCIDENT_REPORT_LIMIT, units=incident_units, settled=incident_limits_met)
)
register_escalation_level(EscalationRule.Level.LEADER_ON_DUTY, leaders_on_duty)
register_sweep(Sweep(key="duty.incident_limit", group=INCIDENTS, run=incident_limit_sweep))
register_sweep(Sweep(key="duty.weather_warning", group=INCIDENTS, run=warning_sweep))


def duty_report_sweep(now: datetime) -> list[Draft]:
    """A daily duty report still unconfirmed ``DUTY_REPORT_CONFIRM_MINUTES`` after it was
    generated: to its leader on duty, once (one reminder per report and duty day)."""
    from django.conf import settings

    from .models import DutyReport

    if rule_for(Notification.Kind.DUTY_REPORT) is None:
        return []
    late = now - timedelta(minutes=settings.DUTY_REPORT_CONFIRM_MINUTES)
    leaders = ShiftAssignment.objects.filter(
        role=ShiftAssignment.Role.LEADER,
        shift__daily_report__status=DutyReport.Status.DRAFT,
        shift__daily_report__generated_at__lte=late,
        # Older drafts were reminded already.
        shift__daily_report__generated_at__gt=now - timedelta(days=2),
    ).select_related("shift__daily_report")
    drafts = []
    for assignment in leaders:
        report = assignment.shift.daily_report
        drafts.append(
            Draft(
                recipient_id=assignment.person_id,
                kind=Notification.Kind.DUTY_REPORT,
                reason=Notification.Reason.OVERDUE,
                subject_key=f"duty.dutyreport:{report.pk}",
                subject_label=report.number,
                subject_url=report.get_absolute_url(),
                due_date=report.duty_day,
                message=_(
                    "The daily duty report of %(day)s, generated at %(at)s, is not confirmed "
                    "yet: confirm it to send it up."
                )
                % {"day": report.duty_day.strftime("%Y-%m-%d"), "at": _local(report.generated_at)},
            )
        )
    return drafts


register_sweep(Sweep(key="duty.daily_report", group=INCIDENTS, run=duty_report_sweep))
