"""``manage.py seed_scale`` at tiny counts: the counts asked for, codes that follow the
app's format and leave the year's counter consistent, the benchmark users with their
roles, about 5% of the open hazards due today, and a second run that changes nothing."""

import io
import re
from collections import Counter
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import Chaser, ExtensionRequest, Task, TaskAssignment
from campaigns.selectors import tasks as task_selectors
from duty.models import DutyRoster, Shift
from inspections.models import (
    Hazard,
    HazardCodeSequence,
    Inspection,
    InspectionAnswer,
    RectificationReport,
)
from inspections.services import hazards as hazard_services
from safetyzone.core.models import SeedRun
from safetyzone.notifications.models import Notification
from safetyzone.org.models import Enterprise, KeyArea, Unit, User
from safetyzone.org.roles import Role
from safetyzone.org.scale import CREDIT_PREFIX
from tests.factories import EnterpriseFactory, UnitFactory

SMALL = {
    "enterprises": 30,
    "inspections": 120,
    "hazards": 500,
    "tasks": 40,
    "notifications": 400,
    "roster_people": 8,
}


@pytest.fixture
def catalogues(db):
    """The key areas and checklists the migrations seed (a transactional test elsewhere
    may have emptied them)."""
    import_module("safetyzone.org.migrations.0002_keyarea_catalogue").add_key_areas(apps, None)
    import_module("inspections.migrations.0002_checklist_templates").add_templates(apps, None)


def seed_scale(*flags: str, seed: int = 1, **counts) -> str:
    out = io.StringIO()
    arguments = {**SMALL, **counts}
    call_command(
        "seed_scale",
        "--seed",
        str(seed),
        *[f"--{k.replace('_', '-')}={v}" for k, v in arguments.items()],
        *flags,
        stdout=out,
    )
    return out.getvalue()


def snapshot() -> dict:
    return {
        "enterprises": Enterprise.objects.count(),
        "inspections": Inspection.objects.count(),
        "answers": InspectionAnswer.objects.count(),
        "hazards": sorted(Hazard.objects.values_list("code", "status", "deadline")),
        "reports": RectificationReport.objects.count(),
        "history": Hazard.history.count(),
        "tasks": Task.objects.count(),
        "assignments": TaskAssignment.objects.count(),
        "shifts": Shift.objects.count(),
        "notifications": Notification.objects.count(),
        "users": User.objects.count(),
        "sequences": sorted(HazardCodeSequence.objects.values_list("year", "last_value")),
    }


@pytest.mark.django_db
def test_seed_scale_makes_the_counts_asked_for_and_a_second_run_changes_nothing(catalogues):
    output = seed_scale()
    assert "inspections" in output and " s " in output  # progress with timings

    assert Enterprise.objects.filter(credit_code__startswith=CREDIT_PREFIX).count() == 30
    assert Inspection.objects.count() == 120
    assert Hazard.objects.count() == 500
    assert Task.objects.count() == 40
    assert Notification.objects.count() == 400
    people = User.objects.filter(username__startswith="scale-duty-")
    assert people.count() == 8
    # A year of published monthly rosters, every day covered.
    rosters = DutyRoster.objects.filter(status=DutyRoster.Status.PUBLISHED)
    assert rosters.count() == 12
    first = rosters.order_by("start_date").first().start_date
    last = rosters.order_by("end_date").last().end_date
    assert Shift.objects.count() == (last - first).days + 1

    before = snapshot()
    assert "nothing to do" in seed_scale()
    assert snapshot() == before


@pytest.mark.django_db
def test_hazards_are_spread_realistically_with_reports_and_history(catalogues):
    seed_scale()
    today = timezone.localdate()
    hazards = list(Hazard.objects.all())
    levels = Counter(h.level for h in hazards)
    assert 0 < levels["major"] < levels["general"]
    open_ = [h for h in hazards if h.is_open]
    assert 0 < len(open_) < len(hazards) / 2  # most are closed
    assert any(h.is_overdue(today) for h in open_)
    due_today = [h for h in open_ if h.deadline == today]
    assert len(due_today) == round(len(open_) * 0.05)
    assert min(h.found_on for h in hazards) < today.replace(year=today.year - 2)
    assert len({h.responsible_unit_id for h in hazards}) > 5
    # Nothing happened after now, even what was found today.
    now = timezone.now()
    assert max(h.created_at for h in hazards) <= now
    assert not Inspection.objects.filter(created_at__gt=now).exists()
    assert not Hazard.history.filter(history_date__gt=now).exists()
    assert not Notification.objects.filter(created_at__gt=now).exists()
    assert not Notification.objects.filter(read_at__gt=now).exists()
    # Every status but "reported" has its report; every hazard its history from "+".
    submitted = Hazard.objects.filter(status=Hazard.Status.SUBMITTED)
    assert all(
        h.reports.filter(status=RectificationReport.Status.PENDING).exists() for h in submitted
    )
    closed = Hazard.objects.filter(status=Hazard.Status.ACCEPTED).first()
    steps = list(closed.history.order_by("history_date").values_list("history_type", "status"))
    assert steps[0] == ("+", "reported") and steps[-1] == ("~", "accepted")
    assert Hazard.history.filter(history_type="+").count() == len(hazards)
    # Key areas as in the demo; tasks due today for the reminder sweep.
    assert KeyArea.objects.filter(pk__in=[h.key_area_id for h in hazards]).count() >= 5
    assert TaskAssignment.objects.filter(deadline=today).exclude(status="done").exists()


