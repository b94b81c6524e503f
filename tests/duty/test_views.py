"""The duty pages: the permission matrix (allowed role, the same role of another unit
gets 404, anonymous is sent to log in), query counts, and the flows through forms."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils.translation import gettext

from duty.models import DutyLogEntry, DutyRoster, EmergencyResource, Handover
from duty.services.incidents import incident_report_create
from duty.services.log import handover_create
from duty.times import shift_window
from tests.factories import UnitFactory
from tests.helpers import count_queries

from .conftest import days
from .factories import (
    ResourceFactory,
    RosterFactory,
    TeamFactory,
    WarningFactory,
    leader,
    officer,
    published,
    staff_shift,
)

pytestmark = pytest.mark.django_db


def get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


# --- Permission matrix ---------------------------------------------------------------


@pytest.fixture
def records_a(staff, roster_a, shift_a, officer_a, unit_a):
    with time_machine.travel("2024-06-01 20:00:00+08:00", tick=False):
        report = incident_report_create(
            actor=officer_a,
            shift=shift_a,
            received_at=shift_window(shift_a.date)[0] + timedelta(hours=2),
            reported_by="群众",
            kind="fire",
            place="某小区",
            description="楼道起火",
        )
    return {
        "roster": reverse("duty:roster-detail", args=[roster_a.pk]),
        "shift": reverse("duty:shift-detail", args=[shift_a.pk]),
        "incident": reverse("duty:incident-detail", args=[report.pk]),
        "resource": reverse("duty:resource-detail", args=[ResourceFactory(unit=unit_a).pk]),
        "team": reverse("duty:team-detail", args=[TeamFactory(unit=unit_a).pk]),
    }


@pytest.mark.parametrize("page", ["roster", "shift", "incident", "resource", "team"])
def test_officer_of_the_unit_reads_and_officer_of_another_unit_gets_404(
    client, records_a, officer_a, officer_b, page
):
    assert get(client, officer_a, records_a[page]).status_code == 200
    client.logout()
    assert get(client, officer_b, records_a[page]).status_code == 404


@pytest.mark.parametrize("page", ["roster", "shift", "resource", "team"])
def test_head_of_the_unit_reads_and_head_of_another_unit_gets_404(
    client, records_a, alice, bob, page
):
    assert get(client, alice, records_a[page]).status_code == 200
    client.logout()
    assert get(client, bob, records_a[page]).status_code == 404


@pytest.mark.parametrize("page", ["roster", "shift", "incident", "resource", "team"])
def test_anonymous_is_sent_to_log_in(client, records_a, page):
    response = client.get(records_a[page])
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "name",
    [
        "index",
        "mine",
        "calendar",
        "roster-list",
        "swap-list",
        "warning-list",
        "resource-list",
        "team-list",
        "incident-list",
        "fairness",
        "unavailability-list",
        "roster-create",
        "resource-create",
        "team-create",
        "standby-create",
    ],
)
def test_staff_open_every_list_page(client, staff, name, roster_a):
    assert get(client, staff, reverse(f"duty:{name}")).status_code == 200


@pytest.mark.parametrize("name", ["fairness", "roster-create"])
def test_staff_pages_are_refused_to_others(client, officer_a, alice, name):
    assert get(client, officer_a, reverse(f"duty:{name}")).status_code == 403
    client.logout()
    assert get(client, alice, reverse(f"duty:{name}")).status_code == 403


def test_the_office_roster_once_published_is_everyones(client, staff, bob, roles):
    roster = RosterFactory(unit=staff.unit, end_date=date(2024, 6, 1))
    staff_shift(roster, date(2024, 6, 1), leader(staff.unit), officer(staff.unit))
    url = reverse("duty:roster-detail", args=[roster.pk])
    assert get(client, bob, url).status_code == 404  # a draft is the office's own
    published(roster)
    assert get(client, bob, url).status_code == 200


# --- Query counts --------------------------------------------------------------------


def _rosters(unit, n):
    for i in range(n):
        roster = RosterFactory(
            unit=unit,
            start_date=date(2023, 1, 1) + timedelta(days=i),
            end_date=date(2023, 1, 1) + timedelta(days=i),
        )
        staff_shift(roster, roster.start_date, leader(unit), officer(unit))


def test_roster_list_page_queries_do_not_grow_with_rows(client, staff, roles):
    unit = UnitFactory()
    client.force_login(staff)
    _rosters(unit, 5)
    five = count_queries(client, reverse("duty:roster-list"))
    _rosters(unit, 45)
    assert count_queries(client, reverse("duty:roster-list")) == five


def test_month_calendar_queries_do_not_grow_with_shifts(client, staff, roles):
    unit = UnitFactory()
    client.force_login(staff)
    roster = published(RosterFactory(unit=unit, end_date=date(2024, 6, 30)))
    for day in days(5):
        staff_shift(roster, day, leader(unit), officer(unit), officer(unit))
    url = reverse("duty:calendar") + "?month=2024-06"
    five = count_queries(client, url)
    for day in days(25, date(2024, 6, 6)):
        staff_shift(roster, day, leader(unit), officer(unit), officer(unit))
    assert count_queries(client, url) == five


def test_month_calendar_marks_the_dragon_boat_festival_off(client, staff, roles):
    """June 2024: the Dragon Boat Festival (10 June, a Monday) is a day off; the
    duty month says so beside the day's shift."""
    client.force_login(staff)
    response = client.get(reverse("duty:calendar") + "?month=2024-06")
    marks = {d["date"]: d["mark"] for week in response.context["weeks"] for d in week}
    assert marks[date(2024, 6, 10)] == "off"
    assert marks[date(2024, 6, 11)] is None and marks[date(2024, 6, 15)] is None
    assert response.content.decode().count('data-testid="day-off"') == 1


