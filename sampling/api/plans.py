"""API twins of the sampling plan pages (Q1–Q6): the same services, the same scoping."""

from django.db.models import Count, Prefetch, Sum
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dairy_campaign.api.fields import VisibleRelatedField
from dairy_campaign.models import Jurisdiction

from ..filters_plans import PlanFilter, PlanLineFilter
from ..models import PlanLine, PlanStatus, Rule, SamplingPlan
from ..services.plans import (
    line_minimum,
    plan_actions_for,
    plan_approve,
    plan_create,
    plan_fill_minimums,
    plan_lines_set,
    plan_refuse,
    plan_submit,
    shortfalls_of,
)
from ..services.selection import line_select, selection_verify


class ShortfallSerializer(serializers.Serializer):
    rule = serializers.CharField()
    unit = serializers.CharField()
    line = serializers.IntegerField(source="line_id", allow_null=True, help_text="None for Q3 (plan-level).")
    base = serializers.IntegerField()
    minimum = serializers.IntegerField()
    planned = serializers.IntegerField()
    missing = serializers.IntegerField()
    message = serializers.CharField(help_text="Q6: the rule, the unit and the shortfall, in the user's language.")


class PlanLineSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="__str__", read_only=True)
    minimum = serializers.SerializerMethodField(help_text="None for Q3 lines: Q3 is reckoned on the plan's farms.")
    seed = serializers.CharField(
        read_only=True, allow_null=True, help_text="Q1 selection seed, as a decimal string (exact in any client)."
    )
    selected_lot_ids = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = PlanLine
        fields = [
            "id",
            "plan",
            "operator",
            "vehicle",
            "unit",
            "base",
            "minimum",
            "planned",
            "seed",
            "population_digest",
            "selected_lot_ids",
        ]
        read_only_fields = fields

    def get_minimum(self, line) -> int | None:
        rule = line.plan.rule
        return None if rule == Rule.Q3 else line_minimum(rule, line)


class PlanSerializer(serializers.ModelSerializer):
    # A plain string: list and detail share it, and an enum shared by two components is
    # named by a hash.
    status = serializers.CharField(read_only=True, help_text=" · ".join(PlanStatus.values))
    line_count = serializers.IntegerField(read_only=True)
    planned_total = serializers.IntegerField(read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = SamplingPlan
        fields = [
            "id",
            "rule",
            "jurisdiction",
            "agency",
            "period_start",
            "period_end",
            "status",
            "notes",
            "created_by",
            "decided_by",
            "decided_at",
            "line_count",
            "planned_total",
            "actions",
        ]
        read_only_fields = fields

    def get_actions(self, plan) -> list[str]:
        writable = self.context.get("writable")
        writer = None if writable is None else plan.pk in writable
        return plan_actions_for(self.context["request"].user, plan, writer=writer)


class PlanDetailSerializer(PlanSerializer):
    lines = serializers.SerializerMethodField()
    shortfalls = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "lines", "shortfalls"]
        read_only_fields = fields

    def _lines(self, plan) -> list[PlanLine]:
        lines = list(plan.lines.all())
        for line in lines:
            line.plan = plan
        return lines

    @extend_schema_field(PlanLineSerializer(many=True))
    def get_lines(self, plan) -> list[dict]:
        return PlanLineSerializer(self._lines(plan), many=True).data

    @extend_schema_field(ShortfallSerializer(many=True))
    def get_shortfalls(self, plan) -> list[dict]:
        return ShortfallSerializer(shortfalls_of(plan.rule, self._lines(plan)), many=True).data


class PlanCreateSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=Rule.choices)
    jurisdiction = VisibleRelatedField(queryset=Jurisdiction.objects.all())
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class PlannedCountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    planned = serializers.IntegerField(min_value=0)


class PlannedCountsSerializer(serializers.Serializer):
    lines = PlannedCountSerializer(many=True)


class PlanSubmitSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PlanDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField()
    document_number = serializers.CharField(required=False, allow_blank=True, default="")


class LineVerificationSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    matches = serializers.BooleanField(help_text="The stored draw follows from the seed and today's population.")
    seed = serializers.CharField(allow_null=True)
    population_digest = serializers.CharField()
    selected_lot_ids = serializers.ListField(child=serializers.IntegerField())


class SamplingPlanViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Sampling plans of the user's jurisdiction and below; lines and Q6 shortfalls in detail."""

    filterset_class = PlanFilter

    def get_queryset(self):
        plans = SamplingPlan.objects.visible_to(self.request.user).annotate(
            line_count=Count("lines"), planned_total=Coalesce(Sum("lines__planned"), 0)
        )
        # Aggregating drops Meta.ordering; pages need a stable one.
        plans = plans.order_by(*SamplingPlan._meta.ordering)
        if self.action != "list":
            lines = PlanLine.objects.select_related("operator", "vehicle").order_by("id")
            plans = plans.prefetch_related(Prefetch("lines", queryset=lines))
        return plans

    def get_serializer_class(self):
        return PlanSerializer if self.action == "list" else PlanDetailSerializer

    def list(self, request, *args, **kwargs):
        plans = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(plans)
        shown = list(plans if page is None else page)
        # Which plans the user may change, for their `actions`, in one query for the page.
        writable = set(
            SamplingPlan.objects.editable_by(request.user)
            .filter(pk__in=[plan.pk for plan in shown])
            .values_list("pk", flat=True)
        )
        context = {**self.get_serializer_context(), "writable": writable}
        data = PlanSerializer(shown, many=True, context=context).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def _detail(self, plan, code=status.HTTP_200_OK):
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(PlanDetailSerializer(plan, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=PlanCreateSerializer, responses={201: PlanDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = PlanCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        plan = plan_create(actor=request.user, **serializer.validated_data)
        return self._detail(plan, status.HTTP_201_CREATED)

    @extend_schema(request=PlannedCountsSerializer, responses={200: PlanDetailSerializer})
    @action(detail=True, methods=["post"])
    def lines(self, request, pk=None):
        """Set planned counts of many lines at once (draft or refused plans)."""
        plan = self.get_object()
        serializer = PlannedCountsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        counts = {row["id"]: row["planned"] for row in serializer.validated_data["lines"]}
        plan_lines_set(actor=request.user, plan=plan, planned=counts)
        return self._detail(plan)

    @extend_schema(request=None, responses={200: PlanDetailSerializer})
    @action(detail=True, methods=["post"], url_path="fill-minimums")
    def fill_minimums(self, request, pk=None):
        """Q6: raise every line below its minimum to the minimum."""
        plan = self.get_object()
        plan_fill_minimums(actor=request.user, plan=plan)
        return self._detail(plan)

    @extend_schema(request=PlanSubmitSerializer, responses={200: PlanDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        plan = self.get_object()
        serializer = PlanSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan_submit(actor=request.user, plan=plan, **serializer.validated_data)
        return self._detail(plan)

    @extend_schema(
        request=PlanDecisionSerializer,
        responses={200: PlanDetailSerializer},
        description="Q6: a plan below any minimum is refused with a 400 listing every shortfall.",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = self.get_object()
        serializer = PlanDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan_approve(actor=request.user, plan=plan, **serializer.validated_data)
        return self._detail(plan)

    @extend_schema(request=PlanDecisionSerializer, responses={200: PlanDetailSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """Send the plan back to its drafter."""
        plan = self.get_object()
        serializer = PlanDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan_refuse(actor=request.user, plan=plan, **serializer.validated_data)
        return self._detail(plan)


class PlanLineViewSet(viewsets.ReadOnlyModelViewSet):
    """Plan lines; Q1 lines of approved plans have their batches drawn here."""

    serializer_class = PlanLineSerializer
    filterset_class = PlanLineFilter

    def get_queryset(self):
        return PlanLine.objects.visible_to(self.request.user).select_related("plan", "operator", "vehicle")

    @extend_schema(request=None, responses={200: PlanLineSerializer})
    @action(detail=True, methods=["post"])
    def select(self, request, pk=None):
        """Q1: draw the batches to sample, once (the draw is evidence)."""
        line = line_select(actor=request.user, line=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=line.pk)).data)

    @extend_schema(responses={200: LineVerificationSerializer})
    @action(detail=True)
    def verify(self, request, pk=None):
        """Q1: re-derive the draw from the stored seed and today's population."""
        line = self.get_object()
        data = {
            "line": line.pk,
            "matches": selection_verify(line),
            "seed": None if line.seed is None else str(line.seed),
            "population_digest": line.population_digest,
            "selected_lot_ids": line.selected_lot_ids,
        }
        return Response(LineVerificationSerializer(data).data)


def register(router):
    """Add this module's viewsets to the sampling API router."""
    router.register("sampling-plans", SamplingPlanViewSet, basename="sampling-plan")
    router.register("plan-lines", PlanLineViewSet, basename="plan-line")
