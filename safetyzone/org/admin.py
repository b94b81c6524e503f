from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Enterprise, KeyArea, Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "membership", "doc_number_prefix", "is_active"]
    list_filter = ["kind", "membership", "is_active"]
    search_fields = ["name", "short_name", "doc_number_prefix"]


@admin.register(KeyArea)
class KeyAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "supervising_unit", "risk_grade", "is_active"]
    list_filter = ["risk_grade", "supervising_unit", "key_areas", "is_active"]
    search_fields = ["name", "credit_code", "address", "contact_person"]
    filter_horizontal = ["key_areas"]
    list_select_related = ["supervising_unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "unit", "is_active", "is_staff"]
    list_filter = ["unit", "groups", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email", "phone"]
    list_select_related = ["unit"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Unit and contact"), {"fields": ("unit", "display_name", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Unit and contact"), {"fields": ("unit", "display_name", "phone")}),
    )
