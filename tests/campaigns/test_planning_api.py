"""Planning API: campaigns (with phases nested) and key periods. Every role reads them,
only committee staff write (heads get 403, anonymous 401); bad input is a 400 with the
error on its field and nothing saved; filters; query counts; the schema."""

import datetime as dt

import pytest
from django.core.management import call_command

from campaigns.models import Campaign, CampaignPhase, KeyPeriod
from tests.helpers import assert_field_error, authenticate, count_queries

from ..factories import (
    CampaignFactory,
    CampaignPhaseFactory,
    KeyAreaFactory,
    KeyPeriodFactory,
    UnitFactory,
)

CAMPAIGNS = "/api/v1/campaigns/"
KEY_PERIODS = "/api/v1/key-periods/"
D = dt.date


@pytest.fixture
def api_client(api_client):
    api_client.default_format = "json"
    return api_client


@pytest.fixture
def campaign(unit_a):
    campaign = CampaignFactory(name="2024年安全生产月", lead_unit=unit_a)
    CampaignPhaseFactory(campaign=campaign, kind="mobilisation", end_date=D(2024, 6, 5))
    return campaign


@pytest.fixture
def period(campaign):
    return KeyPeriodFactory(name="中考", campaign=campaign)


def campaign_payload(unit, **overrides) -> dict:
    payload = {
        "name": "2025年安全生产月",
        "kind": "safety_month",
        "theme": "人人讲安全、个个会应急",
        "start_date": "2025-06-01",
        "end_date": "2025-06-30",
        "lead_unit": unit.pk,
        "phases": [
            {"kind": "mobilisation", "start_date": "2025-06-01", "end_date": "2025-06-05"},
            {"kind": "summary", "start_date": "2025-06-26", "end_date": "2025-06-30"},
        ],
    }
    payload.update(overrides)
    return payload


# --- Permission matrix ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob", "staff"])
def test_every_role_reads_campaigns_and_key_periods(api_client, request, campaign, period, who):
    authenticate(api_client, request.getfixturevalue(who))
    assert api_client.get(CAMPAIGNS).json()["count"] == 1
    assert api_client.get(f"{CAMPAIGNS}{campaign.pk}/").status_code == 200
    assert api_client.get(KEY_PERIODS).json()["count"] == 1
    assert api_client.get(f"{KEY_PERIODS}{period.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", CAMPAIGNS),
        ("get", "campaign"),
        ("post", CAMPAIGNS),
        ("patch", "campaign"),
        ("post", "copy"),
        ("get", KEY_PERIODS),
        ("post", KEY_PERIODS),
        ("patch", "period"),
    ],
)
def test_anonymous_gets_401(api_client, campaign, period, method, url):
    url = {
        "campaign": f"{CAMPAIGNS}{campaign.pk}/",
        "copy": f"{CAMPAIGNS}{campaign.pk}/copy/",
        "period": f"{KEY_PERIODS}{period.pk}/",
    }.get(url, url)
    assert getattr(api_client, method)(url, {}).status_code == 401


def test_heads_cannot_write_campaigns_or_key_periods(api_client, alice, unit_a, campaign, period):
    authenticate(api_client, alice)
    assert api_client.post(CAMPAIGNS, campaign_payload(unit_a)).status_code == 403
    assert api_client.patch(f"{CAMPAIGNS}{campaign.pk}/", {"name": "改"}).status_code == 403
    assert api_client.post(f"{CAMPAIGNS}{campaign.pk}/copy/", {"year": 2025}).status_code == 403
    response = api_client.post(
        KEY_PERIODS, {"name": "吉马", "start_date": "2025-06-01", "end_date": "2025-06-01"}
    )
    assert response.status_code == 403
    assert api_client.patch(f"{KEY_PERIODS}{period.pk}/", {"name": "改"}).status_code == 403
    assert Campaign.objects.count() == 1
    assert KeyPeriod.objects.count() == 1
    campaign.refresh_from_db()
    assert campaign.name == "2024年安全生产月"


# --- Campaigns ----------------------------------------------------------------------------


