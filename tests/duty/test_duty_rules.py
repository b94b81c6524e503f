"""The duty rules no code path side-steps (issue 13): a handover is made once the shift
has begun, early only with a reason, carries every open matter and open incident over,
and is complete only when the incoming leader confirms; stock comes back no more than
went out; the people on duty now read every unit's resources and teams and issue any
unit's stock; the duty log is append-only in the database; an accident's level is at
least what its casualties and losses imply."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from duty.models import (
    ACCIDENT_LEVEL_THRESHOLDS,
    DutyLogEntry,
    EmergencyResource,
    Handover,
    IncidentReport,
    OpenMatter,
    accident_level,
)
from duty.selectors.resources import resource_get, resource_list, team_get, team_list
from duty.selectors.rosters import on_duty_now
from duty.services.incidents import incident_report_create, incident_update_create
from duty.services.log import handover_confirm, handover_create, log_entry_create, open_matter_close
from duty.services.resources import resource_update, stock_move
from duty.times import shift_window
from safetyzone.core.states import TransitionNotAllowed
from safetyzone.notifications.models import Notification
from safetyzone.org.models import User
from safetyzone.org.scoping import OutsideUnit
from tests.factories import UserFactory
from tests.helpers import authenticate

from .factories import ResourceFactory, TeamFactory, leader, officer
from .test_api import API

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_client):
    api_client.default_format = "json"
    return api_client


D1, D2, D3 = date(2024, 6, 1), date(2024, 6, 2), date(2024, 6, 3)


def at(day: date, hours: float):
    """``hours`` after the change-over (08:30) of ``day``."""
    return shift_window(day)[0] + timedelta(hours=hours)


@pytest.fixture
def shifts(roster_a):
    return list(roster_a.shifts.order_by("date"))


def errors(response) -> dict[str, str]:
    """The API's field errors: attribute → message."""
    return {e["attr"]: e["detail"] for e in response.json()["errors"]}


def people(shift):
    by_role = {a.role: a.person for a in shift.assignments.select_related("person")}
    return by_role["leader"], by_role["officer"]


def fire(shift, actor, *, hours=2, **extra):
    data = {
        "received_at": at(shift.date, hours),
        "reported_by": "消防大队",
        "kind": "fire",
        "level": "general",
        "place": "化工园区",
        "description": "仓库起火",
    } | extra
    return incident_report_create(actor=actor, shift=shift, **data)


def final_report(report, actor, minutes=60):
    for kind, offset in (("first", 10), ("final", minutes)):
        incident_update_create(
            actor=actor,
            report=report,
            kind=kind,
            method="written",
            content=kind,
            received_by="市应急局",
            sent_at=report.received_at + timedelta(minutes=offset),
        )


# --- Handover: when ----------------------------------------------------------------------


def test_a_shift_is_not_handed_over_before_it_begins(shifts, officer_a):
    with time_machine.travel(at(D1, -1), tick=False), pytest.raises(ValidationError) as refused:
        handover_create(actor=officer_a, shift=shifts[0], early_reason="临时有事")
    assert "shift" in refused.value.message_dict
    with time_machine.travel(at(D1, 3), tick=False), pytest.raises(ValidationError) as refused:
        handover_create(
            actor=officer_a, shift=shifts[0], early_reason="有事", handed_over_at=at(D1, -0.5)
        )
    assert "handed_over_at" in refused.value.message_dict
    assert not Handover.objects.exists()


@time_machine.travel("2024-06-01 20:00:00+08:00", tick=False)
def test_an_early_handover_asks_for_a_reason(shifts, officer_a):
    with pytest.raises(ValidationError) as refused:
        handover_create(actor=officer_a, shift=shifts[0], early_reason="  ")
    assert list(refused.value.message_dict) == ["early_reason"]
    assert "2024-06-02 08:30" in refused.value.message_dict["early_reason"][0]
    assert not Handover.objects.exists()

    handover = handover_create(
        actor=officer_a, shift=shifts[0], early_reason="家中急事，经带班领导同意提前交班"
    )
    assert handover.early_reason == "家中急事，经带班领导同意提前交班"


