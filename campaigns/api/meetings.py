"""API of directives, meetings (issue, sign for, minutes) and the document number
register. Scoped and filtered as the pages are; every change goes through a service."""

from django.core.files.uploadedfile import UploadedFile
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from safetyzone.core.api_errors import CONFLICT
from safetyzone.org.api import ScopedModelPermissions

from ..filters import DirectiveFilter, MeetingFilter
from ..models import Meeting, MeetingAttendance
from ..selectors import meetings as selectors
from ..services import meetings as services
from .serializers.meetings import (
    AttendanceSerializer,
    DirectiveSerializer,
    DocumentNumberSerializer,
    IssueSerializer,
    MeetingSerializer,
    MinutesSerializer,
)


def requires(perm: str) -> type[BasePermission]:
    """A permission class for an action that needs one Django permission."""

    class RequiresPermission(BasePermission):
        def has_permission(self, request, view) -> bool:
            return bool(request.user and request.user.has_perm(perm))

    RequiresPermission.__name__ = f"Requires_{perm.replace('.', '_')}"
    return RequiresPermission


# --- Directives ---------------------------------------------------------------------------


class DirectiveViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Directives received from higher offices: every user reads them; committee staff
    record them. The attachment is served by a login-protected page."""

    serializer_class = DirectiveSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = DirectiveFilter
    ordering_fields = ["issued_on", "created_at"]

    def get_queryset(self):
        return selectors.directive_list(user=self.request.user)

    @staticmethod
    def _attachment(data: dict, *, updating: bool) -> UploadedFile | bool | None:
        if "attachment" not in data:
            return None
        attachment = data.pop("attachment")
        if attachment is None:
            return False if updating else None
        return attachment

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        attachment = self._attachment(data, updating=False)
        serializer.instance = services.directive_create(
            actor=self.request.user, attachment=attachment, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        attachment = self._attachment(data, updating=True)
        serializer.instance = services.directive_update(
            actor=self.request.user,
            directive=serializer.instance,
            attachment=attachment,
            **data,
        )


# --- Meetings -----------------------------------------------------------------------------


@extend_schema_view(
    update=extend_schema(responses={200: MeetingSerializer, 409: CONFLICT}),
    partial_update=extend_schema(responses={200: MeetingSerializer, 409: CONFLICT}),
)
class MeetingViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Meetings: committee staff see and edit them all; a department head sees the
    issued notices of their unit (organised or attended) and signs for them. Only a
    draft can be changed; ``issue`` gives it its document number."""

    serializer_class = MeetingSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = MeetingFilter
    ordering_fields = ["starts_at", "created_at", "title"]

    def get_queryset(self):
        qs = selectors.meeting_visible(user=self.request.user)
        return selectors.meeting_with_details(qs).order_by("-starts_at", "pk")

    def _fresh(self, meeting: Meeting) -> Meeting:
        return self.get_queryset().get(pk=meeting.pk)

    def perform_create(self, serializer):
        meeting = services.meeting_create(
            actor=self.request.user, **dict(serializer.validated_data)
        )
        serializer.instance = self._fresh(meeting)

    def perform_update(self, serializer):
        meeting = services.meeting_update(
            actor=self.request.user,
            meeting=serializer.instance,
            **dict(serializer.validated_data),
        )
        serializer.instance = self._fresh(meeting)

    @extend_schema(request=IssueSerializer, responses={200: MeetingSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], permission_classes=[requires("campaigns.issue_meeting")])
    def issue(self, request: Request, pk: str | None = None) -> Response:
        """Issue a draft's notice: it gets the organising unit's next document number,
        which can never be taken back. A meeting already begun is a 400 (on
        ``starts_at``) unless ``override_past`` is true with a ``past_reason``; a notice
        already issued is a 409."""
        meeting = self.get_object()
        params = IssueSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        meeting = services.meeting_issue(
            meeting=meeting, actor=request.user, **params.validated_data
        )
        return Response(self.get_serializer(self._fresh(meeting)).data)

    @extend_schema(request=None, responses={200: AttendanceSerializer, 409: CONFLICT})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[requires("campaigns.change_meetingattendance")],
    )
    def sign(self, request: Request, pk: str | None = None) -> Response:
        """Sign for an issued notice on behalf of your unit (once; again is a no-op); a
        draft's is a 409."""
        meeting = self.get_object()
        try:
            attendance = services.meeting_sign(meeting=meeting, actor=request.user)
        except MeetingAttendance.DoesNotExist as exc:
            raise NotFound from exc
        return Response(AttendanceSerializer(attendance).data)

    @extend_schema(request=MinutesSerializer, responses={200: MeetingSerializer})
    @action(
        detail=True, methods=["post"], permission_classes=[requires("campaigns.change_meeting")]
    )
    def minutes(self, request: Request, pk: str | None = None) -> Response:
        """Record the minutes of a meeting, issued or not."""
        meeting = self.get_object()
        params = MinutesSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        meeting = services.meeting_record_minutes(
            meeting=meeting, actor=request.user, minutes=params.validated_data["minutes"]
        )
        return Response(self.get_serializer(self._fresh(meeting)).data)


# --- Document numbers ---------------------------------------------------------------------


class DocumentNumberViewSet(viewsets.ReadOnlyModelViewSet):
    """The register of document numbers given to notices (staff and admins)."""

    serializer_class = DocumentNumberSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["prefix", "year"]
    search_fields = ["prefix"]
    ordering_fields = ["issued_at", "year", "sequence"]

    def get_queryset(self):
        return selectors.document_number_list(user=self.request.user)


def register(router) -> None:
    """Add this area's viewsets to the API router."""
    router.register("directives", DirectiveViewSet, basename="directive")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("document-numbers", DocumentNumberViewSet, basename="document-number")
