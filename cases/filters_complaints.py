"""Filters of the complaint and reward lists (pages, exports and API).

No filter searches the informant's name, phone or address: a search is a question anyone
who sees the list may ask, and its answer would reveal who told us (DESIGN §1)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dairy_campaign.filters import StyledFilterSet

from .models import Complaint, ComplaintKind, ComplaintStatus, Hotline, Reward, RewardStatus
from .services.complaints import overdue_q


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


class ComplaintFilter(StyledFilterSet):
    hotline = django_filters.ChoiceFilter(choices=Hotline.choices, label=_("hotline"))
    kind = django_filters.ChoiceFilter(choices=ComplaintKind.choices, label=_("kind"))
    status = django_filters.ChoiceFilter(choices=ComplaintStatus.choices, label=_("status"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    jurisdiction = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    received_from = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("received from"), widget=_date_input()
    )
    received_to = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("received until"), widget=_date_input()
    )
    q = django_filters.CharFilter(method="search", label=_("ticket, party or content"))

    class Meta:
        model = Complaint
        fields = ["hotline", "kind", "status", "overdue", "jurisdiction", "received_from", "received_to", "q"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(ticket_number__icontains=value)
            | Q(party_name__icontains=value)
            | Q(operator__name__icontains=value)
            | Q(content__icontains=value)
        )


class RewardFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(choices=RewardStatus.choices, label=_("status"))
    jurisdiction = django_filters.CharFilter(
        field_name="complaint__jurisdiction__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    complaint = django_filters.NumberFilter(field_name="complaint_id", label=_("complaint"))

    class Meta:
        model = Reward
        fields = ["status", "jurisdiction", "complaint"]
