"""The violations and enforcement actions API."""

from rest_framework import mixins, viewsets
from rest_framework.filters import OrderingFilter

from inspections.api._common import ScopedRelationsMixin
from inspections.api.serializers.enforcement import EnforcementActionSerializer, ViolationSerializer
from inspections.filters import EnforcementActionFilter, ViolationFilter
from inspections.models import Hazard, Inspection, Violation
from inspections.selectors import enforcement as enforcement_selectors
from inspections.services import enforcement as enforcement_services
from safetyzone.core.api import FilterBackend
from safetyzone.org.api import ScopedModelPermissions
from safetyzone.org.models import Enterprise, Unit


class ViolationViewSet(
    ScopedRelationsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = ViolationSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = ViolationFilter
    filter_backends = [FilterBackend, OrderingFilter]
    ordering_fields = ["date", "created_at"]
    scoped_fields = {"enterprise": Enterprise, "unit": Unit, "inspection": Inspection}

    def get_queryset(self):
        return enforcement_selectors.violation_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        violation = enforcement_services.violation_record(actor=self.request.user, **data)
        serializer.instance = violation


class EnforcementActionViewSet(
    ScopedRelationsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = EnforcementActionSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = EnforcementActionFilter
    filter_backends = [FilterBackend, OrderingFilter]
    ordering_fields = ["date", "created_at", "amount"]
    scoped_fields = {
        "enterprise": Enterprise,
        "unit": Unit,
        "inspection": Inspection,
        "hazard": Hazard,
        "violation": Violation,
    }

    def get_queryset(self):
        return enforcement_selectors.enforcement_action_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        enforcement = enforcement_services.enforcement_action_record(
            actor=self.request.user, **data
        )
        serializer.instance = enforcement
