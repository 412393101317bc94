"""Filters of the sample, result and referral lists (pages, exports and API)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dairy_campaign.choices import AgencyKind
from dairy_campaign.filters import StyledFilterSet

from .models import Category, LabResult, Referral, ReferralKind, ReferralStatus, Sample, SampleStatus, Verdict


class SampleFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(choices=SampleStatus.choices, label=_("custody"))
    verdict = django_filters.ChoiceFilter(
        method="filter_verdict",
        label=_("verdict"),
        choices=[("pending", _("No result yet")), *Verdict.choices],
    )
    department = django_filters.ChoiceFilter(
        field_name="agency__kind", choices=AgencyKind.choices, label=_("department")
    )
    county = django_filters.CharFilter(
        field_name="lot__operator__county__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    code = django_filters.CharFilter(field_name="code", lookup_expr="icontains", label=_("sample code"))
    sampled_from = django_filters.DateFilter(field_name="sampled_at__date", lookup_expr="gte", label=_("sampled from"))
    sampled_to = django_filters.DateFilter(field_name="sampled_at__date", lookup_expr="lte", label=_("sampled until"))
    # Hidden on the page: set by a lot's page link (?lot=<id>).
    lot = django_filters.NumberFilter(field_name="lot_id", label=_("lot"), widget=forms.HiddenInput)

    class Meta:
        model = Sample
        fields = ["status", "verdict", "department", "county", "code", "sampled_from", "sampled_to", "lot"]

    def filter_verdict(self, queryset, name, value):
        if value == "pending":
            return queryset.filter(result__isnull=True)
        return queryset.filter(result__verdict=value)


class ResultFilter(StyledFilterSet):
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices, label=_("verdict"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    reviewed = django_filters.BooleanFilter(
        field_name="reviewed_at", lookup_expr="isnull", exclude=True, label=_("reviewed")
    )
    county = django_filters.CharFilter(
        field_name="sample__lot__operator__county__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    code = django_filters.CharFilter(field_name="sample__code", lookup_expr="icontains", label=_("sample code"))
    tested_from = django_filters.DateFilter(field_name="tested_on", lookup_expr="gte", label=_("tested from"))
    tested_to = django_filters.DateFilter(field_name="tested_on", lookup_expr="lte", label=_("tested until"))

    class Meta:
        model = LabResult
        fields = ["verdict", "category", "reviewed", "county", "code", "tested_from", "tested_to"]


class ReferralFilter(StyledFilterSet):
    kind = django_filters.ChoiceFilter(choices=ReferralKind.choices, label=_("kind"))
    status = django_filters.ChoiceFilter(choices=ReferralStatus.choices, label=_("status"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("sent to my department"))
    department = django_filters.ChoiceFilter(
        field_name="to_agency__kind", choices=AgencyKind.choices, label=_("to department")
    )
    county = django_filters.CharFilter(
        field_name="lot__operator__county__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    created_from = django_filters.DateFilter(
        field_name="created_at__date", lookup_expr="gte", label=pgettext_lazy("period", "from")
    )
    created_to = django_filters.DateFilter(
        field_name="created_at__date", lookup_expr="lte", label=pgettext_lazy("period", "until")
    )
    q = django_filters.CharFilter(method="search", label=_("holder, product or sample code"))

    class Meta:
        model = Referral
        fields = ["kind", "status", "mine", "department", "county", "created_from", "created_to", "q"]

    def filter_mine(self, queryset, name, value):
        agency_id = getattr(getattr(self.request, "user", None), "agency_id", None)
        mine = Q(to_agency_id=agency_id)
        return queryset.filter(mine) if value else queryset.exclude(mine)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(lot__operator__name__icontains=value)
            | Q(lot__product__icontains=value)
            | Q(result__sample__code__icontains=value)
        )
