"""API of activities: scoped like the pages (a head sees and reports their own unit's,
staff see all), with their photos, uploaded as multipart and served through a checked
endpoint."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.filters import ActivityFilter
from campaigns.selectors import activities as selectors
from campaigns.services import activities as services
from safetyzone.core.uploads import protected_file_response
from safetyzone.org.api import ScopedModelPermissions

from .serializers.activities import (
    ActivityPhotoSerializer,
    ActivityPhotoUploadSerializer,
    ActivitySerializer,
)


class ActivityViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Publicity and education activities of the member units."""

    serializer_class = ActivitySerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = ActivityFilter
    ordering_fields = ["date", "participants", "created_at"]

    def get_queryset(self):
        return selectors.activity_list(user=self.request.user).prefetch_related("photos")

    def perform_create(self, serializer):
        serializer.instance = services.activity_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
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
