"""The demo: enough inspections and hazards in every status and level, built through
the services, and a second run adds nothing."""

from django.core.management import call_command

from campaigns.models import KeyPeriod
from inspections.models import (
    EnforcementAction,
    Hazard,
    Inspection,
    InspectionTask,
    QuarterlyReport,
    RectificationReport,
    Violation,
)
from inspections.selectors.coverage import coverage_matrix
from inspections.selectors.statistics import hazard_statistics
from safetyzone.org.models import User


def test_seed_demo_builds_the_inspections_story_once(catalogues):
    call_command("seed_demo")
    counts = [
        m.objects.count()
        for m in (
            InspectionTask,
            Inspection,
            Hazard,
            RectificationReport,
            Violation,
            EnforcementAction,
        )
    ]
    call_command("seed_demo")
    assert [
        m.objects.count()
        for m in (
            InspectionTask,
            Inspection,
            Hazard,
            RectificationReport,
            Violation,
            EnforcementAction,
        )
    ] == counts
    assert Inspection.objects.count() >= 60
    assert Hazard.objects.count() >= 150
    assert set(Hazard.objects.values_list("status", flat=True)) == set(Hazard.Status.values)
    assert set(Hazard.objects.values_list("level", flat=True)) == {"general", "major"}
    assert Hazard.objects.filter(is_supervised=True, level="major").count() == 1
    assert Hazard.objects.filter(is_recurrence=True).exists()
    assert RectificationReport.objects.filter(status="accepted").exists()
    assert RectificationReport.objects.filter(status="returned").exists()
    assert Violation.objects.exists() and EnforcementAction.objects.filter(kind="fine").exists()
    filed = list(QuarterlyReport.objects.filter(year=2024, quarter=2))
    assert filed and any(r.is_late for r in filed) and not all(r.is_late for r in filed)
    periods = set(InspectionTask.objects.values_list("key_period__name", flat=True))
    assert any("端午" in (p or "") for p in periods) and any("中考" in (p or "") for p in periods)
    staff = User.objects.get(username="staff")
    stats = hazard_statistics(user=staff)
    assert stats["overdue"] > 0
    assert 0 < stats["open"] < stats["total"]
    # The coverage matrix of a key period has gaps to name beside covered cells.
    duanwu = KeyPeriod.objects.filter(name__contains="端午", start_date__year=2024).first()
    matrix = coverage_matrix(user=staff, key_period=duanwu)
    states = {cell.figures.state for row in matrix.rows for cell in row.cells}
    assert matrix.gaps and {"full", "overdue"} <= states
    for hazard in Hazard.objects.all()[:20]:
        hazard.full_clean()
    head = User.objects.get(username="head")
    assert set(
        Hazard.objects.filter(responsible_unit=head.unit).values_list("responsible_unit", flat=True)
    ) <= {head.unit_id}
