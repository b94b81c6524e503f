"""Planning pages: the permission matrix (every signed-in user reads campaigns and key
periods, only committee staff write them), bad input shown beside its field with
nothing saved, copying forward, progress per unit, and query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Campaign, CampaignPhase, KeyPeriod
from safetyzone.org.roles import Role
from tests.helpers import count_queries

from ..factories import (
    ActivityFactory,
    CampaignFactory,
    CampaignPhaseFactory,
    KeyAreaFactory,
    KeyPeriodFactory,
    MeetingAttendanceFactory,
    MeetingFactory,
    TaskAssignmentFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)

D = dt.date


@pytest.fixture
def campaign(unit_a):
    campaign = CampaignFactory(name="2024年安全生产月", lead_unit=unit_a)
    CampaignPhaseFactory(
        campaign=campaign, kind="mobilisation", name="动员部署", end_date=D(2024, 6, 5)
    )
    return campaign


@pytest.fixture
def period(campaign):
    return KeyPeriodFactory(name="端午节", campaign=campaign)


def campaign_data(unit, phases=(), **overrides) -> dict:
    data = {
        "name": "2025年安全生产月",
        "kind": "safety_month",
        "parent": "",
        "theme": "人人讲安全、个个会应急",
        "start_date": "2025-06-01",
        "end_date": "2025-06-30",
        "lead_unit": unit.pk,
        "goals": "",
        "phases-TOTAL_FORMS": len(phases),
        "phases-INITIAL_FORMS": 0,
        "phases-MIN_NUM_FORMS": 0,
        "phases-MAX_NUM_FORMS": 1000,
    }
    for i, (kind, start, end) in enumerate(phases):
        data.update(
            {
                f"phases-{i}-kind": kind,
                f"phases-{i}-name": "",
                f"phases-{i}-start_date": start,
                f"phases-{i}-end_date": end,
                f"phases-{i}-description": "",
            }
        )
    data.update(overrides)
    return data


def key_period_data(**overrides) -> dict:
    data = {
        "name": "中考",
        "start_date": "2025-06-16",
        "end_date": "2025-06-18",
        "risk_level": "high",
        "duty_level": "enhanced",
        "extra_duty_officers": 1,
        "campaign": "",
        "notes": "",
    }
    data.update(overrides)
    return data


# --- Permission matrix ---------------------------------------------------------------------


READ_PAGES = [
    "campaigns:campaign-list",
    "campaigns:campaign-detail",
    "campaigns:key-period-list",
    "campaigns:key-period-detail",
]
WRITE_PAGES = [
    "campaigns:campaign-create",
    "campaigns:campaign-update",
    "campaigns:campaign-copy",
    "campaigns:key-period-create",
    "campaigns:key-period-update",
]


def page_url(name: str, campaign, period) -> str:
    if name.endswith(("-list", "-create")):
        return reverse(name)
    return reverse(name, args=[(period if "key-period" in name else campaign).pk])


@pytest.mark.parametrize("name", READ_PAGES)
@pytest.mark.parametrize("who", ["alice", "bob", "staff"])
def test_every_role_reads_campaigns_and_key_periods(client, request, campaign, period, name, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(page_url(name, campaign, period)).status_code == 200


@pytest.mark.parametrize("name", WRITE_PAGES)
def test_heads_cannot_open_the_write_pages(client, alice, staff, campaign, period, name):
    url = page_url(name, campaign, period)
    client.force_login(staff)
    assert client.get(url).status_code == 200  # the page exists...
    client.force_login(alice)
    assert client.get(url).status_code == 403  # ...and is refused to a head


@pytest.mark.parametrize("name", READ_PAGES + WRITE_PAGES)
def test_anonymous_is_sent_to_login(client, campaign, period, name):
    response = client.get(page_url(name, campaign, period))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_cannot_read_campaigns(client, campaign):
    client.force_login(UserFactory())
    assert client.get(reverse("campaigns:campaign-list")).status_code == 403


def test_inspectors_and_duty_officers_read_campaigns(client, roles, campaign, period):
    client.force_login(UserFactory(roles=[Role.DUTY_OFFICER]))
    assert client.get(campaign.get_absolute_url()).status_code == 200
    assert client.get(period.get_absolute_url()).status_code == 200


def test_a_missing_campaign_is_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("campaigns:campaign-detail", args=[999999])).status_code == 404


def test_a_head_cannot_create_by_post(client, alice, unit_a):
    client.force_login(alice)
    response = client.post(reverse("campaigns:campaign-create"), campaign_data(unit_a))
    assert response.status_code == 403
    response = client.post(reverse("campaigns:key-period-create"), key_period_data())
    assert response.status_code == 403
    assert not Campaign.objects.exists()
    assert not KeyPeriod.objects.exists()


# --- Campaign pages ----------------------------------------------------------------------


def test_staff_creates_a_campaign_with_phases(client, staff, unit_a):
    client.force_login(staff)
    data = campaign_data(
        unit_a,
        phases=[
            ("mobilisation", "2025-06-01", "2025-06-05"),
            ("implementation", "2025-06-06", "2025-06-25"),
            ("summary", "", ""),  # a blank extra row is no phase
        ],
    )
    data["phases-2-kind"] = "summary"  # as the page offers it, untouched
    data["phases-2-start_date"] = ""
    response = client.post(reverse("campaigns:campaign-create"), data)

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == campaign.get_absolute_url()
    assert [p.kind for p in campaign.phases.all()] == ["mobilisation", "implementation"]


def test_the_new_campaign_page_offers_a_row_per_kind_of_phase(client, staff):
    client.force_login(staff)
    response = client.get(reverse("campaigns:campaign-create"))
    formset = response.context["formset"]
    assert [f.initial.get("kind") for f in formset.forms] == [
        "mobilisation",
        "implementation",
        "summary",
    ]


def test_end_before_start_is_shown_beside_the_end_date(client, staff, unit_a):
    client.force_login(staff)
    data = campaign_data(unit_a, start_date="2025-06-30", end_date="2025-06-01")
    response = client.post(reverse("campaigns:campaign-create"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["end_date"]
    assert form["name"].value() == "2025年安全生产月"  # the input is kept
    assert 'id="error_1_id_end_date"' in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_phase_outside_the_campaign_is_shown_on_that_phase(client, staff, unit_a):
    client.force_login(staff)
    data = campaign_data(
        unit_a,
        phases=[
            ("mobilisation", "2025-06-01", "2025-06-05"),
            ("summary", "2025-06-26", "2025-07-03"),
        ],
    )
    response = client.post(reverse("campaigns:campaign-create"), data)

    assert response.status_code == 200
    phase_forms = response.context["formset"].forms
    assert phase_forms[0].errors == {}
    assert list(phase_forms[1].errors) == ["end_date"]
    assert not Campaign.objects.exists()
    assert not CampaignPhase.objects.exists()


def test_a_parent_that_is_no_three_year_action_is_a_field_error(client, staff, unit_a):
    month = CampaignFactory(name="2024年安全生产月", kind="safety_month")
    client.force_login(staff)
    response = client.post(
        reverse("campaigns:campaign-create"), campaign_data(unit_a, parent=month.pk)
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["parent"]
    assert Campaign.objects.count() == 1


def test_staff_edits_a_campaign_and_removes_a_phase(client, staff, campaign, unit_a):
    existing = campaign.phases.get()
    client.force_login(staff)
    url = reverse("campaigns:campaign-update", args=[campaign.pk])
    form = client.get(url).context["formset"]
    assert form.total_form_count() == 2  # the phase and one blank row
    data = campaign_data(
        unit_a,
        name="2024年安全生产月（修订）",
        start_date="2024-06-01",
        end_date="2024-06-30",
        **{
            "phases-TOTAL_FORMS": 2,
            "phases-INITIAL_FORMS": 1,
            "phases-0-id": existing.pk,
            "phases-0-campaign": campaign.pk,
            "phases-0-kind": "mobilisation",
            "phases-0-start_date": "2024-06-01",
            "phases-0-end_date": "2024-06-05",
            "phases-0-DELETE": "on",
            "phases-1-campaign": campaign.pk,
            "phases-1-kind": "summary",
            "phases-1-start_date": "2024-06-20",
            "phases-1-end_date": "2024-06-30",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    campaign.refresh_from_db()
    assert campaign.name == "2024年安全生产月（修订）"
    assert [p.kind for p in campaign.phases.all()] == ["summary"]


def test_detail_shows_theme_carrier_children_phases_and_key_periods(
    client, alice, campaign, period
):
    carrier = CampaignFactory(
        name="安全生产治本攻坚三年行动", kind="three_year_action", end_date=D(2026, 12, 31)
    )
    campaign.parent = carrier
    campaign.save()
    client.force_login(alice)

    body = client.get(campaign.get_absolute_url()).content.decode()
    assert "人人讲安全、个个会应急——畅通生命通道" in body
    assert "安全生产治本攻坚三年行动" in body
    assert "动员部署" in body
    assert "端午节" in body
    carrier_body = client.get(carrier.get_absolute_url()).content.decode()
    assert "2024年安全生产月" in carrier_body  # the campaigns it carries


def test_detail_shows_each_head_only_their_units_activities_meetings_and_tasks(
    client, alice, bob, campaign, unit_a, unit_b
):
    ActivityFactory(title="甲单位培训", unit=unit_a, campaign=campaign)
    ActivityFactory(title="乙街道咨询日", unit=unit_b, campaign=campaign, kind="consultation_day")
    meeting_a = MeetingFactory(title="甲单位部署会", organiser=unit_a, campaign=campaign)
    MeetingAttendanceFactory(meeting=meeting_a, unit=unit_a)
    MeetingFactory(title="乙街道部署会", organiser=unit_b, campaign=campaign)
    TaskAssignmentFactory(task=TaskFactory(title="甲单位排查任务", campaign=campaign), unit=unit_a)
    TaskAssignmentFactory(task=TaskFactory(title="乙街道排查任务", campaign=campaign), unit=unit_b)

    client.force_login(alice)
    body = client.get(campaign.get_absolute_url()).content.decode()
    assert "甲单位培训" in body and "乙街道咨询日" not in body
    assert "甲单位部署会" in body and "乙街道部署会" not in body
    assert "甲单位排查任务" in body and "乙街道排查任务" not in body
    assert 'data-testid="campaign-progress"' not in body  # progress is for staff
    assert 'data-testid="campaign-copy"' not in body

    client.force_login(bob)
    body = client.get(campaign.get_absolute_url()).content.decode()
    assert "乙街道咨询日" in body and "甲单位培训" not in body
    assert "乙街道部署会" in body and "甲单位部署会" not in body


def test_staff_sees_progress_per_unit(client, staff, campaign, unit_a, unit_b):
    overdue = TaskFactory(campaign=campaign, deadline=dt.date.today() - dt.timedelta(days=2))
    TaskAssignmentFactory(task=overdue, unit=unit_a, deadline=overdue.deadline)
    TaskAssignmentFactory(task=overdue, unit=unit_b, role="assist", status="done")
    ActivityFactory(unit=unit_b, campaign=campaign, kind="drill", drill_plan="消防应急预案")
    client.force_login(staff)

    response = client.get(campaign.get_absolute_url())

    rows = {row.unit: row for row in response.context["progress"]}
    assert (rows[unit_a].assigned, rows[unit_a].done, rows[unit_a].overdue) == (1, 0, 1)
    assert (rows[unit_b].assigned, rows[unit_b].done, rows[unit_b].overdue) == (1, 1, 0)
    assert rows[unit_b].activities == {"drill": 1}
    body = response.content.decode()
    assert 'data-testid="campaign-progress"' in body
    assert 'data-testid="generate-campaign_summary"' in body
    assert 'data-testid="campaign-copy"' in body


def test_campaign_detail_queries_do_not_grow_with_rows(client, staff, unit_a):
    def count(rows: int) -> int:
        campaign = CampaignFactory(lead_unit=unit_a)
        for n in range(rows):
            unit = UnitFactory(name=f"单位{rows}-{n}")
            CampaignPhaseFactory(campaign=campaign)
            ActivityFactory(campaign=campaign, unit=unit)
            MeetingFactory(campaign=campaign, organiser=unit)
            TaskAssignmentFactory(task=TaskFactory(campaign=campaign, lead_unit=unit))
            KeyPeriodFactory(campaign=campaign).key_areas.add(area)
        client.get(campaign.get_absolute_url())
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(campaign.get_absolute_url())
        assert response.status_code == 200
        return len(ctx.captured_queries)

    area = KeyAreaFactory()
    client.force_login(staff)
    assert count(5) == count(50)


# --- Copy forward ----------------------------------------------------------------------------


def test_staff_copies_a_campaign_to_next_year_from_its_page(client, staff, campaign):
    client.force_login(staff)
    url = reverse("campaigns:campaign-copy", args=[campaign.pk])
    assert client.get(url).context["form"]["year"].value() == 2025

    response = client.post(url, {"year": 2025})

    copy = Campaign.objects.get(name="2025年安全生产月")
    assert response.status_code == 302
    assert response["Location"] == copy.get_absolute_url()
    assert copy.phases.get().start_date == D(2025, 6, 1)


def test_a_second_copy_for_the_year_is_shown_beside_the_year(client, staff, campaign):
    client.force_login(staff)
    url = reverse("campaigns:campaign-copy", args=[campaign.pk])
    client.post(url, {"year": 2025})

    response = client.post(url, {"year": 2025})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["year"]
    assert Campaign.objects.filter(name="2025年安全生产月").count() == 1


def test_a_head_cannot_copy_by_post(client, alice, campaign):
    client.force_login(alice)
    response = client.post(reverse("campaigns:campaign-copy", args=[campaign.pk]), {"year": 2025})
    assert response.status_code == 403
    assert Campaign.objects.count() == 1


# --- Lists: filters and query counts -------------------------------------------------------


def test_campaign_list_filters_by_kind_year_lead_unit_and_search(client, alice, unit_a, unit_b):
    CampaignFactory(name="2024年安全生产月", lead_unit=unit_a)
    CampaignFactory(
        name="治本攻坚三年行动",
        kind="three_year_action",
        start_date=D(2024, 1, 1),
        end_date=D(2026, 12, 31),
        lead_unit=unit_b,
    )
    CampaignFactory(
        name="2023年安全生产月", start_date=D(2023, 6, 1), end_date=D(2023, 6, 30), lead_unit=unit_a
    )
    client.force_login(alice)
    url = reverse("campaigns:campaign-list")

    def names(**params):
        return [c.name for c in client.get(url, params).context["page"]]

    assert names(kind="three_year_action") == ["治本攻坚三年行动"]
    assert set(names(year=2025)) == {"治本攻坚三年行动"}
    assert set(names(year=2023)) == {"2023年安全生产月"}
    assert set(names(lead_unit=unit_a.pk)) == {"2024年安全生产月", "2023年安全生产月"}
    assert names(search="三年") == ["治本攻坚三年行动"]


def test_key_period_list_filters(client, alice, campaign):
    today = dt.date.today()
    area = KeyAreaFactory()
    now = KeyPeriodFactory(
        name="正在进行", start_date=today - dt.timedelta(days=1), end_date=today, risk_level="major"
    )
    now.key_areas.add(area)
    KeyPeriodFactory(
        name="即将开始",
        start_date=today + dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=12),
    )
    KeyPeriodFactory(
        name="很久以后",
        start_date=today + dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=61),
    )
    client.force_login(alice)
    url = reverse("campaigns:key-period-list")

    def names(**params):
        return [p.name for p in client.get(url, params).context["page"]]

    assert names(when="active") == ["正在进行"]
    assert names(when="upcoming") == ["即将开始"]
    assert names(risk_level="major") == ["正在进行"]
    assert names(key_area=area.pk) == ["正在进行"]
    assert names(search="以后") == ["很久以后"]
    assert names(
        date_from=(today + dt.timedelta(days=11)).isoformat(),
        date_to=(today + dt.timedelta(days=70)).isoformat(),
    ) == ["即将开始", "很久以后"]


@pytest.mark.parametrize("who", ["alice", "staff"])
def test_campaign_list_queries_do_not_grow_with_rows(client, request, unit_a, who):
    carrier = CampaignFactory(kind="three_year_action", end_date=D(2026, 12, 31))
    client.force_login(request.getfixturevalue(who))
    url = reverse("campaigns:campaign-list")
    CampaignFactory.create_batch(4, parent=carrier, lead_unit=unit_a)
    five = count_queries(client, url)
    for n in range(45):
        CampaignFactory(parent=carrier, lead_unit=UnitFactory(name=f"牵头单位{n}"))
    assert count_queries(client, url) == five


@pytest.mark.parametrize("who", ["alice", "staff"])
def test_key_period_list_queries_do_not_grow_with_rows(client, request, campaign, who):
    area = KeyAreaFactory()
    client.force_login(request.getfixturevalue(who))
    url = reverse("campaigns:key-period-list")

    def add(n):
        for _ in range(n):
            KeyPeriodFactory(campaign=CampaignFactory()).key_areas.add(area)

    add(5)
    five = count_queries(client, url)
    add(45)
    assert count_queries(client, url) == five


# --- Key period pages --------------------------------------------------------------------------


def test_staff_creates_a_key_period_with_key_areas(client, staff, campaign):
    area = KeyAreaFactory()
    client.force_login(staff)
    response = client.post(
        reverse("campaigns:key-period-create"),
        key_period_data(key_areas=[area.pk], campaign=campaign.pk),
    )
    period = KeyPeriod.objects.get()
    assert response.status_code == 302
    assert response["Location"] == period.get_absolute_url()
    assert list(period.key_areas.all()) == [area]
    assert period.campaign == campaign


def test_key_period_end_before_start_is_shown_beside_the_end_date(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("campaigns:key-period-create"), key_period_data(end_date="2025-06-01")
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["end_date"]
    assert not KeyPeriod.objects.exists()


def test_staff_edits_a_key_period(client, staff, period):
    client.force_login(staff)
    response = client.post(
        reverse("campaigns:key-period-update", args=[period.pk]),
        key_period_data(name="端午节假期", start_date="2024-06-08", end_date="2024-06-10"),
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.name == "端午节假期"
