"""Filters of the sweep, consignment and self-inspection lists (pages, exports and API)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from dairy_campaign.filters import StyledFilterSet
from licensing.models import OperatorKind

from .models import AreaType, Consignment, ConsignmentStatus, Den, SelfInspectionReport, SelfReportStatus, Sweep


class SweepFilter(StyledFilterSet):
    county = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    area_type = django_filters.ChoiceFilter(choices=AreaType.choices, label=_("area type"))
    swept_from = django_filters.DateFilter(field_name="swept_on", lookup_expr="gte", label=_("swept from"))
    swept_to = django_filters.DateFilter(field_name="swept_on", lookup_expr="lte", label=_("swept until"))
    left_in_place = django_filters.BooleanFilter(method="filter_left_in_place", label=_("dens not yet banned (C1)"))
    q = django_filters.CharFilter(method="search", label=_("area or leader"))

    class Meta:
        model = Sweep
        fields = ["county", "area_type", "swept_from", "swept_to", "left_in_place", "q"]

    def filter_left_in_place(self, queryset, name, value):
        unbanned = Exists(Den.objects.filter(sweep=OuterRef("pk"), banned_on__isnull=True))
        return queryset.filter(unbanned) if value else queryset.exclude(unbanned)

    def search(self, queryset, name, value):
        return queryset.filter(Q(area__icontains=value) | Q(leader__icontains=value))


class DenFilter(StyledFilterSet):
    sweep = django_filters.NumberFilter(field_name="sweep_id", label=_("sweep"), widget=forms.HiddenInput)
    banned = django_filters.BooleanFilter(field_name="banned_on", lookup_expr="isnull", exclude=True, label=_("banned"))
    county = django_filters.CharFilter(
        field_name="sweep__jurisdiction__code", lookup_expr="startswith", label=_("jurisdiction code")
    )

    class Meta:
        model = Den
        fields = ["sweep", "banned", "county"]


class ConsignmentFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(choices=ConsignmentStatus.choices, label=_("status"))
    lab = django_filters.ChoiceFilter(
        method="filter_lab",
        label=_("lab result"),
        choices=[("pending", _("Awaiting result")), ("conforming", _("Conforms")), ("failing", _("Does not conform"))],
    )
    county = django_filters.CharFilter(
        field_name="importer__county__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    arrived_from = django_filters.DateFilter(field_name="arrived_on", lookup_expr="gte", label=_("arrived from"))
    arrived_to = django_filters.DateFilter(field_name="arrived_on", lookup_expr="lte", label=_("arrived until"))
    q = django_filters.CharFilter(method="search", label=_("product, certificate or importer"))

    class Meta:
        model = Consignment
        fields = ["status", "lab", "county", "arrived_from", "arrived_to", "q"]

    def filter_lab(self, queryset, name, value):
        if value == "pending":
            return queryset.filter(lab_conforming__isnull=True)
        return queryset.filter(lab_conforming=(value == "conforming"))

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(product__icontains=value)
            | Q(health_certificate_number__icontains=value)
            | Q(importer__name__icontains=value)
        )


class SelfReportFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(choices=SelfReportStatus.choices, label=_("status"))
    kind = django_filters.ChoiceFilter(field_name="operator__kind", choices=OperatorKind.choices, label=_("kind"))
    county = django_filters.CharFilter(
        field_name="operator__county__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    # Hidden on the page: set by the operator's page link (?operator=<id>).
    operator = django_filters.NumberFilter(field_name="operator_id", label=_("operator"), widget=forms.HiddenInput)
    received_from = django_filters.DateFilter(field_name="received_on", lookup_expr="gte", label=_("received from"))
    received_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte", label=_("received until"))
    q = django_filters.CharFilter(field_name="operator__name", lookup_expr="icontains", label=_("operator name"))

    class Meta:
        model = SelfInspectionReport
        fields = ["status", "kind", "county", "operator", "received_from", "received_to", "q"]
