import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from dairy_campaign.filters import BoundedFilterSet, StyledFilterSet

from .models import PlanLine, PlanStatus, Rule, SamplingPlan

DATE = {"type": "date"}


class PlanFilter(StyledFilterSet):
    rule = django_filters.ChoiceFilter(choices=Rule.choices, label=_("rule"))
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label=_("status"))
    jurisdiction = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    # A plan is in the period asked for when the two overlap.
    period_from = django_filters.DateFilter(
        field_name="period_end", lookup_expr="gte", label=_("period from"), widget=forms.DateInput(attrs=DATE)
    )
    period_until = django_filters.DateFilter(
        field_name="period_start", lookup_expr="lte", label=_("period until"), widget=forms.DateInput(attrs=DATE)
    )

    class Meta:
        model = SamplingPlan
        fields = ["rule", "status", "jurisdiction", "period_from", "period_until"]


class PlanLineFilter(BoundedFilterSet):
    plan = django_filters.NumberFilter(field_name="plan_id", label=_("plan"))

    class Meta:
        model = PlanLine
        fields = ["plan"]
