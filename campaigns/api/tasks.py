"""The tasks API: tasks with their assignments, the steps of an assignment, extension
requests, chasers and progress reports. Scoped and filtered as the pages are (the same
selectors); the task services decide every change."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from safetyzone.core.api import FilterBackend, GrantOrRefuseSerializer
from safetyzone.core.api_errors import CONFLICT
from safetyzone.core.uploads import protected_file_response
from safetyzone.org.api import ScopedModelPermissions

from ..filters import (
    AssignmentFilter,
    ChaserFilter,
    ExtensionRequestFilter,
    ProgressReportFilter,
    TaskFilter,
    request_clock,
)
from ..models import TaskAssignment
from ..selectors import tasks as selectors
from ..services.assignments import (
    assignment_complete,
    assignment_return,
    assignment_sign,
    assignment_start,
)
from ..services.chasers import assignment_chase, chaser_acknowledge
from ..services.extensions import extension_decide, extension_request
from ..services.progress import progress_report_submit
from ..services.tasks import task_create, task_update
from .serializers.tasks import (
    ChaseInputSerializer,
    ChaserSerializer,
    CompleteInputSerializer,
    ExtensionInputSerializer,
    ExtensionRequestSerializer,
    ProgressReportSerializer,
    ReturnInputSerializer,
    TaskAssignmentDetailSerializer,
    TaskAssignmentSerializer,
    TaskSerializer,
)


class ScopedViewPermissions(ScopedModelPermissions):
    """The view permission for reads and for the steps (POST actions) alike: the service
    of each step decides who may take it (403 otherwise)."""

    perms_map = {**ScopedModelPermissions.perms_map, "POST": ["%(app_label)s.view_%(model_name)s"]}


class _ClockMixin:
    filter_backends = [FilterBackend, OrderingFilter]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["light_clock"] = request_clock(self.request)
        return context


# --- Tasks -----------------------------------------------------------------------------


class TaskViewSet(
    _ClockMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Tasks (督办事项) with their assignments; staff create and edit them."""

    serializer_class = TaskSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = TaskFilter
    ordering_fields = ["deadline", "created_at", "title"]

    def get_queryset(self):
        return selectors.task_list(user=self.request.user, clock=request_clock(self.request))

    def perform_create(self, serializer):
        task = task_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = selectors.task_get(user=self.request.user, pk=task.pk)

    def perform_update(self, serializer):
        task = task_update(
            actor=self.request.user,
            task=serializer.instance,
            **serializer.validated_data,
        )
        serializer.instance = selectors.task_get(user=self.request.user, pk=task.pk)


# --- Assignments and their steps -------------------------------------------------------

_STEP_RESPONSES = {200: TaskAssignmentDetailSerializer, 409: CONFLICT}


