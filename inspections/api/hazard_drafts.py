"""The draft hazards API: the failed items of the inspections recorded through the API
or the phone's form, each to confirm (it becomes a hazard of the ledger) or discard (it
stays on record, with who, when and why)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from inspections.api.serializers.hazard_drafts import (
    HazardDraftConfirmSerializer,
    HazardDraftDiscardSerializer,
    HazardDraftSerializer,
)
from inspections.api.serializers.hazards import HazardSerializer
from inspections.filters import HazardDraftFilter
from inspections.selectors import hazards as hazard_selectors
from inspections.selectors import inspections as inspection_selectors
from inspections.services import hazard_drafts as draft_services
from safetyzone.core.api import FilterBackend
from safetyzone.core.api_errors import CONFLICT
from safetyzone.org.api import ScopedModelPermissions


class HazardDraftPermissions(ScopedModelPermissions):
    """Confirming or discarding (the POST steps) changes a draft: the change permission,
    which heads and inspectors hold (nobody adds a draft: submitting an inspection does)."""

    perms_map = {
        **ScopedModelPermissions.perms_map,
        "POST": ["%(app_label)s.change_%(model_name)s"],
    }


class HazardDraftViewSet(viewsets.ReadOnlyModelViewSet):
    """Draft hazards of the user's unit (every unit's for staff). ``confirm`` makes the
    draft a hazard of the ledger, ``discard`` keeps it on record with a reason; a draft
    already decided is a 409."""

    serializer_class = HazardDraftSerializer
    permission_classes = [HazardDraftPermissions]
    filterset_class = HazardDraftFilter
    filter_backends = [FilterBackend, OrderingFilter]
    ordering_fields = ["created_at", "decided_at"]

    def get_queryset(self):
        return inspection_selectors.hazard_draft_list(user=self.request.user)

    def _params(self, serializer_class, request: Request) -> dict:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(
        request=HazardDraftConfirmSerializer, responses={201: HazardSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk=None) -> Response:
        """The draft becomes a hazard of the ledger (with the item's photos); the answer
        is the hazard."""
        draft = self.get_object()
        params = self._params(HazardDraftConfirmSerializer, request)
        hazard = draft_services.hazard_draft_confirm(actor=request.user, draft=draft, **params)
        hazard = (
            hazard_selectors.hazard_list(user=request.user)
            .prefetch_related("photos")
            .get(pk=hazard.pk)
        )
        body = HazardSerializer(hazard, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=HazardDraftDiscardSerializer,
        responses={200: HazardDraftSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk=None) -> Response:
        """The failed item is no hazard: the draft stays on record as discarded, with
        the reason (required)."""
        draft = self.get_object()
        params = self._params(HazardDraftDiscardSerializer, request)
        draft_services.hazard_draft_discard(
            actor=request.user, draft=draft, reason=params["reason"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=draft.pk)).data)
