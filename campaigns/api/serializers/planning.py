"""Serializers of planning: campaigns with their phases, key periods. Shape only: the
planning services check the rules."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from safetyzone.core.api import ModelSerializer
from safetyzone.org.models import KeyArea, Unit

from ...models import Campaign, CampaignPhase, KeyPeriod, RiskLevel


class CampaignPhaseSerializer(ModelSerializer):
    # Writable: on an update, a phase with its id is changed, one without is added.
    id = serializers.IntegerField(required=False)

    class Meta:
        model = CampaignPhase
        fields = ["id", "kind", "name", "start_date", "end_date", "description"]


class CampaignSerializer(ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), allow_null=True, required=False
    )
    # allow_null, not default=None: DRF leaves a field with a default out of a partial
    # update's answer when its source is missing.
    parent_name = serializers.CharField(source="parent.name", read_only=True, allow_null=True)
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    phases = CampaignPhaseSerializer(
        many=True,
        required=False,
        help_text="On an update, the phases become exactly this list: a phase left out is "
        "removed. Leave the field out to keep the phases as they are.",
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "kind",
            "parent",
            "parent_name",
            "theme",
            "start_date",
            "end_date",
            "lead_unit",
            "lead_unit_name",
            "goals",
            "phases",
            "created_at",
            "updated_at",
        ]


class CampaignCopySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2200)


@extend_schema_field(
    {
        "type": "string",
        "enum": RiskLevel.values,
        "description": "The four-colour grading: major (red), high (orange), general "
        "(yellow), low (blue).",
    }
)
class RiskLevelField(serializers.ChoiceField):
    """The key period's risk level. Its choices are those of an enterprise's risk grade
    (the same four colours); the schema names it on its own rather than give one choice
    set two names, which the schema check refuses."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=RiskLevel.choices, **kwargs)


class KeyPeriodSerializer(ModelSerializer):
    risk_level = RiskLevelField(required=False)
    key_areas = serializers.PrimaryKeyRelatedField(
        queryset=KeyArea.objects.all(), many=True, required=False
    )
    key_area_names = serializers.SlugRelatedField(
        source="key_areas", slug_field="name", many=True, read_only=True
    )
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = KeyPeriod
        fields = [
            "id",
            "name",
            "start_date",
            "end_date",
            "risk_level",
            "key_areas",
            "key_area_names",
            "duty_level",
            "extra_duty_officers",
            "holiday",
            "campaign",
            "notes",
            "created_at",
        ]
