"""Serializers of activities and their photos. Shape only: the activity services check
the kind's rules and the unit."""

from django.urls import reverse
from rest_framework import serializers

from safetyzone.core.api import ModelSerializer
from safetyzone.org.models import Unit

from ...models import Activity, ActivityPhoto, Campaign


class ActivityPhotoSerializer(ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The image, for whoever may see it.")

    class Meta:
        model = ActivityPhoto
        fields = ["id", "caption", "url", "uploaded_at"]

    def get_url(self, photo: ActivityPhoto) -> str:
        path = reverse("api:activity-photo-file", args=[photo.activity_id, photo.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ActivitySerializer(ModelSerializer):
    """Shape only: the service checks the kind's rules and the unit."""

    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        required=False,
        help_text="A department head reports for their own unit (the default).",
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), allow_null=True, required=False
    )
    is_exercise = serializers.BooleanField(
        read_only=True,
        help_text="A drill is an exercise (演练), never a real event.",
    )
    photos = ActivityPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "kind",
            "is_exercise",
            "five_into_target",
            "drill_plan",
            "campaign",
            "unit",
            "unit_name",
            "date",
            "place",
            "participants",
            "summary",
            "photos",
            "created_at",
            "updated_at",
        ]


class ActivityPhotoUploadSerializer(serializers.Serializer):
    photos = serializers.ListField(
        child=serializers.FileField(),
        allow_empty=False,
        help_text="One or more images (JPEG, PNG, WebP), checked by their content.",
    )
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True)
