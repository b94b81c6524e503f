"""The ledger's search (page ``q`` and API ``search``): every word must match the code,
the description or the enterprise's name; scoped like the ledger."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections.models import HazardLevel
from inspections.services import hazards as hazard_services

from ..factories import EnterpriseFactory
from .factories import key_area

pytestmark = pytest.mark.django_db


def hazard(staff, unit, enterprise_name, description):
    return hazard_services.hazard_create(
        actor=staff,
        enterprise=EnterpriseFactory(supervising_unit=unit, name=enterprise_name),
        key_area=key_area("fire"),
        description=description,
        level=HazardLevel.GENERAL,
        found_on=dt.date(2024, 6, 5),
        deadline=dt.date(2024, 6, 20),
    )


@pytest.fixture
def ledger(staff, unit_a, unit_b):
    return {
        "plant": hazard(staff, unit_a, "吉林恒达化工有限公司", "储罐区静电接地失效"),
        "mall": hazard(staff, unit_a, "硅谷商业综合体", "疏散通道堆放杂物"),
        "other": hazard(staff, unit_b, "北湖恒达养老院", "消防通道堆放杂物"),
    }


def api_codes(client, user, text):
    client.force_login(user)
    rows = client.get(reverse("api:hazard-list"), {"search": text}).json()["results"]
    return {r["code"] for r in rows}


def page_codes(client, user, text):
    client.force_login(user)
    page = client.get(reverse("inspections:hazard-list"), {"search": text}).context["page"]
    return {h.code for h in page}


@pytest.mark.parametrize("codes", [api_codes, page_codes])
def test_a_word_matches_the_enterprise_the_description_or_the_code(client, staff, ledger, codes):
    plant, mall, other = ledger["plant"], ledger["mall"], ledger["other"]
    assert codes(client, staff, "恒达") == {plant.code, other.code}
    assert codes(client, staff, "堆放杂物") == {mall.code, other.code}
    assert codes(client, staff, plant.code.lower()) == {plant.code}


@pytest.mark.parametrize("codes", [api_codes, page_codes])
def test_every_word_must_match(client, staff, ledger, codes):
    assert codes(client, staff, "恒达 杂物") == {ledger["other"].code}
    assert codes(client, staff, "恒达 无此词") == set()


@pytest.mark.parametrize("codes", [api_codes, page_codes])
def test_a_head_finds_only_their_units_hazards(client, alice, ledger, codes):
    assert codes(client, alice, "恒达") == {ledger["plant"].code}
