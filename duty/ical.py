"""Duty shifts as iCalendar (RFC 5545), for the calendars on people's phones."""

from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from safetyzone.org.models import User

from .models import DutyRoster, Shift, ShiftAssignment
from .selectors.rosters import my_upcoming_shifts


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//SafetyZone//Emergency duty//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", timezone.get_current_timezone_name())
    return cal


def _event(shift: Shift, summary: str) -> Event:
    people = list(shift.assignments.all())
    leader = next((a.person for a in people if a.role == ShiftAssignment.Role.LEADER), None)
    officers = [str(a.person) for a in people if a.role == ShiftAssignment.Role.OFFICER]
    event = Event()
    event.add("uid", f"duty-shift-{shift.pk}@safetyzone")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", shift.starts_at)
    event.add("dtend", shift.ends_at)
    event.add("summary", summary)
    lines = [
        _("Leader on duty: %(name)s") % {"name": leader or "—"},
        _("Duty officers: %(names)s") % {"names": "、".join(officers) or "—"},
    ]
    if shift.phone:
        lines.append(_("Duty phone: %(phone)s") % {"phone": shift.phone})
    event.add("description", "\n".join(lines))
    return event


def person_calendar(person: User) -> bytes:
    """The person's published shifts from a month ago on."""
    cal = _calendar(_("My duty shifts"))
    since = timezone.now() - timedelta(days=31)
    for shift in my_upcoming_shifts(user=person, now=since):
        role = next((a.role for a in shift.assignments.all() if a.person_id == person.pk), None)
        label = ShiftAssignment.Role(role).label if role else _("On duty")
        cal.add_component(_event(shift, f"{label} · {shift.roster.title}"))
    return cal.to_ical()


def roster_calendar(roster: DutyRoster, shifts: Iterable[Shift]) -> bytes:
    cal = _calendar(roster.title)
    for shift in shifts:
        leader = next((a.person for a in shift.assignments.all() if a.role == "leader"), None)
        cal.add_component(_event(shift, _("On duty: %(name)s") % {"name": leader or "—"}))
    return cal.to_ical()
