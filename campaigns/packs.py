"""The evidence pack for an upper-level inspection (迎检), as campaigns sees it: its
scope (a campaign or a key period, the units) and its own sections: the meetings'
notices and minutes, the task list with completion, the drills with their photos. The
pack's kind is registered in ``campaigns.documents``; inspections and duty register
their sections the same way (``safetyzone.documents.packs``)."""

from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyzone.documents.packs import (
    PackEntry,
    PackScope,
    PackSection,
    kind_pdf,
    pack_units,
    pack_units_described,
    pack_units_get,
    record_pdf,
    register_pack_section,
    stored_file_name,
    write_pack,
)

from .models import Activity, ActivityPhoto, Campaign, KeyPeriod, Meeting, TaskAssignment
from .selectors import planning as planning_selectors

SUBJECTS = {"campaign": Campaign, "key_period": KeyPeriod}


def _day(value) -> str:
    return date_format(value, "Y-m-d") if value else ""


# --- The pack's parameters and scope ------------------------------------------------------


def _subject(user, name: str, value: Any):
    if not str(value).isdigit():
        raise ValidationError({name: _("Choose an existing record.")})
    found = (
        planning_selectors.campaign_list(user=user)
        if name == "campaign"
        else planning_selectors.key_period_list(user=user)
    )
    subject = found.filter(pk=int(value)).first()
    if subject is None:
        raise ValidationError({name: _("Choose an existing record.")})
    return subject


def evidence_pack_parameters(user, query: Mapping[str, Any]) -> dict[str, Any]:
    """The campaign or key period (one of them) and the units of a pack, checked: a unit
    the requester may not see is a field error; a head's pack is their own unit's."""
    given = [name for name in SUBJECTS if query.get(name) not in (None, "")]
    if len(given) != 1:
        raise ValidationError({"campaign": _("Choose a campaign or a key period.")})
    name = given[0]
    subject = _subject(user, name, query.get(name))
    return {name: subject.pk, "units": pack_units(user, query)}


def evidence_pack_scope(user, parameters: Mapping[str, Any]) -> PackScope:
    """The scope of a pack's parameters, checked again for the requester as it is
    written."""
    name = "campaign" if parameters.get("campaign") else "key_period"
    subject = _subject(user, name, parameters[name])
    is_campaign = name == "campaign"
    return PackScope(
        user=user,
        subject=subject,
        title=subject.name,
        start_date=subject.start_date,
        end_date=subject.end_date,
        units=pack_units_get(user, list(parameters.get("units") or [])),
        campaign=subject if is_campaign else subject.campaign,
        key_period=None if is_campaign else subject,
    )


def evidence_pack_filename(user, parameters: Mapping[str, Any]) -> str:
    scope = evidence_pack_scope(user, parameters)
    return _("%(title)s - evidence pack") % {"title": scope.title} + ".zip"


def evidence_pack_described(user, parameters: Mapping[str, Any]) -> str:
    try:
        scope = evidence_pack_scope(user, parameters)
    except ValidationError:
        return ""
    return _("%(title)s (%(start)s – %(end)s); units: %(units)s") % {
        "title": scope.title,
        "start": _day(scope.start_date),
        "end": _day(scope.end_date),
        "units": pack_units_described(scope),
    }


def write_evidence_pack(user, parameters, progress, path: str) -> None:
    write_pack(evidence_pack_scope(user, parameters), progress, path)


# --- Sections ------------------------------------------------------------------------------


def _meetings(scope: PackScope):
    if scope.key_period is not None:
        condition = Q(key_periods=scope.key_period) | Q(
            starts_at__date__range=(scope.start_date, scope.end_date)
        )
    else:
        condition = Q(campaign=scope.campaign) | Q(key_periods__campaign=scope.campaign)
    meetings = Meeting.objects.filter(pk__in=Meeting.objects.filter(condition).values("pk"))
    return (
        scope.narrow(meetings, perms=["campaigns.view_meeting"])
        .select_related("organiser", "document_number")
        .order_by("starts_at", "pk")
    )


def meeting_minutes_pdf(meeting: Meeting):
    return record_pdf(
        _("Minutes of the %(meeting)s") % {"meeting": meeting.title},
        facts=[
            (
                _("Time of the meeting"),
                date_format(timezone.localtime(meeting.starts_at), "Y-m-d H:i"),
            ),
            (_("Place"), meeting.place),
            (_("Chair"), meeting.chair),
            (_("Organiser"), meeting.organiser.name),
        ],
        text_heading=_("Minutes"),
        text=meeting.minutes,
    )


