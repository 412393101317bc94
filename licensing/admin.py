from django.contrib import admin

from dairy_campaign.admin_audit import AuditedAdmin, EvidenceAdmin

from .models import ClosureNotice, FollowUpMeasure, Licence, Operator, Vehicle


@admin.register(Operator)
class OperatorAdmin(AuditedAdmin):
    list_display = ["name", "kind", "county", "credit_code", "status", "arrangement"]
    list_filter = ["kind", "status", "arrangement"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["county"]


@admin.register(Vehicle)
class VehicleAdmin(AuditedAdmin):
    list_display = ["plate", "owner", "capacity_tonnes"]
    search_fields = ["plate"]
    raw_id_fields = ["owner"]


@admin.register(Licence)
class LicenceAdmin(EvidenceAdmin):
    """A licence changes only through its decisions (services/licences.py), each with a
    reason, legal basis and document number: the back office shows it and its history."""

    list_display = ["type", "number", "operator", "status", "issued_on", "expires_on"]
    list_filter = ["type", "status"]
    search_fields = ["number", "operator__name"]
    raw_id_fields = ["operator", "vehicle", "station", "issuing_agency"]


@admin.register(FollowUpMeasure)
class FollowUpMeasureAdmin(AuditedAdmin):
    list_display = ["kind", "licence", "responsible", "due_on", "completed_on"]
    list_filter = ["kind"]
    raw_id_fields = ["licence", "responsible"]


@admin.register(ClosureNotice)
class ClosureNoticeAdmin(admin.ModelAdmin):
    list_display = ["station", "sent_at", "sent_by"]
    raw_id_fields = ["station", "sent_by"]
