from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .delivery import deliveries_enqueue, deliveries_retry
from .models import (
    ChannelPreference,
    Delivery,
    DeliveryAttempt,
    Escalation,
    EscalationRule,
    EscalationStep,
    Notification,
    ReminderRule,
    UnitWebhook,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject_label", "recipient", "kind", "reason", "due_date", "read_at"]
    list_filter = ["kind", "reason", "due_date", "created_at"]
    search_fields = ["subject_label", "message", "recipient__username", "subject_key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    raw_id_fields = ["recipient"]


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "days_before",
        "on_the_day",
        "overdue_every_days",
        "escalate_after_days",
        "minutes_before",
        "is_active",
    ]
    list_filter = ["is_active", "on_the_day", "kind"]
    search_fields = ["kind", "days_before"]


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["started_at", "succeeded", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Deliveries and their attempts; a failed one shows its error and can be retried."""

    list_display = ["notification", "channel", "status", "attempts", "error", "created_at"]
    list_filter = ["status", "channel", "created_at"]
    search_fields = ["error", "notification__subject_label", "notification__recipient__username"]
    list_select_related = ["notification"]
    readonly_fields = [
        "notification",
        "channel",
        "status",
        "attempts",
        "error",
        "created_at",
        "sent_at",
    ]
    inlines = [DeliveryAttemptInline]
    actions = ["retry"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Retry the selected deliveries"))
    def retry(self, request, queryset) -> None:
        ids = deliveries_retry(deliveries=queryset)
        deliveries_enqueue(ids)
        self.message_user(request, _("%(count)d deliveries queued again.") % {"count": len(ids)})


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(admin.ModelAdmin):
    list_display = ["delivery", "started_at", "succeeded", "error"]
    list_filter = ["succeeded", "started_at"]
    search_fields = ["error"]
    readonly_fields = ["delivery", "started_at", "succeeded", "error"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(UnitWebhook)
class UnitWebhookAdmin(admin.ModelAdmin):
    list_display = ["unit", "url", "is_active"]
    list_filter = ["is_active", "unit"]
    search_fields = ["unit__name", "url"]


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email", "webhook"]
    list_filter = ["kind", "email", "webhook"]
    search_fields = ["user__username", "user__display_name"]
    raw_id_fields = ["user"]


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    """Which reminders must be acknowledged, how long each level waits and who the
    levels are: the next run of the escalation follows a change."""

    list_display = ["subject", "requires_acknowledgement", "wait_minutes", "levels", "is_active"]
    list_filter = ["is_active", "requires_acknowledgement"]
    list_editable = ["requires_acknowledgement", "wait_minutes", "levels", "is_active"]
    search_fields = ["subject", "levels"]


class EscalationStepInline(admin.TabularInline):
    model = EscalationStep
    extra = 0
    can_delete = False
    fields = ["level", "target", "skipped", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    """The chains, for the record: made by the reminders and the beat, never by hand."""

    list_display = ["subject_label", "subject_type", "status", "level", "next_at", "started_at"]
    list_filter = ["status", "subject_type", "started_at"]
    search_fields = ["subject_label", "subject_key"]
    readonly_fields = [
        "subject_type",
        "subject_key",
        "kind",
        "subject_label",
        "subject_url",
        "message",
        "status",
        "level",
        "started_at",
        "next_at",
        "acknowledged_by",
        "acknowledged_at",
        "stopped_at",
    ]
    inlines = [EscalationStepInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(EscalationStep)
class EscalationStepAdmin(admin.ModelAdmin):
    """Every level a chain went through, for the record (read-only: made by the beat)."""

    list_display = ["escalation", "level", "target", "skipped", "created_at"]
    list_filter = ["target", "skipped", "created_at"]
    search_fields = ["escalation__subject_label", "escalation__subject_key"]
    readonly_fields = ["escalation", "level", "target", "skipped", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
