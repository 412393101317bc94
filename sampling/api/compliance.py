"""API twin of the compliance dashboards (Q6): each rule's live compliance per county, and
one rule's per unit, paginated. Same selectors as the pages, starting from visible_to(user)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .. import selectors
from ..selectors import RULE_KINDS, RULES, UNITS, compliance_by_county, compliance_period, compliance_units

UNIT_KINDS = sorted({kind for kinds in RULE_KINDS.values() for kind in kinds})


class ComplianceQuerySerializer(serializers.Serializer):
    """`from` and `until` bound the period (default: the current campaign up to today)."""

    rule = serializers.ChoiceField(choices=RULES, required=False, help_text="one rule; every rule when omitted")
    county = serializers.RegexField(
        r"^\d{0,6}$", required=False, allow_blank=True, default="", help_text="jurisdiction code prefix"
    )

    def get_fields(self):
        fields = super().get_fields()
        # `from` is a Python keyword: the field is added by name.
        fields["from"] = serializers.DateField(required=False, help_text="first day of the period")
        fields["until"] = serializers.DateField(required=False, help_text="last day (never past today)")
        return fields


class ComplianceUnitQuerySerializer(ComplianceQuerySerializer):
    rule = serializers.ChoiceField(choices=list(UNITS), help_text="the rule measured per unit")
    kind = serializers.ChoiceField(choices=UNIT_KINDS, required=False, help_text="kind of unit")
    short = serializers.BooleanField(required=False, default=False, help_text="only the units falling short")


class CountyComplianceSerializer(serializers.Serializer):
    rule = serializers.CharField()
    county_code = serializers.CharField()
    county_name = serializers.CharField()
    kind = serializers.CharField(help_text="kind of unit (Q2, Q5), empty otherwise")
    kind_label = serializers.CharField()
    units = serializers.IntegerField(help_text="operators or vehicles the rule applies to")
    base = serializers.IntegerField(
        help_text="batches (Q1, S1), units (Q2), farms (Q3), weeks due (Q4), samples due (Q5)"
    )
    required = serializers.IntegerField(help_text="the rule's minimum")
    done = serializers.IntegerField(help_text="what was sampled (S1: batches tested by the producer)")
    shortfall = serializers.IntegerField(help_text="what is still missing")
    short_units = serializers.IntegerField(help_text="units falling short (Q3: farms not yet sampled)")
    percent = serializers.IntegerField(help_text="done / base, whole percent rounded down")


class UnitComplianceSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="operator id, or vehicle id when kind is vehicle")
    kind = serializers.CharField(source="unit_kind")
    kind_label = serializers.SerializerMethodField()
    name = serializers.CharField(help_text="name, or plate number of a vehicle")
    operator = serializers.IntegerField(source="operator_id", help_text="the operator, or a vehicle's owner")
    county_code = serializers.CharField(source="county_id")
    county_name = serializers.SerializerMethodField()
    base = serializers.IntegerField()
    required = serializers.IntegerField(allow_null=True, help_text="null for Q3: its minimum is per county")
    done = serializers.IntegerField()
    shortfall = serializers.IntegerField(allow_null=True)
    untested = serializers.IntegerField(required=False, help_text="Q1: batches without the producer's own test (S1)")
    samples = serializers.IntegerField(required=False, help_text="Q5: samples of infant formula in the period")
    missed_weeks = serializers.ListField(
        child=serializers.DateField(), required=False, help_text="Q4: Mondays of the weeks without a sample"
    )

    @extend_schema_field(OpenApiTypes.STR)
    def get_kind_label(self, row) -> str:
        return selectors.kind_label(row["unit_kind"])

    @extend_schema_field(OpenApiTypes.STR)
    def get_county_name(self, row) -> str:
        return selectors.unit_county_name(row)


def _query(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    return {**data, "period": compliance_period(start=data.get("from"), end=data.get("until"))}


class ComplianceViewSet(viewsets.GenericViewSet):
    """Q6: each sampling rule's live compliance per county and per unit, with the shortfall."""

    serializer_class = CountyComplianceSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(parameters=[ComplianceQuerySerializer], responses=CountyComplianceSerializer(many=True))
    def list(self, request):
        """Per county (and kind of unit for Q2 and Q5), for one rule or all of them."""
        query = _query(ComplianceQuerySerializer, request)
        rules = [query["rule"]] if query.get("rule") else RULES
        tables = compliance_by_county(request.user, query["period"], rules=rules, county_prefix=query["county"])
        rows = [row for rule in rules for row in tables[rule]]
        return Response(CountyComplianceSerializer(rows, many=True).data)

    @extend_schema(parameters=[ComplianceUnitQuerySerializer], responses=UnitComplianceSerializer(many=True))
    @action(
        detail=False,
        url_path="operators",
        url_name="operators",
        pagination_class=api_settings.DEFAULT_PAGINATION_CLASS,
        serializer_class=UnitComplianceSerializer,
    )
    def operators(self, request):
        """One rule per operator (or vehicle for Q2), paginated."""
        query = _query(ComplianceUnitQuerySerializer, request)
        rule, period = query["rule"], query["period"]
        rows = compliance_units(
            request.user,
            period,
            rule,
            county_prefix=query["county"],
            kinds=[query["kind"]] if query.get("kind") else None,
            short_only=query["short"],
        )
        page = self.paginate_queryset(rows)
        if rule == "Q4":
            page = selectors.q4_missed_weeks(page, period)
        return self.get_paginated_response(UnitComplianceSerializer(page, many=True).data)


def register(router):
    """Add this module's viewsets to the sampling API router."""
    router.register("sampling-compliance", ComplianceViewSet, basename="sampling-compliance")
