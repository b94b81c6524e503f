"""Factories of the inspections app. Records whose creation is a business rule (a
hazard's code, a report's review) go through the services in the tests; these build the
plain rows around them."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from inspections import models as im
from safetyzone.org.models import KeyArea

from ..factories import EnterpriseFactory


def key_area(code: str = "fire") -> KeyArea:
    """A key area of the seeded catalogue (migrations seed it; tests may flush it)."""
    names = {"fire": "消防", "hazardous-chemicals": "危险化学品", "construction": "建筑施工"}
    area, _created = KeyArea.objects.get_or_create(
        code=code, defaults={"name": names.get(code, code)}
    )
    return area


class ChecklistTemplateFactory(DjangoModelFactory[im.ChecklistTemplate]):
    class Meta:
        model = im.ChecklistTemplate

    key_area = factory.LazyFunction(key_area)
    name = factory.Sequence(lambda n: f"消防安全检查表{n}")


class ChecklistItemFactory(DjangoModelFactory[im.ChecklistItem]):
    class Meta:
        model = im.ChecklistItem

    template = factory.SubFactory(ChecklistTemplateFactory)
    order = factory.Sequence(lambda n: n + 1)
    question = factory.Sequence(lambda n: f"疏散通道是否畅通{n}")
    legal_basis = "《中华人民共和国消防法》第二十八条"
    implied_level = im.HazardLevel.GENERAL


class InspectionTaskFactory(DjangoModelFactory[im.InspectionTask]):
    class Meta:
        model = im.InspectionTask

    title = factory.Sequence(lambda n: f"端午节前消防隐患排查{n}")
    key_area = factory.LazyFunction(key_area)
    start_date = dt.date(2024, 6, 1)
    deadline = dt.date(2024, 6, 30)


class InspectionFactory(DjangoModelFactory[im.Inspection]):
    class Meta:
        model = im.Inspection

    enterprise = factory.SubFactory(EnterpriseFactory)
    unit = factory.SelfAttribute("enterprise.supervising_unit")
    key_area = factory.LazyFunction(key_area)
    date = dt.date(2024, 6, 5)
    conclusion = "发现隐患，责令限期整改。"


class ViolationFactory(DjangoModelFactory[im.Violation]):
    class Meta:
        model = im.Violation

    enterprise = factory.SubFactory(EnterpriseFactory)
    unit = factory.SelfAttribute("enterprise.supervising_unit")
    kind = im.Violation.Kind.ILLEGAL_OPERATION
    person = factory.Sequence(lambda n: f"张{n}")
    date = dt.date(2024, 6, 5)
    description = "未办理动火作业票进行焊接作业"


class EnforcementActionFactory(DjangoModelFactory[im.EnforcementAction]):
    class Meta:
        model = im.EnforcementAction

    kind = im.EnforcementAction.Kind.ORDER_TO_RECTIFY
    enterprise = factory.SubFactory(EnterpriseFactory)
    unit = factory.SelfAttribute("enterprise.supervising_unit")
    legal_basis = "《中华人民共和国安全生产法》第六十五条"
    date = dt.date(2024, 6, 6)


def plan_targets(task: im.InspectionTask, unit, *enterprises) -> list[im.InspectionTarget]:
    """Issue ``task`` to ``unit`` (once) with ``enterprises`` as its planned visits."""
    im.InspectionTaskUnit.objects.get_or_create(task=task, unit=unit)
    return [
        im.InspectionTarget.objects.create(task=task, unit=unit, enterprise=e) for e in enterprises
    ]
