from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from safetyzone.core.api import ModelSerializer

from .models import GeneratedDocument
from .registry import document_kinds


class GeneratedDocumentSerializer(ModelSerializer):
    kind_label = serializers.CharField(read_only=True)
    subject_type = serializers.SerializerMethodField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    download_url = serializers.SerializerMethodField()
    percent = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("How far the job is, 0 to 100; null until its rows are counted."),
    )

    class Meta:
        model = GeneratedDocument
        fields = [
            "id",
            "kind",
            "kind_label",
            "subject_type",
            "object_id",
            "unit",
            "unit_name",
            "requested_by",
            "status",
            "parameters",
            "progress_done",
            "progress_total",
            "percent",
            "filename",
            "size",
            "file_count",
            "error",
            "duration",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_subject_type(self, document: GeneratedDocument) -> str:
        # get_for_id is cached: no query per row.
        return (
            ContentType.objects.get_for_id(document.content_type_id).model_class()._meta.label_lower
        )

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, document: GeneratedDocument) -> str | None:
        if not document.is_downloadable:
            return None
        url = reverse("api:document-download", args=[document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class DocumentRequestSerializer(serializers.Serializer):
    """Shape only: the selector resolves the subject in the user's scope and the service
    decides."""

    kind = serializers.ChoiceField(choices=[])
    object_id = serializers.IntegerField(min_value=1)
    subject_type = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "The subject's model as app_label.model (e.g. org.unit); when given it must be "
            "the model of the kind."
        ),
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["kind"].choices = [(k.code, str(k.label)) for k in document_kinds()]
        return fields

    def validate(self, attrs):
        subject_type = attrs.get("subject_type")
        if subject_type:
            from .registry import get_document_kind

            expected = get_document_kind(attrs["kind"]).model.lower()
            if subject_type.lower() != expected:
                raise serializers.ValidationError(
                    {"subject_type": _("Documents of this kind are made from %s.") % expected}
                )
        return attrs


class DocumentExportSerializer(serializers.Serializer):
    """Shape only: the kind's filter form checks the parameters in the user's scope."""

    kind = serializers.ChoiceField(choices=[])
    parameters = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text=gettext_lazy(
            "The export's filters by the names of the list they come from (the ledger's: "
            "level, status, unit...; the quarterly table's: year, quarter; the evidence "
            "pack's: campaign or key_period, and units as comma-separated ids)."
        ),
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["kind"].choices = [(k.code, str(k.label)) for k in document_kinds() if k.is_export]
        return fields
