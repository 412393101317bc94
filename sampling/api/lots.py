"""API twins of the lot pages and the intake import: the same services, the same scoping."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from dairy_campaign.filters import BIGGEST_INTEGER
from licensing.api_imports import ImportJobSerializer, ImportJobViewSet, import_job_schema

from ..filters_lots import LotFilter
from ..models import Category, IntakeImport, Lot, LotKind
from ..services.intake_import import intake_import_commit, intake_import_start
from ..services.lots import (
    MAX_BULK,
    LotRowsInvalid,
    lot_record,
    lot_record_many,
    lot_release,
    lot_trace,
    lot_update_own_test,
)


class LotSerializer(serializers.ModelSerializer):
    operator_name = serializers.CharField(source="operator.name", read_only=True)
    own_test_missing = serializers.BooleanField(read_only=True, help_text="S1: a purchased batch not yet tested.")
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = Lot
        fields = [
            "id",
            "kind",
            "operator",
            "operator_name",
            "supplier",
            "supplier_name",
            "vehicle",
            "consignment",
            "batch_number",
            "product",
            "category",
            "dated",
            "quantity",
            "unit",
            "own_test_mg_per_kg",
            "own_test_missing",
            "status",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


# The request twin of `Lot` (component "LotRequest"), so that both share their enums.
@extend_schema_serializer(component_name="Lot")
class LotWriteSerializer(serializers.Serializer):
    """A lot to record. Related records are named by id; the services check that the actor
    sees them and that they fit the kind of lot (S1, Q7)."""

    kind = serializers.ChoiceField(choices=LotKind.choices)
    operator = serializers.IntegerField(
        min_value=1,
        max_value=BIGGEST_INTEGER,
        required=False,
        allow_null=True,
        help_text="The holder; an import lot defaults to its consignment's importer.",
    )
    supplier = serializers.IntegerField(
        min_value=1,
        max_value=BIGGEST_INTEGER,
        required=False,
        allow_null=True,
        help_text="An operator of the register.",
    )
    supplier_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The supplier as recorded, when not in the register.",
    )
    vehicle = serializers.IntegerField(
        min_value=1, max_value=BIGGEST_INTEGER, required=False, allow_null=True, help_text="Raw-milk intakes only."
    )
    consignment = serializers.IntegerField(
        min_value=1, max_value=BIGGEST_INTEGER, required=False, allow_null=True, help_text="Import lots only."
    )
    batch_number = serializers.CharField(max_length=60)
    product = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Category.choices)
    dated = serializers.DateField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    unit = serializers.CharField(max_length=20)
    own_test_mg_per_kg = serializers.DecimalField(
        max_digits=10,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text="S1: the producer's own melamine result; null when not tested.",
    )


class BulkErrorSerializer(serializers.Serializer):
    rows = serializers.DictField(
        child=serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        help_text="Errors by row index (from 0), then by field. Nothing was recorded.",
    )


class ReleaseSerializer(serializers.Serializer):
    reason = serializers.CharField()
    document_number = serializers.CharField(required=False, allow_blank=True, default="")


class OwnTestSerializer(serializers.Serializer):
    mg_per_kg = serializers.DecimalField(max_digits=10, decimal_places=4, min_value=0)
    reason = serializers.CharField()


class TraceOperatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class TraceLotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    link = serializers.CharField(help_text="supplier_batch, intake, buyer or finished")
    kind = serializers.CharField()
    batch_number = serializers.CharField()
    product = serializers.CharField()
    operator = serializers.IntegerField(source="operator_id")
    operator_name = serializers.CharField(source="operator.name")
    dated = serializers.DateField()
    status = serializers.CharField()


class TraceSerializer(serializers.Serializer):
    """Q8: where the lot came from and went. The campaign keeps no sales ledger yet: "went
    to" is what buyers recorded, naming this lot's holder as supplier with the same batch."""

    supplier = TraceOperatorSerializer(allow_null=True)
    supplier_name = serializers.CharField()
    vehicle = serializers.CharField(source="vehicle.plate", allow_null=True, default=None)
    came_from = serializers.SerializerMethodField()
    went_to = serializers.SerializerMethodField()
    hidden = serializers.IntegerField(help_text="Linked lots outside your jurisdiction, not listed.")

    @extend_schema_field(TraceLotSerializer(many=True))
    def get_came_from(self, trace):
        return _links(("supplier_batch", trace.supplier_lots), ("intake", trace.intake_lots))

    @extend_schema_field(TraceLotSerializer(many=True))
    def get_went_to(self, trace):
        return _links(("buyer", trace.next_lots), ("finished", trace.finished_lots))


