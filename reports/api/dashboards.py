"""API twin of the dashboards (P4): a jurisdiction's figures, its own records and its
children's totals, for the current campaign. Scoped like the pages: a jurisdiction outside
the reader's (a neighbour city, or for a county user its own city) is a 404."""

from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from dairy_campaign.models import Jurisdiction
from dairy_campaign.services.campaigns import campaign_current, local_today

from ..statistics import SECTIONS, Rollup, rollup

FIGURE_VALUE_SCHEMA = {
    "oneOf": [{"type": "integer"}, {"type": "string", "format": "decimal"}],
    "description": "a count, or an amount (yuan, kg) as a decimal string",
}


@extend_schema_field(FIGURE_VALUE_SCHEMA)
class FigureValueField(serializers.Field):
    """Counts as integers; amounts as decimal strings, like every DRF decimal (exact)."""

    def to_representation(self, value):
        return str(value) if isinstance(value, Decimal) else value


@extend_schema_field({"type": "object", "additionalProperties": FIGURE_VALUE_SCHEMA})
class FiguresField(serializers.Field):
    def to_representation(self, value):
        return {key: FigureValueField().to_representation(v) for key, v in value.items()}


class DashboardPlaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    level = serializers.CharField()


class DashboardFigureSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="stable key, as in report snapshots and workbooks")
    label = serializers.CharField()
    decimal = serializers.BooleanField(help_text="an amount (yuan, kg) rather than a count")
    own = FigureValueField(help_text="records attached to this jurisdiction itself")
    total = FigureValueField(help_text="own records plus the totals of the jurisdictions below")


class DashboardSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    figures = DashboardFigureSerializer(many=True)


class DashboardChildSerializer(DashboardPlaceSerializer):
    figures = FiguresField(help_text="the child's totals, by figure key")


class DashboardCampaignSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    summary_deadline = serializers.DateField()
    days_to_deadline = serializers.IntegerField(help_text="whole days from today; negative once overdue")
    current_phases = serializers.ListField(child=serializers.CharField(), help_text="phase kinds under way today")


class DashboardSerializer(serializers.Serializer):
    jurisdiction = DashboardPlaceSerializer()
    campaign = DashboardCampaignSerializer()
    sections = DashboardSectionSerializer(many=True)
    children = DashboardChildSerializer(many=True, help_text="every jurisdiction directly below, zeros included")


def _place(place: Jurisdiction) -> dict:
    return {"code": place.code, "name": place.name, "name_en": place.name_en, "level": place.level}


def _dashboard(data: Rollup, campaign, today) -> dict:
    return {
        "jurisdiction": _place(data.jurisdiction),
        "campaign": {
            "year": campaign.year,
            "name": campaign.name,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "summary_deadline": campaign.summary_deadline,
            "days_to_deadline": campaign.days_to_deadline(today),
            "current_phases": [phase.kind for phase in campaign.phases.all() if phase.includes(today)],
        },
        "sections": [
            {
                "key": section.key,
                "title": str(section.title),
                "figures": [
                    {
                        "key": figure.key,
                        "label": str(figure.label),
                        "decimal": figure.decimal,
                        "own": data.own[figure.key],
                        "total": data.total[figure.key],
                    }
                    for figure in section.figures
                ],
            }
            for section in SECTIONS
        ],
        "children": [{**_place(child), "figures": figures} for child, figures in data.children],
    }


class DashboardViewSet(viewsets.GenericViewSet):
    """P4: the current campaign's figures of one jurisdiction, rolled up from the records
    below it (county → city → province)."""

    serializer_class = DashboardSerializer
    lookup_field = "code"
    lookup_value_regex = r"\d{6}"
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return Jurisdiction.objects.visible_to(self.request.user)

    @extend_schema(responses=DashboardSerializer)
    def retrieve(self, request, code=None):
        """Each section's figures (own records and total), and every child's totals."""
        place = self.get_object()
        today = local_today()
        campaign = campaign_current(today)
        if campaign is None:
            raise Http404(_("No campaign has been set up yet."))
        data = rollup(place, campaign, today=today, cached=True)
        return Response(DashboardSerializer(_dashboard(data, campaign, today)).data)


def register(router):
    """Add this module's viewsets to the reports API router."""
    router.register("dashboards", DashboardViewSet, basename="dashboard")
