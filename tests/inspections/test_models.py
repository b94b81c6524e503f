"""The seeded checklists and the rules the database itself keeps."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from inspections.models import (
    ChecklistTemplate,
    EnforcementAction,
    Hazard,
    HazardLevel,
    RectificationReport,
)
from safetyzone.org.models import KeyArea

from .conftest import FIVE, make_hazard


@pytest.mark.parametrize("code", ["fire", "hazardous-chemicals", "construction"])
def test_migration_seeds_a_realistic_checklist_for_the_key_area(catalogues, code):
    template = ChecklistTemplate.objects.get(key_area__code=code)
    items = list(template.items.order_by("order"))
    assert len(items) >= 10
    assert all(item.question and item.legal_basis for item in items)
    assert {item.implied_level for item in items} == {"general", "major"}
    assert [item.order for item in items] == list(range(1, len(items) + 1))


def test_checklists_reuse_the_organisations_key_area_catalogue(catalogues):
    fire = KeyArea.objects.get(code="fire")
    assert ChecklistTemplate.objects.filter(key_area=fire).exists()


def _raw_update(hazard, **values):
    with transaction.atomic():
        Hazard.objects.filter(pk=hazard.pk).update(**values)


def test_database_refuses_a_deadline_before_the_finding(staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a)
    with pytest.raises(IntegrityError):
        _raw_update(hazard, deadline=dt.date(2024, 6, 1))


def test_database_refuses_a_major_hazard_worked_on_without_its_plan(staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a, level=HazardLevel.MAJOR)
    with pytest.raises(IntegrityError):
        _raw_update(hazard, status=Hazard.Status.RECTIFYING)
    _raw_update(hazard, status=Hazard.Status.RECTIFYING, **FIVE)


def test_database_refuses_supervision_of_a_general_hazard(staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a)
    with pytest.raises(IntegrityError):
        _raw_update(
            hazard,
            is_supervised=True,
            supervising_office="区安委办",
            supervision_deadline=dt.date(2024, 7, 1),
        )


def test_database_refuses_an_accepted_hazard_without_its_closing_time(staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a)
    with pytest.raises(IntegrityError):
        _raw_update(hazard, status=Hazard.Status.ACCEPTED)


def test_database_keeps_one_pending_report_per_hazard(staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a)
    RectificationReport.objects.create(
        hazard=hazard, measures_taken="清理", completed_on=dt.date(2024, 6, 10)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        RectificationReport.objects.create(
            hazard=hazard, measures_taken="再清理", completed_on=dt.date(2024, 6, 11)
        )


def test_database_refuses_a_fine_without_amount(staff, enterprise_a):
    from .factories import EnforcementActionFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        EnforcementActionFactory(enterprise=enterprise_a, kind=EnforcementAction.Kind.FINE)


def test_overdue_is_computed_from_the_deadline(staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a, deadline=dt.date(2024, 6, 20))
    assert hazard.is_overdue(on=dt.date(2024, 6, 21))
    assert not hazard.is_overdue(on=dt.date(2024, 6, 20))
