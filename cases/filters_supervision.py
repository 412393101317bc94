"""Filters of the listed-supervision, accountability and incident lists (pages, exports, API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dairy_campaign.filters import StyledFilterSet
from dairy_campaign.services.campaigns import local_today

from .models import Accountability, AccountabilityTrigger, IncidentReport, Listing, ListingLevel, ListingStatus
from .services.supervision import mine, overdue_ids

WHOSE_ALL = "all"


class ListingFilter(StyledFilterSet):
    """By default a user sees the listings that concern its department (those its office
    made, or those of the cases it handles); `whose=all` shows all within its jurisdiction."""

    whose = django_filters.ChoiceFilter(
        method="filter_whose",
        label=_("listings"),
        empty_label=_("my department's"),
        choices=[(WHOSE_ALL, _("all within my jurisdiction"))],
    )
    status = django_filters.ChoiceFilter(choices=ListingStatus.choices, label=_("status"))
    level = django_filters.ChoiceFilter(choices=ListingLevel.choices, label=_("level"))
    flag = django_filters.ChoiceFilter(
        method="filter_flag",
        label=_("late"),
        choices=[("overdue", _("past the deadline")), ("report_due", _("progress report late"))],
    )
    county = django_filters.CharFilter(
        field_name="case__jurisdiction__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    q = django_filters.CharFilter(method="search", label=_("case number or title"))

    class Meta:
        model = Listing
        fields = ["whose", "status", "level", "flag", "county", "q"]

    @property
    def qs(self):
        # The default applies to an unbound filter too (a page opened without a query).
        if not hasattr(self, "_qs"):
            queryset = super().qs
            everything = self.is_bound and self.form.cleaned_data.get("whose") == WHOSE_ALL
            if self.request is not None and not everything:
                queryset = mine(queryset, self.request.user)
            self._qs = queryset
        return self._qs

    def filter_whose(self, queryset, name, value):
        return queryset  # read in `qs`, where an absent value is seen too

    def filter_flag(self, queryset, name, value):
        return queryset.filter(pk__in=overdue_ids(queryset, local_today(), value))

    def search(self, queryset, name, value):
        return queryset.filter(Q(case__number__icontains=value) | Q(case__title__icontains=value))


class AccountabilityFilter(StyledFilterSet):
    trigger = django_filters.ChoiceFilter(choices=AccountabilityTrigger.choices, label=_("what happened"))
    county = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    decided_from = django_filters.DateFilter(field_name="decided_on", lookup_expr="gte", label=_("decided from"))
    decided_to = django_filters.DateFilter(field_name="decided_on", lookup_expr="lte", label=_("decided until"))
    q = django_filters.CharFilter(method="search", label=_("facts or document number"))

    class Meta:
        model = Accountability
        fields = ["trigger", "county", "decided_from", "decided_to", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(facts__icontains=value) | Q(document_number__icontains=value))


class IncidentFilter(StyledFilterSet):
    county = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    occurred_from = django_filters.DateFilter(
        field_name="occurred_at__date", lookup_expr="gte", label=pgettext_lazy("period", "from")
    )
    occurred_to = django_filters.DateFilter(
        field_name="occurred_at__date", lookup_expr="lte", label=pgettext_lazy("period", "until")
    )
    q = django_filters.CharFilter(method="search", label=_("title or products"))

    class Meta:
        model = IncidentReport
        fields = ["county", "occurred_from", "occurred_to", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(products__icontains=value))
