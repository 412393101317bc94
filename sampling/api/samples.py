"""API twins of the sample, result and referral pages: the same services and the same
`visible_to(user)` scoping."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dairy_campaign.api.serializers import SealCheckSerializer

from ..filters_samples import ReferralFilter, ResultFilter, SampleFilter
from ..models import CustodyEvent, LabResult, Lot, MassUnit, PlanLine, Referral, Sample
from ..services.consequences import referral_take_up
from ..services.results import (
    ResultRow,
    require_result_writer,
    result_correct,
    result_enter,
    result_review,
    results_enter_many,
)
from ..services.samples import MANUAL_STEPS, custody_advance, may_take_samples, require_sample_writer, sample_take
from ..services.seal import result_seal_check

MAX_BULK = 500


class CustodyEventSerializer(serializers.ModelSerializer):
    # Plain text here: the steps' enum is the sample's `status`, named once in the schema.
    step = serializers.CharField(read_only=True, help_text="A custody step, as the sample's status.")
    by = serializers.CharField(source="by.username", read_only=True)

    class Meta:
        model = CustodyEvent
        fields = ["step", "at", "by", "note"]
        read_only_fields = fields


class SampleResultSerializer(serializers.ModelSerializer):
    sample_code = serializers.CharField(source="sample.code", read_only=True)
    # Plain text here: the units' enum is the entry's `unit`, named once in the schema.
    entered_unit = serializers.CharField(read_only=True, help_text="mg/kg or ug/kg, as entered.")
    entered_by = serializers.CharField(source="entered_by.username", read_only=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True, allow_null=True)
    seal_check = serializers.SerializerMethodField()

    class Meta:
        model = LabResult
        fields = [
            "id",
            "sample",
            "sample_code",
            "entered_value",
            "entered_unit",
            "mg_per_kg",
            "detection_limit",
            "category",
            "limit",
            "verdict",
            "method",
            "lab",
            "tested_on",
            "entered_by",
            "reviewed_by",
            "reviewed_at",
            "content_seal",
            "seal_check",
        ]
        read_only_fields = fields

    @extend_schema_field(SealCheckSerializer(allow_null=True))
    def get_seal_check(self, result):
        """The reviewed content's seal recomputed now: null until the result is reviewed."""
        check = result_seal_check(result)
        return check.as_dict() if check.sealed else None


class SampleSerializer(serializers.ModelSerializer):
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.none())
    plan_line = serializers.PrimaryKeyRelatedField(queryset=PlanLine.objects.none(), required=False, allow_null=True)
    result = SampleResultSerializer(read_only=True, allow_null=True)
    custody = CustodyEventSerializer(many=True, read_only=True)

    class Meta:
        model = Sample
        fields = [
            "id",
            "code",
            "lot",
            "plan_line",
            "agency",
            "samplers",
            "sampled_at",
            "quantity",
            "unit",
            "seal_number",
            "lab",
            "status",
            "result",
            "custody",
        ]
        read_only_fields = ["code", "agency", "status"]
        validators = []  # the services validate, with the rule named in the message

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            # A lot or line outside the caller's jurisdiction does not exist for it.
            fields["lot"].queryset = Lot.objects.visible_to(request.user)
            fields["plan_line"].queryset = PlanLine.objects.visible_to(request.user)
        return fields


class CustodySerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=sorted(MANUAL_STEPS), help_text="sent or received")
    at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="Defaults to now.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ResultEntrySerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=12, decimal_places=4, min_value=0)
    unit = serializers.ChoiceField(choices=MassUnit.choices)
    detection_limit = serializers.DecimalField(
        max_digits=10, decimal_places=4, help_text="In the same unit as the value."
    )
    method = serializers.CharField(max_length=100)
    lab = serializers.CharField(max_length=100)
    tested_on = serializers.DateField()


class CorrectionSerializer(ResultEntrySerializer):
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text="Required once reviewed."
    )


class BulkRowSerializer(ResultEntrySerializer):
    sample = serializers.CharField(max_length=32, help_text="The sample code.")


class BulkSerializer(serializers.Serializer):
    results = BulkRowSerializer(many=True, allow_empty=False, max_length=MAX_BULK)


class ReferralSerializer(serializers.ModelSerializer):
    sample_code = serializers.CharField(source="result.sample.code", read_only=True)
    holder = serializers.CharField(source="lot.operator.name", read_only=True)
    mg_per_kg = serializers.DecimalField(source="result.mg_per_kg", max_digits=12, decimal_places=4, read_only=True)
    limit = serializers.DecimalField(source="result.limit", max_digits=6, decimal_places=3, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "kind",
            "status",
            "result",
            "sample_code",
            "lot",
            "holder",
            "mg_per_kg",
            "limit",
            "to_agency",
            "summary",
            "created_at",
        ]
        read_only_fields = fields


class TakeUpSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SampleViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Samples and their chain of custody; results are entered, reviewed and corrected
    on the sample (Q7), and a non-conforming one sets Q8 going."""

    serializer_class = SampleSerializer
    filterset_class = SampleFilter
    queryset = Sample.objects.none()  # for the schema; rows come from get_queryset

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "create" and not may_take_samples(request.user):
            raise PermissionDenied(_("Only writing members of a department take samples."))

    def get_queryset(self):
        return (
            Sample.objects.visible_to(self.request.user)
            .select_related("result__entered_by", "result__reviewed_by")
            .prefetch_related("custody__by")
        )

    def _answer(self, sample, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=sample.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sample = sample_take(actor=request.user, **serializer.validated_data)
        return self._answer(sample, status.HTTP_201_CREATED)

    def _writable(self, request):
        sample = self.get_object()
        require_sample_writer(request.user, sample)
        return sample

    @extend_schema(request=CustodySerializer, responses={200: SampleSerializer})
    @action(detail=True, methods=["post"])
    def custody(self, request, pk=None):
        """Record the next hand-over: sent to the lab, then received by the lab."""
        sample = self._writable(request)
        serializer = CustodySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        custody_advance(actor=request.user, sample=sample, **serializer.validated_data)
        return self._answer(sample)

    @extend_schema(request=ResultEntrySerializer, responses={201: SampleSerializer})
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        """Q7: enter the result of a sample received by the lab (exactly at the limit conforms)."""
        sample = self._writable(request)
        serializer = ResultEntrySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result_enter(actor=request.user, sample=sample, **serializer.validated_data)
        return self._answer(sample, status.HTTP_201_CREATED)

    def _result_of(self, sample) -> LabResult:
        return get_object_or_404(LabResult, sample=sample)

    @extend_schema(request=None, responses={200: SampleSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """A reviewer of the sampling department confirms the reported result."""
        sample = self._writable(request)
        result_review(actor=request.user, result=self._result_of(sample))
        return self._answer(sample)

    @extend_schema(request=CorrectionSerializer, responses={200: SampleSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct the result; once reviewed, only with a reason (the old value stays in its history)."""
        sample = self._writable(request)
        serializer = CorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result_correct(actor=request.user, result=self._result_of(sample), **serializer.validated_data)
        return self._answer(sample)


class LabResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Q7: melamine results with their limit and verdict."""

    serializer_class = SampleResultSerializer
    filterset_class = ResultFilter
    queryset = LabResult.objects.none()

    def get_queryset(self):
        return LabResult.objects.visible_to(self.request.user).select_related("sample", "entered_by", "reviewed_by")

    @extend_schema(request=BulkSerializer, responses={201: SampleResultSerializer(many=True)})
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def bulk(self, request):
        """Enter many results at once, all or nothing: a refused row (by its index in
        `results`) refuses the whole request and nothing is saved."""
        require_result_writer(request.user)
        serializer = BulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = serializer.validated_data["results"]
        codes = {row["sample"] for row in rows}
        samples = {s.code: s for s in Sample.objects.visible_to(request.user).filter(code__in=codes)}
        results = results_enter_many(
            actor=request.user,
            rows=[
                ResultRow(
                    key=str(index),
                    sample=samples.get(row["sample"]),
                    values={k: v for k, v in row.items() if k != "sample"},
                )
                for index, row in enumerate(rows)
            ],
        )
        chosen = self.get_queryset().filter(pk__in=[r.pk for r in results])
        return Response(self.get_serializer(chosen, many=True).data, status=status.HTTP_201_CREATED)


class ReferralViewSet(viewsets.ReadOnlyModelViewSet):
    """Q8: the cases and L6 proposals sent out by non-conforming results."""

    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    queryset = Referral.objects.none()

    def get_queryset(self):
        return Referral.objects.visible_to(self.request.user).select_related("result__sample", "lot__operator")

    @extend_schema(request=TakeUpSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"], url_path="take-up", url_name="take-up")
    def take_up(self, request, pk=None):
        """The department the referral went to takes it up."""
        referral = self.get_object()
        serializer = TakeUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral_take_up(actor=request.user, referral=referral, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=referral.pk)).data)


def register(router):
    """Add this module's viewsets to the sampling API router."""
    router.register("samples", SampleViewSet, basename="sample")
    router.register("lab-results", LabResultViewSet, basename="lab-result")
    router.register("referrals", ReferralViewSet, basename="referral")
