"""One filter set per resource: a list page and its API, asked the same query string,
list the same rows (campaigns, key periods, directives, meetings, activities, tasks and
assignments), and refuse the same bad value."""

import datetime as dt

import pytest
from django.urls import reverse

from ..factories import (
    ActivityFactory,
    CampaignFactory,
    DirectiveFactory,
    KeyPeriodFactory,
    task_for_units,
)
from ..helpers import assert_field_error, authenticate, listed_ids


@pytest.fixture
def rows(unit_a, unit_b, meetings_to_filter, activity_a, drill_b):
    """Two of each resource the filters tell apart."""
    campaign = meetings_to_filter[0]
    CampaignFactory(
        name="治本攻坚三年行动", lead_unit=unit_a, parent=campaign, kind="three_year_action"
    )
    KeyPeriodFactory(name="端午节", campaign=campaign, duty_level="special", notes="高温")
    KeyPeriodFactory(name="国庆节", start_date=dt.date(2024, 10, 1), end_date=dt.date(2024, 10, 7))
    DirectiveFactory(issuer="吉林市安委办", campaign=campaign, issued_on=dt.date(2024, 5, 2))
    DirectiveFactory(issuer="省应急管理厅", title="防汛通知", issued_on=dt.date(2024, 7, 2))
    ActivityFactory(
        title="五进宣传", unit=unit_a, kind="five_into", five_into_target="rural", campaign=campaign
    )
    task_for_units(lead=unit_a, assisting=[unit_b], title="专项任务", campaign=campaign)
    task_for_units(lead=unit_b, title="逾期任务", deadline=dt.date(2024, 1, 5), content="消防通道")
    return campaign


def _cases(campaign, unit_a):
    return [
        ("campaign-list", "api:campaign-list", {"search": "三年"}),
        ("campaign-list", "api:campaign-list", {"parent": campaign.pk}),
        ("campaign-list", "api:campaign-list", {"lead_unit": unit_a.pk, "year": 2024}),
        ("key-period-list", "api:key-period-list", {"search": "高温"}),
        ("key-period-list", "api:key-period-list", {"duty_level": "special"}),
        ("key-period-list", "api:key-period-list", {"campaign": campaign.pk}),
        ("key-period-list", "api:key-period-list", {"date_from": "2024-09-01"}),
        ("directive-list", "api:directive-list", {"issuer": "应急"}),
        ("directive-list", "api:directive-list", {"campaign": campaign.pk}),
        ("directive-list", "api:directive-list", {"issued_on_after": "2024-06-01"}),
        ("directive-list", "api:directive-list", {"date_to": "2024-06-01"}),
        ("meeting-list", "api:meeting-list", {"search": "丙"}),
        ("meeting-list", "api:meeting-list", {"status": "issued", "organiser": unit_a.pk}),
        ("meeting-list", "api:meeting-list", {"campaign": campaign.pk}),
        ("meeting-list", "api:meeting-list", {"date_from": "2024-06-15"}),
        ("meeting-list", "api:meeting-list", {"starts_at_before": "2024-06-15T00:00:00+08:00"}),
        ("activity-list", "api:activity-list", {"search": "演练"}),
        ("activity-list", "api:activity-list", {"is_exercise": "true"}),
        ("activity-list", "api:activity-list", {"kind": "five_into", "unit": unit_a.pk}),
        ("activity-list", "api:activity-list", {"campaign": campaign.pk}),
        ("task-list", "api:task-list", {"search": "消防"}),
        ("task-list", "api:task-list", {"unit": unit_a.pk}),
        ("task-list", "api:task-list", {"campaign": campaign.pk, "status": "issued"}),
        ("task-list", "api:task-list", {"deadline_before": "2024-02-01"}),
        ("assignment-list", "api:taskassignment-list", {"search": "专项"}),
        ("assignment-list", "api:taskassignment-list", {"unit": unit_a.pk}),
        ("assignment-list", "api:taskassignment-list", {"deadline_after": "2024-02-01"}),
    ]


def test_page_and_api_list_the_same_rows(client, api_client, staff, unit_a, rows):
    client.force_login(staff)
    authenticate(api_client, staff)
    for page_name, api_name, params in _cases(rows, unit_a):
        response = client.get(reverse(f"campaigns:{page_name}"), params)
        assert response.status_code == 200, (page_name, params)
        on_page = {row.pk for row in response.context["page"]}
        in_api = listed_ids(api_client.get(reverse(api_name), params))
        everything = listed_ids(api_client.get(reverse(api_name)))
        assert on_page == in_api, (page_name, params, on_page, in_api)
        # Each query string tells rows apart, so that agreeing says something.
        assert in_api and in_api != everything, (page_name, params, in_api)


def test_page_form_and_api_take_the_same_names(client, api_client, staff, unit_a, rows):
    client.force_login(staff)
    authenticate(api_client, staff)
    for page_name, api_name, params in _cases(rows, unit_a):
        form = client.get(reverse(f"campaigns:{page_name}")).context["filter_form"]
        names = {name for name in form.fields}
        for name in params:
            base = name.removesuffix("_after").removesuffix("_before")
            assert name in names or base in names, (page_name, name, sorted(names))
        bad = {name: "x" for name in params if name.startswith(("date_", "deadline_"))}
        if bad:
            page = client.get(reverse(f"campaigns:{page_name}"), bad).context["filter_form"]
            assert not page.is_valid()
            assert api_client.get(reverse(api_name), bad).status_code == 400


def test_the_api_only_task_sets_refuse_a_bad_value_and_another_units_assignment(
    api_client, alice, unit_a, unit_b
):
    """Extension requests, chasers and progress reports have no list page: their sets
    (campaigns.filters) are the API's. Another unit's assignment is refused as a missing
    id, so a head filtering by it gets nothing of that unit."""
    mine = task_for_units(lead=unit_a, title="甲单位的任务").assignments.get()
    theirs = task_for_units(lead=unit_b, title="乙单位的任务").assignments.get()
    authenticate(api_client, alice)
    for name in ("api:extensionrequest-list", "api:chaser-list", "api:progressreport-list"):
        assert listed_ids(api_client.get(reverse(name), {"assignment": mine.pk})) == set()
        assert_field_error(api_client.get(reverse(name), {"assignment": theirs.pk}), "assignment")
    response = api_client.get(reverse("api:extensionrequest-list"), {"status": "bogus"})
    assert_field_error(response, "status")
