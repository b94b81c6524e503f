"""Typed factory_boy factories for every model the tests need."""

import datetime as _dt

import factory
from factory.django import DjangoModelFactory

from campaigns import models as cm
from safetyzone.org.models import Enterprise, KeyArea, Unit, User
from safetyzone.org.roles import Role
from safetyzone.org.services import user_set_roles
from safetyzone.org.validators import uscc_check_character

TEST_PASSWORD = "test-pass-123"  # noqa: S105


def valid_credit_code(n: int) -> str:
    """A unified social credit code with a correct check character."""
    first17 = f"9122010{n:010d}"
    return first17 + uscc_check_character(first17)


class UnitFactory(DjangoModelFactory[Unit]):
    class Meta:
        model = Unit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试单位{n}")
    short_name = factory.Sequence(lambda n: f"单位{n}")
    kind = Unit.Kind.DEPARTMENT
    doc_number_prefix = factory.Sequence(lambda n: f"高新测{n}")


class KeyAreaFactory(DjangoModelFactory[KeyArea]):
    class Meta:
        model = KeyArea
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"领域{n}")


class EnterpriseFactory(DjangoModelFactory[Enterprise]):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"吉林测试化工有限公司{n}")
    credit_code = factory.Sequence(valid_credit_code)
    address = "长春市高新区硅谷大街1号"
    industry = "化工"
    supervising_unit = factory.SubFactory(UnitFactory)
    contact_person = "张三"
    contact_phone = "13800000000"
    risk_grade = Enterprise.RiskGrade.GENERAL


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    unit = factory.SubFactory(UnitFactory)
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            user_set_roles(user=self, roles=extracted)


def head_of(unit: Unit, **kwargs) -> User:
    return UserFactory(unit=unit, roles=[Role.DEPARTMENT_HEAD], **kwargs)


def committee_staff(**kwargs) -> User:
    return UserFactory(roles=[Role.COMMITTEE_STAFF], **kwargs)


# --- campaigns -------------------------------------------------------------------------


class CampaignFactory(DjangoModelFactory[cm.Campaign]):
    class Meta:
        model = cm.Campaign

    name = factory.Sequence(lambda n: f"2024年安全生产月{n}")
    kind = cm.Campaign.Kind.SAFETY_MONTH
    theme = "人人讲安全、个个会应急——畅通生命通道"
    start_date = _dt.date(2024, 6, 1)
    end_date = _dt.date(2024, 6, 30)
    lead_unit = factory.SubFactory(UnitFactory)


class CampaignPhaseFactory(DjangoModelFactory[cm.CampaignPhase]):
    class Meta:
        model = cm.CampaignPhase

    campaign = factory.SubFactory(CampaignFactory)
    kind = cm.CampaignPhase.Kind.MOBILISATION
    start_date = factory.SelfAttribute("campaign.start_date")
    end_date = factory.SelfAttribute("campaign.end_date")


class KeyPeriodFactory(DjangoModelFactory[cm.KeyPeriod]):
    class Meta:
        model = cm.KeyPeriod

    name = factory.Sequence(lambda n: f"端午节{n}")
    start_date = _dt.date(2024, 6, 8)
    end_date = _dt.date(2024, 6, 10)
    risk_level = cm.RiskLevel.HIGH


class DirectiveFactory(DjangoModelFactory[cm.Directive]):
    class Meta:
        model = cm.Directive

    issuer = "吉林市安全生产委员会办公室"
    number = factory.Sequence(lambda n: f"吉市安委办〔2024〕{n + 1}号")
    issued_on = _dt.date(2024, 5, 28)
    title = "关于做好近期安全防范工作的通知"
    requirements = "全覆盖、零容忍、严执法、重实效"


class MeetingFactory(DjangoModelFactory[cm.Meeting]):
    class Meta:
        model = cm.Meeting

    title = factory.Sequence(lambda n: f"近期安全生产工作部署会{n}")
    # A meeting to come: a past one is issued only with an explicit override.
    starts_at = factory.LazyFunction(
        lambda: _dt.datetime.combine(
            _dt.date.today() + _dt.timedelta(days=14),
            _dt.time(9, 0),
            tzinfo=_dt.timezone(_dt.timedelta(hours=8)),
        )
    )
    place = "管委会三楼会议室"
    chair = "王立（管委会副主任）"
    organiser = factory.SubFactory(UnitFactory)


