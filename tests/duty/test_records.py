"""What happens on a shift and what the zone holds: the append-only duty log, handover
with open matters carried over, incident reports and their time limits, weather
warnings, stock that never goes below zero, rescue teams on stand-by."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from duty.models import (
    DutyLogEntry,
    EmergencyResource,
    IncidentUpdate,
    OpenMatter,
    StockMovement,
    WeatherWarning,
)
from duty.selectors.incidents import active_warnings, incident_deadlines, incident_get
from duty.selectors.log import open_matters_before
from duty.services.incidents import (
    incident_report_create,
    incident_update_create,
    warning_create,
    warning_lift,
)
from duty.services.log import handover_confirm, handover_create, log_entry_create
from duty.services.resources import resource_create, standby_create, stock_move, team_create
from duty.times import shift_window
from safetyzone.core.states import TransitionNotAllowed
from tests.factories import KeyPeriodFactory

from .factories import (
    ResourceFactory,
    RosterFactory,
    TeamFactory,
    leader,
    officer,
    published,
    staff_shift,
)

pytestmark = pytest.mark.django_db

D1, D2, D3 = date(2024, 6, 1), date(2024, 6, 2), date(2024, 6, 3)


def at(day: date, hours: float):
    return shift_window(day)[0] + timedelta(hours=hours)


@pytest.fixture
def crew(staff):
    roster = published(RosterFactory(unit=staff.unit, end_date=D3))
    lead1, lead2, o1, o2 = leader(), leader(), officer(), officer()
    shifts = [
        staff_shift(roster, D1, lead1, o1),
        staff_shift(roster, D2, lead2, o2),
        staff_shift(roster, D3, lead1, o1),
    ]
    return shifts, lead1, lead2, o1, o2


# --- Duty log ------------------------------------------------------------------------


@time_machine.travel("2024-06-01 20:00:00+08:00", tick=False)
def test_officer_on_duty_logs_entries_and_a_correction_points_at_the_original(crew):
    shifts, lead1, lead2, o1, o2 = crew
    entry = log_entry_create(
        actor=o1, shift=shifts[0], kind="call", content="越山街道报告：路面积水30厘米"
    )
    fixed = log_entry_create(
        actor=o1, shift=shifts[0], kind="call", content="更正：积水约50厘米", corrects=entry
    )
    assert fixed.corrects == entry
    assert list(entry.corrections.all()) == [fixed]
    assert DutyLogEntry.objects.count() == 2  # nothing was overwritten


@time_machine.travel("2024-06-01 20:00:00+08:00", tick=False)
def test_nobody_writes_the_log_of_someone_elses_shift(crew):
    shifts, lead1, lead2, o1, o2 = crew
    with pytest.raises(ValidationError) as caught:
        log_entry_create(actor=o2, shift=shifts[0], kind="patrol", content="巡查")
    assert "shift" in caught.value.message_dict
    assert not DutyLogEntry.objects.exists()


@time_machine.travel("2024-06-01 20:00:00+08:00", tick=False)
def test_a_log_entry_falls_within_its_shift(crew):
    shifts, lead1, lead2, o1, o2 = crew
    with pytest.raises(ValidationError) as caught:
        log_entry_create(actor=o1, shift=shifts[0], kind="patrol", content="巡查", at=at(D1, -2))
    assert "at" in caught.value.message_dict


# --- Handover ------------------------------------------------------------------------


@time_machine.travel("2024-06-04 09:00:00+08:00", tick=False)
def test_handover_closes_the_shift_and_open_matters_carry_over(crew):
    shifts, lead1, lead2, o1, o2 = crew
    first = handover_create(
        actor=o1,
        shift=shifts[0],
        new_matters=["越山路积水待排", "化工园区异味待复查"],
        handed_over_at=at(D2, 0),
    )
    shifts[0].refresh_from_db()
    assert not shifts[0].is_closed  # until the incoming leader confirms
    handover_confirm(actor=lead2, handover=first, at=at(D2, 0.1))
    shifts[0].refresh_from_db()
    assert shifts[0].is_closed
    assert set(first.incoming.all()) == {lead2, o2}
    assert set(first.outgoing.all()) == {lead1, o1}

    carried = open_matters_before(shifts[1])
    assert [m.text for m in carried] == ["越山路积水待排", "化工园区异味待复查"]
    second = handover_create(
        actor=o2,
        shift=shifts[1],
        close_matters={carried[0].pk: "已排净"},
        handed_over_at=at(D3, 0),
    )
    assert [m.text for m in second.matters.all()] == ["化工园区异味待复查"]
    assert second.matters.get().carried_from == carried[1]
    closed = OpenMatter.objects.get(pk=carried[0].pk)
    assert closed.closed_by == o2 and closed.closing_note == "已排净"

    with pytest.raises(ValidationError):
        handover_create(actor=o2, shift=shifts[1])
    handover_confirm(actor=lead1, handover=second, at=at(D3, 0.1))
    with pytest.raises(ValidationError):
        log_entry_create(actor=o2, shift=shifts[1], kind="other", content="补记")


# --- Incident reports ----------------------------------------------------------------


@time_machine.travel("2024-06-01 23:00:00+08:00", tick=False)
def test_incident_chain_and_its_time_limits(crew):
    shifts, lead1, lead2, o1, o2 = crew
    received = at(D1, 12)  # 20:30
    report = incident_report_create(
        actor=o1,
        shift=shifts[0],
        received_at=received,
        reported_by="越山街道 何静",
        kind="weather",
        level="general",
        place="越山路下穿桥",
        injuries=0,
        description="强降雨致下穿桥积水，一辆轿车被困",
    )
    incident_update_create(
        actor=o1,
        report=report,
        kind="first",
        method="phone",
        content="首报",
        received_by="市应急局值班室",
        sent_at=received + timedelta(minutes=20),
    )
    with pytest.raises(ValidationError):
        incident_update_create(
            actor=o1,
            report=report,
            kind="first",
            method="phone",
            content="again",
            received_by="x",
            sent_at=received + timedelta(minutes=25),
        )
    incident_update_create(
        actor=o1,
        report=report,
        kind="follow_up",
        method="written",
        content="续报",
        received_by="市应急局值班室",
        sent_at=received + timedelta(minutes=75),
    )
    second = incident_update_create(
        actor=o1,
        report=report,
        kind="follow_up",
        method="written",
        content="续报2",
        received_by="市应急局值班室",
        sent_at=received + timedelta(minutes=90),
    )
    assert second.sequence == 2
    incident_update_create(
        actor=o1,
        report=report,
        kind="final",
        method="written",
        content="终报",
        received_by="市应急局值班室",
        sent_at=received + timedelta(minutes=100),
    )
    with pytest.raises(ValidationError):
        incident_update_create(
            actor=o1,
            report=report,
            kind="follow_up",
            method="written",
            content="late",
            received_by="x",
            sent_at=received + timedelta(minutes=110),
        )
    report = incident_get(user=o1, pk=report.pk)
    phone, written = incident_deadlines(report)
    assert phone.due == received + timedelta(minutes=30) and phone.state == "met"
    assert written.due == received + timedelta(minutes=60) and written.state == "late"
    assert written.late_by == timedelta(minutes=15)
    assert IncidentUpdate.objects.filter(report=report).count() == 4


@time_machine.travel("2024-06-01 20:50:00+08:00", tick=False)
def test_serious_events_have_shorter_limits_from_settings(crew, settings):
    shifts, lead1, lead2, o1, o2 = crew
    settings.DUTY_REPORT_SERIOUS_PHONE_MINUTES = 10
    report = incident_report_create(
        actor=o1,
        shift=shifts[0],
        received_at=at(D1, 12),
        reported_by="消防大队",
        kind="fire",
        level="serious",
        place="化工园区",
        deaths=1,
        description="储罐起火",
    )
    report = incident_get(user=o1, pk=report.pk)
    phone, written = incident_deadlines(report)
    assert phone.due == at(D1, 12) + timedelta(minutes=10)
    assert written.due == at(D1, 12) + timedelta(minutes=30)
    assert phone.state == "overdue" and written.state == "running"


@time_machine.travel("2024-06-01 21:00:00+08:00", tick=False)
def test_first_report_comes_first(crew):
    shifts, lead1, lead2, o1, o2 = crew
    report = incident_report_create(
        actor=o1,
        shift=shifts[0],
        received_at=at(D1, 12),
        reported_by="群众",
        kind="other",
        place="某地",
        description="事件",
    )
    # A step the chain's graph refuses (no first report yet), not a broken field rule.
    with pytest.raises(TransitionNotAllowed):
        incident_update_create(
            actor=o1,
            report=report,
            kind="follow_up",
            method="phone",
            content="x",
            received_by="x",
            sent_at=at(D1, 12.2),
        )


# --- Warnings ------------------------------------------------------------------------


def test_a_warning_that_ends_before_it_starts_saves_nothing(staff):
    with pytest.raises(ValidationError) as caught:
        warning_create(
            actor=staff,
            kind="rainstorm",
            level="orange",
            area="全区",
            issued_at=at(D1, 1),
            valid_until=at(D1, 0),
        )
    assert caught.value.messages
    assert not WeatherWarning.objects.exists()


def test_active_warnings_and_lifting(staff):
    with time_machine.travel("2024-06-20 10:00:00+08:00", tick=False):
        warning = warning_create(
            actor=staff,
            kind="rainstorm",
            level="orange",
            area="全区",
            issued_at=at(date(2024, 6, 20), 0),
            valid_until=at(date(2024, 6, 20), 12),
        )
        assert active_warnings() == [warning]
        warning_lift(actor=staff, warning=warning)
        assert active_warnings() == []


# --- Resources -----------------------------------------------------------------------


def test_stock_moves_out_and_back_and_never_below_zero(staff):
    resource = resource_create(
        actor=staff,
        unit=staff.unit,
        kind="material",
        name="防汛沙袋",
        quantity=100,
        measure="袋",
        low_stock_threshold=30,
        storage_place="应急物资库",
        keeper="张三",
    )
    assert resource.quantity == 100
    stock_move(actor=staff, resource=resource, direction="out", quantity=80, purpose="越山路排涝")
    resource.refresh_from_db()
    assert resource.quantity == 20 and resource.is_low
    with pytest.raises(ValidationError) as caught:
        stock_move(actor=staff, resource=resource, direction="out", quantity=21)
    assert "quantity" in caught.value.message_dict
    stock_move(actor=staff, resource=resource, direction="back", quantity=50)
    resource.refresh_from_db()
    assert resource.quantity == 70 and not resource.is_low
    assert list(resource.movements.values_list("balance_after", flat=True)) == [
        Decimal(70),
        Decimal(20),
        Decimal(100),
    ]


def test_the_database_itself_refuses_negative_stock(staff):
    resource = ResourceFactory(unit=staff.unit, quantity=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        EmergencyResource.objects.filter(pk=resource.pk).update(quantity=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.create(
            resource=resource, direction="out", quantity=6, balance_after=-1
        )


# --- Rescue teams and stand-by ---------------------------------------------------------


def test_team_stands_by_at_a_key_period_place(staff):
    team = team_create(
        actor=staff,
        unit=staff.unit,
        name="高新区防汛抢险队",
        speciality="防汛抢险",
        leader="赵刚",
        leader_phone="13900001111",
        base="高新区应急救援基地",
        members=[{"name": "钱一", "role": "队员"}, {"name": "孙二", "role": "驾驶员"}],
    )
    assert team.members.count() == 2
    marathon = KeyPeriodFactory(
        name="吉林马拉松", start_date=date(2024, 6, 15), end_date=date(2024, 6, 16)
    )
    standby = standby_create(
        actor=staff,
        key_period=marathon,
        place="世纪广场起点",
        team=team,
        starts_at=at(date(2024, 6, 15), -2),
        ends_at=at(date(2024, 6, 15), 6),
    )
    assert standby.team == team
    with pytest.raises(ValidationError):
        standby_create(
            actor=staff,
            key_period=marathon,
            place="世纪广场",
            team=TeamFactory(),
            starts_at=at(date(2024, 6, 15), 6),
            ends_at=at(date(2024, 6, 15), 2),
        )
    with pytest.raises(ValidationError):
        standby_create(
            actor=staff,
            key_period=marathon,
            place="世纪广场",
            starts_at=at(date(2024, 6, 15), 0),
            ends_at=at(date(2024, 6, 15), 2),
        )
