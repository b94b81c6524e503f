"""Shapes of shifts and their people."""

from rest_framework import serializers

from duty.models import (
    DutyRoster,
    Shift,
    ShiftAssignment,
)
from safetyzone.core.api import DateField, DateTimeField, FieldsBuiltOnce, ModelSerializer
from safetyzone.org.models import User


class AssignmentSerializer(FieldsBuiltOnce, ModelSerializer):
    person_name = serializers.CharField(source="person", read_only=True)  # str(person)

    class Meta:
        model = ShiftAssignment
        fields = ["person", "person_name", "role"]


class ShiftSerializer(FieldsBuiltOnce, ModelSerializer):
    assignments = AssignmentSerializer(many=True, read_only=True)
    roster_title = serializers.CharField(source="roster.title", read_only=True)
    is_closed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Shift
        fields = [
            "id",
            "roster",
            "roster_title",
            "date",
            "starts_at",
            "ends_at",
            "phone",
            "officers_needed",
            "assignments",
            "closed_at",
            "is_closed",
        ]
        read_only_fields = fields


class ShiftWriteSerializer(serializers.Serializer):
    roster = serializers.PrimaryKeyRelatedField(queryset=DutyRoster.objects.all(), required=False)
    date = DateField(required=False)
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True)
    officers = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    starts_at = DateTimeField(required=False)
    ends_at = DateTimeField(required=False)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)


class CurrentShiftsSerializer(serializers.Serializer):
    now = ShiftSerializer(many=True)
    tonight = ShiftSerializer(many=True)
