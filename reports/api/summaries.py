"""API twins of the summary pages (P1, P4): the same services, the same scoping."""

from urllib.parse import quote

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dairy_campaign.choices import AgencyKind, Level
from dairy_campaign.exports import XLSX_MIME
from dairy_campaign.models import Jurisdiction
from dairy_campaign.services.campaigns import campaign_current

from ..filters import SummaryReportFilter
from ..models import ExportJob, SummaryReport, SummaryStatus
from ..services import summaries as svc
from ..services.deadline import DeadlineState, deadline_flat_rows, deadline_table
from ..services.workbook import summary_workbook, summary_workbook_name


class SummaryReportSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="campaign.year", read_only=True)
    agency_kind = serializers.CharField(source="agency.kind", read_only=True)
    agency_name = serializers.CharField(source="agency.__str__", read_only=True)
    # Plain strings: list and detail share them, and an enum shared by two components is
    # named by a hash.
    status = serializers.CharField(read_only=True, help_text=" · ".join(SummaryStatus.values))
    generation_state = serializers.CharField(read_only=True, help_text="idle · queued · running · done · failed")
    progress = serializers.IntegerField(source="percent", read_only=True, help_text="0–100")
    statistics = serializers.JSONField(
        read_only=True,
        help_text="The snapshot: sections, own, total and children figures by key; decimals as strings.",
    )
    document = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = SummaryReport
        fields = [
            "id",
            "year",
            "jurisdiction",
            "agency",
            "agency_kind",
            "agency_name",
            "status",
            "generation_state",
            "progress",
            "generated_at",
            "statistics",
            "text",
            "document",
            "document_sha256",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "actions",
        ]
        read_only_fields = fields

    def get_document(self, report) -> str | None:
        return reverse("summary_document", args=[report.pk]) if report.document else None

    def get_actions(self, report) -> list[str]:
        return svc.summary_actions_for(self.context["request"].user, report)


class SummaryStartSerializer(serializers.Serializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.all(), required=False, help_text="the user's own; the default"
    )


class SummaryTextSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=svc.TEXT_MAX)
    document = serializers.FileField(required=False, help_text="PDF, JPEG or PNG")


class SummaryNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SummaryReturnSerializer(serializers.Serializer):
    note = serializers.CharField(help_text="what is to be corrected")


class SummaryReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Summary reports of the user's jurisdiction and below."""

    serializer_class = SummaryReportSerializer
    filterset_class = SummaryReportFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return SummaryReport.objects.visible_to(self.request.user).select_related("campaign", "jurisdiction", "agency")

    def _detail(self, report, code=status.HTTP_200_OK):
        report = self.get_queryset().get(pk=report.pk)
        return Response(self.get_serializer(report).data, status=code)

    @extend_schema(
        request=SummaryStartSerializer,
        responses={201: SummaryReportSerializer},
        description="P1: the user's department's report on the current campaign, started when missing.",
    )
    def create(self, request, *args, **kwargs):
        serializer = SummaryStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = svc.summary_start(actor=request.user, **serializer.validated_data)
        return self._detail(report, status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={202: SummaryReportSerializer},
        description="P4: have the worker compute the statistics; follow `progress`.",
    )
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None):
        report = svc.summary_generate(actor=request.user, report=self.get_object())
        return self._detail(report, status.HTTP_202_ACCEPTED)

    @extend_schema(request=SummaryTextSerializer, responses={200: SummaryReportSerializer})
    @action(detail=True, methods=["post"])
    def text(self, request, pk=None):
        """The written summary, and optionally its signed scan (multipart)."""
        report = self.get_object()
        serializer = SummaryTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        svc.summary_text_set(actor=request.user, report=report, **serializer.validated_data)
        return self._detail(report)

    @extend_schema(request=SummaryNoteSerializer, responses={200: SummaryReportSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """P1: to the food safety office one level above."""
        report = self.get_object()
        serializer = SummaryNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        svc.summary_submit(actor=request.user, report=report, reason=serializer.validated_data["note"])
        return self._detail(report)

    @extend_schema(request=SummaryNoteSerializer, responses={200: SummaryReportSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        report = self.get_object()
        serializer = SummaryNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        svc.summary_accept(actor=request.user, report=report, note=serializer.validated_data["note"])
        return self._detail(report)

    @extend_schema(request=SummaryReturnSerializer, responses={200: SummaryReportSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Send the report back to its department, saying what to correct."""
        report = self.get_object()
        serializer = SummaryReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        svc.summary_return(actor=request.user, report=report, note=serializer.validated_data["note"])
        return self._detail(report)

    @extend_schema(
        responses={(200, XLSX_MIME): OpenApiResponse(OpenApiTypes.BINARY, description="the summary workbook")}
    )
    @action(detail=True)
    def workbook(self, request, pk=None):
        report = self.get_object()
        response = HttpResponse(content_type=XLSX_MIME)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(summary_workbook_name(report))}"
        summary_workbook(report).save(response)
        return response


class DeadlineRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    kind = serializers.CharField(help_text="agency kind; FSO is the jurisdiction-wide report")
    agency = serializers.IntegerField(allow_null=True, help_text="null when the jurisdiction has no such office")
    report = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    state = serializers.CharField(help_text=" · ".join(DeadlineState.values))


class DeadlineCountsSerializer(serializers.Serializer):
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()


class DeadlineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    deadline = serializers.DateField()
    counts = DeadlineCountsSerializer()
    rows = DeadlineRowSerializer(many=True)


class OneObjectSchema(AutoSchema):
    """The deadline table is one object (counts and rows), though served at the list URL."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class DeadlineViewSet(viewsets.ViewSet):
    """P1: every jurisdiction and department within the user's, on time, late or missing."""

    schema = OneObjectSchema()

    @extend_schema(
        parameters=[
            OpenApiParameter("level", str, enum=Level.values, required=False),
            OpenApiParameter("kind", str, enum=AgencyKind.values, required=False),
            OpenApiParameter("state", str, enum=DeadlineState.values, required=False),
        ],
        responses={200: DeadlineSerializer},
    )
    def list(self, request):
        campaign = campaign_current()
        if campaign is None:
            raise NotFound
        filters = {
            name: request.query_params.get(name, "")
            for name, values in (("level", Level.values), ("kind", AgencyKind.values), ("state", DeadlineState.values))
            if request.query_params.get(name, "") in values
        }
        table = deadline_table(user=request.user, campaign=campaign, **filters)
        rows = [
            {
                "code": place.code,
                "name": place.display_name,
                "level": place.level,
                "kind": cell.kind,
                "agency": cell.agency.pk if cell.agency else None,
                "report": cell.report.pk if cell.report else None,
                "status": cell.report.status if cell.report else "",
                "submitted_at": cell.report.submitted_at if cell.report else None,
                "state": cell.state,
            }
            for place, cell in deadline_flat_rows(table)
        ]
        data = {"year": campaign.year, "deadline": campaign.summary_deadline, "counts": table.counts, "rows": rows}
        return Response(DeadlineSerializer(data).data)


class ExportJobSerializer(serializers.ModelSerializer):
    progress = serializers.IntegerField(source="percent", read_only=True, help_text="0–100")
    download = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "url_name",
            "query",
            "state",
            "progress",
            "row_count",
            "rows_written",
            "file_name",
            "download",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_download(self, job) -> str | None:
        return reverse("export_download", args=[job.pk]) if job.state == "done" else None


class ExportJobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Large list exports, built by the worker; each is seen by its own user only."""

    serializer_class = ExportJobSerializer

    def get_queryset(self):
        return ExportJob.objects.visible_to(self.request.user)


def register(router):
    """Add this module's viewsets to the reports API router."""
    router.register("summary-reports", SummaryReportViewSet, basename="summary-report")
    router.register("deadline", DeadlineViewSet, basename="deadline")
    router.register("export-jobs", ExportJobViewSet, basename="export-job")
