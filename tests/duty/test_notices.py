"""Duty work reaches people the moment it lands on their desk: swaps asked, accepted
and decided, a roster published or changed, a warning that raises staffing, an incident
whose report time runs out. And an edit of a published roster is checked again: one
that breaks the roster is refused, and nothing of it is kept."""

from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from duty.models import DutyRoster, ShiftAssignment, ShiftChange, SwapRequest
from duty.reminders import incident_limit_sweep
from duty.services.incidents import incident_report_create, warning_create
from duty.services.rosters import roster_publish
from duty.services.shifts import shift_update, unavailability_create
from duty.services.swaps import (
    swap_accept,
    swap_approve,
    swap_decline,
    swap_reject,
    swap_request_create,
)
from duty.times import shift_window
from safetyzone.notifications.models import Notification
from safetyzone.notifications.services import notifications_create
from tests.factories import UnitFactory, committee_staff

from .factories import RosterFactory, WarningFactory, leader, officer, published, staff_shift

pytestmark = pytest.mark.django_db

BEFORE_JUNE = "2024-05-20 10:00:00+08:00"


def told(reason: str) -> dict[int, list[Notification]]:
    """Who got a notification of ``reason``, each with what they got."""
    by_person: dict[int, list[Notification]] = {}
    for n in Notification.objects.filter(reason=reason).order_by("pk"):
        by_person.setdefault(n.recipient_id, []).append(n)
    return by_person


def assert_told_once(reason: str, people, url: str) -> list[Notification]:
    got = told(reason)
    assert set(got) == {p.pk for p in people}
    assert all(len(notes) == 1 for notes in got.values())
    notes = [notes[0] for notes in got.values()]
    assert {n.subject_url for n in notes} == {url}
    return notes


@pytest.fixture
def crew(staff, roles):
    """A published roster of the office, 1–4 June: two leaders in turn, four officers
    one day each; and a roster of another unit, 1–4 June, with its own people."""
    roster = RosterFactory(unit=staff.unit, title="安委办6月值班表", end_date=date(2024, 6, 4))
    lead, lead2 = leader(), leader()
    o1, o2, o3, o4 = (officer() for _ in range(4))
    shifts = [
        staff_shift(roster, date(2024, 6, day), lead if day % 2 else lead2, person)
        for day, person in zip(range(1, 5), (o1, o2, o3, o4), strict=True)
    ]
    published(roster)
    other_unit = UnitFactory(name="硅谷街道办事处")
    other = RosterFactory(unit=other_unit, title="硅谷街道6月值班表", end_date=date(2024, 6, 4))
    outsider_lead, outsider = leader(other_unit), officer(other_unit)
    for day in range(1, 5):
        staff_shift(other, date(2024, 6, day), outsider_lead, outsider)
    published(other)
    return {
        "roster": roster,
        "shifts": shifts,
        "lead": lead,
        "lead2": lead2,
        "o1": o1,
        "o2": o2,
        "o3": o3,
        "o4": o4,
        "outsiders": [outsider_lead, outsider],
    }