def test_staff_creates_a_campaign_with_nested_phases(api_client, staff, unit_a):
    carrier = CampaignFactory(kind="three_year_action", end_date=D(2026, 12, 31))
    authenticate(api_client, staff)

    response = api_client.post(CAMPAIGNS, campaign_payload(unit_a, parent=carrier.pk))

    assert response.status_code == 201, response.content
    body = response.json()
    campaign = Campaign.objects.get(pk=body["id"])
    assert campaign.parent == carrier
    assert body["parent_name"] == carrier.name
    assert body["lead_unit_name"] == unit_a.name
    assert [p["kind"] for p in body["phases"]] == ["mobilisation", "summary"]
    assert campaign.phases.count() == 2


def test_end_before_start_is_a_400_on_end_date(api_client, staff, unit_a):
    authenticate(api_client, staff)
    response = api_client.post(
        CAMPAIGNS, campaign_payload(unit_a, start_date="2025-06-30", end_date="2025-06-01")
    )
    assert_field_error(response, "end_date")
    assert not Campaign.objects.exists()


def test_a_phase_outside_the_campaign_is_a_400_on_that_phase(api_client, staff, unit_a):
    authenticate(api_client, staff)
    payload = campaign_payload(unit_a)
    payload["phases"][1]["end_date"] = "2025-07-10"
    response = api_client.post(CAMPAIGNS, payload)
    assert_field_error(response, "phases.1.end_date")
    assert not Campaign.objects.exists()
    assert not CampaignPhase.objects.exists()


def test_a_parent_that_is_no_three_year_action_is_a_400(api_client, staff, unit_a, campaign):
    authenticate(api_client, staff)
    response = api_client.post(CAMPAIGNS, campaign_payload(unit_a, parent=campaign.pk))
    assert_field_error(response, "parent")
    assert Campaign.objects.count() == 1


def test_a_carrier_cycle_is_a_400(api_client, staff):
    first = CampaignFactory(kind="three_year_action")
    second = CampaignFactory(kind="three_year_action", parent=first)
    authenticate(api_client, staff)
    response = api_client.patch(f"{CAMPAIGNS}{first.pk}/", {"parent": second.pk})
    assert_field_error(response, "parent")


def test_staff_patches_a_campaign_and_replaces_its_phases(api_client, staff, campaign):
    phase = campaign.phases.get()
    authenticate(api_client, staff)
    response = api_client.patch(
        f"{CAMPAIGNS}{campaign.pk}/",
        {
            "theme": "新主题",
            "phases": [
                {
                    "id": phase.pk,
                    "kind": "mobilisation",
                    "start_date": "2024-06-01",
                    "end_date": "2024-06-03",
                },
                {"kind": "summary", "start_date": "2024-06-25", "end_date": "2024-06-30"},
            ],
        },
    )
    assert response.status_code == 200, response.content
    assert [p["end_date"] for p in response.json()["phases"]] == ["2024-06-03", "2024-06-30"]
    assert response.json()["phases"][0]["id"] == phase.pk
    campaign.refresh_from_db()
    assert campaign.theme == "新主题"


def test_patch_without_phases_keeps_them(api_client, staff, campaign):
    authenticate(api_client, staff)
    response = api_client.patch(f"{CAMPAIGNS}{campaign.pk}/", {"goals": "全覆盖"})
    assert response.status_code == 200
    assert len(response.json()["phases"]) == 1


def test_staff_copies_a_campaign_to_next_year(api_client, staff, campaign):
    authenticate(api_client, staff)
    url = f"{CAMPAIGNS}{campaign.pk}/copy/"

    response = api_client.post(url, {"year": 2025})

    assert response.status_code == 201, response.content
    assert response.json()["name"] == "2025年安全生产月"
    assert response.json()["phases"][0]["start_date"] == "2025-06-01"
    again = api_client.post(url, {"year": 2025})
    assert_field_error(again, "year")
    assert Campaign.objects.count() == 2


