"""The quarterly statistics table: a unit files it once the quarter has ended, the
figures are kept as filed, filing late is marked, and the office sees who has not."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from inspections.models import QuarterlyReport
from inspections.selectors.statistics import quarterly_table
from inspections.services import statistics as statistics_services

from .conftest import make_hazard


@time_machine.travel("2024-07-10 10:00:00+08:00", tick=False)
def test_head_files_the_quarter_with_the_ledgers_figures(alice, staff, enterprise_a, unit_a):
    make_hazard(staff, enterprise_a, level="major")
    make_hazard(staff, enterprise_a)
    report = statistics_services.quarterly_report_file(
        actor=alice, unit=unit_a, year=2024, quarter=2
    )
    assert (report.hazards, report.major, report.due_on) == (2, 1, dt.date(2024, 7, 15))
    assert not report.is_late
    make_hazard(staff, enterprise_a, found_on=dt.date(2024, 6, 30), deadline=dt.date(2024, 7, 9))
    report.refresh_from_db()
    assert report.hazards == 2  # as filed
    with pytest.raises(ValidationError):
        statistics_services.quarterly_report_file(actor=alice, unit=unit_a, year=2024, quarter=2)


@time_machine.travel("2024-06-20 10:00:00+08:00", tick=False)
def test_a_quarter_not_yet_ended_cannot_be_filed(alice, unit_a):
    with pytest.raises(ValidationError) as info:
        statistics_services.quarterly_report_file(actor=alice, unit=unit_a, year=2024, quarter=2)
    assert "quarter" in info.value.message_dict


def test_head_cannot_file_for_another_unit(alice, unit_b):
    with pytest.raises(ValidationError):
        statistics_services.quarterly_report_file(actor=alice, unit=unit_b, year=2024, quarter=1)


def test_inspector_cannot_file(inspector_a, unit_a):
    with pytest.raises(PermissionDenied):
        statistics_services.quarterly_report_file(
            actor=inspector_a, unit=unit_a, year=2024, quarter=1
        )


@time_machine.travel("2024-07-20 10:00:00+08:00", tick=False)
def test_office_sees_who_filed_late_and_who_has_not(client, alice, staff, unit_a, unit_b):
    statistics_services.quarterly_report_file(actor=alice, unit=unit_a, year=2024, quarter=2)
    table = quarterly_table(user=staff, year=2024, quarter=2)
    rows = {row["unit"]: row for row in table["rows"]}
    assert rows[unit_a]["filed"].is_late
    assert rows[unit_b]["filed"] is None and table["past_due"]
    client.force_login(staff)
    body = client.get(reverse("inspections:statistics"), {"year": 2024, "quarter": 2})
    text = body.content.decode()
    assert f'data-testid="filed-{unit_b.pk}"' in text and "Not filed, overdue" in text


@time_machine.travel("2024-07-10 10:00:00+08:00", tick=False)
def test_head_files_through_the_page(client, alice, unit_a, unit_b):
    client.force_login(alice)
    page = client.get(reverse("inspections:statistics"), {"year": 2024, "quarter": 2})
    assert 'data-testid="quarterly-file"' in page.content.decode()
    response = client.post(
        reverse("inspections:quarterly-file"),
        {"year": 2024, "quarter": 2, "notes": "按时报送", "unit": unit_b.pk},
    )
    # Another unit's id is not found for a head.
    assert response.status_code == 404
    response = client.post(
        reverse("inspections:quarterly-file"), {"year": 2024, "quarter": 2, "notes": "按时报送"}
    )
    assert response.status_code == 302
    report = QuarterlyReport.objects.get()
    assert report.unit == unit_a and report.filed_by == alice and report.notes == "按时报送"