def meeting_entries(scope: PackScope) -> Iterator[PackEntry]:
    from .documents import meeting_notice_filename, meeting_notice_title

    for meeting in _meetings(scope):
        day = _day(timezone.localtime(meeting.starts_at))
        if meeting.is_issued:
            yield PackEntry(
                name=f"{day} {meeting_notice_filename(meeting)}",
                title=meeting_notice_title(meeting),
                render=kind_pdf("meeting_notice", meeting),
            )
        if meeting.minutes.strip():
            yield PackEntry(
                name=f"{day} {meeting.title} - {_('minutes')}.pdf",
                title=_("Minutes of the %(meeting)s") % {"meeting": meeting.title},
                render=meeting_minutes_pdf(meeting),
            )


def _tasks_condition(scope: PackScope) -> Q:
    if scope.key_period is not None:
        return Q(task__meeting__key_periods=scope.key_period) | Q(
            task__deadline__range=(scope.start_date, scope.end_date)
        )
    return Q(task__campaign=scope.campaign) | Q(task__meeting__campaign=scope.campaign)


def task_entries(scope: PackScope) -> Iterator[PackEntry]:
    assignments = list(
        scope.narrow(
            TaskAssignment.objects.filter(
                pk__in=TaskAssignment.objects.filter(_tasks_condition(scope)).values("pk")
            ),
            perms=["campaigns.view_taskassignment"],
        )
        .select_related("task", "unit")
        .order_by("task__deadline", "task_id", "unit__order", "unit__name", "pk")
    )
    if not assignments:
        return
    done = sum(1 for a in assignments if a.status == TaskAssignment.Status.DONE)
    tasks = len({a.task_id for a in assignments})
    yield PackEntry(
        name=_("Task list with completion") + ".pdf",
        title=_("Task list with completion"),
        render=record_pdf(
            _("%(title)s: task list with completion") % {"title": scope.title},
            facts=[
                (_("Tasks"), tasks),
                (_("Assignments"), len(assignments)),
                (_("Done"), f"{done} ({done * 100 // len(assignments)}%)"),
            ],
            columns=[
                _("Task"),
                _("Unit"),
                _("Deadline"),
                _("Status"),
                _("Done at"),
                _("Feedback"),
            ],
            rows=[
                [
                    a.task.title,
                    a.unit.name,
                    _day(a.deadline),
                    a.get_status_display(),
                    date_format(timezone.localtime(a.done_at), "Y-m-d H:i") if a.done_at else "",
                    a.feedback,
                ]
                for a in assignments
            ],
        ),
    )


def drill_entries(scope: PackScope) -> Iterator[PackEntry]:
    drills = Activity.objects.filter(kind=Activity.Kind.DRILL)
    if scope.key_period is not None:
        drills = drills.filter(date__range=(scope.start_date, scope.end_date))
    else:
        drills = drills.filter(campaign=scope.campaign)
    photos = scope.narrow(ActivityPhoto.objects.all(), perms=["campaigns.view_activityphoto"])
    drills = list(
        scope.narrow(drills, perms=["campaigns.view_activity"])
        .select_related("unit")
        .prefetch_related(Prefetch("photos", queryset=photos))
        .order_by("date", "pk")
    )
    if not drills:
        return
    yield PackEntry(
        name=_("Drills") + ".pdf",
        title=_("Drills held"),
        render=record_pdf(
            _("%(title)s: drills held") % {"title": scope.title},
            columns=[
                _("Date"),
                _("Drill"),
                _("Organising unit"),
                _("Plan rehearsed"),
                _("Place"),
                _("Participants"),
                _("Summary"),
            ],
            rows=[
                [
                    _day(d.date),
                    d.title,
                    d.unit.name,
                    d.drill_plan,
                    d.place,
                    d.participants,
                    d.summary,
                ]
                for d in drills
            ],
        ),
    )
    for drill in drills:
        for photo in drill.photos.all():
            yield PackEntry(
                name=(
                    f"{_day(drill.date)} {drill.title}",
                    stored_file_name(photo.image, photo.original_name),
                ),
                title=f"{drill.title}: {photo}",
                file=photo.image,
            )


register_pack_section(
    PackSection(code="meetings", label=gettext_lazy("Meetings"), order=1, collect=meeting_entries)
)
register_pack_section(
    PackSection(code="tasks", label=gettext_lazy("Tasks"), order=2, collect=task_entries)
)
register_pack_section(
    PackSection(code="drills", label=gettext_lazy("Drills"), order=6, collect=drill_entries)
)
