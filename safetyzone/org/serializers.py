from rest_framework import serializers

from safetyzone.core.api import ModelSerializer

from .models import Enterprise, KeyArea, Unit


class UnitSerializer(ModelSerializer):
    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "doc_number_prefix",
            "contact_person",
            "contact_phone",
            "membership",
            "is_active",
        ]


class KeyAreaSerializer(ModelSerializer):
    class Meta:
        model = KeyArea
        fields = ["id", "code", "name"]


class EnterpriseSerializer(ModelSerializer):
    """Shape only: the service validates against the model and the user's scope."""

    supervising_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    key_areas = serializers.PrimaryKeyRelatedField(
        queryset=KeyArea.objects.all(), many=True, required=False
    )
    supervising_unit_name = serializers.CharField(source="supervising_unit.name", read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "address",
            "industry",
            "key_areas",
            "supervising_unit",
            "supervising_unit_name",
            "contact_person",
            "contact_phone",
            "risk_grade",
            "is_active",
            "created_at",
            "updated_at",
        ]
        # Uniqueness and the code's check are the model's rules, run by the service.
        # A form-encoded request that leaves out is_active must not deactivate the record.
        extra_kwargs = {"credit_code": {"validators": []}, "is_active": {"default": True}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            from .scoping import unit_choices_for

            fields["supervising_unit"].queryset = unit_choices_for(request.user)
        return fields