class MeetingAttendanceFactory(DjangoModelFactory[cm.MeetingAttendance]):
    class Meta:
        model = cm.MeetingAttendance

    meeting = factory.SubFactory(MeetingFactory)
    unit = factory.SubFactory(UnitFactory)


class ActivityFactory(DjangoModelFactory[cm.Activity]):
    class Meta:
        model = cm.Activity

    title = factory.Sequence(lambda n: f"安全生产培训{n}")
    kind = cm.Activity.Kind.TRAINING
    unit = factory.SubFactory(UnitFactory)
    date = _dt.date(2024, 6, 12)
    place = "高新区应急管理局会议室"
    participants = 40


class TaskFactory(DjangoModelFactory[cm.Task]):
    class Meta:
        model = cm.Task

    title = factory.Sequence(lambda n: f"重点领域隐患排查{n}")
    content = "按照全覆盖、零容忍、严执法、重实效的要求开展排查整治。"
    deadline = factory.LazyFunction(lambda: _dt.date.today() + _dt.timedelta(days=30))
    lead_unit = factory.SubFactory(UnitFactory)


class TaskAssignmentFactory(DjangoModelFactory[cm.TaskAssignment]):
    class Meta:
        model = cm.TaskAssignment

    task = factory.SubFactory(TaskFactory)
    unit = factory.SelfAttribute("task.lead_unit")
    role = cm.TaskAssignment.Role.LEAD
    deadline = factory.SelfAttribute("task.deadline")


# --- campaigns: meetings ---------------------------------------------------------------


class MeetingItemFactory(DjangoModelFactory[cm.MeetingItem]):
    class Meta:
        model = cm.MeetingItem

    meeting = factory.SubFactory(MeetingFactory)
    kind = cm.MeetingItem.Kind.REQUIREMENT
    order = factory.Sequence(lambda n: n + 1)
    text = "严格落实24小时值班和领导带班制度"


def draft_meeting(*, organiser: Unit, units: list[Unit] | tuple = (), **kwargs) -> cm.Meeting:
    """A draft meeting ready to issue: attending ``units`` and one requirement."""
    meeting = MeetingFactory(organiser=organiser, **kwargs)
    for unit in units:
        MeetingAttendanceFactory(meeting=meeting, unit=unit)
    MeetingItemFactory(meeting=meeting)
    return meeting


# --- campaigns: tasks ------------------------------------------------------------------


def task_for_units(*, lead: Unit, assisting: list[Unit] | tuple = (), **kwargs) -> cm.Task:
    """A task with one assignment per unit, as task_create makes them (without a user)."""
    task = TaskFactory(lead_unit=lead, **kwargs)
    TaskAssignmentFactory(task=task, unit=lead, role=cm.TaskAssignment.Role.LEAD)
    for unit in assisting:
        TaskAssignmentFactory(task=task, unit=unit, role=cm.TaskAssignment.Role.ASSIST)
    return task


class ExtensionRequestFactory(DjangoModelFactory[cm.ExtensionRequest]):
    class Meta:
        model = cm.ExtensionRequest

    assignment = factory.SubFactory(TaskAssignmentFactory)
    reason = "端午节期间排查任务集中，需延期一周"
    requested_deadline = factory.LazyAttribute(
        lambda o: o.assignment.deadline + _dt.timedelta(days=7)
    )


class ChaserFactory(DjangoModelFactory[cm.Chaser]):
    class Meta:
        model = cm.Chaser

    assignment = factory.SubFactory(TaskAssignmentFactory)
    message = "请于本周内反馈排查进展"


class ProgressReportFactory(DjangoModelFactory[cm.ProgressReport]):
    class Meta:
        model = cm.ProgressReport

    assignment = factory.SubFactory(TaskAssignmentFactory)
    period_end = _dt.date(2024, 6, 30)
    content = "已完成辖区内12家危化品企业排查"


# --- campaigns: planning and activities ------------------------------------------------


class ActivityPhotoFactory(DjangoModelFactory[cm.ActivityPhoto]):
    class Meta:
        model = cm.ActivityPhoto

    activity = factory.SubFactory(ActivityFactory)
    image = factory.django.ImageField(filename="photo.png", format="PNG", width=40, height=30)
    caption = "演练现场"
