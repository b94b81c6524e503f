"""The document kinds of the documents app itself. Domain apps register theirs the same
way from their own AppConfig.ready()."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safetyzone.org.models import Enterprise, Unit

from .registry import DocumentKind, register_document_kind


def unit_profile_context(unit: Unit) -> dict[str, Any]:
    enterprises = list(
        unit.enterprises.filter(is_active=True).prefetch_related("key_areas").order_by("name", "pk")
    )
    grades = {grade: 0 for grade in Enterprise.RiskGrade.values}
    for enterprise in enterprises:
        grades[enterprise.risk_grade] += 1
    return {
        "unit": unit,
        "enterprises": enterprises,
        "grade_counts": [(label, grades[value]) for value, label in Enterprise.RiskGrade.choices],
        "generated_at": timezone.localtime(),
    }


def unit_profile_filename(unit: Unit) -> str:
    return gettext("%(unit)s - unit profile") % {"unit": unit.name} + ".pdf"


def register() -> None:
    register_document_kind(
        DocumentKind(
            code="unit_profile",
            label=_("Unit profile"),
            template="documents/pdf/unit_profile.html",
            model="org.Unit",
            context=unit_profile_context,
            filename=unit_profile_filename,
            permission="org.view_unit",
        )
    )
