"""The Spring Festival and the National Day call for extra officers (issue 15): each day
off of their block, by the real calendar (National Day 2026: 1–7 October), gets
``DUTY_LONG_HOLIDAY_EXTRA_OFFICERS`` more, the generator plans them and the checks report
a day short of them."""

from datetime import date

import pytest
from django.utils import translation

from duty.checks import extra_needs, roster_check
from duty.services.rosters import roster_create, roster_generate
from tests.factories import KeyPeriodFactory

from .factories import RosterFactory, leader, officer, staff_shift

pytestmark = pytest.mark.django_db

SEP_30, OCT_1, OCT_7, OCT_8 = (
    date(2026, 9, 30),
    date(2026, 10, 1),
    date(2026, 10, 7),
    date(2026, 10, 8),
)


def test_national_day_2026_calls_for_one_more_officer_each_day_off():
    with translation.override("en"):
        needs = extra_needs(date(2026, 9, 20), date(2026, 10, 15))

    for day in range(1, 8):
        assert needs[date(2026, 10, day)].extra_officers == 1
        assert needs[date(2026, 10, day)].reasons == ("National Day",)
    assert SEP_30 not in needs and OCT_8 not in needs
    # The Mid-Autumn Festival (25–27 September 2026) is no long holiday by default.
    assert date(2026, 9, 25) not in needs


def test_spring_festival_2026_is_its_nine_days_off():
    needs = extra_needs(date(2026, 2, 1), date(2026, 2, 28))

    assert sorted(needs) == [date(2026, 2, d) for d in range(15, 24)]


def test_the_largest_reason_counts_and_every_reason_is_named():
    KeyPeriodFactory(
        name="国庆安保", start_date=date(2026, 10, 3), end_date=OCT_8, extra_duty_officers=2
    )
    KeyPeriodFactory(name="国庆值守", start_date=OCT_1, end_date=OCT_1, extra_duty_officers=0)
    with translation.override("en"):
        needs = extra_needs(SEP_30, OCT_8)

    assert needs[OCT_1].extra_officers == 1
    assert needs[OCT_1].reasons == ("National Day", "国庆值守")
    assert needs[date(2026, 10, 3)].extra_officers == 2
    assert needs[OCT_8].extra_officers == 2 and needs[OCT_8].reasons == ("国庆安保",)


def test_which_holidays_and_how_many_officers_are_settings(settings):
    settings.DUTY_LONG_HOLIDAYS = ["dragon_boat"]
    settings.DUTY_LONG_HOLIDAY_EXTRA_OFFICERS = 2

    needs = extra_needs(date(2026, 6, 1), date(2026, 10, 31))

    assert {d: n.extra_officers for d, n in needs.items()} == {
        date(2026, 6, 19): 2,
        date(2026, 6, 20): 2,
        date(2026, 6, 21): 2,
    }


def test_generating_october_plans_the_extra_officer_on_national_day(staff):
    unit = staff.unit
    leaders = [leader(unit) for _ in range(3)]
    officers = [officer(unit) for _ in range(6)]
    october = roster_create(
        actor=staff, title="10月", unit=unit, start_date=SEP_30, end_date=date(2026, 10, 10)
    )

    roster_generate(roster=october, actor=staff, leaders=leaders, officers=officers)

    on_duty = {
        s.date: sum(a.role == "officer" for a in s.assignments.all())
        for s in october.shifts.prefetch_related("assignments")
    }
    assert {d for d, n in on_duty.items() if n == 2} == {date(2026, 10, d) for d in range(1, 8)}
    assert on_duty[SEP_30] == on_duty[OCT_8] == 1
    assert roster_check(roster=october) == []


def test_checks_report_a_national_day_shift_short_of_its_extra_officer():
    roster = RosterFactory(start_date=OCT_7, end_date=OCT_8)
    lead, lead2, o1, o2 = leader(), leader(), officer(), officer()
    staff_shift(roster, OCT_7, lead, o1)
    staff_shift(roster, OCT_8, lead2, o2)

    with translation.override("en"):
        issues = roster_check(roster=roster)

    assert [(i.date, i.code, i.shortfall) for i in issues] == [(OCT_7, "understaffed", 1)]
    assert "National Day" in issues[0].message
