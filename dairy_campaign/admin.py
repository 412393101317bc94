"""Back office. Changes made here are in the same audit trail, with the administrator and a
reason (admin_audit.AuditedAdmin); history pages show them."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .admin_audit import AuditedAdmin
from .models import Agency, Campaign, Jurisdiction, Notification, Phase, ResponsibilityLetter, User


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_en"]

    def has_add_permission(self, request):
        return False  # the GB/T 2260 tree is data, loaded by migrations

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["name", "kind", "jurisdiction"]
    list_filter = ["kind", "jurisdiction__level"]
    search_fields = ["name", "jurisdiction__code"]
    autocomplete_fields = ["jurisdiction"]


@admin.register(User)
class MemberAdmin(AuditedAdmin, UserAdmin):
    list_display = ["username", "full_name", "agency", "role", "is_active", "is_superuser"]
    list_filter = ["role", "agency__kind", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "agency__name"]
    autocomplete_fields = ["agency"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Membership"), {"fields": ["full_name", "phone", "agency", "role"]}),
    ]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin):
    list_display = ["year", "name", "starts_on", "ends_on", "summary_deadline"]
    inlines = [PhaseInline]


@admin.register(ResponsibilityLetter)
class ResponsibilityLetterAdmin(AuditedAdmin):
    list_display = ["campaign", "issuer", "jurisdiction", "signed_on", "recorded_by"]
    list_filter = ["campaign"]
    readonly_fields = ["document_sha256", "recorded_at"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    search_fields = ["title", "recipient__username"]
