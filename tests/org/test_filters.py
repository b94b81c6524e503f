"""One FilterSet per resource: the enterprise page and the API given the same query
string list the same rows (safetyzone.org.filters.EnterpriseFilter)."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from safetyzone.org.models import Enterprise, KeyArea
from tests.helpers import assert_field_error, authenticate, listed_ids

from ..factories import EnterpriseFactory

API = "/api/v1/enterprises/"


def page_ids(client, query: str) -> set[int]:
    response = client.get(f"{reverse('org:enterprise-list')}?{query}")
    assert response.status_code == 200, response.content[:300]
    return {row.pk for row in response.context["page"].object_list}


@pytest.fixture
def made(unit_a, unit_b):
    fire = KeyArea.objects.get_or_create(code="fire", defaults={"name": "消防"})[0]
    chemical = EnterpriseFactory(
        name="甲化工有限公司",
        supervising_unit=unit_a,
        risk_grade=Enterprise.RiskGrade.MAJOR,
    )
    mall = EnterpriseFactory(name="乙商场", supervising_unit=unit_b)
    mall.key_areas.add(fire)
    closed = EnterpriseFactory(name="丙仓储", supervising_unit=unit_a, is_active=False)
    return {"chemical": chemical, "mall": mall, "closed": closed, "fire": fire}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"chemical", "mall", "closed"}),
        ("search=化工", {"chemical"}),
        ("search=甲化工 有限", {"chemical"}),
        ("search=CODE", {"chemical"}),
        ("risk_grade=major", {"chemical"}),
        ("key_area=FIRE", {"mall"}),
        ("supervising_unit=UNIT_A", {"chemical", "closed"}),
        ("is_active=false", {"closed"}),
        ("is_active=true&supervising_unit=UNIT_A", {"chemical"}),
    ],
)
def test_page_and_api_list_the_same_enterprises(
    client, api_client, staff, unit_a, made, query, expected
):
    for name, value in {
        "FIRE": made["fire"].pk,
        "UNIT_A": unit_a.pk,
        "CODE": made["chemical"].credit_code,
    }.items():
        query = query.replace(name, str(value))
    query = quote(query, safe="=&")
    client.force_login(staff)
    api = authenticate(api_client, staff)
    on_page = page_ids(client, query)
    assert on_page == listed_ids(api.get(f"{API}?{query}"))
    assert on_page == {made[name].pk for name in expected}


def test_a_bad_filter_is_a_400_on_the_api_and_a_form_error_on_the_page(
    client, api_client, staff, made
):
    assert_field_error(
        authenticate(api_client, staff).get(f"{API}?risk_grade=nonsense"), "risk_grade"
    )
    client.force_login(staff)
    response = client.get(f"{reverse('org:enterprise-list')}?risk_grade=nonsense")
    assert response.status_code == 200
    assert "risk_grade" in response.context["filter_form"].errors


def test_head_filtering_by_another_unit_gets_nothing_of_it(client, api_client, alice, unit_b, made):
    client.force_login(alice)
    # A head's page has no unit to choose: it lists their own unit's enterprises only.
    response = client.get(reverse("org:enterprise-list"))
    assert "supervising_unit" not in response.context["filter_form"].fields
    assert page_ids(client, f"supervising_unit={unit_b.pk}") == {
        made["chemical"].pk,
        made["closed"].pk,
    }
    assert listed_ids(authenticate(api_client, alice).get(f"{API}?search=乙商场")) == set()
