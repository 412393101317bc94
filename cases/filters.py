"""Filters of the case and police-referral lists (pages, exports and API)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dairy_campaign.choices import AgencyKind
from dairy_campaign.filters import StyledFilterSet

from .models import Case, CaseStatus, PoliceReferral, PoliceReferralStatus, SourceKind, Violation
from .services.cases import CASE_KINDS
from .services.police import late_referral_q

CASE_KINDS_CHOICES = [(k, label) for k, label in AgencyKind.choices if k in CASE_KINDS]


def late_referral_exists():
    """C2: the case has a referral slower than its department's limit."""
    return Exists(PoliceReferral.objects.filter(late_referral_q(), case=OuterRef("pk")))


class CaseFilter(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label=_("number, title or party"))
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("status"))
    source = django_filters.ChoiceFilter(
        field_name="source_kind", choices=SourceKind.choices, label=pgettext_lazy("case", "source")
    )
    violation = django_filters.ChoiceFilter(method="filter_violation", choices=Violation.choices, label=_("violation"))
    department = django_filters.ChoiceFilter(
        field_name="agency__kind", choices=CASE_KINDS_CHOICES, label=_("department")
    )
    major = django_filters.BooleanFilter(label=_("major case"))
    cross_region = django_filters.BooleanFilter(label=_("cross-region case"))
    jurisdiction = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    clue_from = django_filters.DateFilter(field_name="clue_at__date", lookup_expr="gte", label=_("clue from"))
    clue_to = django_filters.DateFilter(field_name="clue_at__date", lookup_expr="lte", label=_("clue until"))
    late_referral = django_filters.BooleanFilter(method="filter_late", label=_("late police referral"))
    # Hidden on the page: set by an operator's page link (?operator=<id>).
    operator = django_filters.NumberFilter(field_name="operator_id", label=_("party"), widget=forms.HiddenInput)

    class Meta:
        model = Case
        fields = [
            "q",
            "status",
            "source",
            "violation",
            "department",
            "major",
            "cross_region",
            "jurisdiction",
            "clue_from",
            "clue_to",
            "late_referral",
            "operator",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__icontains=value)
            | Q(title__icontains=value)
            | Q(party_name__icontains=value)
            | Q(operator__name__icontains=value)
        )

    def filter_violation(self, queryset, name, value):
        # The list is stored as JSON text on every database: match the quoted value, which
        # no other violation's value contains.
        return queryset.filter(violations__icontains=f'"{value}"')

    def filter_late(self, queryset, name, value):
        late = late_referral_exists()
        return queryset.filter(late) if value else queryset.exclude(late)


class PoliceReferralFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(choices=PoliceReferralStatus.choices, label=_("status"))
    late = django_filters.BooleanFilter(method="filter_late", label=_("late referral"))
    jurisdiction = django_filters.CharFilter(
        field_name="case__jurisdiction__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    referred_from = django_filters.DateFilter(field_name="referred_on", lookup_expr="gte", label=_("referred from"))
    referred_to = django_filters.DateFilter(field_name="referred_on", lookup_expr="lte", label=_("referred until"))

    class Meta:
        model = PoliceReferral
        fields = ["status", "late", "jurisdiction", "referred_from", "referred_to"]

    def filter_late(self, queryset, name, value):
        late = late_referral_q()
        return queryset.filter(late) if value else queryset.exclude(late)