@time_machine.travel("2024-06-02 08:40:00+08:00", tick=False)
def test_a_handover_at_the_end_of_the_shift_needs_no_reason(shifts, officer_a):
    handover = handover_create(actor=officer_a, shift=shifts[0])
    assert handover.early_reason == "" and not handover.is_confirmed


# --- Handover: confirmation by the incoming leader -----------------------------------------


def test_only_the_incoming_leader_confirms_and_the_shift_closes_then(
    shifts, officer_a, leader_a, unit_b, roles
):
    incoming_leader, incoming_officer = people(shifts[1])
    with time_machine.travel(at(D2, 0.1), tick=False):
        handover = handover_create(actor=officer_a, shift=shifts[0])
    shifts[0].refresh_from_db()
    assert not shifts[0].is_closed  # handed over, not yet taken over
    # The leader of the next shift was told there is a handover to confirm.
    told = Notification.objects.get(recipient=incoming_leader)
    assert told.kind == Notification.Kind.SHIFT and told.reason == Notification.Reason.TO_SIGN

    leader_of_b = leader(unit_b)  # a leader on duty elsewhere, with every duty permission
    with time_machine.travel(at(D2, 0.2), tick=False):
        for someone in (officer_a, leader_a, incoming_officer, leader_of_b):
            with pytest.raises(ValidationError):
                handover_confirm(actor=someone, handover=handover)
        head_of_b = UserFactory(unit=unit_b, roles=["department_head"])
        with pytest.raises(PermissionDenied):
            handover_confirm(actor=head_of_b, handover=handover)
        handover.refresh_from_db()
        assert not handover.is_confirmed

        handover_confirm(actor=incoming_leader, handover=handover)
    handover.refresh_from_db()
    shifts[0].refresh_from_db()
    assert handover.confirmed_by == incoming_leader and handover.is_confirmed
    assert shifts[0].closed_at == handover.confirmed_at == at(D2, 0.2)
    with time_machine.travel(at(D2, 0.3), tick=False), pytest.raises(ValidationError):
        handover_confirm(actor=incoming_leader, handover=handover)


def test_the_outgoing_keep_their_log_until_the_handover_is_confirmed(shifts, officer_a):
    incoming_leader, _ = people(shifts[1])
    with time_machine.travel(at(D2, 0), tick=False):
        handover = handover_create(actor=officer_a, shift=shifts[0])
    with time_machine.travel(at(D2, 0.5), tick=False):
        # Still on duty, waiting for the incoming leader: past the planned end too.
        entry = log_entry_create(
            actor=officer_a, shift=shifts[0], kind="other", content="等待接班领导到岗"
        )
        assert entry.at == at(D2, 0.5)
        assert on_duty_now(user=officer_a)
        handover_confirm(actor=incoming_leader, handover=handover)
        with pytest.raises(TransitionNotAllowed):  # the shift's graph: closed
            log_entry_create(actor=officer_a, shift=shifts[0], kind="other", content="补记")
        assert not on_duty_now(user=officer_a)


def test_a_shift_is_handed_over_only_once_the_handover_into_it_is_confirmed(shifts, officer_a):
    incoming_leader, incoming_officer = people(shifts[1])
    with time_machine.travel(at(D2, 0), tick=False):
        first = handover_create(actor=officer_a, shift=shifts[0])
    with time_machine.travel(at(D3, 0), tick=False):
        with pytest.raises(TransitionNotAllowed):  # the handover into it is not confirmed
            handover_create(actor=incoming_officer, shift=shifts[1])
        handover_confirm(actor=incoming_leader, handover=first)
        assert handover_create(actor=incoming_officer, shift=shifts[1])


def test_a_handover_made_with_no_next_shift_is_confirmed_by_the_one_rostered_later(
    shifts, officer_a, leader_a, roster_a
):
    from .factories import staff_shift

    with time_machine.travel(at(D3, 24), tick=False):
        handover = handover_create(actor=officer_a, shift=shifts[2])
    assert handover.next_shift is None
    with time_machine.travel(at(D3, 24.1), tick=False), pytest.raises(ValidationError):
        handover_confirm(actor=leader_a, handover=handover)
    newcomer = leader(roster_a.unit)
    later = staff_shift(roster_a, date(2024, 6, 4), newcomer, officer(roster_a.unit))
    with time_machine.travel(at(D3, 24.2), tick=False):
        handover_confirm(actor=newcomer, handover=handover)
    handover.refresh_from_db()
    assert handover.next_shift == later and handover.is_confirmed
    assert set(handover.incoming.all()) == set(later.people.all())


