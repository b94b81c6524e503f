import pytest

from safetyzone.org.models import Enterprise

from ..factories import EnterpriseFactory, KeyAreaFactory
from .factories import GeneratedDocumentFactory


@pytest.fixture
def enterprises_a(unit_a):
    """Unit A supervises two enterprises in key areas, with Chinese names throughout."""
    chemicals = KeyAreaFactory(code="hazardous-chemicals", name="危险化学品")
    fire = KeyAreaFactory(code="fire-safety", name="消防安全")
    first = EnterpriseFactory(
        name="吉林长白山化工有限公司",
        supervising_unit=unit_a,
        risk_grade=Enterprise.RiskGrade.MAJOR,
    )
    first.key_areas.set([chemicals, fire])
    second = EnterpriseFactory(
        name="长春硅谷建筑工程有限公司",
        supervising_unit=unit_a,
        risk_grade=Enterprise.RiskGrade.LOW,
    )
    second.key_areas.set([fire])
    return [first, second]


@pytest.fixture
def doc_a(unit_a):
    return GeneratedDocumentFactory(unit=unit_a, filename="应急管理局概况.pdf")


@pytest.fixture
def doc_b(unit_b):
    return GeneratedDocumentFactory(unit=unit_b, filename="硅谷街道概况.pdf")