# --- Flows ---------------------------------------------------------------------------


def test_staff_creates_generates_and_publishes_a_roster(client, staff, roles):
    unit = staff.unit
    leaders = [leader(unit) for _ in range(3)]
    officers = [officer(unit) for _ in range(3)]
    client.force_login(staff)
    response = client.post(
        reverse("duty:roster-create"),
        {
            "title": "2024年7月值班表",
            "unit": unit.pk,
            "start_date": "2024-07-01",
            "end_date": "2024-07-31",
            "officers_per_shift": 1,
            "phone": "0432-64501110",
        },
    )
    roster = DutyRoster.objects.get()
    assert response.status_code == 302
    page = client.get(roster.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="failing-day"' in page.content.decode()
    response = client.post(
        reverse("duty:roster-generate", args=[roster.pk]),
        {
            "leaders": [u.pk for u in leaders],
            "officers": [u.pk for u in officers],
            "seed": 0,
        },
    )
    assert response.status_code == 302
    assert roster.shifts.count() == 31
    client.post(reverse("duty:roster-publish", args=[roster.pk]))
    roster.refresh_from_db()
    assert roster.is_published


def test_generating_from_too_small_pools_lists_the_failing_days(client, staff, roles):
    roster = RosterFactory(unit=staff.unit, end_date=date(2024, 6, 5))
    client.force_login(staff)
    response = client.post(
        reverse("duty:roster-generate", args=[roster.pk]),
        {
            "leaders": [leader(staff.unit).pk],
            "officers": [officer(staff.unit).pk],
        },
    )
    assert response.status_code == 200
    assert "generate-failures" in response.content.decode()
    assert not roster.shifts.exists()


def test_publishing_a_failing_roster_shows_the_days(client, staff, roles):
    roster = RosterFactory(unit=staff.unit, end_date=date(2024, 6, 2))
    staff_shift(roster, date(2024, 6, 1), leader(staff.unit), officer(staff.unit))
    client.force_login(staff)
    response = client.post(reverse("duty:roster-publish", args=[roster.pk]), follow=True)
    assert "2024-06-02" in response.content.decode()
    roster.refresh_from_db()
    assert not roster.is_published


@time_machine.travel("2024-06-01 21:00:00+08:00", tick=False)
def test_officer_logs_and_hands_over_through_the_pages(client, shift_a, officer_a):
    client.force_login(officer_a)
    client.post(
        reverse("duty:log-create", args=[shift_a.pk]),
        {"kind": "patrol", "content": "夜间巡查化工园区，正常"},
    )
    assert DutyLogEntry.objects.get().author == officer_a
    response = client.post(
        reverse("duty:handover-create", args=[shift_a.pk]),
        {"new_matters": "越山路积水待排\n", "notes": "平稳", "early_reason": "参加夜间调度会"},
    )
    assert response.status_code == 302
    handover = Handover.objects.get()
    assert [m.text for m in handover.matters.all()] == ["越山路积水待排"]
    page = client.get(shift_a.get_absolute_url()).content.decode()
    # Handed over early, waiting for the incoming leader: the shift is not closed yet.
    assert "夜间巡查化工园区" in page and 'data-testid="handover-pending"' in page


@time_machine.travel("2024-06-01 21:00:00+08:00", tick=False)
def test_a_log_entry_on_someone_elses_shift_is_refused_with_a_message(client, roster_a, roles):
    other = officer(roster_a.unit)
    shift = roster_a.shifts.order_by("date").first()
    client.force_login(other)
    response = client.post(
        reverse("duty:log-create", args=[shift.pk]), {"kind": "patrol", "content": "x"}, follow=True
    )
    assert gettext("You can only write the log of your own shift.") in response.content.decode()
    assert not DutyLogEntry.objects.exists()


def test_stock_below_zero_is_refused_beside_the_field(client, staff):
    resource = ResourceFactory(unit=staff.unit, quantity=3)
    client.force_login(staff)
    response = client.post(
        resource.get_absolute_url(), {"direction": "out", "quantity": "5", "purpose": "x"}
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert EmergencyResource.objects.get().quantity == 3


def test_active_warnings_on_the_duty_page_and_home_panel(client, staff, roster_a):
    with time_machine.travel("2024-06-20 12:00:00+08:00", tick=False):
        WarningFactory(level="orange")
        client.force_login(staff)
        body = client.get(reverse("duty:index")).content.decode()
        assert 'data-testid="warnings-in-force"' in body
        home = client.get(reverse("home")).content.decode()
        assert 'data-testid="duty-panel"' in home
        assert "duty-warning-orange" in home


def test_the_banner_shows_active_warnings_to_everyone_signed_in(rf, alice):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    from duty.context_processors import warnings

    with time_machine.travel("2024-06-20 12:00:00+08:00", tick=False):
        WarningFactory(level="red", area="高新区全域")
        WarningFactory(  # ended two days ago
            level="blue",
            issued_at=shift_window(date(2024, 6, 17))[0],
            valid_until=shift_window(date(2024, 6, 18))[0],
        )
        request = rf.get("/")
        request.user = alice
        html = render_to_string("duty/_warning_banner.html", warnings(request))
        assert html.count('data-testid="warning-banner"') == 1
        assert "duty-warning-red" in html and "高新区全域" in html
        request.user = AnonymousUser()
        assert "warning-banner" not in render_to_string(
            "duty/_warning_banner.html", warnings(request)
        )


def test_banner_costs_no_query_where_it_is_not_rendered(rf, alice, django_assert_num_queries):
    from duty.context_processors import warnings

    request = rf.get("/")
    request.user = alice
    with django_assert_num_queries(0):
        warnings(request)


@time_machine.travel("2024-06-02 12:00:00+08:00", tick=False)
def test_a_carried_matter_is_closed_from_the_next_shift(client, roster_a, officer_a):
    first, second = roster_a.shifts.order_by("date")[:2]
    with time_machine.travel("2024-06-02 08:35:00+08:00", tick=False):
        handover_create(actor=officer_a, shift=first, new_matters=["越山路积水待排"])
    colleague = second.assignments.get(role="officer").person
    client.force_login(colleague)
    page = client.get(second.get_absolute_url()).content.decode()
    assert "越山路积水待排" in page
    matter = Handover.objects.get().matters.get()
    response = client.post(reverse("duty:matter-close", args=[matter.pk]), {"note": "已排净"})
    assert response.status_code == 302 and response.url == second.get_absolute_url()
    matter.refresh_from_db()
    assert matter.closed_by == colleague and matter.closing_note == "已排净"


def test_staff_edit_a_resource_but_not_its_stock(client, staff):
    resource = ResourceFactory(unit=staff.unit, quantity=10)
    client.force_login(staff)
    url = reverse("duty:resource-update", args=[resource.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "unit": staff.unit.pk,
            "kind": "material",
            "name": "防汛沙袋",
            "measure": "袋",
            "low_stock_threshold": "5",
            "storage_place": "新库房",
            "keeper": "李四",
            "status": "available",
            "quantity": "999",
        },
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.storage_place == "新库房" and resource.quantity == 10


@time_machine.travel("2024-05-20 10:00:00+08:00", tick=False)
def test_swap_pages_ask_accept_and_approve(client, staff, roster_a, officer_a):
    extra = officer(roster_a.unit)
    staff_shift(roster_a, date(2024, 6, 5), leader(roster_a.unit), extra)
    shift1 = roster_a.shifts.get(date=date(2024, 6, 1))
    shift5 = roster_a.shifts.get(date=date(2024, 6, 5))
    client.force_login(officer_a)
    assert client.get(reverse("duty:swap-create", args=[shift1.pk])).status_code == 200
    response = client.post(
        reverse("duty:swap-create", args=[shift1.pk]),
        {
            "counterpart": extra.pk,
            "counterpart_shift": shift5.pk,
            "reason": "家中有事",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    from duty.models import SwapRequest

    swap = SwapRequest.objects.get()
    client.force_login(extra)
    client.post(reverse("duty:swap-action", args=[swap.pk, "accept"]))
    client.force_login(staff)
    assert gettext("Approve") in client.get(reverse("duty:swap-list")).content.decode()
    client.post(reverse("duty:swap-action", args=[swap.pk, "approve"]), {"note": "同意"})
    swap.refresh_from_db()
    assert swap.status == "approved"
    assert shift1.assignments.get(role="officer").person == extra
    history = client.get(shift1.get_absolute_url()).content.decode()
    assert "同意" in history


@time_machine.travel("2024-06-01 21:00:00+08:00", tick=False)
def test_incident_pages_record_report_and_show_the_limits(client, shift_a, officer_a, staff):
    client.force_login(officer_a)
    response = client.post(
        reverse("duty:incident-create", args=[shift_a.pk]),
        {
            "received_at": "2024-06-01T20:40",
            "reported_by": "110指挥中心",
            "kind": "accident",
            "level": "general",
            "place": "长春路",
            "deaths": 0,
            "injuries": 1,
            "missing": 0,
            "description": "两车相撞",
        },
    )
    assert response.status_code == 302
    detail = client.get(response.url).content.decode()
    assert 'data-state="running"' in detail and "data-countdown" in detail
    client.post(
        response.url,
        {
            "kind": "first",
            "method": "phone",
            "sent_at": "2024-06-01T20:55",
            "received_by": "市应急局",
            "content": "首报",
        },
    )
    detail = client.get(response.url).content.decode()
    assert 'data-state="met"' in detail
    client.force_login(staff)
    listing = client.get(reverse("duty:incident-list")).content.decode()
    assert "长春路" in listing


def test_staff_record_a_warning_and_bad_dates_stay_beside_the_field(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("duty:warning-list"),
        {
            "kind": "rainstorm",
            "level": "orange",
            "area": "全区",
            "issued_at": "2024-06-20T10:00",
            "valid_until": "2024-06-20T08:00",
        },
    )
    assert response.status_code == 200
    expected = gettext("A warning must be valid until after it is issued.")
    assert expected in response.content.decode()
    from duty.models import WeatherWarning

    assert not WeatherWarning.objects.exists()
    client.post(
        reverse("duty:warning-list"),
        {
            "kind": "rainstorm",
            "level": "orange",
            "area": "全区",
            "issued_at": "2024-06-20T06:00",
            "valid_until": "2024-06-21T06:00",
        },
    )
    assert WeatherWarning.objects.count() == 1


def test_staff_add_a_team_and_a_standby(client, staff):
    from tests.factories import KeyPeriodFactory

    client.force_login(staff)
    client.post(
        reverse("duty:team-create"),
        {
            "unit": staff.unit.pk,
            "name": "防汛抢险队",
            "speciality": "防汛",
            "leader": "马林",
            "leader_phone": "13900000000",
            "base": "基地",
            "member_lines": "高阳，队员，139\n石磊",
        },
    )
    from duty.models import RescueTeam, StandbyAssignment

    team = RescueTeam.objects.get()
    assert [m.name for m in team.members.all()] == ["高阳", "石磊"]
    period = KeyPeriodFactory(start_date=date(2024, 6, 15), end_date=date(2024, 6, 16))
    response = client.post(
        reverse("duty:standby-create"),
        {
            "key_period": period.pk,
            "place": "世纪广场",
            "team": team.pk,
            "starts_at": "2024-06-15T06:30",
            "ends_at": "2024-06-15T13:30",
        },
    )
    assert response.status_code == 302
    assert StandbyAssignment.objects.get().team == team


@time_machine.travel("2024-06-01 12:00:00+08:00", tick=False)
def test_home_panel_shows_who_is_on_duty_now(client, alice, roster_a, leader_a):
    client.force_login(alice)
    home = client.get(reverse("home")).content.decode()
    assert str(leader_a) in home


def test_fairness_report_counts_hours_and_weekends(client, staff, roster_a, leader_a):
    client.force_login(staff)
    response = client.get(reverse("duty:fairness"), {"start": "2024-06-01", "end": "2024-06-30"})
    rows = {str(r.person): r for r in response.context["rows"]}
    row = rows[str(leader_a)]
    assert row.shifts == 2 and row.as_leader == 2 and int(row.hours) == 48
    assert row.rest_day_shifts == 1  # 1 June 2024 was a Saturday


def test_staff_record_leave_that_the_checks_then_flag(client, staff, roster_a, officer_a):
    client.force_login(staff)
    response = client.post(
        reverse("duty:unavailability-list"),
        {
            "person": officer_a.pk,
            "kind": "leave",
            "start_date": "2024-06-03",
            "end_date": "2024-06-03",
            "note": "病假",
        },
    )
    assert response.status_code == 302
    page = client.get(roster_a.get_absolute_url()).content.decode()
    assert 'data-testid="failing-day"' in page
