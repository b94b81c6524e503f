"""One FilterSet per resource: a page and the API given the same query string list the
same rows (duty.filters)."""

from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse

from duty.models import EmergencyResource, SwapRequest, WeatherWarning
from tests.helpers import assert_field_error, authenticate, listed_ids
from tests.records import incident

from .factories import ResourceFactory as Resource
from .factories import RosterFactory, WarningFactory, published

API = "/api/v1/"


def page_ids(client, url: str, query: str) -> set[int]:
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200, response.content[:300]
    page = response.context["page"]
    return {row.pk for row in page.object_list}


def same_rows(client, api, page_url: str, api_path: str, query: str) -> set[int]:
    query = quote(query, safe="=&")
    on_page = page_ids(client, page_url, query)
    on_api = listed_ids(api.get(f"{API}{api_path}?{query}"))
    assert on_page == on_api, query
    return on_page


@pytest.fixture
def both(client, api_client, staff):
    client.force_login(staff)
    return client, authenticate(api_client, staff)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"sandbags", "pump", "rope"}),
        ("kind=equipment", {"pump"}),
        ("low=true", {"rope"}),
        ("low=1", {"rope"}),
        ("search=沙袋", {"sandbags"}),
        ("search=仓库 沙袋", {"sandbags"}),
        ("search=二号库", {"pump", "rope"}),
        ("search=二号库&kind=material", {"rope"}),
    ],
)
def test_resources_page_and_api_list_the_same(both, unit_a, query, expected):
    client, api = both
    made = {
        "sandbags": Resource(unit=unit_a, name="防汛沙袋", storage_place="一号仓库"),
        "pump": Resource(
            unit=unit_a,
            name="抽水泵",
            kind=EmergencyResource.Kind.EQUIPMENT,
            storage_place="二号库",
        ),
        "rope": Resource(unit=unit_a, name="救生绳", quantity=5, storage_place="二号库"),
    }
    ids = same_rows(client, api, reverse("duty:resource-list"), "resources/", query)
    assert ids == {made[name].pk for name in expected}


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", {"orange", "blue"}), ("level=orange", {"orange"}), ("search=江北", {"blue"})],
)
def test_warnings_page_and_api_list_the_same(both, query, expected):
    client, api = both
    made = {
        "orange": WarningFactory(level=WeatherWarning.Level.ORANGE, area="全区"),
        "blue": WarningFactory(level=WeatherWarning.Level.BLUE, area="江北片区"),
    }
    ids = same_rows(client, api, reverse("duty:warning-list"), "weather-warnings/", query)
    assert ids == {made[name].pk for name in expected}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"june", "july"}),
        ("status=published", {"june"}),
        ("on=2024-07-02", {"july"}),
        ("search=七月", {"july"}),
    ],
)
def test_rosters_page_and_api_list_the_same(both, unit_a, query, expected):
    client, api = both
    made = {
        "june": published(RosterFactory(unit=unit_a, title="六月值班表")),
        "july": RosterFactory(
            unit=unit_a,
            title="七月值班表",
            start_date=date(2024, 7, 1),
            end_date=date(2024, 7, 31),
        ),
    }
    ids = same_rows(client, api, reverse("duty:roster-list"), "rosters/", query)
    assert ids == {made[name].pk for name in expected}


def test_incidents_page_and_api_list_the_same(both, roster_a, officer_a):
    client, api = both
    shifts = list(roster_a.shifts.order_by("date"))
    fire = incident(shift=shifts[0], officer=officer_a)
    later = incident(shift=shifts[2], officer=officer_a)
    url = reverse("duty:incident-list")
    assert same_rows(client, api, url, "incident-reports/", "") == {fire.pk, later.pk}
    assert same_rows(client, api, url, "incident-reports/", f"shift={shifts[2].pk}") == {later.pk}
    day = shifts[2].starts_at.date()
    assert same_rows(client, api, url, "incident-reports/", f"date_from={day}") == {later.pk}
    before = day - timedelta(days=1)
    assert same_rows(client, api, url, "incident-reports/", f"date_to={before}") == {fire.pk}
    assert same_rows(client, api, url, "incident-reports/", "level=serious") == set()


def test_swaps_page_and_api_list_the_same(both, roster_a, officer_a, leader_a):
    client, api = both
    shifts = list(roster_a.shifts.order_by("date"))
    asked = SwapRequest.objects.create(
        shift=shifts[0], requester=officer_a, counterpart=leader_a, reason="家中有事"
    )
    declined = SwapRequest.objects.create(
        shift=shifts[2],
        requester=officer_a,
        counterpart=leader_a,
        reason="出差",
        status=SwapRequest.Status.DECLINED,
    )
    url = reverse("duty:swap-list")
    assert same_rows(client, api, url, "swap-requests/", "") == {asked.pk, declined.pk}
    assert same_rows(client, api, url, "swap-requests/", "status=declined") == {declined.pk}
    assert same_rows(client, api, url, "swap-requests/", f"shift={shifts[0].pk}") == {asked.pk}


def test_shift_filters_on_the_api(api_client, staff, bob, roster_a):
    """No page lists shifts: the API's set (duty.filters.ShiftFilter) filters them, refuses
    a bad value with the field's error and another unit's roster as a missing id."""
    shifts = list(roster_a.shifts.order_by("date"))
    authenticate(api_client, staff)
    assert listed_ids(api_client.get(f"{API}shifts/?date_from=2024-06-02")) == {
        s.pk for s in shifts[1:]
    }
    assert listed_ids(api_client.get(f"{API}shifts/?roster={roster_a.pk}&date_to=2024-06-01")) == {
        shifts[0].pk
    }
    assert_field_error(api_client.get(f"{API}shifts/?date_from=x"), "date_from")
    authenticate(api_client, bob)
    assert_field_error(api_client.get(f"{API}shifts/?roster={roster_a.pk}"), "roster")