def _links(*groups):
    rows = []
    for link, lots in groups:
        for lot in lots:
            lot.link = link
            rows.append(lot)
    return TraceLotSerializer(rows, many=True).data


class LotViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Lots (S1 intake records, finished batches, products on sale, feed, imports)."""

    serializer_class = LotSerializer
    filterset_class = LotFilter
    queryset = Lot.objects.none()  # for the schema; rows come from get_queryset

    def get_queryset(self):
        return Lot.objects.visible_to(self.request.user).select_related("operator", "recorded_by")

    @extend_schema(request=LotWriteSerializer, responses={201: LotSerializer})
    def create(self, request, *args, **kwargs):
        data = LotWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lot = lot_record(actor=request.user, **data.validated_data)
        return Response(self.get_serializer(lot).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=LotWriteSerializer(many=True),
        responses={201: LotSerializer(many=True), 400: BulkErrorSerializer},
        description=f"S1 bulk entry: a JSON list of at most {MAX_BULK} lots, recorded all or none.",
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        data = serializers.ListSerializer(
            child=LotWriteSerializer(), data=request.data, max_length=MAX_BULK, allow_empty=False
        )
        if not data.is_valid():
            errors = data.errors  # by row index, or about the list as a whole
            if api_settings.NON_FIELD_ERRORS_KEY not in errors:
                errors = {"rows": {str(index): row for index, row in errors.items()}}
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            lots = lot_record_many(actor=request.user, rows=data.validated_data)
        except LotRowsInvalid as refused:
            return Response({"rows": refused.by_row()}, status=status.HTTP_400_BAD_REQUEST)
        return Response(self.get_serializer(lots, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReleaseSerializer, responses={200: LotSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """Q8: a reviewer of the owning department lifts the hold."""
        lot = self.get_object()  # an outsider's lot is a 404 before its body is read
        data = ReleaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lot = lot_release(actor=request.user, lot=lot, **data.validated_data)
        return Response(self.get_serializer(lot).data)

    @extend_schema(request=OwnTestSerializer, responses={200: LotSerializer})
    @action(detail=True, methods=["post"], url_path="own-test")
    def own_test(self, request, pk=None):
        """S1: the producer's own melamine result of a purchased batch, recorded later."""
        lot = self.get_object()  # an outsider's lot is a 404 before its body is read
        data = OwnTestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lot = lot_update_own_test(actor=request.user, lot=lot, **data.validated_data)
        return Response(self.get_serializer(lot).data)

    @extend_schema(responses={200: TraceSerializer})
    @action(detail=True)
    def trace(self, request, pk=None):
        """Q8: where the lot came from and went, within your jurisdiction."""
        lot = self.get_object()
        return Response(TraceSerializer(lot_trace(lot, viewer=request.user)).data)


class IntakeImportSerializer(ImportJobSerializer):
    # Plain text: the register import's component already names these statuses' enum.
    status = serializers.CharField(
        read_only=True, help_text="queued, validating, valid, invalid, committing, committed or failed"
    )

    class Meta(ImportJobSerializer.Meta):
        model = IntakeImport


class IntakeUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Producers' intake records, filled in on the template (.xlsx).")


@import_job_schema(IntakeUploadSerializer, IntakeImportSerializer)
class IntakeImportViewSet(ImportJobViewSet):
    """S1 intake imports: upload a file for a dry run, follow its progress and errors, then
    commit it (all rows or none)."""

    serializer_class = IntakeImportSerializer
    queryset = IntakeImport.objects.none()  # for the schema; rows come from get_queryset
    model = IntakeImport
    upload_serializer_class = IntakeUploadSerializer
    start_service = intake_import_start
    commit_service = intake_import_commit


def register(router):
    """Add this module's viewsets to the sampling API router."""
    router.register("lots", LotViewSet, basename="lot")
    router.register("intake-imports", IntakeImportViewSet, basename="intake-import")
