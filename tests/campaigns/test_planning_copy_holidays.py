"""Copying a campaign forward moves the key periods that go with a public holiday to that
year's real days off of the holiday (issue 15); periods on fixed dates move by years.
The holiday is a field of the key period, on its form, page and API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from campaigns.models import KeyPeriod
from campaigns.services import planning as services
from campaigns.services.planning import key_period_dates_in
from tests.helpers import assert_field_error, authenticate

from ..factories import CampaignFactory, KeyPeriodFactory

D = dt.date


@pytest.fixture
def month_2024(unit_a):
    """The demo's 2024 Safety Production Month with its Dragon Boat Festival (8–10 June
    2024, the holiday's three days off) and the entrance exam (fixed dates)."""
    month = CampaignFactory(
        name="2024年安全生产月", start_date=D(2024, 6, 1), end_date=D(2024, 6, 30), lead_unit=unit_a
    )
    KeyPeriodFactory(
        name="2024年端午节",
        start_date=D(2024, 6, 8),
        end_date=D(2024, 6, 10),
        holiday="dragon_boat",
        campaign=month,
        extra_duty_officers=1,
    )
    KeyPeriodFactory(
        name="2024年中考", start_date=D(2024, 6, 19), end_date=D(2024, 6, 21), campaign=month
    )
    return month


@pytest.mark.django_db
def test_copying_to_2025_puts_dragon_boat_on_its_2025_days_off(staff, month_2024):
    copy = services.campaign_copy_to_year(campaign=month_2024, year=2025, actor=staff)

    periods = {p.name: p for p in copy.key_periods.all()}
    dragon_boat = periods["2025年端午节"]
    assert (dragon_boat.start_date, dragon_boat.end_date) == (D(2025, 5, 31), D(2025, 6, 2))
    assert dragon_boat.holiday == "dragon_boat"
    assert dragon_boat.extra_duty_officers == 1
    exam = periods["2025年中考"]
    assert (exam.start_date, exam.end_date) == (D(2025, 6, 19), D(2025, 6, 21))
    assert exam.holiday == ""


@pytest.mark.django_db
def test_a_head_still_cannot_copy(alice, month_2024):
    with pytest.raises(PermissionDenied):
        services.campaign_copy_to_year(campaign=month_2024, year=2025, actor=alice)
    assert KeyPeriod.objects.count() == 2


@pytest.mark.parametrize(
    ("holiday", "start", "end", "years", "moved"),
    [
        # From the day before the National Day's days off to their last day.
        ("national_day", D(2024, 9, 30), D(2024, 10, 7), 1, (D(2025, 9, 30), D(2025, 10, 8))),
        # The Spring Festival's nine days of 2026 back to 2025's eight, a week's lead.
        (
            "spring_festival",
            D(2026, 2, 8),
            D(2026, 2, 23),
            -1,
            (D(2025, 1, 21), D(2025, 2, 4)),
        ),
        # New Year's Day's block that began in December stays before its New Year.
        ("new_year", D(2023, 12, 29), D(2024, 1, 1), 1, (D(2024, 12, 31), D(2025, 1, 1))),
        # A period inside a long block keeps its start, its end never before it.
        ("national_day", D(2025, 10, 6), D(2025, 10, 8), 1, (D(2026, 10, 6), D(2026, 10, 7))),
        # No holiday: by whole years, 29 February → 28 February.
        ("", D(2024, 2, 29), D(2024, 3, 1), 1, (D(2025, 2, 28), D(2025, 3, 1))),
        # Far from its holiday: by whole years too.
        ("dragon_boat", D(2024, 12, 1), D(2024, 12, 2), 1, (D(2025, 12, 1), D(2025, 12, 2))),
    ],
)
def test_a_holiday_period_keeps_its_place_against_the_holiday(holiday, start, end, years, moved):
    period = KeyPeriod(name="x", start_date=start, end_date=end, holiday=holiday)

    assert key_period_dates_in(period, years) == moved


@pytest.mark.django_db
def test_the_key_period_form_and_page_carry_the_holiday(client, staff):
    client.force_login(staff)
    form = client.get(reverse("campaigns:key-period-create")).content.decode()
    assert 'name="holiday"' in form and 'value="dragon_boat"' in form

    client.post(
        reverse("campaigns:key-period-create"),
        {
            "name": "端午节",
            "start_date": "2025-05-31",
            "end_date": "2025-06-02",
            "risk_level": "high",
            "duty_level": "enhanced",
            "extra_duty_officers": 1,
            "holiday": "dragon_boat",
            "campaign": "",
            "notes": "",
        },
    )

    period = KeyPeriod.objects.get()
    assert period.holiday == "dragon_boat"
    page = client.get(period.get_absolute_url()).content.decode()
    assert 'data-holiday="dragon_boat"' in page and "端午节" in page


@pytest.mark.django_db
def test_the_api_reads_and_writes_the_holiday(api_client, staff):
    authenticate(api_client, staff)
    data = {"name": "国庆节", "start_date": "2025-10-01", "end_date": "2025-10-08"}

    created = api_client.post("/api/v1/key-periods/", {**data, "holiday": "national_day"})
    wrong = api_client.post("/api/v1/key-periods/", {**data, "holiday": "christmas"})

    assert created.status_code == 201, created.content
    assert created.json()["holiday"] == "national_day"
    assert KeyPeriod.objects.get().holiday == "national_day"
    assert_field_error(wrong, "holiday")
