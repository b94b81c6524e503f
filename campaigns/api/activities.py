"""API of activities: scoped like the pages (a head sees and reports their own unit's,
staff see all), with their photos, uploaded as multipart and served through a checked
endpoint."""

from django.http import FileResponse
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.models import Activity, ActivityPhoto, Campaign
from campaigns.selectors import activities as selectors
from campaigns.services import activities as services
from safetyzone.core.api import ModelSerializer
from safetyzone.core.uploads import protected_file_response
from safetyzone.org.api import ScopedModelPermissions, service_errors
from safetyzone.org.models import Unit

from .planning import SelectorFilterSet


class ActivityFilter(SelectorFilterSet):
    apply = staticmethod(selectors.activity_filter)

    campaign = filters.ModelChoiceFilter(queryset=Campaign.objects.all())
    kind = filters.ChoiceFilter(choices=Activity.Kind.choices)
    unit = filters.ModelChoiceFilter(queryset=Unit.objects.all())
    five_into_target = filters.ChoiceFilter(choices=Activity.FiveIntoTarget.choices)
    date_from = filters.DateFilter(label="On or after this date")
    date_to = filters.DateFilter(label="On or before this date")
    is_exercise = filters.BooleanFilter(label="Drills only (true) or no drills (false)")


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


class ActivityViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Publicity and education activities of the member units."""

    serializer_class = ActivitySerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = ActivityFilter
    search_fields = ["title", "place", "summary", "drill_plan"]
    ordering_fields = ["date", "participants", "created_at"]

    def get_queryset(self):
        return selectors.activity_list(user=self.request.user).prefetch_related("photos")

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services.activity_create(
                actor=self.request.user, **serializer.validated_data
            )

    def perform_update(self, serializer):
        with service_errors():
            serializer.instance = services.activity_update(
                actor=self.request.user, activity=serializer.instance, **serializer.validated_data
            )

    @extend_schema(
        request=ActivityPhotoUploadSerializer,
        responses={201: ActivityPhotoSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
        pagination_class=None,
    )
    def photos(self, request: Request, pk: str | None = None) -> Response:
        """Add photos (multipart, field ``photos``, several allowed); all are checked
        before any is kept."""
        activity = self.get_object()
        params = ActivityPhotoUploadSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        with service_errors():
            photos = services.activity_photos_add(
                actor=request.user,
                activity=activity,
                photos=params.validated_data["photos"],
                caption=params.validated_data.get("caption", ""),
            )
        data = ActivityPhotoSerializer(photos, many=True, context=self.get_serializer_context())
        return Response(data.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("photo_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={
            (200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The image.")
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"photos/(?P<photo_id>[0-9]+)",
        url_name="photo-file",
        filter_backends=[],
    )
    def photo_file(
        self, request: Request, pk: str | None = None, photo_id: str | None = None
    ) -> FileResponse:
        """One photo of the activity, for its unit and committee staff only."""
        activity = self.get_object()
        photo = selectors.activity_photo_get(
            user=request.user, pk=photo_id, activity_pk=activity.pk
        )
        return protected_file_response(photo.image, label=photo.original_name)


def register(router) -> None:
    """Add this area's viewsets to the API router."""
    router.register("activities", ActivityViewSet, basename="activity")