# --- Swaps ----------------------------------------------------------------------------


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_a_swap_asked_tells_the_colleague_and_nobody_else(crew, staff):
    swap = swap_request_create(
        requester=crew["o1"],
        shift=crew["shifts"][0],
        counterpart=crew["o3"],
        counterpart_shift=crew["shifts"][2],
        reason="家中有事",
    )
    (note,) = assert_told_once(
        Notification.Reason.SWAP_REQUESTED, [crew["o3"]], reverse("duty:swap-list")
    )
    assert note.kind == Notification.Kind.SWAP
    assert note.subject_key == f"duty.swaprequest:{swap.pk}"
    assert str(crew["o1"]) in note.message and "2024-06-01" in note.message


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_a_swap_accepted_tells_the_requester_and_whoever_approves(crew, staff):
    other_staff = committee_staff()
    swap = swap_request_create(
        requester=crew["o1"],
        shift=crew["shifts"][0],
        counterpart=crew["o3"],
        counterpart_shift=crew["shifts"][2],
        reason="家中有事",
    )
    swap_accept(swap=swap, actor=crew["o3"])
    assert_told_once(
        Notification.Reason.SWAP_ACCEPTED,
        [crew["o1"], staff, other_staff],
        reverse("duty:swap-list"),
    )


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_a_swap_approved_tells_both_people_not_the_approver(crew, staff):
    swap = swap_request_create(
        requester=crew["o1"],
        shift=crew["shifts"][0],
        counterpart=crew["o3"],
        counterpart_shift=crew["shifts"][2],
        reason="家中有事",
    )
    swap_accept(swap=swap, actor=crew["o3"])
    swap_approve(swap=swap, actor=staff, note="同意")
    notes = assert_told_once(
        Notification.Reason.SWAP_DECIDED, [crew["o1"], crew["o3"]], reverse("duty:swap-list")
    )
    expected = gettext("The swap of the shift of %(day)s between %(a)s and %(b)s was approved.") % {
        "day": "2024-06-01",
        "a": crew["o1"],
        "b": crew["o3"],
    }
    assert {n.message for n in notes} == {expected}
    # The leaders, whose shifts keep their leader, and the other units hear nothing.
    assert set(told(Notification.Reason.CHANGED)) == set()


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_a_swap_rejected_or_declined_tells_both_people(crew, staff):
    first = swap_request_create(
        requester=crew["o1"], shift=crew["shifts"][0], counterpart=crew["o3"],
        counterpart_shift=crew["shifts"][2], reason="x",
    )  # fmt: skip
    swap_accept(swap=first, actor=crew["o3"])
    swap_reject(swap=first, actor=staff, note="人手不足")
    notes = assert_told_once(
        Notification.Reason.SWAP_DECIDED, [crew["o1"], crew["o3"]], reverse("duty:swap-list")
    )
    assert all("人手不足" in n.message for n in notes)

    second = swap_request_create(
        requester=crew["o2"], shift=crew["shifts"][1], counterpart=crew["o4"],
        counterpart_shift=crew["shifts"][3], reason="y",
    )  # fmt: skip
    swap_decline(swap=second, actor=crew["o4"])
    declined = Notification.objects.filter(
        reason=Notification.Reason.SWAP_DECIDED, subject_key=f"duty.swaprequest:{second.pk}"
    )
    assert list(declined.values_list("recipient_id", flat=True)) == [crew["o2"].pk]


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_a_swap_request_rolled_back_tells_nobody(crew):
    with pytest.raises(RuntimeError), transaction.atomic():
        swap_request_create(
            requester=crew["o1"], shift=crew["shifts"][0], counterpart=crew["o3"],
            counterpart_shift=crew["shifts"][2], reason="x",
        )  # fmt: skip
        raise RuntimeError
    assert not SwapRequest.objects.exists()
    assert not Notification.objects.exists()


# --- Publishing -------------------------------------------------------------------------


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_publishing_tells_everyone_on_the_roster_once(crew, staff):
    roster = crew["roster"]
    DutyRoster.objects.filter(pk=roster.pk).update(status="draft", published_at=None)
    roster_publish(roster=roster, actor=staff)
    people = [crew[k] for k in ("lead", "lead2", "o1", "o2", "o3", "o4")]
    (note, *_rest) = assert_told_once(
        Notification.Reason.PUBLISHED, people, roster.get_absolute_url()
    )
    assert note.kind == Notification.Kind.ROSTER
    assert "安委办6月值班表" in note.message


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_a_roster_that_fails_its_checks_is_not_published_and_tells_nobody(crew, staff):
    roster = crew["roster"]
    DutyRoster.objects.filter(pk=roster.pk).update(status="draft", published_at=None)
    ShiftAssignment.objects.filter(shift=crew["shifts"][1], role="leader").delete()
    with pytest.raises(ValidationError):
        roster_publish(roster=roster, actor=staff)
    assert not Notification.objects.exists()