@extend_schema_view(retrieve=extend_schema(responses=TaskAssignmentDetailSerializer))
class TaskAssignmentViewSet(_ClockMixin, viewsets.ReadOnlyModelViewSet):
    """Each unit's assignment of a task; a department head sees their own unit's."""

    permission_classes = [ScopedViewPermissions]
    filterset_class = AssignmentFilter
    ordering_fields = ["deadline", "status"]
    queryset = TaskAssignment.objects.none()  # for the schema; get_queryset scopes

    def get_queryset(self):
        qs = selectors.assignment_list(
            user=self.request.user, clock=request_clock(self.request)
        ).prefetch_related("attachments", "progress_reports")
        if self.action != "list":
            qs = qs.prefetch_related("events")
        return qs

    def get_serializer_class(self):
        if self.action == "list":
            return TaskAssignmentSerializer
        return TaskAssignmentDetailSerializer

    def _fresh(self) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=None, responses=_STEP_RESPONSES)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        """The unit signs for (签收) its assignment: issued → signed."""
        assignment_sign(assignment=self.get_object(), actor=request.user)
        return self._fresh()

    @extend_schema(request=None, responses=_STEP_RESPONSES)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        """The unit starts work: signed or returned → in progress."""
        assignment_start(assignment=self.get_object(), actor=request.user)
        return self._fresh()

    @extend_schema(
        request={
            "multipart/form-data": CompleteInputSerializer,
            "application/json": CompleteInputSerializer,
        },
        responses=_STEP_RESPONSES,
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """The unit reports it done with feedback and optional images or PDFs."""
        assignment = self.get_object()
        data = CompleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment_complete(
            assignment=assignment,
            actor=request.user,
            feedback=data.validated_data.get("feedback", ""),
            attachments=data.validated_data.get("attachments", []),
        )
        return self._fresh()

    @extend_schema(request=ReturnInputSerializer, responses=_STEP_RESPONSES)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request: Request, pk: str | None = None) -> Response:
        """Staff return a done assignment with a reason: done → returned."""
        assignment = self.get_object()
        data = ReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment_return(
            assignment=assignment,
            actor=request.user,
            reason=data.validated_data.get("reason", ""),
        )
        return self._fresh()

    @extend_schema(request=ChaseInputSerializer, responses={201: ChaserSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def chase(self, request: Request, pk: str | None = None) -> Response:
        """Staff chase (催办) the unit; the unit sees the chaser until it signs for it."""
        assignment = self.get_object()
        data = ChaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        chaser = assignment_chase(
            assignment=assignment,
            actor=request.user,
            message=data.validated_data.get("message", ""),
        )
        return Response(ChaserSerializer(chaser).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ExtensionInputSerializer, responses={201: ExtensionRequestSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request: Request, pk: str | None = None) -> Response:
        """The unit asks for a later deadline, with a reason."""
        assignment = self.get_object()
        data = ExtensionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extension = extension_request(
            assignment=assignment,
            actor=request.user,
            reason=data.validated_data.get("reason", ""),
            requested_deadline=data.validated_data.get("requested_deadline"),
        )
        return Response(ExtensionRequestSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The attached image or PDF."
            )
        }
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_pk>[0-9]+)",
        url_name="attachment",
    )
    def attachment(self, request: Request, pk: str | None = None, attachment_pk: str = ""):
        """One attached file, served only within the caller's scope."""
        assignment = self.get_object()
        attachment = selectors.attachment_get(user=request.user, pk=attachment_pk)
        if attachment.assignment_id != assignment.pk:
            raise Http404
        return protected_file_response(attachment.file, label=attachment.original_name)


# --- Extension requests, chasers, progress reports -------------------------------------


class ExtensionRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Units' requests for more time; staff decide them."""

    serializer_class = ExtensionRequestSerializer
    permission_classes = [ScopedViewPermissions]
    filterset_class = ExtensionRequestFilter
    filter_backends = [FilterBackend, OrderingFilter]
    ordering_fields = ["requested_at", "requested_deadline"]

    def get_queryset(self):
        return selectors.extension_request_list(user=self.request.user)

    @extend_schema(
        request=GrantOrRefuseSerializer, responses={200: ExtensionRequestSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Staff grant (the deadline moves, the count grows) or refuse (with a note)."""
        extension = self.get_object()
        data = GrantOrRefuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = extension_decide(
            request=extension,
            actor=request.user,
            grant=data.validated_data["grant"],
            note=data.validated_data.get("note", ""),
        )
        return Response(self.get_serializer(decided).data)


class ChaserViewSet(viewsets.ReadOnlyModelViewSet):
    """Chaser notices (催办) sent to units; the unit signs for each."""

    serializer_class = ChaserSerializer
    permission_classes = [ScopedViewPermissions]
    filterset_class = ChaserFilter
    filter_backends = [FilterBackend, OrderingFilter]
    ordering_fields = ["sent_at"]

    def get_queryset(self):
        return selectors.chaser_list(user=self.request.user)

    @extend_schema(request=None, responses={200: ChaserSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        """The unit signs for the chaser."""
        chaser = chaser_acknowledge(chaser=self.get_object(), actor=request.user)
        return Response(self.get_serializer(chaser).data)


@extend_schema_view(create=extend_schema(responses={201: ProgressReportSerializer, 409: CONFLICT}))
class ProgressReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Periodic progress reports on assignments; the unit files them."""

    serializer_class = ProgressReportSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = ProgressReportFilter
    filter_backends = [FilterBackend, OrderingFilter]
    ordering_fields = ["period_end", "submitted_at"]

    def get_queryset(self):
        return selectors.progress_report_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = progress_report_submit(
            assignment=data["assignment"],
            actor=self.request.user,
            period_end=data.get("period_end"),
            content=data.get("content", ""),
        )


def register(router) -> None:
    """Add this area's viewsets to the API router."""
    router.register("tasks", TaskViewSet, basename="task")
    router.register("task-assignments", TaskAssignmentViewSet, basename="taskassignment")
    router.register("extension-requests", ExtensionRequestViewSet, basename="extensionrequest")
    router.register("chasers", ChaserViewSet, basename="chaser")
    router.register("progress-reports", ProgressReportViewSet, basename="progressreport")