def test_campaign_filters_and_search(api_client, alice, unit_a, unit_b):
    CampaignFactory(name="2024年安全生产月", lead_unit=unit_a)
    CampaignFactory(
        name="治本攻坚三年行动",
        kind="three_year_action",
        start_date=D(2024, 1, 1),
        end_date=D(2026, 12, 31),
        lead_unit=unit_b,
    )
    authenticate(api_client, alice)

    def names(**params):
        return {c["name"] for c in api_client.get(CAMPAIGNS, params).json()["results"]}

    assert names(kind="three_year_action") == {"治本攻坚三年行动"}
    assert names(year=2026) == {"治本攻坚三年行动"}
    assert names(lead_unit=unit_a.pk) == {"2024年安全生产月"}
    assert names(search="三年") == {"治本攻坚三年行动"}
    assert api_client.get(CAMPAIGNS, {"kind": "nonsense"}).status_code == 400


# --- Key periods ---------------------------------------------------------------------------


def test_staff_creates_a_key_period_with_key_areas(api_client, staff, campaign):
    area = KeyAreaFactory()
    authenticate(api_client, staff)
    response = api_client.post(
        KEY_PERIODS,
        {
            "name": "端午节",
            "start_date": "2025-05-31",
            "end_date": "2025-06-02",
            "risk_level": "high",
            "key_areas": [area.pk],
            "campaign": campaign.pk,
            "extra_duty_officers": 2,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["key_area_names"] == [area.name]
    period = KeyPeriod.objects.get()
    assert list(period.key_areas.all()) == [area]


def test_key_period_end_before_start_is_a_400_on_end_date(api_client, staff):
    authenticate(api_client, staff)
    response = api_client.post(
        KEY_PERIODS, {"name": "吉马", "start_date": "2025-06-02", "end_date": "2025-06-01"}
    )
    assert_field_error(response, "end_date")
    assert not KeyPeriod.objects.exists()


def test_key_period_filters(api_client, alice):
    today = dt.date.today()
    area = KeyAreaFactory()
    now = KeyPeriodFactory(name="现在", start_date=today, end_date=today, risk_level="major")
    now.key_areas.add(area)
    KeyPeriodFactory(
        name="下周", start_date=today + dt.timedelta(days=7), end_date=today + dt.timedelta(days=8)
    )
    authenticate(api_client, alice)

    def names(**params):
        return [p["name"] for p in api_client.get(KEY_PERIODS, params).json()["results"]]

    assert names(when="active") == ["现在"]
    assert names(when="upcoming") == ["下周"]
    assert names(risk_level="major") == ["现在"]
    assert names(key_area=area.pk) == ["现在"]
    assert names(date_from=(today + dt.timedelta(days=8)).isoformat()) == ["下周"]
    assert names(date_to=today.isoformat()) == ["现在"]


# --- Query counts and schema -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "staff"])
def test_campaign_list_queries_do_not_grow_with_rows(api_client, request, who):
    authenticate(api_client, request.getfixturevalue(who))
    url = f"{CAMPAIGNS}?page_size=100"

    def add(n):
        for _ in range(n):
            campaign = CampaignFactory(lead_unit=UnitFactory())
            CampaignPhaseFactory(campaign=campaign)

    add(5)
    five = count_queries(api_client, url)
    add(45)
    assert count_queries(api_client, url) == five


@pytest.mark.parametrize("who", ["alice", "staff"])
def test_key_period_list_queries_do_not_grow_with_rows(api_client, request, db, who):
    area = KeyAreaFactory()
    authenticate(api_client, request.getfixturevalue(who))
    url = f"{KEY_PERIODS}?page_size=100"

    def add(n):
        for _ in range(n):
            KeyPeriodFactory(campaign=CampaignFactory()).key_areas.add(area)

    add(5)
    five = count_queries(api_client, url)
    add(45)
    assert count_queries(api_client, url) == five


def test_schema_documents_the_planning_and_activity_endpoints(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    for path in [
        "/api/v1/campaigns/",
        "/api/v1/campaigns/{id}/copy/",
        "/api/v1/key-periods/",
        "/api/v1/activities/",
        "/api/v1/activities/{id}/photos/",
        "/api/v1/activities/{id}/photos/{photo_id}/",
    ]:
        assert f"  {path}:" in schema, path
