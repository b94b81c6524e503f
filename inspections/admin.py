from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AnswerPhoto,
    ChecklistItem,
    ChecklistTemplate,
    EnforcementAction,
    Hazard,
    HazardChangeRequest,
    HazardCodeSequence,
    HazardDraft,
    HazardPhoto,
    Inspection,
    InspectionAnswer,
    InspectionTarget,
    InspectionTask,
    InspectionTaskUnit,
    QuarterlyReport,
    RectificationReport,
    ReportEvidence,
    Violation,
)


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "key_area", "is_active"]
    list_filter = ["key_area", "is_active"]
    search_fields = ["name", "description"]
    inlines = [ChecklistItemInline]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["template", "order", "question", "implied_level"]
    list_filter = ["template__key_area", "implied_level"]
    search_fields = ["question", "legal_basis"]
    list_select_related = ["template"]


class InspectionTaskUnitInline(admin.TabularInline):
    model = InspectionTaskUnit
    extra = 0


@admin.register(InspectionTask)
class InspectionTaskAdmin(admin.ModelAdmin):
    list_display = ["title", "key_area", "key_period", "start_date", "deadline"]
    list_filter = ["key_area", "key_period", "campaign", "deadline"]
    search_fields = ["title", "description"]
    list_select_related = ["key_area", "key_period"]
    date_hierarchy = "start_date"
    inlines = [InspectionTaskUnitInline]


@admin.register(InspectionTaskUnit)
class InspectionTaskUnitAdmin(admin.ModelAdmin):
    list_display = ["task", "unit"]
    list_filter = ["unit"]
    search_fields = ["task__title", "unit__name"]
    list_select_related = ["task", "unit"]


@admin.register(InspectionTarget)
class InspectionTargetAdmin(admin.ModelAdmin):
    list_display = ["task", "unit", "enterprise", "inspection"]
    list_filter = ["unit", "task__key_area"]
    search_fields = ["task__title", "enterprise__name"]
    list_select_related = ["task", "unit", "enterprise", "inspection"]
    raw_id_fields = ["task", "enterprise", "inspection"]


class InspectionAnswerInline(admin.TabularInline):
    model = InspectionAnswer
    extra = 0
    raw_id_fields = ["item"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "date", "unit", "key_area", "method", "is_enforcement"]
    list_filter = ["method", "is_enforcement", "unit", "key_area", "date"]
    search_fields = ["enterprise__name", "conclusion", "other_participants"]
    list_select_related = ["enterprise", "unit", "key_area"]
    date_hierarchy = "date"
    raw_id_fields = ["enterprise", "task"]
    filter_horizontal = ["inspectors"]
    inlines = [InspectionAnswerInline]


@admin.register(InspectionAnswer)
class InspectionAnswerAdmin(admin.ModelAdmin):
    list_display = ["inspection", "item", "result"]
    list_filter = ["result"]
    search_fields = ["note", "item__question", "inspection__enterprise__name"]
    list_select_related = ["inspection__enterprise", "item"]
    raw_id_fields = ["inspection", "item"]


@admin.register(AnswerPhoto)
class AnswerPhotoAdmin(admin.ModelAdmin):
    list_display = ["answer", "original_name", "uploaded_at"]
    list_filter = ["uploaded_at"]
    search_fields = [
        "original_name",
        "answer__item__question",
        "answer__inspection__enterprise__name",
    ]
    list_select_related = ["answer__item", "answer__inspection__enterprise"]
    raw_id_fields = ["answer"]


@admin.register(HazardDraft)
class HazardDraftAdmin(admin.ModelAdmin):
    list_display = ["inspection", "answer", "level", "status", "decided_by", "decided_at"]
    list_filter = ["status", "level"]
    search_fields = ["description", "reason", "inspection__enterprise__name"]
    list_select_related = ["inspection__enterprise", "answer__item", "decided_by"]
    raw_id_fields = ["inspection", "answer", "hazard"]
    readonly_fields = ["decided_by", "decided_at"]


@admin.register(HazardCodeSequence)
class HazardCodeSequenceAdmin(admin.ModelAdmin):
    list_display = ["year", "last_value"]
    search_fields = ["year"]
    list_filter = ["year"]


