"""Shared fixtures of the inspections tests: alice heads unit A, bob heads unit B, staff
sees every unit; each unit has an inspector and a fire-safety enterprise."""

import datetime as dt

import pytest
import time_machine

from inspections.models import Hazard, HazardLevel
from inspections.services import hazards as hazard_services
from inspections.services import reports as report_services
from safetyzone.org.roles import Role

from ..factories import EnterpriseFactory, UserFactory
from .factories import ChecklistItemFactory, ChecklistTemplateFactory, key_area

FIVE = {
    "plan_responsibility": "企业主要负责人王某",
    "plan_measures": "更换老化电气线路，增设漏电保护装置",
    "plan_funds": 12000,
    "plan_time_limit": dt.date(2024, 7, 15),
    "plan_contingency": "整改期间停用该区域并设置警戒",
}


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever the catalogue translates: the
    services run under English and the clients carry the language cookie."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def api_client(api_client, settings):
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return api_client


@pytest.fixture
def catalogues(db):
    """The key areas and checklists that migrations seed. A transactional test elsewhere
    in the session empties the tables (and --reuse-db keeps them so), hence seeding them
    again here with the migrations' own, idempotent functions."""
    from importlib import import_module

    from django.apps import apps

    import_module("safetyzone.org.migrations.0002_keyarea_catalogue").add_key_areas(apps, None)
    import_module("inspections.migrations.0002_checklist_templates").add_templates(apps, None)


@pytest.fixture
def fire(db):
    return key_area("fire")


@pytest.fixture
def template(fire):
    template = ChecklistTemplateFactory(key_area=fire, name="测试消防检查表")
    ChecklistItemFactory(template=template, order=1, question="疏散通道是否畅通")
    ChecklistItemFactory(
        template=template, order=2, question="自动喷水灭火系统是否正常", implied_level="major"
    )
    ChecklistItemFactory(template=template, order=3, question="灭火器是否在有效期内")
    return template


@pytest.fixture
def enterprise_a(unit_a, fire):
    enterprise = EnterpriseFactory(name="硅谷商业综合体", supervising_unit=unit_a)
    enterprise.key_areas.set([fire])
    return enterprise


@pytest.fixture
def enterprise_b(unit_b, fire):
    enterprise = EnterpriseFactory(name="北湖养老院", supervising_unit=unit_b)
    enterprise.key_areas.set([fire])
    return enterprise


@pytest.fixture
def inspector_a(roles, unit_a):
    return UserFactory(username="insa", unit=unit_a, roles=[Role.INSPECTOR])


@pytest.fixture
def inspector_b(roles, unit_b):
    return UserFactory(username="insb", unit=unit_b, roles=[Role.INSPECTOR])


def make_hazard(actor, enterprise, **kwargs) -> Hazard:
    values = {
        "key_area": key_area("fire"),
        "description": "疏散通道堆放杂物",
        "level": HazardLevel.GENERAL,
        "found_on": dt.date(2024, 6, 5),
        "deadline": dt.date(2024, 6, 20),
        "responsible_person": "王经理",
        "place": "一层东侧通道",
    }
    values.update(kwargs)
    return hazard_services.hazard_create(actor=actor, enterprise=enterprise, **values)


def close_hazard(staff, head, hazard: Hazard, completed_on=dt.date(2024, 6, 15)) -> Hazard:
    hazard_services.hazard_start_rectification(actor=head, hazard=hazard)
    report_services.report_file(
        actor=head, hazard=hazard, measures_taken="已清理", completed_on=completed_on
    )
    report_services.report_accept(actor=staff, hazard=hazard)
    hazard.refresh_from_db()
    return hazard


@pytest.fixture
def closed_on_item(staff, alice, enterprise_a, template) -> Hazard:
    """A hazard of enterprise A's fire-checklist item, closed on 16 June 2024: what a
    like hazard found within a year after is a relapse of."""
    closed = make_hazard(staff, enterprise_a, checklist_item=template.items.first())
    with time_machine.travel("2024-06-16 10:00+08:00", tick=False):
        return close_hazard(staff, alice, closed)


@pytest.fixture
def hazard_a(staff, enterprise_a):
    return make_hazard(staff, enterprise_a)


@pytest.fixture
def hazard_b(staff, enterprise_b):
    return make_hazard(staff, enterprise_b, description="乙单位的隐患")
