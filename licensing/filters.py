import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dairy_campaign.filters import StyledFilterSet
from dairy_campaign.services.campaigns import local_today

from .models import (
    Arrangement,
    FollowUpMeasure,
    Licence,
    LicenceStatus,
    LicenceType,
    MeasureKind,
    Operator,
    OperatorKind,
    OperatorStatus,
)


class OperatorFilter(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label=_("name or credit code"))
    kind = django_filters.ChoiceFilter(choices=OperatorKind.choices, label=_("kind"))
    status = django_filters.ChoiceFilter(choices=OperatorStatus.choices, label=_("status"))
    arrangement = django_filters.ChoiceFilter(choices=Arrangement.choices, label=_("operating arrangement"))
    flagged = django_filters.BooleanFilter(method="filter_flagged", label=_("contracted, subcontracted or leased (L2)"))
    county = django_filters.CharFilter(
        field_name="county__code", lookup_expr="startswith", label=_("jurisdiction code")
    )

    class Meta:
        model = Operator
        fields = ["q", "kind", "status", "arrangement", "flagged", "county"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(credit_code=value.strip().upper()))

    def filter_flagged(self, queryset, name, value):
        flagged = queryset.flagged_arrangements()
        return flagged if value else queryset.filter(arrangement=Arrangement.SELF_RUN)


class LicenceFilter(StyledFilterSet):
    type = django_filters.ChoiceFilter(choices=LicenceType.choices, label=_("type"))
    status = django_filters.ChoiceFilter(choices=LicenceStatus.choices, label=_("status"))
    county = django_filters.CharFilter(
        field_name="operator__county__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    q = django_filters.CharFilter(method="search", label=_("holder or number"))
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lt", label=_("expires before"))
    not_reviewed = django_filters.BooleanFilter(
        field_name="reviewed_on", lookup_expr="isnull", label=_("not yet re-reviewed")
    )

    class Meta:
        model = Licence
        fields = ["type", "status", "county", "q", "expires_before", "not_reviewed"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(operator__name__icontains=value) | Q(number__icontains=value))


class FollowUpFilter(StyledFilterSet):
    kind = django_filters.ChoiceFilter(choices=MeasureKind.choices, label=_("measure"))
    state = django_filters.ChoiceFilter(
        method="filter_state",
        label=_("state"),
        choices=[
            ("open", pgettext_lazy("follow-up state", "Open")),
            ("overdue", _("Overdue")),
            ("done", _("Completed")),
        ],
    )

    class Meta:
        model = FollowUpMeasure
        fields = ["kind", "state"]

    def filter_state(self, queryset, name, value):
        if value == "done":
            return queryset.filter(completed_on__isnull=False)
        queryset = queryset.open()
        return queryset.filter(due_on__lt=local_today()) if value == "overdue" else queryset
