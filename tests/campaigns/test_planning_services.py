"""Planning services: campaigns with phases inside their dates, carriers without cycles,
copying a campaign forward (29 February included), key periods, and the selectors the
home panel, calendar and duty read; progress per unit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns.models import Activity, Campaign, CampaignPhase, KeyPeriod, Task, TaskAssignment
from campaigns.selectors import planning as selectors
from campaigns.services import planning as services
from campaigns.services.planning import shift_name, shift_years

from ..factories import (
    ActivityFactory,
    CampaignFactory,
    CampaignPhaseFactory,
    KeyAreaFactory,
    KeyPeriodFactory,
    TaskAssignmentFactory,
    TaskFactory,
    UnitFactory,
)

D = dt.date


def phase(kind: str, start: dt.date, end: dt.date, **extra) -> dict:
    return {"kind": kind, "start_date": start, "end_date": end, **extra}


def month_phases(year: int = 2024) -> list[dict]:
    return [
        phase("mobilisation", D(year, 6, 1), D(year, 6, 5), name="动员部署"),
        phase("implementation", D(year, 6, 6), D(year, 6, 25), name="组织实施"),
        phase("summary", D(year, 6, 26), D(year, 6, 30), name="总结提升"),
    ]


@pytest.fixture
def three_year(unit_a):
    return CampaignFactory(
        name="安全生产治本攻坚三年行动（2024—2026年）",
        kind=Campaign.Kind.THREE_YEAR_ACTION,
        start_date=D(2024, 1, 1),
        end_date=D(2026, 12, 31),
        lead_unit=unit_a,
    )


def create_month(staff, unit, **overrides) -> Campaign:
    data = {
        "actor": staff,
        "name": "2024年安全生产月",
        "kind": Campaign.Kind.SAFETY_MONTH,
        "theme": "人人讲安全、个个会应急——畅通生命通道",
        "start_date": D(2024, 6, 1),
        "end_date": D(2024, 6, 30),
        "lead_unit": unit,
        "phases": month_phases(),
    }
    data.update(overrides)
    return services.campaign_create(**data)


# --- Create and update -----------------------------------------------------------------


def test_staff_creates_a_campaign_with_its_phases_under_a_carrier(staff, unit_a, three_year):
    campaign = create_month(staff, unit_a, parent=three_year)

    assert campaign.parent == three_year
    assert campaign.created_by == staff
    assert [(p.kind, p.name) for p in campaign.phases.all()] == [
        ("mobilisation", "动员部署"),
        ("implementation", "组织实施"),
        ("summary", "总结提升"),
    ]
    assert list(three_year.children.all()) == [campaign]


def test_end_before_start_is_an_error_on_the_end_date(staff, unit_a):
    with pytest.raises(ValidationError) as info:
        create_month(staff, unit_a, start_date=D(2024, 6, 30), end_date=D(2024, 6, 1), phases=[])
    assert set(info.value.message_dict) == {"end_date"}
    assert not Campaign.objects.exists()


def test_a_phase_outside_the_campaign_is_an_error_on_that_phase_and_saves_nothing(staff, unit_a):
    phases = month_phases()
    phases[2]["end_date"] = D(2024, 7, 5)

    with pytest.raises(ValidationError) as info:
        create_month(staff, unit_a, phases=phases)

    assert set(info.value.message_dict) == {"phases.2.end_date"}
    assert not Campaign.objects.exists()
    assert not CampaignPhase.objects.exists()


def test_a_phase_ending_before_it_starts_is_an_error_on_that_phase(staff, unit_a):
    phases = month_phases()
    phases[1].update(start_date=D(2024, 6, 20), end_date=D(2024, 6, 10))

    with pytest.raises(ValidationError) as info:
        create_month(staff, unit_a, phases=phases)

    assert "phases.1.end_date" in info.value.message_dict
    assert not Campaign.objects.exists()


def test_campaign_and_phase_errors_are_reported_together(staff, unit_a):
    phases = month_phases()
    phases[0]["kind"] = "no-such-kind"

    with pytest.raises(ValidationError) as info:
        create_month(staff, unit_a, name="", phases=phases)

    assert {"name", "phases.0.kind"} <= set(info.value.message_dict)


def test_the_carrier_must_be_a_three_year_action(staff, unit_a):
    month = CampaignFactory(kind=Campaign.Kind.SAFETY_MONTH)
    with pytest.raises(ValidationError) as info:
        create_month(staff, unit_a, name="另一个活动", parent=month)
    assert set(info.value.message_dict) == {"parent"}


def test_a_carrier_cycle_is_refused(staff, unit_a):
    first = CampaignFactory(kind=Campaign.Kind.THREE_YEAR_ACTION)
    second = CampaignFactory(kind=Campaign.Kind.THREE_YEAR_ACTION, parent=first)

    with pytest.raises(ValidationError) as info:
        services.campaign_update(actor=staff, campaign=first, parent=second)
    assert set(info.value.message_dict) == {"parent"}

    with pytest.raises(ValidationError):
        services.campaign_update(actor=staff, campaign=first, parent=first)
    first.refresh_from_db()
    assert first.parent is None


def test_a_carrier_of_campaigns_stays_a_three_year_action(staff, unit_a, three_year):
    create_month(staff, unit_a, parent=three_year)
    with pytest.raises(ValidationError) as info:
        services.campaign_update(actor=staff, campaign=three_year, kind=Campaign.Kind.OTHER)
    assert set(info.value.message_dict) == {"kind"}


def test_update_replaces_the_phases_updating_adding_and_removing(staff, unit_a):
    campaign = create_month(staff, unit_a)
    mobilisation, implementation, _summary = campaign.phases.all()

    services.campaign_update(
        actor=staff,
        campaign=campaign,
        theme="新主题",
        phases=[
            {"id": mobilisation.pk, **phase("mobilisation", D(2024, 6, 1), D(2024, 6, 3))},
            {"id": implementation.pk, **phase("implementation", D(2024, 6, 4), D(2024, 6, 28))},
            phase("summary", D(2024, 6, 29), D(2024, 6, 30), name="总结"),
        ],
    )

    campaign.refresh_from_db()
    assert campaign.theme == "新主题"
    phases = list(campaign.phases.all())
    assert [p.pk for p in phases[:2]] == [mobilisation.pk, implementation.pk]
    assert phases[0].end_date == D(2024, 6, 3)
    assert phases[2].name == "总结" and phases[2].pk != _summary.pk
    assert not CampaignPhase.objects.filter(pk=_summary.pk).exists()


def test_a_phase_of_another_campaign_cannot_be_taken_over(staff, unit_a):
    campaign = create_month(staff, unit_a)
    other = CampaignPhaseFactory()
    with pytest.raises(ValidationError) as info:
        services.campaign_update(
            actor=staff,
            campaign=campaign,
            phases=[{"id": other.pk, **phase("summary", D(2024, 6, 1), D(2024, 6, 2))}],
        )
    assert set(info.value.message_dict) == {"phases.0.id"}
    assert campaign.phases.count() == 3


def test_shortening_a_campaign_past_its_phases_is_refused(staff, unit_a):
    campaign = create_month(staff, unit_a)
    with pytest.raises(ValidationError) as info:
        services.campaign_update(actor=staff, campaign=campaign, end_date=D(2024, 6, 20))
    assert "start_date" in info.value.message_dict
    campaign.refresh_from_db()
    assert campaign.end_date == D(2024, 6, 30)


def test_update_with_a_phase_error_changes_nothing(staff, unit_a):
    campaign = create_month(staff, unit_a)
    with pytest.raises(ValidationError):
        services.campaign_update(
            actor=staff,
            campaign=campaign,
            name="改名",
            phases=[phase("summary", D(2024, 5, 1), D(2024, 6, 2))],
        )
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.name == "2024年安全生产月"
    assert campaign.phases.count() == 3


def test_a_head_cannot_create_or_edit_campaigns(alice, unit_a):
    with pytest.raises(PermissionDenied):
        create_month(alice, unit_a)
    campaign = CampaignFactory()
    with pytest.raises(PermissionDenied):
        services.campaign_update(actor=alice, campaign=campaign, name="x")


# --- Copy to another year ----------------------------------------------------------------


def test_shift_years_turns_29_february_into_28_february():
    assert shift_years(D(2028, 2, 29), 1) == D(2029, 2, 28)
    assert shift_years(D(2028, 2, 29), 4) == D(2032, 2, 29)
    assert shift_years(D(2028, 6, 16), -1) == D(2027, 6, 16)


def test_shift_name_moves_every_year_in_it():
    assert shift_name("2028年安全生产月", 1) == "2029年安全生产月"
    assert shift_name("治本攻坚三年行动（2028—2030年）", 3) == "治本攻坚三年行动（2031—2033年）"
    assert shift_name("安全生产月 第12期", 1) == "安全生产月 第12期"


@pytest.fixture
def leap_campaign(staff, unit_a, unit_b, three_year):
    """A campaign in the leap year 2028 with a phase, a key period and a task that end
    on 29 February, the task assigned to units A (lead) and B."""
    campaign = CampaignFactory(
        name="2028年春季安全大检查",
        kind=Campaign.Kind.SPECIAL_RECTIFICATION,
        parent=three_year,
        start_date=D(2028, 2, 1),
        end_date=D(2028, 3, 31),
        lead_unit=unit_a,
        goals="全覆盖、零容忍、严执法、重实效",
    )
    CampaignPhaseFactory(
        campaign=campaign, kind="mobilisation", start_date=D(2028, 2, 1), end_date=D(2028, 2, 29)
    )
    CampaignPhaseFactory(
        campaign=campaign, kind="summary", start_date=D(2028, 3, 1), end_date=D(2028, 3, 31)
    )
    area = KeyAreaFactory(code="gas-test", name="测试燃气")
    period = KeyPeriodFactory(
        name="2028年元宵节",
        start_date=D(2028, 2, 9),
        end_date=D(2028, 2, 29),
        campaign=campaign,
        extra_duty_officers=2,
    )
    period.key_areas.set([area])
    task = TaskFactory(
        title="2028年燃气隐患排查",
        campaign=campaign,
        deadline=D(2028, 2, 29),
        lead_unit=unit_a,
    )
    done = TaskAssignmentFactory(task=task, unit=unit_a, status=TaskAssignment.Status.DONE)
    TaskAssignmentFactory(
        task=task,
        unit=unit_b,
        role=TaskAssignment.Role.ASSIST,
        deadline=D(2028, 3, 20),  # extended once
        extension_count=1,
    )
    return campaign, done


def test_copy_to_next_year_shifts_phases_key_periods_and_tasks(
    staff, leap_campaign, unit_a, unit_b
):
    source, _done = leap_campaign

    copy = services.campaign_copy_to_year(campaign=source, year=2029, actor=staff)

    assert copy.pk != source.pk
    assert copy.name == "2029年春季安全大检查"
    assert (copy.start_date, copy.end_date) == (D(2029, 2, 1), D(2029, 3, 31))
    assert copy.parent == source.parent
    assert copy.lead_unit == unit_a
    assert copy.goals == source.goals
    assert copy.created_by == staff
    assert [(p.kind, p.start_date, p.end_date) for p in copy.phases.all()] == [
        ("mobilisation", D(2029, 2, 1), D(2029, 2, 28)),
        ("summary", D(2029, 3, 1), D(2029, 3, 31)),
    ]
    period = copy.key_periods.get()
    assert (period.name, period.start_date, period.end_date) == (
        "2029年元宵节",
        D(2029, 2, 9),
        D(2029, 2, 28),
    )
    assert period.extra_duty_officers == 2
    assert [a.name for a in period.key_areas.all()] == ["测试燃气"]

    task = copy.tasks.get()
    assert task.title == "2029年燃气隐患排查"
    assert task.deadline == D(2029, 2, 28)
    assignments = {a.unit: a for a in task.assignments.all()}
    assert set(assignments) == {unit_a, unit_b}
    assert {a.status for a in assignments.values()} == {TaskAssignment.Status.ISSUED}
    assert {a.deadline for a in assignments.values()} == {D(2029, 2, 28)}
    assert {a.extension_count for a in assignments.values()} == {0}
    assert assignments[unit_a].role == TaskAssignment.Role.LEAD
    assert assignments[unit_b].role == TaskAssignment.Role.ASSIST

    # The source is untouched.
    assert source.tasks.get().assignments.filter(status="done").count() == 1
    assert source.key_periods.get().end_date == D(2028, 2, 29)


def test_a_second_copy_for_the_same_year_is_a_clear_error(staff, leap_campaign):
    source, _done = leap_campaign
    services.campaign_copy_to_year(campaign=source, year=2029, actor=staff)
    counts = (Campaign.objects.count(), KeyPeriod.objects.count(), Task.objects.count())

    with pytest.raises(ValidationError) as info:
        services.campaign_copy_to_year(campaign=source, year=2029, actor=staff)

    assert set(info.value.message_dict) == {"year"}
    assert "2029年春季安全大检查" in info.value.message_dict["year"][0]
    assert (Campaign.objects.count(), KeyPeriod.objects.count(), Task.objects.count()) == counts


def test_copying_to_the_campaigns_own_year_is_refused(staff, leap_campaign):
    source, _done = leap_campaign
    with pytest.raises(ValidationError) as info:
        services.campaign_copy_to_year(campaign=source, year=2028, actor=staff)
    assert set(info.value.message_dict) == {"year"}


def test_a_copy_whose_tasks_would_fall_due_in_the_past_saves_nothing(staff, unit_a):
    source = CampaignFactory(name="2024年安全生产月", lead_unit=unit_a)
    CampaignPhaseFactory(campaign=source)
    task = TaskFactory(campaign=source, deadline=D(2024, 6, 20), lead_unit=unit_a)
    TaskAssignmentFactory(task=task)
    before = (Campaign.objects.count(), CampaignPhase.objects.count(), Task.objects.count())

    with pytest.raises(ValidationError) as info:
        services.campaign_copy_to_year(campaign=source, year=2025, actor=staff)

    assert "__all__" in info.value.message_dict
    assert (Campaign.objects.count(), CampaignPhase.objects.count(), Task.objects.count()) == before


def test_a_head_cannot_copy_a_campaign(alice, leap_campaign):
    source, _done = leap_campaign
    with pytest.raises(PermissionDenied):
        services.campaign_copy_to_year(campaign=source, year=2029, actor=alice)


# --- Key periods ---------------------------------------------------------------------------


def test_staff_records_overlapping_key_periods(staff):
    area = KeyAreaFactory(code="crowded-test", name="测试人员密集场所")
    exam = services.key_period_create(
        actor=staff,
        name="中考",
        start_date=D(2024, 6, 16),
        end_date=D(2024, 6, 18),
        risk_level="high",
        key_areas=[area],
    )
    festival = services.key_period_create(
        actor=staff, name="端午节", start_date=D(2024, 6, 8), end_date=D(2024, 6, 17)
    )
    assert list(exam.key_areas.all()) == [area]
    assert festival.risk_level == "general"
    assert KeyPeriod.objects.count() == 2


def test_key_period_ending_before_it_starts_is_an_end_date_error(staff):
    with pytest.raises(ValidationError) as info:
        services.key_period_create(
            actor=staff, name="吉马", start_date=D(2024, 6, 2), end_date=D(2024, 6, 1)
        )
    assert set(info.value.message_dict) == {"end_date"}
    assert not KeyPeriod.objects.exists()

    period = KeyPeriodFactory()
    with pytest.raises(ValidationError) as info:
        services.key_period_update(actor=staff, key_period=period, end_date=D(2024, 1, 1))
    assert set(info.value.message_dict) == {"end_date"}


def test_a_head_cannot_record_key_periods(alice):
    with pytest.raises(PermissionDenied):
        services.key_period_create(
            actor=alice, name="中考", start_date=D(2024, 6, 16), end_date=D(2024, 6, 18)
        )


def test_key_periods_active_and_between(db):
    exam = KeyPeriodFactory(name="中考", start_date=D(2024, 6, 16), end_date=D(2024, 6, 18))
    festival = KeyPeriodFactory(name="端午节", start_date=D(2024, 6, 8), end_date=D(2024, 6, 10))
    marathon = KeyPeriodFactory(name="吉马", start_date=D(2024, 6, 23), end_date=D(2024, 6, 23))

    assert list(selectors.key_periods_active(D(2024, 6, 17))) == [exam]
    assert list(selectors.key_periods_active(D(2024, 6, 11))) == []
    assert list(selectors.key_periods_between(D(2024, 6, 10), D(2024, 6, 16))) == [
        festival,
        exam,
    ]
    assert list(selectors.key_periods_between(D(2024, 6, 19), D(2024, 6, 30))) == [marathon]
    assert list(selectors.key_periods_upcoming(today=D(2024, 6, 12))) == [exam, marathon]


# --- Progress per unit ---------------------------------------------------------------------


def test_progress_counts_tasks_done_overdue_and_activities_per_unit(unit_a, unit_b):
    today = D(2024, 6, 20)
    campaign = CampaignFactory()
    quiet = UnitFactory(name="高新区教育局")  # a member unit with nothing yet
    UnitFactory(name="非成员单位", membership="none")

    past = TaskFactory(campaign=campaign, deadline=D(2024, 6, 15), lead_unit=unit_a)
    TaskAssignmentFactory(task=past, unit=unit_a, status="done")
    TaskAssignmentFactory(task=past, unit=unit_b, role="assist", deadline=D(2024, 6, 15))
    later = TaskFactory(campaign=campaign, deadline=D(2024, 6, 28), lead_unit=unit_b)
    TaskAssignmentFactory(task=later, unit=unit_b, status="in_progress")
    # Another campaign's task and activity do not count.
    TaskAssignmentFactory(task=TaskFactory(deadline=D(2024, 6, 1)), unit=unit_a)
    ActivityFactory(unit=unit_a)

    ActivityFactory(campaign=campaign, unit=unit_a, kind=Activity.Kind.TRAINING)
    ActivityFactory(campaign=campaign, unit=unit_a, kind=Activity.Kind.TRAINING)
    ActivityFactory(
        campaign=campaign, unit=unit_b, kind=Activity.Kind.DRILL, drill_plan="危化品泄漏应急预案"
    )

    rows = {row.unit: row for row in selectors.campaign_progress(campaign=campaign, today=today)}

    assert set(rows) >= {unit_a, unit_b, quiet}
    assert "非成员单位" not in {u.name for u in rows}
    a, b = rows[unit_a], rows[unit_b]
    assert (a.assigned, a.done, a.overdue) == (1, 1, 0)
    assert (b.assigned, b.done, b.overdue) == (2, 0, 1)
    assert a.activities == {"training": 2}
    assert b.activities == {"drill": 1}
    assert a.activity_total == 2 and a.done_percent == 100
    assert (rows[quiet].assigned, rows[quiet].activity_total) == (0, 0)


def test_progress_takes_a_few_queries_whatever_the_number_of_units(
    unit_a, django_assert_max_num_queries
):
    campaign = CampaignFactory()
    for n in range(30):
        unit = UnitFactory(name=f"成员单位{n}")
        TaskAssignmentFactory(task=TaskFactory(campaign=campaign, lead_unit=unit), unit=unit)
        ActivityFactory(campaign=campaign, unit=unit)
    with django_assert_max_num_queries(3):
        rows = selectors.campaign_progress(campaign=campaign)
    assert sum(r.assigned for r in rows) == 30
