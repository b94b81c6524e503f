"""Typed factory_boy factories for every model the tests need."""

import factory
from factory.django import DjangoModelFactory

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
