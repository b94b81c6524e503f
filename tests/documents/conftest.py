import pytest

from safetyzone.org.models import Enterprise

from ..factories import EnterpriseFactory, KeyAreaFactory


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
