"""The inspections API."""

from django_filters import rest_framework as filters
from rest_framework import mixins, viewsets

from inspections.api._common import ScopedRelationsMixin
from inspections.api.serializers.inspections import InspectionListSerializer, InspectionSerializer
from inspections.models import Inspection, InspectionTask
from inspections.selectors import inspections as inspection_selectors
from inspections.services import inspections as inspection_services
from safetyzone.org.api import ScopedModelPermissions
from safetyzone.org.models import Enterprise, Unit, User


class InspectionFilter(filters.FilterSet):
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Inspection
        fields = ["enterprise", "unit", "key_area", "task", "method", "is_enforcement"]


class InspectionViewSet(
    ScopedRelationsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    permission_classes = [ScopedModelPermissions]
    filterset_class = InspectionFilter
    search_fields = ["enterprise__name", "conclusion"]
    ordering_fields = ["date", "created_at"]
    scoped_fields = {
        "enterprise": Enterprise,
        "unit": Unit,
        "task": InspectionTask,
        "inspectors": User,
    }

    def get_serializer_class(self):
        return InspectionListSerializer if self.action == "list" else InspectionSerializer

    def get_queryset(self):
        qs = inspection_selectors.inspection_list(user=self.request.user)
        if self.action != "list":
            qs = qs.prefetch_related("inspectors", "answers__item", "answers__hazard")
        return qs

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        answers = [
            inspection_services.AnswerInput(
                item=a["item"], result=a["result"], note=a.get("note", "")
            )
            for a in data.pop("answers", [])
        ]
        inspection = inspection_services.inspection_record(
            actor=self.request.user, answers=answers, **data
        )
        serializer.instance = self.get_queryset().get(pk=inspection.pk)