class HazardPhotoInline(admin.TabularInline):
    model = HazardPhoto
    extra = 0


@admin.register(Hazard)
class HazardAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "enterprise",
        "key_area",
        "level",
        "status",
        "responsible_unit",
        "deadline",
        "is_supervised",
    ]
    list_filter = [
        "status",
        "level",
        "key_area",
        "responsible_unit",
        "is_supervised",
        "is_recurrence",
        "found_on",
    ]
    search_fields = ["code", "description", "place", "enterprise__name", "responsible_person"]
    list_select_related = ["enterprise", "key_area", "responsible_unit"]
    date_hierarchy = "found_on"
    raw_id_fields = ["enterprise", "inspection", "answer", "checklist_item", "recurrence_of"]
    # The level, the deadline and listed supervision change through the services (a
    # reason in the history, the unit told), not by editing the row here.
    readonly_fields = [
        "code",
        "status",
        "level",
        "deadline",
        "is_supervised",
        "supervising_office",
        "supervision_deadline",
        "supervised_at",
        "supervised_by",
        "delisted_at",
        "delisting_office",
        "delisted_by",
        "closed_at",
        "closed_by",
    ]
    inlines = [HazardPhotoInline]


@admin.register(HazardChangeRequest)
class HazardChangeRequestAdmin(admin.ModelAdmin):
    list_display = ["hazard", "level", "deadline", "status", "requested_at", "decided_at"]
    list_filter = ["status", "requested_at"]
    search_fields = ["hazard__code", "reason", "decision_note"]
    list_select_related = ["hazard"]
    raw_id_fields = ["hazard"]
    readonly_fields = ["status", "decided_by", "decided_at", "previous_level", "previous_deadline"]


@admin.register(HazardPhoto)
class HazardPhotoAdmin(admin.ModelAdmin):
    list_display = ["hazard", "stage", "caption", "uploaded_at"]
    list_filter = ["stage", "uploaded_at"]
    search_fields = ["hazard__code", "caption"]
    list_select_related = ["hazard"]
    raw_id_fields = ["hazard"]


class ReportEvidenceInline(admin.TabularInline):
    model = ReportEvidence
    extra = 0


@admin.register(RectificationReport)
class RectificationReportAdmin(SimpleHistoryAdmin):
    list_display = ["hazard", "status", "filed_by", "filed_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status", "filed_at", "reviewed_at"]
    search_fields = ["hazard__code", "measures_taken", "review_note"]
    list_select_related = ["hazard", "filed_by", "reviewed_by"]
    raw_id_fields = ["hazard"]
    readonly_fields = ["status", "reviewed_by", "reviewed_at"]
    inlines = [ReportEvidenceInline]


@admin.register(ReportEvidence)
class ReportEvidenceAdmin(admin.ModelAdmin):
    list_display = ["report", "original_name", "kind", "uploaded_at"]
    list_filter = ["kind", "uploaded_at"]
    search_fields = ["original_name", "report__hazard__code"]
    list_select_related = ["report__hazard"]
    raw_id_fields = ["report"]


@admin.register(Violation)
class ViolationAdmin(admin.ModelAdmin):
    list_display = ["kind", "person", "enterprise", "unit", "date"]
    list_filter = ["kind", "unit", "date"]
    search_fields = ["person", "description", "enterprise__name"]
    list_select_related = ["enterprise", "unit"]
    raw_id_fields = ["enterprise", "inspection"]


@admin.register(EnforcementAction)
class EnforcementActionAdmin(admin.ModelAdmin):
    list_display = ["kind", "enterprise", "unit", "decision_number", "amount", "date"]
    list_filter = ["kind", "unit", "date"]
    search_fields = ["decision_number", "legal_basis", "enterprise__name"]
    list_select_related = ["enterprise", "unit"]
    raw_id_fields = ["enterprise", "inspection", "hazard", "violation"]


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "quarter", "hazards", "closed", "filed_by", "filed_at"]
    list_filter = ["year", "quarter", "unit"]
    search_fields = ["unit__name", "notes"]
    list_select_related = ["unit", "filed_by"]
