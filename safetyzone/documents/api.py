from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from . import selectors, services
from .serializers import (
    DocumentExportSerializer,
    DocumentRequestSerializer,
    GeneratedDocumentSerializer,
)
from .views import file_response


class GeneratedDocumentViewSet(mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Generated documents in the user's scope; POST queues a new one, POST to export/
    an export (the ledger, the quarterly table) with its filters; DELETE removes one and
    its file (its requester or committee staff)."""

    serializer_class = GeneratedDocumentSerializer
    filterset_fields = ["kind", "status", "unit"]
    search_fields = ["filename"]
    ordering_fields = ["created_at", "finished_at"]

    def get_queryset(self):
        return selectors.document_list(user=self.request.user)

    @extend_schema(
        request=DocumentRequestSerializer,
        responses={
            201: OpenApiResponse(GeneratedDocumentSerializer, description="A new job was queued."),
            200: OpenApiResponse(
                GeneratedDocumentSerializer,
                description="A job for this subject was already queued or running: that job.",
            ),
        },
    )
    def create(self, request: Request) -> Response:
        params = DocumentRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        kind = params.validated_data["kind"]
        subject = selectors.document_subject_get(
            user=request.user, kind=kind, object_id=params.validated_data["object_id"]
        )
        try:
            document, created = services.document_request_get_or_create(
                user=request.user, kind=kind, subject=subject
            )
        except ObjectDoesNotExist as exc:
            raise NotFound from exc
        data = GeneratedDocumentSerializer(document, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The PDF, once the document is done."
            )
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        return file_response(self.get_object())

    @extend_schema(
        request=DocumentExportSerializer,
        responses={
            201: OpenApiResponse(GeneratedDocumentSerializer, description="A new job was queued."),
            200: OpenApiResponse(
                GeneratedDocumentSerializer,
                description="The same export was already queued or running: that job.",
            ),
        },
    )
    @action(detail=False, methods=["post"])
    def export(self, request: Request) -> Response:
        params = DocumentExportSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        document, created = services.document_export_request(
            user=request.user,
            kind=params.validated_data["kind"],
            query=params.validated_data["parameters"],
        )
        data = GeneratedDocumentSerializer(document, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def perform_destroy(self, instance) -> None:
        services.document_delete(actor=self.request.user, document=instance)
