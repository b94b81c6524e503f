from django.contrib import admin

from .models import GeneratedDocument


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are requested from the pages or the API and rendered by the
    worker; the admin looks them up and may delete them."""

    list_display = [
        "filename",
        "kind",
        "unit",
        "status",
        "requested_by",
        "created_at",
        "duration",
    ]
    list_filter = ["status", "kind", "unit", "created_at"]
    search_fields = ["filename", "error", "unit__name", "requested_by__username"]
    list_select_related = ["unit", "requested_by"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "kind",
        "content_type",
        "object_id",
        "unit",
        "requested_by",
        "status",
        "filename",
        "file",
        "error",
        "duration",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
