"""Shapes of violations and enforcement actions."""

from rest_framework import serializers

from inspections.models import EnforcementAction, Violation
from safetyzone.core.api import ModelSerializer
from safetyzone.org.models import Enterprise, Unit


class ViolationSerializer(ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False)

    class Meta:
        model = Violation
        fields = [
            "id",
            "enterprise",
            "unit",
            "kind",
            "person",
            "date",
            "description",
            "inspection",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {"date": {"required": False}}


class EnforcementActionSerializer(ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False)

    class Meta:
        model = EnforcementAction
        fields = [
            "id",
            "kind",
            "enterprise",
            "unit",
            "legal_basis",
            "decision_number",
            "amount",
            "date",
            "description",
            "inspection",
            "hazard",
            "violation",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {"date": {"required": False}}
        # The partial unique constraint is the model's rule, checked by the service.
        validators = []
