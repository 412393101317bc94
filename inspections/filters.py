import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dairy_campaign.filters import StyledFilterSet
from licensing.models import OperatorKind

from .models import (
    Assignment,
    AssignmentSource,
    AssignmentStatus,
    Inspection,
    InspectionStatus,
    Measure,
    MeasureKind,
    MeasureStatus,
    Outcome,
)

DATE = {"type": "date"}


class InspectionFilter(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label=_("operator or checklist"))
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label=_("status"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("outcome"))
    kind = django_filters.ChoiceFilter(field_name="operator__kind", choices=OperatorKind.choices, label=_("kind"))
    jurisdiction = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    since = django_filters.DateFilter(
        field_name="inspected_on", lookup_expr="gte", label=_("inspected from"), widget=forms.DateInput(attrs=DATE)
    )
    until = django_filters.DateFilter(
        field_name="inspected_on", lookup_expr="lte", label=_("inspected until"), widget=forms.DateInput(attrs=DATE)
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("filed by me"))
    operator = django_filters.NumberFilter(field_name="operator_id", widget=forms.HiddenInput)

    class Meta:
        model = Inspection
        fields = ["q", "status", "outcome", "kind", "jurisdiction", "since", "until", "mine", "operator"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(operator__name__icontains=value) | Q(template__name__icontains=value))

    def filter_mine(self, queryset, name, value):
        return queryset.filter(inspector=self.request.user) if value else queryset


class AssignmentFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(choices=AssignmentStatus.choices, label=_("status"))
    source = django_filters.ChoiceFilter(choices=AssignmentSource.choices, label=_("source"))
    inspector = django_filters.CharFilter(
        field_name="inspector__full_name", lookup_expr="icontains", label=_("inspector")
    )
    operator = django_filters.CharFilter(field_name="operator__name", lookup_expr="icontains", label=_("operator"))
    due_before = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lte", label=_("due by"), widget=forms.DateInput(attrs=DATE)
    )

    class Meta:
        model = Assignment
        fields = ["status", "source", "inspector", "operator", "due_before"]


class MeasureFilter(StyledFilterSet):
    kind = django_filters.ChoiceFilter(choices=MeasureKind.choices, label=_("measure"))
    status = django_filters.ChoiceFilter(choices=MeasureStatus.choices, label=_("status"))
    operator = django_filters.CharFilter(
        field_name="inspection__operator__name", lookup_expr="icontains", label=_("operator")
    )
    deadline_before = django_filters.DateFilter(
        field_name="deadline", lookup_expr="lte", label=_("rectify by"), widget=forms.DateInput(attrs=DATE)
    )

    class Meta:
        model = Measure
        fields = ["kind", "status", "operator", "deadline_before"]
