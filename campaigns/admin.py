from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class PhaseInline(admin.TabularInline):
    model = models.CampaignPhase
    extra = 0


@admin.register(models.Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "start_date", "end_date", "lead_unit"]
    list_filter = ["kind", "lead_unit", "start_date"]
    search_fields = ["name", "theme", "goals"]
    inlines = [PhaseInline]
    list_select_related = ["parent", "lead_unit"]


@admin.register(models.CampaignPhase)
class CampaignPhaseAdmin(admin.ModelAdmin):
    list_display = ["campaign", "kind", "name", "start_date", "end_date"]
    list_filter = ["kind", "campaign"]
    search_fields = ["name", "campaign__name"]
    list_select_related = ["campaign"]


@admin.register(models.KeyPeriod)
class KeyPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "risk_level", "duty_level", "campaign"]
    list_filter = ["risk_level", "duty_level", "key_areas", "start_date"]
    search_fields = ["name", "notes"]
    filter_horizontal = ["key_areas"]
    list_select_related = ["campaign"]


@admin.register(models.Directive)
class DirectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "issuer", "number", "issued_on", "campaign"]
    list_filter = ["issuer", "issued_on", "campaign"]
    search_fields = ["title", "number", "issuer", "requirements"]
    list_select_related = ["campaign"]


@admin.register(models.DocumentNumberSequence)
class DocumentNumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["prefix", "year", "last_value"]
    list_filter = ["year"]
    search_fields = ["prefix"]
    # The counter only moves forward through the issuing service.
    readonly_fields = ["prefix", "year", "last_value"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.DocumentNumber)
class DocumentNumberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "prefix", "year", "sequence", "issued_at", "issued_by"]
    list_filter = ["prefix", "year", "issued_at"]
    search_fields = ["prefix"]
    readonly_fields = ["prefix", "year", "sequence", "issued_at", "issued_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MeetingItemInline(admin.TabularInline):
    model = models.MeetingItem
    extra = 0


class AttendanceInline(admin.TabularInline):
    model = models.MeetingAttendance
    extra = 0
    readonly_fields = ["signed_at", "signed_by"]


@admin.register(models.Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    # The history shows who issued a notice and why, when its meeting was already past.
    list_display = ["title", "kind", "starts_at", "chair", "organiser", "status", "document_number"]
    list_filter = ["status", "kind", "organiser", "campaign", "starts_at"]
    search_fields = ["title", "chair", "place", "notice_body", "minutes"]
    inlines = [MeetingItemInline, AttendanceInline]
    filter_horizontal = ["key_periods", "directives"]
    readonly_fields = ["status", "document_number", "issued_at", "issued_by"]
    list_select_related = ["organiser", "document_number"]

    def get_readonly_fields(self, request, obj=None):
        # An issued notice is frozen everywhere, the admin included; only minutes change.
        if obj is not None and obj.is_issued:
            editable = {"minutes", "minutes_recorded_at"}
            return [f.name for f in obj._meta.concrete_fields if f.name not in editable] + [
                "attending_units",
                "key_periods",
                "directives",
            ]
        return self.readonly_fields

    def get_inlines(self, request, obj):
        return [] if obj is not None and obj.is_issued else self.inlines


@admin.register(models.MeetingItem)
class MeetingItemAdmin(admin.ModelAdmin):
    list_display = ["meeting", "kind", "order", "text"]
    list_filter = ["kind"]
    search_fields = ["text", "meeting__title"]
    list_select_related = ["meeting"]


@admin.register(models.MeetingAttendance)
class MeetingAttendanceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "unit", "signed_at", "signed_by"]
    list_filter = ["unit", "signed_at"]
    search_fields = ["meeting__title", "unit__name", "attendee"]
    list_select_related = ["meeting", "unit", "signed_by"]


class PhotoInline(admin.TabularInline):
    model = models.ActivityPhoto
    extra = 0


@admin.register(models.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "five_into_target", "unit", "date", "participants"]
    list_filter = ["kind", "five_into_target", "unit", "campaign", "date"]
    search_fields = ["title", "place", "summary", "drill_plan"]
    inlines = [PhotoInline]
    list_select_related = ["unit"]


@admin.register(models.ActivityPhoto)
class ActivityPhotoAdmin(admin.ModelAdmin):
    list_display = ["activity", "caption", "uploaded_by", "uploaded_at"]
    list_filter = ["uploaded_at"]
    search_fields = ["caption", "activity__title"]
    list_select_related = ["activity", "uploaded_by"]


class AssignmentInline(admin.TabularInline):
    model = models.TaskAssignment
    extra = 0


@admin.register(models.Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "deadline", "lead_unit", "campaign", "report_every"]
    list_filter = ["campaign", "lead_unit", "report_every", "deadline"]
    search_fields = ["title", "content"]
    inlines = [AssignmentInline]
    list_select_related = ["lead_unit", "campaign"]


@admin.register(models.TaskAssignment)
class TaskAssignmentAdmin(admin.ModelAdmin):
    list_display = ["task", "unit", "role", "status", "deadline", "extension_count"]
    list_filter = ["status", "role", "unit", "deadline"]
    search_fields = ["task__title", "unit__name", "feedback"]
    list_select_related = ["task", "unit"]


@admin.register(models.AssignmentAttachment)
class AssignmentAttachmentAdmin(admin.ModelAdmin):
    list_display = ["assignment", "file", "uploaded_by", "uploaded_at"]
    list_filter = ["uploaded_at"]
    search_fields = ["assignment__task__title", "file"]
    list_select_related = ["assignment__task", "assignment__unit", "uploaded_by"]


@admin.register(models.ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ["assignment", "requested_deadline", "status", "requested_at", "decided_at"]
    list_filter = ["status", "requested_at"]
    search_fields = ["assignment__task__title", "reason", "decision_note"]
    list_select_related = ["assignment__task", "assignment__unit"]


@admin.register(models.Chaser)
class ChaserAdmin(admin.ModelAdmin):
    list_display = ["assignment", "sent_at", "sent_by", "acknowledged_at"]
    list_filter = ["sent_at", "acknowledged_at"]
    search_fields = ["assignment__task__title", "message"]
    list_select_related = ["assignment__task", "assignment__unit", "sent_by"]


@admin.register(models.ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["assignment", "period_end", "submitted_by", "submitted_at"]
    list_filter = ["period_end", "submitted_at"]
    search_fields = ["assignment__task__title", "content"]
    list_select_related = ["assignment__task", "assignment__unit", "submitted_by"]


@admin.register(models.AssignmentEvent)
class AssignmentEventAdmin(admin.ModelAdmin):
    """The record of who did what: read-only, like any history."""

    list_display = ["assignment", "action", "status", "actor", "at"]
    list_filter = ["action", "status", "at"]
    search_fields = ["assignment__task__title", "assignment__unit__name", "note"]
    list_select_related = ["assignment__task", "assignment__unit", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
