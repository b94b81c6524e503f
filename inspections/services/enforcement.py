"""Violations and enforcement actions."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import EnforcementAction, Hazard, Inspection, Violation
from inspections.services._common import _check_enterprise, _check_unit, _default_unit, _require
from safetyzone.org.models import Enterprise, Unit, User

# --- Violations and enforcement -------------------------------------------------------


@transaction.atomic
def violation_record(
    *,
    actor: User,
    enterprise: Enterprise,
    kind: str,
    person: str,
    description: str,
    date: dt.date | None = None,
    inspection: Inspection | None = None,
    unit: Unit | None = None,
) -> Violation:
    _require(actor, "inspections.add_violation")
    _check_enterprise(actor, enterprise)
    unit = unit or (inspection.unit if inspection else _default_unit(actor, enterprise))
    _check_unit(actor, unit, "unit")
    if inspection is not None and inspection.enterprise_id != enterprise.pk:
        raise ValidationError({"inspection": _("This inspection was of another enterprise.")})
    violation = Violation(
        enterprise=enterprise,
        unit=unit,
        kind=kind,
        person=(person or "").strip(),
        description=(description or "").strip(),
        date=date or timezone.localdate(),
        inspection=inspection,
        recorded_by=actor,
    )
    violation.full_clean()
    violation.save()
    return violation


@transaction.atomic
def enforcement_action_record(
    *,
    actor: User,
    enterprise: Enterprise,
    kind: str,
    legal_basis: str,
    date: dt.date | None = None,
    decision_number: str = "",
    amount: Decimal | None = None,
    description: str = "",
    inspection: Inspection | None = None,
    hazard: Hazard | None = None,
    violation: Violation | None = None,
    unit: Unit | None = None,
) -> EnforcementAction:
    """Record an enforcement action against an enterprise, linked to the inspection,
    hazard or violation behind it."""
    _require(actor, "inspections.add_enforcementaction")
    _check_enterprise(actor, enterprise)
    unit = unit or _default_unit(actor, enterprise)
    _check_unit(actor, unit, "unit")
    errors = {}
    if inspection is None and hazard is None and violation is None:
        errors["inspection"] = _("Link the action to an inspection, a hazard or a violation.")
    for name, linked in (("inspection", inspection), ("hazard", hazard), ("violation", violation)):
        if linked is not None and linked.enterprise_id != enterprise.pk:
            errors[name] = _("This record concerns another enterprise.")
    if errors:
        raise ValidationError(errors)
    action = EnforcementAction(
        enterprise=enterprise,
        unit=unit,
        kind=kind,
        legal_basis=(legal_basis or "").strip(),
        decision_number=(decision_number or "").strip(),
        amount=amount,
        date=date or timezone.localdate(),
        description=description,
        inspection=inspection,
        hazard=hazard,
        violation=violation,
        recorded_by=actor,
    )
    action.full_clean()
    action.save()
    return action
