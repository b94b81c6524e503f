"""The hazards API (the ledger and a hazard's steps) and the hazard change requests."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from inspections.api._common import ScopedRelationsMixin
from inspections.api.hazard_rows import HAZARD_ROWS
from inspections.api.serializers.hazards import (
    HazardChangeRequestSerializer,
    HazardListSerializer,
    HazardSerializer,
    HazardUpdateSerializer,
    SuperviseSerializer,
)
from inspections.api.serializers.reports import AcceptSerializer, ReturnSerializer, SubmitSerializer
from inspections.filters import HazardChangeRequestFilter, HazardFilter
from inspections.models import Hazard, Inspection
from inspections.selectors import hazards as hazard_selectors
from inspections.services import hazard_changes as change_services
from inspections.services import hazards as hazard_services
from inspections.services import reports as report_services
from safetyzone.core.api import FilterBackend, GrantOrRefuseSerializer
from safetyzone.core.api_errors import CONFLICT
from safetyzone.core.uploads import protected_file_response
from safetyzone.org.api import ScopedModelPermissions
from safetyzone.org.models import Enterprise, Unit


class HazardViewSet(
    ScopedRelationsMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """The hazard ledger. ``start``, ``submit``, ``accept`` and ``return`` move a hazard
    along the allowed transitions; any other move is a 409."""

    permission_classes = [ScopedModelPermissions]
    filterset_class = HazardFilter
    filter_backends = [FilterBackend, OrderingFilter]
    ordering_fields = ["found_on", "deadline", "code", "created_at"]
    scoped_fields = {
        "enterprise": Enterprise,
        "responsible_unit": Unit,
        "inspection": Inspection,
    }
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        hazards = hazard_selectors.hazard_list(user=self.request.user)
        if self.action == "list":
            # The row's columns only (HazardListSerializer): a hazard's plan, supervision
            # and photos, and the related records' other columns, are read for one hazard.
            return hazards.only(*hazard_selectors.LEDGER_ROW_COLUMNS)
        return hazards.prefetch_related("photos")

    def list(self, request, *args, **kwargs):
        # The rows as values (hazard_rows.py), as HazardListSerializer writes them.
        hazards = self.filter_queryset(self.get_queryset())
        page = self.paginator.paginate_rows(hazards, request, self, HAZARD_ROWS)
        return self.get_paginated_response(page)

    def get_serializer_class(self):
        if self.action == "list":
            return HazardListSerializer
        if self.action in ("update", "partial_update"):
            return HazardUpdateSerializer
        return {
            "submit": SubmitSerializer,
            "accept": AcceptSerializer,
            "return_": ReturnSerializer,
            "supervise": SuperviseSerializer,
        }.get(self.action, HazardSerializer)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data["photos"] = data.pop("photo_files", [])
        hazard = hazard_services.hazard_create(actor=self.request.user, **data)
        serializer.instance = self.get_queryset().get(pk=hazard.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("photo_files", None)
        hazard = hazard_services.hazard_update(
            actor=self.request.user, hazard=serializer.instance, **data
        )
        serializer.instance = self.get_queryset().get(pk=hazard.pk)

    def _answer(self, pk) -> Response:
        hazard = self.get_queryset().get(pk=pk)
        return Response(HazardSerializer(hazard, context=self.get_serializer_context()).data)

    def _params(self, request: Request) -> dict:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(request=None, responses={200: HazardSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk=None) -> Response:
        """Reported or returned → rectifying (a major hazard needs its five
        implementations first)."""
        hazard = self.get_object()
        hazard_services.hazard_start_rectification(actor=request.user, hazard=hazard)
        return self._answer(hazard.pk)

    @extend_schema(request=SubmitSerializer, responses={200: HazardSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk=None) -> Response:
        """File the rectification report: rectifying → submitted."""
        hazard = self.get_object()
        params = self._params(request)
        evidence = params.pop("evidence_files", [])
        report_services.report_file(actor=request.user, hazard=hazard, evidence=evidence, **params)
        return self._answer(hazard.pk)

    @extend_schema(request=AcceptSerializer, responses={200: HazardSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None) -> Response:
        """Accept the pending report: submitted → accepted (closed)."""
        hazard = self.get_object()
        params = self._params(request)
        report_services.report_accept(
            actor=request.user, hazard=hazard, note=params.get("note", "")
        )
        return self._answer(hazard.pk)

    @extend_schema(request=ReturnSerializer, responses={200: HazardSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk=None) -> Response:
        """Return the pending report with a reason: submitted → returned."""
        hazard = self.get_object()
        params = self._params(request)
        report_services.report_return(actor=request.user, hazard=hazard, reason=params["reason"])
        return self._answer(hazard.pk)

    @extend_schema(
        parameters=[OpenApiParameter("photo_id", int, OpenApiParameter.PATH)],
        responses={(200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>\d+)", url_name="photo")
    def photo(self, request: Request, pk=None, photo_id=None) -> FileResponse:
        """One of the hazard's photos (the hazard is looked up in the reader's scope)."""
        hazard = self.get_object()
        photo = hazard_selectors.hazard_photo_get(user=request.user, pk=photo_id, hazard=hazard)
        return protected_file_response(photo.image, label=photo.original_name)

    @extend_schema(request=SuperviseSerializer, responses={200: HazardSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def supervise(self, request: Request, pk=None) -> Response:
        """Put a major hazard under listed supervision."""
        hazard = self.get_object()
        params = self._params(request)
        hazard_services.hazard_supervise(actor=request.user, hazard=hazard, **params)
        return self._answer(hazard.pk)


class HazardChangeRequestViewSet(
    ScopedRelationsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Requests to change a hazard's level or deadline. POST sends one (the hazard's
    unit); ``decide`` grants or refuses it (committee staff)."""

    serializer_class = HazardChangeRequestSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = HazardChangeRequestFilter
    ordering_fields = ["requested_at", "decided_at"]
    scoped_fields = {"hazard": Hazard}

    def get_queryset(self):
        return hazard_selectors.hazard_change_request_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        change = change_services.hazard_change_request(actor=self.request.user, **data)
        serializer.instance = self.get_queryset().get(pk=change.pk)

    @extend_schema(
        request=GrantOrRefuseSerializer,
        responses={200: HazardChangeRequestSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk=None) -> Response:
        """Grant or refuse a pending request (a refusal says why)."""
        change = self.get_object()
        params = GrantOrRefuseSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        change_services.hazard_change_decide(
            actor=request.user,
            request=change,
            grant=params.validated_data["grant"],
            note=params.validated_data.get("note", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=change.pk)).data)
