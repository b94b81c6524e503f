"""The inspections API under /api/v1/: scoped, filtered and ordered like the pages;
every change goes through a service. A transition the hazard's status does not allow
is a 409 Conflict; bad input a 400 with the field named."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.models import KeyPeriod
from safetyzone.core.api import FilterBackend
from safetyzone.core.api_errors import ErrorResponse409Serializer
from safetyzone.core.uploads import protected_file_response
from safetyzone.org.api import ScopedModelPermissions, as_drf_error
from safetyzone.org.models import Enterprise, KeyArea, Unit, User
from safetyzone.org.scoping import scope_queryset, unit_choices_for

from . import selectors, services
from .forms import inspector_choices
from .models import Hazard, HazardLevel, Inspection, InspectionTask, Violation
from .serializers import (
    AcceptSerializer,
    ChecklistTemplateSerializer,
    EnforcementActionSerializer,
    FromKeyPeriodSerializer,
    HazardChangeDecideSerializer,
    HazardChangeRequestSerializer,
    HazardListSerializer,
    HazardSerializer,
    HazardUpdateSerializer,
    InspectionListSerializer,
    InspectionSerializer,
    InspectionTaskDetailSerializer,
    InspectionTaskSerializer,
    RectificationReportSerializer,
    ReturnSerializer,
    SubmitSerializer,
    SuperviseSerializer,
    ViolationSerializer,
)

# The answer of a transition the hazard's status does not allow.
CONFLICT = OpenApiResponse(ErrorResponse409Serializer, description="Not allowed in this state.")


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This change is not allowed in the record's current state."
    default_code = "conflict"


def run_service(call):
    """Call a service; its ValidationError becomes a 400 with field errors, a refused
    transition a 409."""
    try:
        return call()
    except services.TransitionNotAllowed as exc:
        raise Conflict(detail=" ".join(exc.messages), code=exc.code or "conflict") from exc
    except DjangoValidationError as exc:
        raise as_drf_error(exc) from exc


class ScopedRelationsMixin:
    """Related records offered to a serializer are the ones the user may see, so that an
    id of another unit's record is refused exactly like an id that does not exist."""

    scoped_fields: dict[str, type] = {}

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        user = self.request.user
        fields = getattr(serializer, "fields", {})
        for name, model in self.scoped_fields.items():
            field = fields.get(name)
            if field is None or field.read_only:
                continue
            target = getattr(field, "child_relation", field)
            if model is Unit:
                target.queryset = unit_choices_for(user)
            elif model is User:
                target.queryset = inspector_choices(user)
            else:
                target.queryset = scope_queryset(model._default_manager.all(), user)
        return serializer


class ChecklistTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ChecklistTemplateSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["key_area", "is_active"]
    search_fields = ["name"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return selectors.checklist_template_list(filters={"active_only": False})


class InspectionTaskFilter(filters.FilterSet):
    unit = filters.ModelChoiceFilter(field_name="assignments__unit", queryset=Unit.objects.all())

    class Meta:
        model = InspectionTask
        fields = ["key_area", "key_period", "campaign", "unit"]


class InspectionTaskViewSet(
    ScopedRelationsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = InspectionTaskSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = InspectionTaskFilter
    search_fields = ["title"]
    ordering_fields = ["start_date", "deadline", "created_at"]
    scoped_fields = {"units": Unit, "enterprises": Enterprise}
    # ScopedRelationsMixin scopes the units of from-key-period too (same field name).

    def get_queryset(self):
        return selectors.inspection_task_list(user=self.request.user).prefetch_related("units")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return InspectionTaskDetailSerializer
        if self.action == "from_key_period":
            return FromKeyPeriodSerializer
        return InspectionTaskSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        task = run_service(lambda: services.inspection_task_create(actor=self.request.user, **data))
        serializer.instance = selectors.inspection_task_list(user=self.request.user).get(pk=task.pk)

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
        tasks = run_service(
            lambda: services.inspection_tasks_from_key_period(
                actor=request.user, **params.validated_data
            )
        )
        rows = self.get_queryset().filter(pk__in=[t.pk for t in tasks])
        data = InspectionTaskSerializer(rows, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


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
        qs = selectors.inspection_list(user=self.request.user)
        if self.action != "list":
            qs = qs.prefetch_related("inspectors", "answers__item", "answers__hazard")
        return qs

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        answers = [
            services.AnswerInput(item=a["item"], result=a["result"], note=a.get("note", ""))
            for a in data.pop("answers", [])
        ]
        inspection = run_service(
            lambda: services.inspection_record(actor=self.request.user, answers=answers, **data)
        )
        serializer.instance = self.get_queryset().get(pk=inspection.pk)


class HazardFilter(filters.FilterSet):
    unit = filters.ModelChoiceFilter(field_name="responsible_unit", queryset=Unit.objects.all())
    key_area = filters.ModelChoiceFilter(queryset=KeyArea.objects.all())
    level = filters.ChoiceFilter(choices=HazardLevel.choices)
    status = filters.ChoiceFilter(choices=Hazard.Status.choices)
    overdue = filters.BooleanFilter(method="filter_overdue")
    found_from = filters.DateFilter(field_name="found_on", lookup_expr="gte")
    found_until = filters.DateFilter(field_name="found_on", lookup_expr="lte")
    key_period = filters.ModelChoiceFilter(
        field_name="inspection__task__key_period",
        queryset=KeyPeriod.objects.all(),
        method="filter_key_period",
    )

    class Meta:
        model = Hazard
        fields = [
            "unit",
            "key_area",
            "level",
            "status",
            "enterprise",
            "inspection",
            "is_supervised",
            "is_recurrence",
        ]

    def filter_key_period(self, queryset, name, value):
        if value is None:
            return queryset
        ids = selectors.hazard_list(user=self.request.user, filters={"key_period": value})
        return queryset.filter(pk__in=ids.values("pk"))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = selectors.overdue_q()
        return queryset.filter(condition) if value else queryset.exclude(condition)


class HazardSearchFilter(SearchFilter):
    """The search of ``search_fields`` (code, description, enterprise's name), run as the
    ledger runs it (``selectors.hazard_search``) so that indexes can serve it."""

    def filter_queryset(self, request, queryset, view):
        terms = self.get_search_terms(request)
        return selectors.hazard_search(queryset, terms) if terms else queryset


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
    filter_backends = [FilterBackend, HazardSearchFilter, OrderingFilter]
    search_fields = ["code", "description", "enterprise__name"]
    ordering_fields = ["found_on", "deadline", "code", "created_at"]
    scoped_fields = {
        "enterprise": Enterprise,
        "responsible_unit": Unit,
        "inspection": Inspection,
    }
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        hazards = selectors.hazard_list(user=self.request.user)
        if self.action == "list":
            # The row's columns only (HazardListSerializer): a hazard's plan, supervision
            # and photos, and the related records' other columns, are read for one hazard.
            return hazards.only(*selectors.LEDGER_ROW_COLUMNS)
        return hazards.prefetch_related("photos")

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
        hazard = run_service(lambda: services.hazard_create(actor=self.request.user, **data))
        serializer.instance = self.get_queryset().get(pk=hazard.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("photo_files", None)
        hazard = run_service(
            lambda: services.hazard_update(
                actor=self.request.user, hazard=serializer.instance, **data
            )
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
        run_service(lambda: services.hazard_start_rectification(actor=request.user, hazard=hazard))
        return self._answer(hazard.pk)

    @extend_schema(request=SubmitSerializer, responses={200: HazardSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk=None) -> Response:
        """File the rectification report: rectifying → submitted."""
        hazard = self.get_object()
        params = self._params(request)
        evidence = params.pop("evidence_files", [])
        run_service(
            lambda: services.report_file(
                actor=request.user, hazard=hazard, evidence=evidence, **params
            )
        )
        return self._answer(hazard.pk)

    @extend_schema(request=AcceptSerializer, responses={200: HazardSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None) -> Response:
        """Accept the pending report: submitted → accepted (closed)."""
        hazard = self.get_object()
        params = self._params(request)
        run_service(
            lambda: services.report_accept(
                actor=request.user, hazard=hazard, note=params.get("note", "")
            )
        )
        return self._answer(hazard.pk)

    @extend_schema(request=ReturnSerializer, responses={200: HazardSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk=None) -> Response:
        """Return the pending report with a reason: submitted → returned."""
        hazard = self.get_object()
        params = self._params(request)
        run_service(
            lambda: services.report_return(
                actor=request.user, hazard=hazard, reason=params["reason"]
            )
        )
        return self._answer(hazard.pk)

    @extend_schema(
        parameters=[OpenApiParameter("photo_id", int, OpenApiParameter.PATH)],
        responses={(200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>\d+)", url_name="photo")
    def photo(self, request: Request, pk=None, photo_id=None) -> FileResponse:
        """One of the hazard's photos (the hazard is looked up in the reader's scope)."""
        hazard = self.get_object()
        photo = selectors.hazard_photo_get(user=request.user, pk=photo_id, hazard=hazard)
        return protected_file_response(photo.image, label=photo.original_name)

    @extend_schema(request=SuperviseSerializer, responses={200: HazardSerializer})
    @action(detail=True, methods=["post"])
    def supervise(self, request: Request, pk=None) -> Response:
        """Put a major hazard under listed supervision."""
        hazard = self.get_object()
        params = self._params(request)
        run_service(lambda: services.hazard_supervise(actor=request.user, hazard=hazard, **params))
        return self._answer(hazard.pk)


class HazardChangeRequestViewSet(
    ScopedRelationsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Requests to change a hazard's level or deadline. POST sends one (the hazard's
    unit); ``decide`` grants or refuses it (committee staff)."""

    serializer_class = HazardChangeRequestSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["status", "hazard"]
    ordering_fields = ["requested_at", "decided_at"]
    scoped_fields = {"hazard": Hazard}

    def get_queryset(self):
        return selectors.hazard_change_request_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        change = run_service(
            lambda: services.hazard_change_request(actor=self.request.user, **data)
        )
        serializer.instance = self.get_queryset().get(pk=change.pk)

    @extend_schema(
        request=HazardChangeDecideSerializer,
        responses={200: HazardChangeRequestSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk=None) -> Response:
        """Grant or refuse a pending request (a refusal says why)."""
        change = self.get_object()
        params = HazardChangeDecideSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        run_service(
            lambda: services.hazard_change_decide(
                actor=request.user,
                request=change,
                grant=params.validated_data["grant"],
                note=params.validated_data.get("note", ""),
            )
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=change.pk)).data)


class RectificationReportViewSet(
    ScopedRelationsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Reports as filed and reviewed. POST files a report (the hazard's ``submit``)."""

    serializer_class = RectificationReportSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["status", "hazard"]
    search_fields = ["hazard__code", "measures_taken"]
    ordering_fields = ["filed_at", "reviewed_at"]
    scoped_fields = {"hazard": Hazard}
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.report_list(user=self.request.user).prefetch_related("evidence")

    @extend_schema(
        parameters=[OpenApiParameter("evidence_id", int, OpenApiParameter.PATH)],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<evidence_id>\d+)",
        url_name="evidence",
    )
    def evidence_file(self, request: Request, pk=None, evidence_id=None) -> FileResponse:
        """One evidence file of the report (the report is looked up in the reader's scope)."""
        report = self.get_object()
        evidence = selectors.evidence_get(user=request.user, pk=evidence_id, report=report)
        return protected_file_response(evidence.file, label=evidence.original_name)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        evidence = data.pop("evidence_files", [])
        report = run_service(
            lambda: services.report_file(actor=self.request.user, evidence=evidence, **data)
        )
        serializer.instance = self.get_queryset().get(pk=report.pk)


class ViolationViewSet(
    ScopedRelationsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = ViolationSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["kind", "enterprise", "unit", "inspection"]
    search_fields = ["person", "description"]
    ordering_fields = ["date", "created_at"]
    scoped_fields = {"enterprise": Enterprise, "unit": Unit, "inspection": Inspection}

    def get_queryset(self):
        return selectors.violation_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        violation = run_service(lambda: services.violation_record(actor=self.request.user, **data))
        serializer.instance = violation


class EnforcementActionViewSet(
    ScopedRelationsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = EnforcementActionSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["kind", "enterprise", "unit", "inspection", "hazard", "violation"]
    search_fields = ["decision_number", "legal_basis", "enterprise__name"]
    ordering_fields = ["date", "created_at", "amount"]
    scoped_fields = {
        "enterprise": Enterprise,
        "unit": Unit,
        "inspection": Inspection,
        "hazard": Hazard,
        "violation": Violation,
    }

    def get_queryset(self):
        return selectors.enforcement_action_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        enforcement = run_service(
            lambda: services.enforcement_action_record(actor=self.request.user, **data)
        )
        serializer.instance = enforcement
