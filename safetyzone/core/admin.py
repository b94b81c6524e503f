from django.contrib import admin

from .models import SeedRun, WorkdayOverride


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "reason", "created_by"]
    list_filter = ["kind"]
    search_fields = ["reason"]
    date_hierarchy = "date"
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(SeedRun)
class SeedRunAdmin(admin.ModelAdmin):
    """Read only: the rows a run recorded are what a later run deletes."""

    list_display = ["name", "finished_at"]
    list_filter = ["finished_at"]
    search_fields = ["name"]
    readonly_fields = ["name", "arguments", "rows", "finished_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