# --- Handover: nothing dropped --------------------------------------------------------------


def test_open_incidents_carry_over_until_their_final_report(shifts, officer_a):
    incoming_leader, incoming_officer = people(shifts[1])
    third_leader, third_officer = people(shifts[2])
    with time_machine.travel(at(D1, 3), tick=False):
        open_fire = fire(shifts[0], officer_a)
        done = fire(shifts[0], officer_a, place="硅谷大街", hours=1)
        final_report(done, officer_a)
    with time_machine.travel(at(D2, 0), tick=False):
        first = handover_create(actor=officer_a, shift=shifts[0])
    # The handled incident is not a matter; the open one is, pointing at its report.
    (matter,) = first.matters.all()
    assert matter.incident == open_fire and "化工园区" in matter.text

    with time_machine.travel(at(D2, 1), tick=False):
        handover_confirm(actor=incoming_leader, handover=first)
        # It is not closed by hand while the incident has no final report...
        with pytest.raises(ValidationError) as refused:
            open_matter_close(actor=incoming_officer, matter=matter, note="已处置")
        assert "化工园区" in refused.value.messages[0]
    with time_machine.travel(at(D3, 0), tick=False):
        with pytest.raises(ValidationError) as refused:
            handover_create(
                actor=incoming_officer, shift=shifts[1], close_matters={matter.pk: "已处置"}
            )
        assert "matters" in refused.value.message_dict
        # ...nor dropped: the next handover carries it again.
        second = handover_create(actor=incoming_officer, shift=shifts[1])
    carried = second.matters.get()
    assert carried.incident == open_fire and carried.carried_from == matter

    with time_machine.travel(at(D3, 2), tick=False):
        handover_confirm(actor=third_leader, handover=second)
        final_report(open_fire, third_officer, minutes=60 * 26)
    with time_machine.travel(at(D3, 24), tick=False):
        third = handover_create(actor=third_officer, shift=shifts[2])
    # Its final report sent, the matter closes by itself.
    carried.refresh_from_db()
    assert carried.closed_at is not None and carried.closed_by == third_officer
    assert not third.matters.exists()


def test_an_incident_recorded_after_the_handover_is_carried_when_it_is_confirmed(shifts, officer_a):
    incoming_leader, _ = people(shifts[1])
    with time_machine.travel(at(D1, 23.5), tick=False):
        handover = handover_create(actor=officer_a, shift=shifts[0], early_reason="x")
        late = fire(shifts[0], officer_a, hours=23.4)
    assert not handover.matters.exists()
    with time_machine.travel(at(D2, 0.1), tick=False):
        handover_confirm(actor=incoming_leader, handover=handover)
    assert [m.incident for m in handover.matters.all()] == [late]
    with time_machine.travel(at(D2, 0.2), tick=False), pytest.raises(ValidationError):
        fire(shifts[0], officer_a, hours=23.45)  # the shift is closed now


def test_the_admin_deletes_no_handover_or_matter(admin_client, shifts, officer_a):
    with time_machine.travel(at(D2, 0), tick=False):
        handover = handover_create(actor=officer_a, shift=shifts[0], new_matters=["甲"])
    for url in (
        reverse("admin:duty_handover_delete", args=[handover.pk]),
        reverse("admin:duty_openmatter_delete", args=[handover.matters.get().pk]),
    ):
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert OpenMatter.objects.filter(handover=handover).exists()


# --- Handover through the pages and the API -------------------------------------------------


