"""One filter set per resource: the ledger page and the hazards API, given the same query
string, list the same hazards, with the same parameter names (inspections.filters)."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections.services import hazards as hazard_services

from .conftest import close_hazard, make_hazard


@pytest.fixture
def ledger(staff, alice, enterprise_a, enterprise_b):
    overdue = make_hazard(staff, enterprise_a, deadline=dt.date(2024, 6, 20))
    major = make_hazard(staff, enterprise_b, level="major", deadline=dt.date(2099, 1, 1))
    hazard_services.hazard_supervise(
        actor=staff, hazard=major, office="区安委办", deadline=dt.date(2099, 1, 1)
    )
    closed = make_hazard(staff, enterprise_a, description="已销号的隐患")
    close_hazard(staff, alice, closed)
    return {"overdue": overdue, "major": major, "closed": closed}


def page_ids(client, user, params) -> set[int]:
    client.force_login(user)
    response = client.get(reverse("inspections:hazard-list"), params)
    assert response.status_code == 200
    assert not response.context["filter_form"].errors
    return {h.pk for h in response.context["page"].object_list}


def api_ids(client, user, params) -> set[int]:
    client.force_login(user)
    response = client.get(reverse("api:hazard-list"), params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


QUERIES = [
    {},
    {"status": "open"},
    {"status": "accepted"},
    {"level": "major"},
    {"overdue": "true"},
    {"overdue": "false"},
    {"is_supervised": "true"},
    {"is_supervised": "false"},
    {"is_recurrence": "false"},
    {"found_from": "2024-06-06"},
    {"found_until": "2099-01-01", "status": "open"},
    {"search": "已销号"},
]


@pytest.mark.parametrize(
    "params", QUERIES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items())
)
def test_the_ledger_page_and_the_api_list_the_same_hazards(client, staff, ledger, params):
    assert page_ids(client, staff, params) == api_ids(client, staff, params)


def test_open_means_every_open_status_on_both(client, staff, ledger):
    expected = {ledger["overdue"].pk, ledger["major"].pk}
    assert page_ids(client, staff, {"status": "open"}) == expected
    assert api_ids(client, staff, {"status": "open"}) == expected


def test_units_and_enterprises_filter_alike(client, staff, ledger, unit_b, enterprise_a):
    for params in ({"unit": unit_b.pk}, {"enterprise": enterprise_a.pk}):
        assert page_ids(client, staff, params) == api_ids(client, staff, params)
    assert api_ids(client, staff, {"unit": unit_b.pk}) == {ledger["major"].pk}


def test_a_heads_unit_choices_are_their_units_only(client, alice, unit_a, unit_b, ledger):
    client.force_login(alice)
    form = client.get(reverse("inspections:hazard-list")).context["filter_form"]
    assert list(form.fields["unit"].queryset) == [unit_a]
