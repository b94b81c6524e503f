"""The checklists and inspection tasks API."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from inspections.api._common import ScopedRelationsMixin
from inspections.api.serializers.tasks import (
    ChecklistTemplateSerializer,
    FromKeyPeriodSerializer,
    InspectionTaskDetailSerializer,
    InspectionTaskSerializer,
)
from inspections.filters import ChecklistTemplateFilter, InspectionTaskFilter
from inspections.selectors import tasks as task_selectors
from inspections.services import tasks as task_services
from safetyzone.core.api import FilterBackend
from safetyzone.org.api import ScopedModelPermissions
from safetyzone.org.models import Enterprise, Unit


class ChecklistTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ChecklistTemplateSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = ChecklistTemplateFilter
    filter_backends = [FilterBackend, OrderingFilter]
    ordering_fields = ["name"]

    def get_queryset(self):
        return task_selectors.checklist_template_list(filters={"active_only": False})


class InspectionTaskViewSet(
    ScopedRelationsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = InspectionTaskSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = InspectionTaskFilter
    filter_backends = [FilterBackend, OrderingFilter]
    ordering_fields = ["start_date", "deadline", "created_at"]
    scoped_fields = {"units": Unit, "enterprises": Enterprise}
    # ScopedRelationsMixin scopes the units of from-key-period too (same field name).

    def get_queryset(self):
        return task_selectors.inspection_task_list(user=self.request.user).prefetch_related("units")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return InspectionTaskDetailSerializer
        if self.action == "from_key_period":
            return FromKeyPeriodSerializer
        return InspectionTaskSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        task = task_services.inspection_task_create(actor=self.request.user, **data)
        serializer.instance = task_selectors.inspection_task_list(user=self.request.user).get(
            pk=task.pk
        )

    @extend_schema(
        request=FromKeyPeriodSerializer, responses={201: InspectionTaskSerializer(many=True)}
    )
    @action(detail=False, methods=["post"], url_path="from-key-period")
    def from_key_period(self, request: Request) -> Response:
        """One step from a key period to its inspection tasks: one task per key area,
        issued to the chosen units with every enterprise of that area as a target."""
        if not request.user.has_perm("inspections.add_inspectiontask"):
            raise PermissionDenied
        params = self.get_serializer(data=request.data)
        params.is_valid(raise_exception=True)
        tasks = task_services.inspection_tasks_from_key_period(
            actor=request.user, **params.validated_data
        )
        rows = self.get_queryset().filter(pk__in=[t.pk for t in tasks])
        data = InspectionTaskSerializer(rows, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)