@time_machine.travel("2024-06-01 21:00:00+08:00", tick=False)
def test_the_page_asks_for_the_reason_and_the_incoming_leader_confirms(client, shifts, officer_a):
    incoming_leader, _ = people(shifts[1])
    client.force_login(officer_a)
    url = reverse("duty:handover-create", args=[shifts[0].pk])
    response = client.post(url, {"new_matters": "越山路积水待排", "notes": ""})
    assert response.status_code == 200
    assert "early_reason" in response.context["form"].errors
    response = client.post(url, {"new_matters": "越山路积水待排", "early_reason": "身体不适"})
    assert response.status_code == 302
    page = client.get(shifts[0].get_absolute_url()).content.decode()
    assert 'data-testid="handover-pending"' in page and "身体不适" in page

    client.force_login(incoming_leader)
    page = client.get(shifts[1].get_absolute_url()).content.decode()
    assert 'data-testid="handover-awaiting"' in page
    response = client.post(reverse("duty:handover-confirm", args=[shifts[1].pk]))
    assert response.status_code == 302
    shifts[0].refresh_from_db()
    assert shifts[0].is_closed
    assert Handover.objects.get().confirmed_by == incoming_leader


def test_the_api_confirms_only_for_the_incoming_leader(api, shifts, officer_a):
    incoming_leader, incoming_officer = people(shifts[1])
    with time_machine.travel(at(D1, 5), tick=False):
        early = authenticate(api, officer_a).post(f"{API}handovers/", {"shift": shifts[0].pk})
        assert early.status_code == 400 and "early_reason" in errors(early)
        made = api.post(f"{API}handovers/", {"shift": shifts[0].pk, "early_reason": "培训"})
        assert made.status_code == 201, made.content
        pk = made.json()["id"]
        assert made.json()["confirmed_at"] is None
    with time_machine.travel(at(D1, 6), tick=False):
        assert (
            authenticate(api, incoming_officer).post(f"{API}handovers/{pk}/confirm/").status_code
            == 400
        )
        response = authenticate(api, incoming_leader).post(f"{API}handovers/{pk}/confirm/")
        assert response.status_code == 200, response.content
        assert response.json()["confirmed_by"] == incoming_leader.pk
        # Confirmed: the handover's graph refuses a second confirmation.
        assert api.post(f"{API}handovers/{pk}/confirm/").status_code == 409


# --- Stock: returns ----------------------------------------------------------------------


def test_no_more_comes_back_than_went_out(staff):
    resource = ResourceFactory(unit=staff.unit, quantity=0)
    stock_move(actor=staff, resource=resource, direction="in", quantity=100)
    with pytest.raises(ValidationError) as refused:
        stock_move(actor=staff, resource=resource, direction="back", quantity=1)
    assert "0袋" in refused.value.message_dict["quantity"][0].replace(" ", "")
    stock_move(actor=staff, resource=resource, direction="out", quantity=30)
    stock_move(actor=staff, resource=resource, direction="back", quantity=20)
    with pytest.raises(ValidationError) as refused:
        stock_move(actor=staff, resource=resource, direction="back", quantity=11)
    assert "10袋" in refused.value.message_dict["quantity"][0].replace(" ", "")
    stock_move(actor=staff, resource=resource, direction="back", quantity=10)
    resource.refresh_from_db()
    assert (resource.quantity, resource.issued) == (Decimal(100), Decimal(0))
    assert resource.movements.count() == 4