# The tiny data set ``make bench`` compares query counts against (bench/__main__.py).
BENCH_SMALL = {
    "enterprises": 20,
    "inspections": 30,
    "hazards": 50,
    "tasks": 10,
    "notifications": 50,
}


@pytest.mark.django_db
@pytest.mark.parametrize("counts", [BENCH_SMALL, {}], ids=["bench-small", "small"])
def test_every_state_the_lists_show_is_there_at_any_size(catalogues, counts):
    """At any size the first page of each list shows the states that change what it
    reads: a report waiting for review, and an assignment open and not overdue (its
    traffic light reads the working-day calendar), for staff and for the benchmark
    head; otherwise the benchmark compares pages that differ by their data (issue 7)."""
    seed_scale(**counts)
    today = timezone.localdate()
    assert set(Hazard.OPEN_STATUSES) <= set(Hazard.objects.values_list("status", flat=True))
    submitted = Hazard.objects.filter(status=Hazard.Status.SUBMITTED)
    assert RectificationReport.objects.filter(
        status=RectificationReport.Status.PENDING, hazard__in=submitted
    ).exists()
    assert ExtensionRequest.objects.filter(status=ExtensionRequest.Status.GRANTED).exists()
    assert Chaser.objects.filter(acknowledged_at__isnull=True).exists()

    def open_not_overdue(assignments) -> bool:
        return any(
            a.status != TaskAssignment.Status.DONE and a.deadline >= today for a in assignments
        )

    for username in ("bench-staff", "bench-head"):
        user = User.objects.get(username=username)
        tasks = task_selectors.task_list(user=user)[:20]
        assert open_not_overdue(a for task in tasks for a in task.visible_assignments), username
        assert open_not_overdue(task_selectors.assignment_list(user=user)[:20]), username
    assert Notification.objects.filter(recipient__username="bench-staff").exists()


@pytest.mark.django_db
def test_codes_are_unique_and_new_hazards_continue_the_sequence(catalogues):
    seed_scale()
    codes = list(Hazard.objects.values_list("code", flat=True))
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"YH-\d{4}-\d{6}", c) for c in codes)
    for sequence in HazardCodeSequence.objects.all():
        numbers = [int(c[-6:]) for c in codes if c.startswith(f"YH-{sequence.year}-")]
        assert sequence.last_value == max(numbers) == len(numbers)

    staff = User.objects.get(username="bench-staff")
    hazard = hazard_services.hazard_create(
        actor=staff,
        enterprise=Enterprise.objects.filter(is_active=True).first(),
        key_area=KeyArea.objects.get(code="fire"),
        description="新发现的隐患",
    )
    year = timezone.localdate().year
    last = HazardCodeSequence.objects.get(year=year).last_value
    assert hazard.code == f"YH-{year}-{last:06d}"
    assert Hazard.objects.filter(code=hazard.code).count() == 1


@pytest.mark.django_db
def test_bench_users_can_log_in_with_their_roles(catalogues, client):
    seed_scale()
    staff = User.objects.get(username="bench-staff")
    head = User.objects.get(username="bench-head")
    assert staff.has_role(Role.COMMITTEE_STAFF) and staff.sees_all_units
    assert head.has_role(Role.DEPARTMENT_HEAD) and not head.sees_all_units
    assert staff.check_password(settings.DEMO_PASSWORD)
    assert head.check_password(settings.DEMO_PASSWORD)
    # The head's unit owns records: the benchmarks' scoped lists are not empty.
    assert Hazard.objects.filter(responsible_unit=head.unit).exists()
    assert Notification.objects.filter(recipient=head).exists()
    assert Notification.objects.filter(recipient=staff).exists()


@pytest.mark.django_db
def test_other_arguments_replace_only_the_rows_the_earlier_run_made(catalogues):
    unit = UnitFactory(name="另一个单位")
    theirs = EnterpriseFactory(supervising_unit=unit)
    seed_scale()
    first_codes = set(Hazard.objects.values_list("code", flat=True))
    seed_scale(seed=2, hazards=300, notifications=200)
    assert Hazard.objects.count() == 300
    assert Notification.objects.count() == 200
    assert Enterprise.objects.filter(pk=theirs.pk).exists()
    assert Unit.objects.filter(pk=unit.pk).exists()
    # Codes are never given twice, even those of deleted hazards.
    assert not first_codes & set(Hazard.objects.values_list("code", flat=True))
    assert SeedRun.objects.get().arguments["seed"] == 2


@pytest.mark.django_db
def test_the_same_seed_makes_the_same_data(catalogues):
    def data():
        return sorted(
            Hazard.objects.values_list(
                "enterprise__credit_code", "found_on", "level", "status", "deadline", "description"
            )
        ), sorted(Notification.objects.values_list("recipient__username", "reason", "due_date"))

    seed_scale()
    first = data()
    seed_scale("--force")
    assert data() == first


@pytest.mark.django_db
def test_a_key_period_under_way_plans_every_enterprise_for_the_coverage_matrix(catalogues):
    from inspections.selectors.coverage import coverage_matrix, key_period_default

    seed_scale()
    staff = User.objects.get(username="bench-staff")
    period = key_period_default(user=staff)
    assert period.start_date <= timezone.localdate() <= period.end_date
    matrix = coverage_matrix(user=staff, key_period=period)
    active = Enterprise.objects.filter(credit_code__startswith=CREDIT_PREFIX, is_active=True)
    assert matrix.total.planned == sum(e.key_areas.count() for e in active)
    assert 0 < matrix.total.planned_inspected < matrix.total.planned
    # A second run with other counts removes the period and its tasks with the rest.
    seed_scale(enterprises=20)
    assert key_period_default(user=staff).pk != period.pk