# --- Changes of a published roster -------------------------------------------------------


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_a_passing_edit_of_a_published_roster_tells_those_whose_shift_changed(crew, staff):
    stand_in = officer()
    shift = crew["shifts"][0]
    shift_update(actor=staff, shift=shift, leader=crew["lead"], officers=[stand_in], note="病假")
    (note, _other) = assert_told_once(
        Notification.Reason.CHANGED, [crew["o1"], stand_in], shift.get_absolute_url()
    )
    assert "2024-06-01" in note.message


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_two_edits_of_one_shift_tell_each_time(crew, staff):
    a, b = officer(), officer()
    shift = crew["shifts"][0]
    shift_update(actor=staff, shift=shift, leader=crew["lead"], officers=[a])
    shift_update(actor=staff, shift=shift, leader=crew["lead"], officers=[b])
    got = told(Notification.Reason.CHANGED)
    assert {p: len(n) for p, n in got.items()} == {crew["o1"].pk: 1, a.pk: 2, b.pk: 1}


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_an_edit_that_breaks_a_published_roster_is_refused_and_the_roster_kept(crew, staff):
    shift = crew["shifts"][0]
    before = sorted(ShiftAssignment.objects.values_list("shift_id", "person_id", "role"))
    # o2 is on 2 June: on 1 June too would be two shifts in a row.
    with pytest.raises(ValidationError) as caught:
        shift_update(actor=staff, shift=shift, leader=crew["lead"], officers=[crew["o2"]])
    expected = gettext("%(person)s would work two shifts in a row.") % {"person": crew["o2"]}
    assert any(expected in m for m in caught.value.message_dict["officers"])
    assert {e.code for e in caught.value.error_dict["officers"]} == {"checks_failed"}
    assert sorted(ShiftAssignment.objects.values_list("shift_id", "person_id", "role")) == before
    assert not ShiftChange.objects.exists()
    assert not Notification.objects.exists()
    roster = DutyRoster.objects.get(pk=crew["roster"].pk)
    assert roster.status == DutyRoster.Status.PUBLISHED


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_an_edit_putting_someone_on_leave_on_duty_is_refused(crew, staff):
    away = officer()
    unavailability_create(
        actor=staff, person=away, start_date=date(2024, 6, 1), end_date=date(2024, 6, 1)
    )
    with pytest.raises(ValidationError) as caught:
        shift_update(actor=staff, shift=crew["shifts"][0], leader=crew["lead"], officers=[away])
    assert "officers" in caught.value.message_dict
    assert crew["shifts"][0].people.filter(pk=away.pk).exists() is False


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_an_edit_elsewhere_is_not_refused_for_a_day_a_warning_left_short(crew, staff):
    # An orange warning on 3 June calls for a second officer there; the roster fails
    # that day until staff add one, but another day can still be edited, and adding
    # the officer the warning calls for is an edit that passes.
    WarningFactory(level="orange", issued_at=shift_window(date(2024, 6, 3))[0])
    stand_in = officer()
    shift_update(actor=staff, shift=crew["shifts"][0], leader=crew["lead"], officers=[stand_in])
    extra = officer()
    shift_update(
        actor=staff, shift=crew["shifts"][2], leader=crew["lead"], officers=[crew["o3"], extra]
    )
    assert set(told(Notification.Reason.CHANGED)) == {crew["o1"].pk, stand_in.pk, extra.pk}


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_an_approved_swap_that_would_break_the_roster_is_refused(crew, staff):
    swap = swap_request_create(
        requester=crew["o1"], shift=crew["shifts"][0], counterpart=crew["o3"],
        counterpart_shift=crew["shifts"][2], reason="x",
    )  # fmt: skip
    swap_accept(swap=swap, actor=crew["o3"])
    # Meanwhile o3 was put on another unit's roster for 31 May, next to 1 June.
    other = RosterFactory(start_date=date(2024, 5, 31), end_date=date(2024, 5, 31))
    staff_shift(other, date(2024, 5, 31), leader(), crew["o3"])
    published(other)
    with pytest.raises(ValidationError):
        swap_approve(swap=swap, actor=staff)
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.ACCEPTED
    assert crew["shifts"][0].people.filter(pk=crew["o1"].pk).exists()
    assert not told(Notification.Reason.SWAP_DECIDED)


