"""Shapes of checklists and inspection tasks."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.models import KeyPeriod
from inspections.models import ChecklistItem, ChecklistTemplate, InspectionTask
from safetyzone.core.api import DateField, ModelSerializer
from safetyzone.org.models import Enterprise, KeyArea, Unit


class ChecklistItemSerializer(ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "order", "question", "legal_basis", "implied_level"]


class ChecklistTemplateSerializer(ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)
    key_area_name = serializers.CharField(source="key_area.name", read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "name", "key_area", "key_area_name", "description", "is_active", "items"]


class InspectionTaskSerializer(ModelSerializer):
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True)
    enterprises = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), many=True, required=False, write_only=True
    )
    target_count = serializers.IntegerField(read_only=True)
    inspected_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = InspectionTask
        fields = [
            "id",
            "title",
            "key_area",
            "key_period",
            "campaign",
            "directive",
            "description",
            "start_date",
            "deadline",
            "units",
            "enterprises",
            "target_count",
            "inspected_count",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        # The model's rules run in the service.
        return attrs


class CoverageSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    targets = serializers.IntegerField()
    inspected = serializers.IntegerField()
    percent = serializers.IntegerField()


class InspectionTaskDetailSerializer(InspectionTaskSerializer):
    """A task with its coverage per unit the reader sees."""

    coverage = serializers.SerializerMethodField()

    class Meta(InspectionTaskSerializer.Meta):
        fields = [*InspectionTaskSerializer.Meta.fields, "coverage"]

    @extend_schema_field(CoverageSerializer(many=True))
    def get_coverage(self, task) -> list:
        from inspections.selectors.tasks import task_coverage

        rows, _total = task_coverage(user=self.context["request"].user, task=task)
        return CoverageSerializer(rows, many=True).data


class FromKeyPeriodSerializer(serializers.Serializer):
    key_period = serializers.PrimaryKeyRelatedField(queryset=KeyPeriod.objects.all())
    key_areas = serializers.PrimaryKeyRelatedField(queryset=KeyArea.objects.all(), many=True)
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True)
    deadline = DateField(required=False)
    start_date = DateField(required=False)
