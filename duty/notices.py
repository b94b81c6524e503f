"""Who is told at once when duty work reaches them, and what they read: swaps asked,
accepted and decided, leave asked and decided, rosters published or changed, warnings
that raise staffing.

Each function is called by a service inside its transaction and goes through
``notify`` (the outbox: in the app, by mail, by the unit's robot), so a change rolled
back tells nobody."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from safetyzone.notifications.models import Notification
from safetyzone.notifications.recipients import committee_staff_ids
from safetyzone.notifications.services import notify

from .models import DutyRoster, LeaveRequest, Shift, ShiftAssignment, SwapRequest, WeatherWarning


def _day(shift: Shift) -> str:
    return date_format(shift.date, "Y-m-d")


def _swap_label(swap: SwapRequest) -> str:
    return _("Shift swap of %(day)s") % {"day": _day(swap.shift)}


def _swap_notify(swap: SwapRequest, *, people: Iterable[int], reason: str, message: str, actor):
    notify(
        recipient_ids=people,
        kind=Notification.Kind.SWAP,
        reason=reason,
        subject=swap,
        subject_label=_swap_label(swap),
        subject_url=reverse("duty:swap-list"),
        message=message,
        exclude_id=actor.pk,
    )


def swap_requested(swap: SwapRequest) -> None:
    """To the colleague asked: a request to answer."""
    values = {"person": swap.requester, "day": _day(swap.shift), "roster": swap.shift.roster}
    if swap.counterpart_shift_id:
        values["other"] = _day(swap.counterpart_shift)
        message = _(
            "%(person)s asks to give you their shift of %(day)s on “%(roster)s” "
            "and to take your shift of %(other)s in return."
        )
    else:
        message = _("%(person)s asks you to take their shift of %(day)s on “%(roster)s”.")
    _swap_notify(
        swap,
        people=[swap.counterpart_id],
        reason=Notification.Reason.SWAP_REQUESTED,
        message=message % values,
        actor=swap.requester,
    )


def swap_accepted(swap: SwapRequest) -> None:
    """To the requester, and to the committee staff who approve swaps: one to decide."""
    _swap_notify(
        swap,
        people=[swap.requester_id, *committee_staff_ids()],
        reason=Notification.Reason.SWAP_ACCEPTED,
        message=_("%(a)s and %(b)s agreed to swap the shift of %(day)s; it waits for approval.")
        % {"a": swap.requester, "b": swap.counterpart, "day": _day(swap.shift)},
        actor=swap.counterpart,
    )


def swap_decided(swap: SwapRequest, *, actor) -> None:
    """To both people (to the requester alone when the colleague declined)."""
    values = {
        "a": swap.requester,
        "b": swap.counterpart,
        "day": _day(swap.shift),
        "note": swap.decision_note,
    }
    people = [swap.requester_id, swap.counterpart_id]
    if swap.status == SwapRequest.Status.APPROVED:
        message = _("The swap of the shift of %(day)s between %(a)s and %(b)s was approved.")
    elif swap.status == SwapRequest.Status.DECLINED:
        people = [swap.requester_id]
        message = _("%(b)s declined to take the shift of %(day)s.")
    elif swap.decision_note:
        message = _(
            "The swap of the shift of %(day)s between %(a)s and %(b)s was rejected: %(note)s"
        )
    else:
        message = _("The swap of the shift of %(day)s between %(a)s and %(b)s was rejected.")
    _swap_notify(
        swap,
        people=people,
        reason=Notification.Reason.SWAP_DECIDED,
        message=message % values,
        actor=actor,
    )


def roster_published(roster: DutyRoster, *, actor) -> None:
    """To everyone on the roster: their shifts are set."""
    people = ShiftAssignment.objects.filter(shift__roster=roster).values_list(
        "person_id", flat=True
    )
    notify(
        recipient_ids=people,
        kind=Notification.Kind.ROSTER,
        reason=Notification.Reason.PUBLISHED,
        subject=roster,
        subject_label=roster.title,
        message=_(
            "The duty roster “%(title)s” (%(start)s to %(end)s) is published: see your shifts."
        )
        % {
            "title": roster.title,
            "start": date_format(roster.start_date, "Y-m-d"),
            "end": date_format(roster.end_date, "Y-m-d"),
        },
        exclude_id=actor.pk,
    )


def shift_changed(
    shift: Shift, *, removed: set[int], added: set[int], moved: set[int], actor
) -> None:
    """To the people whose duty a change of a published shift changed: those taken off
    it, those put on it, and (when its times moved) those who stay on it."""
    values = {"day": _day(shift), "roster": shift.roster.title}
    # One edit is one event, told once; a second edit of the shift the same day is
    # another (its people are saved anew, so their newest row tells the edits apart).
    event = str(max(shift.assignments.values_list("pk", flat=True), default=0))
    for people, message in (
        (removed, _("You are no longer on duty on %(day)s (“%(roster)s”).")),
        (added, _("You are now on duty on %(day)s (“%(roster)s”).")),
        (moved, _("Your shift of %(day)s (“%(roster)s”) has changed.")),
    ):
        if people:
            notify(
                recipient_ids=people,
                kind=Notification.Kind.ROSTER,
                reason=Notification.Reason.CHANGED,
                subject=shift,
                subject_label=str(shift),
                message=message % values,
                event_key=event,
                exclude_id=actor.pk,
            )


def staffing_raised(warning: WeatherWarning, *, extra: int, actor) -> None:
    """An orange or red warning: to the people on the published shifts under it that
    have not ended (the leader on duty arranges the extra officers), and to committee
    staff, who staff up the rosters it flags."""
    now = timezone.now()
    shifts = (
        Shift.objects.filter(
            roster__status=DutyRoster.Status.PUBLISHED,
            starts_at__lt=warning.valid_until,
            ends_at__gt=max(warning.issued_at, now),
        )
        .select_related("roster")
        .prefetch_related("assignments")
    )
    for shift in shifts:
        notify(
            recipient_ids=[a.person_id for a in shift.assignments.all()],
            kind=Notification.Kind.WEATHER_WARNING,
            reason=Notification.Reason.STAFFING_RAISED,
            subject=shift,
            subject_label=str(shift),
            message=_(
                "%(warning)s covers your shift of %(day)s: it calls for %(extra)d more "
                "duty officer(s)."
            )
            % {"warning": warning, "day": _day(shift), "extra": extra},
            event_key=f"warning{warning.pk}",
            exclude_id=actor.pk,
        )
    notify(
        recipient_ids=committee_staff_ids(),
        kind=Notification.Kind.WEATHER_WARNING,
        reason=Notification.Reason.STAFFING_RAISED,
        subject=warning,
        subject_label=str(warning),
        subject_url=reverse("duty:roster-list"),
        message=_(
            "%(warning)s calls for %(extra)d more duty officer(s) on the shifts under it: "
            "staff up the rosters flagged."
        )
        % {"warning": warning, "extra": extra},
        exclude_id=actor.pk,
    )


def _leave_values(request: LeaveRequest) -> dict[str, object]:
    return {
        "person": request.person,
        "kind": request.get_kind_display(),
        "start": date_format(request.start_date, "Y-m-d"),
        "end": date_format(request.end_date, "Y-m-d"),
        "reason": request.reason,
        "note": request.decision_note,
    }


def _leave_label(request: LeaveRequest) -> str:
    return _("Leave of %(person)s") % {"person": request.person}


def leave_requested(request: LeaveRequest, *, clashes: Iterable[ShiftAssignment]) -> None:
    """To committee staff, who decide: the request, and the shifts on published rosters
    it overlaps (they decide knowing them)."""
    values = _leave_values(request)
    message = _("Leave asked for %(person)s (%(kind)s, %(start)s to %(end)s): %(reason)s") % values
    days = [date_format(a.shift.date, "Y-m-d") for a in clashes]
    if days:
        message += " " + _("It overlaps their shifts on published rosters: %(days)s.") % {
            "days": "、".join(days)
        }
    notify(
        recipient_ids=committee_staff_ids(),
        kind=Notification.Kind.LEAVE,
        reason=Notification.Reason.LEAVE_REQUESTED,
        subject=request,
        subject_label=_leave_label(request),
        message=message,
        exclude_id=request.requested_by_id,
    )


def leave_decided(request: LeaveRequest, *, actor) -> None:
    """To whoever asked, and to the person the leave is for."""
    if request.status == LeaveRequest.Status.GRANTED:
        message = _("The leave of %(person)s (%(kind)s, %(start)s to %(end)s) was granted.")
    else:
        message = _(
            "The leave of %(person)s (%(kind)s, %(start)s to %(end)s) was refused: %(note)s"
        )
    notify(
        recipient_ids=[p for p in (request.requested_by_id, request.person_id) if p],
        kind=Notification.Kind.LEAVE,
        reason=Notification.Reason.LEAVE_DECIDED,
        subject=request,
        subject_label=_leave_label(request),
        message=message % _leave_values(request),
        exclude_id=actor.pk,
    )


def duty_report_to_confirm(report, *, leader) -> None:
    """To the leader on duty of the shift that just ended: its daily report to confirm."""
    notify(
        recipient_ids=[leader.pk],
        kind=Notification.Kind.DUTY_REPORT,
        reason=Notification.Reason.TO_CONFIRM,
        subject=report,
        subject_label=report.number,
        message=_(
            "The daily duty report of %(day)s is generated: check it and confirm it to send it up."
        )
        % {"day": date_format(report.duty_day, "Y-m-d")},
    )


def duty_report_sent(report, *, actor, emails, robot_urls) -> None:
    """Confirmed: sent up to the mailboxes and robots the settings name, through the
    outbox, as the report's text (duty/report_text.txt: its six parts, the leader's
    note); the notification in the confirming person's list keeps the record."""
    from django.template.loader import render_to_string

    from safetyzone.notifications.services import notify_outside

    from .selectors.duty_report import duty_report_sections

    text = render_to_string(
        "duty/report_text.txt",
        {"report": report, "sections": duty_report_sections(report)},
    )
    notify_outside(
        sender_id=actor.pk,
        kind=Notification.Kind.DUTY_REPORT,
        reason=Notification.Reason.SENT_UP,
        subject=report,
        subject_label=report.number,
        message=text.strip(),
        emails=emails,
        robot_urls=robot_urls,
    )