# --- Weather warnings ----------------------------------------------------------------------


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_a_warning_that_raises_staffing_tells_the_people_on_the_shifts_under_it(crew, staff):
    issued = shift_window(date(2024, 6, 2))[0] + timedelta(hours=2)
    warning_create(
        actor=staff,
        kind="rainstorm",
        level="orange",
        area="高新区全域",
        issued_by="吉林市气象台",
        issued_at=issued,
        valid_until=issued + timedelta(hours=6),
        content="暴雨橙色预警",
    )
    got = told(Notification.Reason.STAFFING_RAISED)
    on_2_june = {crew["lead2"].pk, crew["o2"].pk}
    outsiders = {p.pk for p in crew["outsiders"]}
    # The people on 2 June, of both rosters, are told on their shift; staff, who must
    # add the officers, are told of the rosters to staff up. The actor is not.
    assert on_2_june <= set(got)
    assert not ({crew["o1"].pk, crew["o3"].pk, crew["lead"].pk, staff.pk} & set(got))
    mine = got[crew["o2"].pk]
    assert len(mine) == 1 and mine[0].subject_url == crew["shifts"][1].get_absolute_url()
    assert mine[0].kind == Notification.Kind.WEATHER_WARNING
    assert outsiders <= set(got)


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_a_warning_tells_the_other_staff_which_rosters_to_staff_up(crew, staff):
    colleague = committee_staff()
    issued = shift_window(date(2024, 6, 2))[0] + timedelta(hours=2)
    warning_create(
        actor=staff, kind="rainstorm", level="red", area="高新区全域", issued_by="气象台",
        issued_at=issued, valid_until=issued + timedelta(hours=6), content="暴雨红色预警",
    )  # fmt: skip
    notes = told(Notification.Reason.STAFFING_RAISED)[colleague.pk]
    assert {n.subject_url for n in notes} == {reverse("duty:roster-list")}
    assert len(notes) == 1


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_a_blue_warning_raises_nothing_and_tells_nobody_at_once(crew, staff):
    issued = shift_window(date(2024, 6, 2))[0]
    warning_create(
        actor=staff, kind="rainstorm", level="blue", area="高新区全域", issued_by="气象台",
        issued_at=issued, valid_until=issued + timedelta(hours=6), content="暴雨蓝色预警",
    )  # fmt: skip
    assert not Notification.objects.exists()


# --- Incident report limits -----------------------------------------------------------------


def test_an_incident_whose_report_time_runs_out_reaches_the_leader_and_officers(crew):
    shift = crew["shifts"][0]
    received = shift.starts_at + timedelta(hours=2)
    with time_machine.travel(received + timedelta(minutes=1), tick=False):
        report = incident_report_create(
            actor=crew["o1"],
            shift=shift,
            received_at=received,
            reported_by="越山街道 何静",
            kind="weather",
            level="general",
            place="越山路下穿桥",
            injuries=0,
            description="积水",
        )
    late = received + timedelta(minutes=29)
    notifications_create(drafts=incident_limit_sweep(late))
    notifications_create(drafts=incident_limit_sweep(late))  # a second sweep adds nothing
    notes = told(Notification.Reason.REPORT_LIMIT)
    assert set(notes) == {crew["lead"].pk, crew["o1"].pk}
    assert all(len(n) == 1 for n in notes.values())
    assert {n[0].subject_url for n in notes.values()} == {report.get_absolute_url()}


# --- The one path ---------------------------------------------------------------------------


