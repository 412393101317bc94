import django_filters
from django.utils.translation import gettext_lazy as _

from dairy_campaign.choices import AgencyKind, Level
from dairy_campaign.filters import StyledFilterSet

from .models import SummaryReport, SummaryStatus


class SummaryReportFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(choices=SummaryStatus.choices, label=_("status"))
    kind = django_filters.ChoiceFilter(field_name="agency__kind", choices=AgencyKind.choices, label=_("department"))
    level = django_filters.ChoiceFilter(field_name="jurisdiction__level", choices=Level.choices, label=_("level"))
    jurisdiction = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    campaign = django_filters.NumberFilter(field_name="campaign__year", label=_("year"))
    to_review = django_filters.BooleanFilter(method="filter_to_review", label=_("waiting for my review"))

    class Meta:
        model = SummaryReport
        fields = ["status", "kind", "level", "jurisdiction", "campaign", "to_review"]

    def filter_to_review(self, queryset, name, value):
        from .services.summaries import reports_to_review

        if value is None:
            return queryset
        waiting = reports_to_review(self.request.user).values("pk")
        return queryset.filter(pk__in=waiting) if value else queryset.exclude(pk__in=waiting)