def test_the_database_refuses_more_back_than_out(staff):
    resource = ResourceFactory(unit=staff.unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        EmergencyResource.objects.filter(pk=resource.pk).update(issued=Decimal(-1))


def test_a_return_over_the_api_is_a_field_error(api, staff):
    resource = ResourceFactory(unit=staff.unit, quantity=5)
    response = authenticate(api, staff).post(
        f"{API}stock-movements/",
        {"resource": resource.pk, "direction": "back", "quantity": "1"},
    )
    assert response.status_code == 400 and "quantity" in errors(response)


# --- The duty office ----------------------------------------------------------------------


@pytest.fixture
def of_unit_b(unit_b):
    return ResourceFactory(unit=unit_b, quantity=50), TeamFactory(unit=unit_b)


NIGHT = "2024-06-01 23:00:00+08:00"


@time_machine.travel(NIGHT, tick=False)
def test_the_duty_office_reads_every_units_resources_and_teams(
    shifts, officer_a, leader_a, of_unit_b
):
    sandbags, team = of_unit_b
    for person in (officer_a, leader_a):
        assert resource_get(user=person, pk=sandbags.pk) == sandbags
        assert team_get(user=person, pk=team.pk) == team
        assert sandbags in resource_list(user=person)


@time_machine.travel(NIGHT, tick=False)
def test_the_duty_office_issues_any_units_stock_but_does_not_edit_it(shifts, officer_a, of_unit_b):
    sandbags, _team = of_unit_b
    stock_move(
        actor=officer_a, resource=sandbags, direction="out", quantity=20, purpose="越山路排涝"
    )
    sandbags.refresh_from_db()
    assert (sandbags.quantity, sandbags.issued) == (Decimal(30), Decimal(20))
    for direction in ("back", "in"):
        with pytest.raises(PermissionDenied):
            stock_move(actor=officer_a, resource=sandbags, direction=direction, quantity=1)
    with pytest.raises(PermissionDenied):
        resource_update(actor=officer_a, resource=sandbags, keeper="王五")
    sandbags.refresh_from_db()
    assert (sandbags.quantity, sandbags.keeper) == (Decimal(30), "张三")


@time_machine.travel(NIGHT, tick=False)
def test_an_officer_not_on_duty_and_a_head_of_another_unit_are_outsiders(
    shifts, roster_a, alice, of_unit_b
):
    sandbags, team = of_unit_b
    # On tomorrow's shift only; the head of unit A (on no roster), allowed to move stock
    # so that only the unit refuses them.
    tomorrow = people(shifts[1])[1]
    alice.user_permissions.add(Permission.objects.get(codename="add_stockmovement"))
    alice = User.objects.get(pk=alice.pk)
    for person in (tomorrow, alice):
        assert person.has_perm("duty.add_stockmovement")
        assert not on_duty_now(user=person)
        assert sandbags not in resource_list(user=person)
        assert team not in team_list(user=person)
        with pytest.raises(OutsideUnit):
            stock_move(actor=person, resource=sandbags, direction="out", quantity=1)
    sandbags.refresh_from_db()
    assert sandbags.quantity == 50


def test_the_office_is_the_published_shift_running_now(shifts, roster_a, officer_a):
    with time_machine.travel(at(D1, -0.1), tick=False):
        assert not on_duty_now(user=officer_a)
    with time_machine.travel(at(D1, 1), tick=False):
        assert on_duty_now(user=officer_a)
        roster_a.status = roster_a.Status.DRAFT
        roster_a.save()
        assert not on_duty_now(user=officer_a)


@time_machine.travel(NIGHT, tick=False)
def test_the_duty_office_over_http(client, api, shifts, officer_a, of_unit_b):
    sandbags, team = of_unit_b
    client.force_login(officer_a)
    assert client.get(sandbags.get_absolute_url()).status_code == 200
    assert client.get(team.get_absolute_url()).status_code == 200
    response = authenticate(api, officer_a).post(
        f"{API}stock-movements/", {"resource": sandbags.pk, "direction": "out", "quantity": "5"}
    )
    assert response.status_code == 201, response.content
    # The page offers the office only to issue, and issues.
    form = client.get(sandbags.get_absolute_url()).context["form"]
    assert [value for value, _label in form.fields["direction"].choices] == ["out"]
    response = client.post(sandbags.get_absolute_url(), {"direction": "out", "quantity": "2"})
    assert response.status_code == 302
    sandbags.refresh_from_db()
    assert (sandbags.quantity, sandbags.issued) == (Decimal(43), Decimal(7))
    tomorrow = people(shifts[1])[1]
    client.force_login(tomorrow)
    assert client.get(sandbags.get_absolute_url()).status_code == 404
    response = authenticate(api, tomorrow).post(
        f"{API}stock-movements/", {"resource": sandbags.pk, "direction": "out", "quantity": "5"}
    )
    assert response.status_code == 404


# --- The duty log is append-only in the database -----------------------------------------


@pytest.fixture
def entry(shifts, officer_a):
    with time_machine.travel(at(D1, 2), tick=False):
        return log_entry_create(
            actor=officer_a, shift=shifts[0], kind="call", content="越山街道来电"
        )


def test_the_database_refuses_to_change_or_delete_a_log_entry(entry):
    with pytest.raises(IntegrityError), transaction.atomic():
        DutyLogEntry.objects.filter(pk=entry.pk).update(content="改写")
    with pytest.raises(IntegrityError), transaction.atomic():
        DutyLogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM duty_dutylogentry")
    entry.refresh_from_db()
    assert entry.content == "越山街道来电"


def test_nothing_cascades_into_the_log(entry, officer_a, roster_a):
    with pytest.raises(ProtectedError):
        officer_a.delete()
    with pytest.raises(ProtectedError):
        roster_a.delete()
    assert DutyLogEntry.objects.filter(pk=entry.pk).exists()


def test_the_admin_offers_no_change_or_delete_of_log_entries(admin_client, entry):
    url = reverse("admin:duty_dutylogentry_delete", args=[entry.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert DutyLogEntry.objects.filter(pk=entry.pk).exists()


# --- Incident level by casualties and losses ------------------------------------------------


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "level"),
    [
        (0, 0, 0, "general"),
        (2, 9, Decimal("999.99"), "general"),
        (3, 0, 0, "larger"),  # 3 deaths: larger (较大), not serious
        (9, 0, 0, "larger"),
        (0, 10, 0, "larger"),
        (0, 0, 1000, "larger"),
        (10, 0, 0, "serious"),
        (29, 0, 0, "serious"),
        (0, 50, 0, "serious"),
        (0, 0, 5000, "serious"),
        (30, 0, 0, "especially_serious"),
        (0, 100, 0, "especially_serious"),
        (0, 0, 10000, "especially_serious"),
    ],
)
def test_the_national_classification(deaths, injuries, loss, level):
    assert accident_level(deaths=deaths, injuries=injuries, direct_loss=Decimal(loss)) == level


def test_the_thresholds_are_one_table_highest_first():
    levels = [row[0] for row in ACCIDENT_LEVEL_THRESHOLDS]
    assert levels == ["especially_serious", "serious", "larger"]


@time_machine.travel("2024-06-01 21:00:00+08:00", tick=False)
def test_a_level_below_the_figures_is_refused_naming_the_right_one(shifts, officer_a):
    with pytest.raises(ValidationError) as refused:
        fire(shifts[0], officer_a, deaths=3, level="general")
    (message,) = refused.value.message_dict["level"]
    assert str(IncidentReport.Level.LARGER.label) in message
    assert not IncidentReport.objects.exists()
    with pytest.raises(ValidationError) as refused:
        fire(shifts[0], officer_a, kind="accident", direct_loss=Decimal(6000), level="larger")
    assert str(IncidentReport.Level.SERIOUS.label) in refused.value.message_dict["level"][0]

    assert fire(shifts[0], officer_a, deaths=3, level="larger").level == "larger"
    # Higher than the figures stays the reporter's call; other kinds are not classified so.
    assert fire(shifts[0], officer_a, deaths=3, level="serious").level == "serious"
    storm = fire(shifts[0], officer_a, kind="weather", deaths=5, level="general")
    assert storm.level == "general"


def test_the_database_refuses_a_level_below_the_figures(shifts, officer_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentReport.objects.create(
            shift=shifts[0],
            received_at=at(D1, 1),
            reported_by="群众",
            kind="accident",
            level="general",
            place="某地",
            deaths=3,
            description="事故",
            recorded_by=officer_a,
        )


@time_machine.travel("2024-06-01 21:00:00+08:00", tick=False)
def test_the_form_and_the_api_show_the_level_error(client, api, shifts, officer_a):
    data = {
        "shift": shifts[0].pk,
        "received_at": at(D1, 2).isoformat(),
        "reported_by": "消防大队",
        "kind": "accident",
        "level": "general",
        "place": "化工园区",
        "deaths": 3,
        "description": "爆炸",
    }
    response = authenticate(api, officer_a).post(f"{API}incident-reports/", data)
    assert response.status_code == 400
    assert str(IncidentReport.Level.LARGER.label) in errors(response)["level"]

    client.force_login(officer_a)
    form = {k: v for k, v in data.items() if k != "shift"} | {
        "received_at": "2024-06-01T10:30",
        "injuries": 0,
        "missing": 0,
        "direct_loss": 0,
    }
    response = client.post(reverse("duty:incident-create", args=[shifts[0].pk]), form)
    assert response.status_code == 200
    assert "level" in response.context["form"].errors
    assert not IncidentReport.objects.exists()
    assert not OpenMatter.objects.exists()