def test_no_duty_code_sends_mail_itself():
    root = Path(__file__).resolve().parents[2] / "duty"
    offenders = [p.name for p in root.rglob("*.py") if "send_mail" in p.read_text()]
    assert offenders == []


# --- No side door ----------------------------------------------------------------------------


def test_the_admin_does_not_change_a_published_roster_behind_the_services(admin_client, crew):
    shift = crew["shifts"][0]
    assignment = shift.assignments.get(role="officer")
    stand_in = officer()
    url = reverse("admin:duty_shiftassignment_change", args=[assignment.pk])
    data = {"shift": shift.pk, "person": stand_in.pk, "role": "officer"}
    assert admin_client.post(url, data).status_code == 403
    delete = reverse("admin:duty_shiftassignment_delete", args=[assignment.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    add = admin_client.post(reverse("admin:duty_shiftassignment_add"), data)
    assert add.status_code == 200  # the form again: a published shift is not offered
    assert "shift" in add.context["adminform"].form.errors
    roster_url = reverse("admin:duty_dutyroster_change", args=[crew["roster"].pk])
    assert admin_client.post(roster_url, {"title": "x"}).status_code == 403
    changelist = admin_client.get(reverse("admin:duty_shiftassignment_changelist"))
    assert changelist.status_code == 200 and b"delete_selected" not in changelist.content
    assert list(shift.assignments.values_list("person_id", flat=True).order_by("role")) == [
        crew["lead"].pk,
        crew["o1"].pk,
    ]


def test_the_admin_still_corrects_a_draft_roster(admin_client, staff):
    roster = RosterFactory(unit=staff.unit, end_date=date(2024, 6, 1))
    shift = staff_shift(roster, date(2024, 6, 1), leader(), officer())
    assignment = shift.assignments.get(role="officer")
    stand_in = officer()
    url = reverse("admin:duty_shiftassignment_change", args=[assignment.pk])
    response = admin_client.post(url, {"shift": shift.pk, "person": stand_in.pk, "role": "officer"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.person == stand_in


# --- What a user sees --------------------------------------------------------------------------


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_the_shift_page_shows_why_an_edit_of_a_published_roster_is_refused(client, crew, staff):
    shift = crew["shifts"][0]
    client.force_login(staff)
    response = client.post(
        reverse("duty:shift-update", args=[shift.pk]),
        {"leader": crew["lead"].pk, "officers": [crew["o2"].pk], "phone": "", "note": ""},
    )
    assert response.status_code == 200
    problem = gettext("%(person)s would work two shifts in a row.") % {"person": crew["o2"]}
    assert problem in response.context["form"].errors["officers"][0]
    assert problem in response.content.decode()
    assert shift.people.get(duty_assignments__role="officer") == crew["o1"]


@time_machine.travel(BEFORE_JUNE, tick=False)
def test_the_api_refuses_an_edit_that_breaks_a_published_roster_with_a_400(api_client, crew, staff):
    shift = crew["shifts"][0]
    api_client.force_authenticate(staff)
    response = api_client.put(
        f"/api/v1/shifts/{shift.pk}/",
        {"leader": crew["lead"].pk, "officers": [crew["o2"].pk]},
        format="json",
    )
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert {(e["attr"], e["code"]) for e in errors} == {("officers", "checks_failed")}
    assert shift.people.get(duty_assignments__role="officer") == crew["o1"]
    assert not Notification.objects.exists()


def test_the_warning_reminder_carries_the_link_to_the_warnings(crew):
    from duty.reminders import warning_sweep

    warning = WarningFactory(level="red", issued_at=shift_window(date(2024, 6, 2))[0])
    drafts = warning_sweep(warning.issued_at + timedelta(hours=1))
    assert {d.recipient_id for d in drafts} >= {crew["lead2"].pk, crew["o2"].pk}
    assert {d.subject_url for d in drafts} == {reverse("duty:warning-list")}
