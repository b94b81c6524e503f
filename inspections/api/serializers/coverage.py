"""Shapes of the coverage matrix (``inspections.selectors.coverage`` defines the
figures) and of a cell drilled into."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inspections.selectors.coverage import STATES, coverage_figures
from safetyzone.core.api import DateField


class CoverageQuerySerializer(serializers.Serializer):
    """The query: a key period (by default the one under way, else the latest begun),
    and optionally one unit and one key area. A cell needs both."""

    key_period = serializers.IntegerField(
        required=False, min_value=1, help_text="Key period id; by default the current or latest."
    )
    unit = serializers.IntegerField(required=False, min_value=1, help_text="Only this unit.")
    key_area = serializers.IntegerField(
        required=False, min_value=1, help_text="Only this key area."
    )


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class CoverageKeyPeriodSerializer(NamedSerializer):
    start_date = DateField()
    end_date = DateField()


class FiguresSerializer(serializers.Serializer):
    planned = serializers.IntegerField(
        help_text="Enterprises the key period's inspection tasks planned for the unit."
    )
    planned_inspected = serializers.IntegerField(
        help_text="Planned enterprises whose planned visit an inspection answered."
    )
    inspected = serializers.IntegerField(
        help_text="Enterprises the unit inspected in the key area within the window, or "
        "answering a planned visit of the period."
    )
    supervised = serializers.IntegerField(
        help_text="Active enterprises of the key area the unit supervises."
    )
    hazards = serializers.IntegerField(help_text="Hazards found within the window.")
    open = serializers.IntegerField(help_text="Of those, not yet accepted.")
    overdue = serializers.IntegerField(help_text="Of those, open past their deadline today.")
    state = serializers.ChoiceField(
        choices=STATES,
        help_text="gap: expected some, inspected none; overdue: an overdue hazard; partial; "
        "full; waiting: expected some, but the window has not opened yet; empty: nothing "
        "expected or done.",
    )
    state_label = serializers.CharField()


class CoverageCellSerializer(serializers.Serializer):
    key_area = serializers.IntegerField(source="key_area.pk")
    figures = FiguresSerializer()


class CoverageRowSerializer(serializers.Serializer):
    unit = NamedSerializer()
    cells = CoverageCellSerializer(many=True)
    total = FiguresSerializer()


class CoverageGapSerializer(serializers.Serializer):
    unit = NamedSerializer()
    key_area = NamedSerializer()


class CoverageMatrixSerializer(serializers.Serializer):
    key_period = CoverageKeyPeriodSerializer()
    window_start = DateField(
        help_text="The first day counted: the earliest start of the period's inspection "
        "tasks, or the period's start. The window ends with the period."
    )
    today = DateField(help_text="The day overdue is judged on.")
    key_areas = NamedSerializer(many=True)
    rows = CoverageRowSerializer(many=True, help_text="One per unit; a head gets only theirs.")
    column_totals = CoverageCellSerializer(many=True, help_text="Per key area, over the rows.")
    total = FiguresSerializer()
    gaps = CoverageGapSerializer(many=True)


class CoverageEnterpriseSerializer(serializers.Serializer):
    """One enterprise of a cell drilled into."""

    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    supervising_unit = serializers.IntegerField(source="supervising_unit_id")
    last_inspected = DateField(allow_null=True)
    figures = serializers.SerializerMethodField()

    @extend_schema_field(FiguresSerializer)
    def get_figures(self, enterprise) -> dict:
        return FiguresSerializer(coverage_figures(enterprise, unit=self.context["unit"])).data
