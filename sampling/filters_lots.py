import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dairy_campaign.filters import StyledFilterSet

from .models import Category, Lot, LotKind, LotStatus


def _date(label, lookup):
    return django_filters.DateFilter(
        field_name="dated",
        lookup_expr=lookup,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class LotFilter(StyledFilterSet):
    kind = django_filters.ChoiceFilter(choices=LotKind.choices, label=_("kind"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    status = django_filters.ChoiceFilter(choices=LotStatus.choices, label=_("status"))
    holder = django_filters.CharFilter(field_name="operator__name", lookup_expr="icontains", label=_("held by"))
    # From the operator's page: its lots.
    operator = django_filters.NumberFilter(field_name="operator_id", label=_("held by"), widget=forms.HiddenInput)
    county = django_filters.CharFilter(
        field_name="operator__county__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    batch = django_filters.CharFilter(method="search_batch", label=_("batch number or product"))
    dated_from = _date(pgettext_lazy("period", "from"), "gte")
    dated_to = _date(pgettext_lazy("period", "until"), "lte")
    own_test_missing = django_filters.BooleanFilter(method="filter_untested", label=_("own test missing (S1)"))

    class Meta:
        model = Lot
        fields = [
            "kind",
            "category",
            "status",
            "holder",
            "operator",
            "county",
            "batch",
            "dated_from",
            "dated_to",
            "own_test_missing",
        ]

    def search_batch(self, queryset, name, value):
        return queryset.filter(Q(batch_number__icontains=value) | Q(product__icontains=value))

    def filter_untested(self, queryset, name, value):
        """S1: purchased batches without the producer's own test, or (No) the tested ones."""
        untested = queryset.untested_intake()
        return untested if value else queryset.intake().filter(own_test_mg_per_kg__isnull=False)
