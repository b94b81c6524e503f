"""The duty models in the admin: lookups and corrections by the office's admin. The
duty log, handovers and the incident report chain are read-only here, as everywhere."""

from django.contrib import admin

from . import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _published(roster) -> bool:
    """A published roster changes only through the services, which check it again and
    tell the people affected; the admin corrects drafts."""
    return roster is not None and roster.is_published


class DraftOnlyAdmin(admin.ModelAdmin):
    """Rosters, shifts and their people: no bulk delete, which would reach published
    rosters past the per-object check."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ShiftInline(admin.TabularInline):
    model = models.Shift
    extra = 0
    fields = ["date", "starts_at", "ends_at", "officers_needed", "closed_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return not _published(obj) and super().has_add_permission(request, obj)


@admin.register(models.DutyRoster)
class DutyRosterAdmin(DraftOnlyAdmin):
    list_display = ["title", "unit", "start_date", "end_date", "status", "published_at"]
    list_filter = ["status", "unit", "start_date"]
    search_fields = ["title", "unit__name", "notes"]
    list_select_related = ["unit"]
    date_hierarchy = "start_date"
    # Published only by roster_publish, which runs the checks first.
    readonly_fields = ["status", "published_at", "published_by", "created_by", "ical_token"]
    inlines = [ShiftInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return not _published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not _published(obj) and super().has_delete_permission(request, obj)


class AssignmentInline(admin.TabularInline):
    model = models.ShiftAssignment
    extra = 0
    autocomplete_fields = ["person"]

    def has_add_permission(self, request, obj=None) -> bool:
        return not (obj and _published(obj.roster)) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        published = obj and _published(obj.roster)
        return not published and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        published = obj and _published(obj.roster)
        return not published and super().has_delete_permission(request, obj)


@admin.register(models.Shift)
class ShiftAdmin(DraftOnlyAdmin):
    list_display = ["date", "roster", "starts_at", "ends_at", "officers_needed", "closed_at"]
    list_filter = ["roster__status", "roster", "date"]
    search_fields = ["roster__title", "assignments__person__username", "phone"]
    list_select_related = ["roster"]
    date_hierarchy = "date"
    inlines = [AssignmentInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return not (obj and _published(obj.roster)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not (obj and _published(obj.roster)) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "roster":
            kwargs["queryset"] = models.DutyRoster.objects.filter(
                status=models.DutyRoster.Status.DRAFT
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(models.ShiftAssignment)
class ShiftAssignmentAdmin(DraftOnlyAdmin):
    list_display = ["shift", "person", "role"]
    list_filter = ["role", "shift__roster"]
    search_fields = ["person__username", "person__display_name", "shift__roster__title"]
    list_select_related = ["shift__roster", "person"]
    autocomplete_fields = ["person"]

    def has_change_permission(self, request, obj=None) -> bool:
        published = obj and _published(obj.shift.roster)
        return not published and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        published = obj and _published(obj.shift.roster)
        return not published and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "shift":
            kwargs["queryset"] = models.Shift.objects.filter(
                roster__status=models.DutyRoster.Status.DRAFT
            ).select_related("roster")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(models.ShiftChange)
class ShiftChangeAdmin(ReadOnlyAdmin):
    list_display = ["shift", "kind", "role", "person_before", "person_after", "changed_at"]
    list_filter = ["kind", "role", "changed_at"]
    search_fields = ["note", "person_before__username", "person_after__username"]
    list_select_related = ["shift__roster", "person_before", "person_after"]


@admin.register(models.Unavailability)
class UnavailabilityAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "start_date", "end_date", "note"]
    list_filter = ["kind", "start_date"]
    search_fields = ["person__username", "person__display_name", "note"]
    list_select_related = ["person"]
    autocomplete_fields = ["person"]


@admin.register(models.LeaveRequest)
class LeaveRequestAdmin(ReadOnlyAdmin):
    # Asked and decided on the leave page or the API, where the services record the leave.
    list_display = ["person", "kind", "start_date", "end_date", "status", "requested_at"]
    list_filter = ["status", "kind", "requested_at"]
    search_fields = ["person__username", "person__display_name", "reason", "decision_note"]
    list_select_related = ["person"]


@admin.register(models.SwapRequest)
class SwapRequestAdmin(ReadOnlyAdmin):
    list_display = ["shift", "requester", "counterpart", "status", "requested_at"]
    list_filter = ["status", "requested_at"]
    search_fields = ["reason", "requester__username", "counterpart__username"]
    list_select_related = ["shift__roster", "requester", "counterpart"]


@admin.register(models.DutyLogEntry)
class DutyLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "shift", "author", "corrects"]
    list_filter = ["kind", "at"]
    search_fields = ["content", "author__username"]
    list_select_related = ["shift__roster", "author", "corrects"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OpenMatterInline(admin.TabularInline):
    model = models.OpenMatter
    extra = 0
    fields = ["text", "carried_from", "closed_at", "closed_by", "closing_note"]
    readonly_fields = fields
    can_delete = False


@admin.register(models.Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ["shift", "handed_over_at", "created_by", "confirmed_at", "confirmed_by"]
    list_filter = ["handed_over_at", "confirmed_at"]
    search_fields = ["notes", "early_reason", "shift__roster__title"]
    list_select_related = ["shift__roster", "created_by", "confirmed_by"]
    inlines = [OpenMatterInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting one would drop the matters it carries over.
        return False


@admin.register(models.OpenMatter)
class OpenMatterAdmin(ReadOnlyAdmin):
    list_display = ["text", "handover", "incident", "closed_at"]
    list_filter = ["closed_at"]
    search_fields = ["text", "closing_note"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class IncidentUpdateInline(admin.TabularInline):
    model = models.IncidentUpdate
    extra = 0
    fields = ["kind", "sequence", "method", "sent_at", "received_by", "content"]
    readonly_fields = fields
    can_delete = False


@admin.register(models.IncidentReport)
class IncidentReportAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "kind", "level", "place", "reported_by", "shift"]
    list_filter = ["kind", "level", "received_at"]
    search_fields = ["place", "description", "reported_by"]
    list_select_related = ["shift__roster"]
    inlines = [IncidentUpdateInline]


@admin.register(models.IncidentUpdate)
class IncidentUpdateAdmin(ReadOnlyAdmin):
    list_display = ["report", "kind", "sequence", "method", "sent_at", "received_by"]
    list_filter = ["kind", "method", "sent_at"]
    search_fields = ["content", "received_by"]
    list_select_related = ["report"]


@admin.register(models.WeatherWarning)
class WeatherWarningAdmin(admin.ModelAdmin):
    list_display = ["kind", "level", "area", "issued_at", "valid_until", "lifted_at"]
    list_filter = ["level", "kind", "issued_at"]
    search_fields = ["area", "content", "issued_by"]
    date_hierarchy = "issued_at"


class StockMovementInline(admin.TabularInline):
    model = models.StockMovement
    extra = 0
    fields = ["moved_at", "direction", "quantity", "balance_after", "purpose", "handled_by"]
    readonly_fields = fields
    can_delete = False


@admin.register(models.EmergencyResource)
class EmergencyResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "quantity", "measure", "status", "unit", "storage_place"]
    list_filter = ["kind", "status", "unit", "last_checked_on"]
    search_fields = ["name", "specification", "storage_place", "keeper"]
    list_select_related = ["unit"]
    # Stock changes only through movements, so that none takes it below zero.
    readonly_fields = ["quantity"]
    inlines = [StockMovementInline]


@admin.register(models.StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ["moved_at", "resource", "direction", "quantity", "balance_after"]
    list_filter = ["direction", "moved_at"]
    search_fields = ["resource__name", "purpose", "handled_by"]
    list_select_related = ["resource"]


class MemberInline(admin.TabularInline):
    model = models.RescueTeamMember
    extra = 0


@admin.register(models.RescueTeam)
class RescueTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "speciality", "leader", "leader_phone", "base", "unit", "is_active"]
    list_filter = ["is_active", "unit"]
    search_fields = ["name", "speciality", "leader", "base"]
    list_select_related = ["unit"]
    inlines = [MemberInline]


@admin.register(models.RescueTeamMember)
class RescueTeamMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "phone", "team"]
    list_filter = ["team"]
    search_fields = ["name", "role", "phone"]
    list_select_related = ["team"]


@admin.register(models.StandbyAssignment)
class StandbyAssignmentAdmin(admin.ModelAdmin):
    list_display = ["key_period", "place", "team", "resource", "starts_at", "ends_at"]
    list_filter = ["key_period", "starts_at"]
    search_fields = ["place", "note", "team__name", "resource__name"]
    list_select_related = ["key_period", "team", "resource"]


@admin.register(models.CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["person", "renewed_at"]
    list_filter = ["renewed_at"]
    search_fields = ["person__username", "person__display_name"]
    readonly_fields = ["token"]


@admin.register(models.DutyReport)
class DutyReportAdmin(ReadOnlyAdmin):
    """Kept as generated and confirmed: confirmed on its page, by its leader on duty."""

    list_display = ["__str__", "duty_day", "status", "confirmed_by", "confirmed_at", "sent_at"]
    list_filter = ["status", "year"]
    search_fields = ["note", "shift__roster__title", "confirmed_by__display_name"]
    list_select_related = ["confirmed_by"]
    date_hierarchy = "duty_day"

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.DutyReportSequence)
class DutyReportSequenceAdmin(ReadOnlyAdmin):
    """The counter only moves forward through the report's generation."""

    list_display = ["year", "last_value"]
    search_fields = ["year"]
    list_filter = ["year"]
