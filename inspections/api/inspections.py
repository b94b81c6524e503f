"""The inspections API."""

from rest_framework import mixins, viewsets
from rest_framework.filters import OrderingFilter

from inspections.api._common import ScopedRelationsMixin
from inspections.api.serializers.inspections import InspectionListSerializer, InspectionSerializer
from inspections.filters import InspectionFilter
from inspections.models import InspectionTask
from inspections.selectors import inspections as inspection_selectors
from inspections.services import inspections as inspection_services
from safetyzone.core.api import FilterBackend
from safetyzone.org.api import ScopedModelPermissions
from safetyzone.org.models import Enterprise, Unit, User


class InspectionViewSet(
    ScopedRelationsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    permission_classes = [ScopedModelPermissions]
    filterset_class = InspectionFilter
    filter_backends = [FilterBackend, OrderingFilter]
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
            qs = qs.prefetch_related(
                "inspectors", "answers__item", "answers__hazard", "answers__hazard_draft"
            )
        return qs

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        answers = [
            inspection_services.AnswerInput(
                item=a["item"], result=a["result"], note=a.get("note", "")
            )
            for a in data.pop("answers", [])
        ]
        # As the page does: each failed item waits as a draft hazard (hazard-drafts/).
        inspection, _drafts = inspection_services.inspection_submit(
            actor=self.request.user, answers=answers, **data
        )
        serializer.instance = self.get_queryset().get(pk=inspection.pk)
