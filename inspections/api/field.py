"""API twins of the sweep (C1), consignment (S5) and self-inspection (P1) pages: the same
services and the same `visible_to(user)` scoping."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dairy_campaign.api.fields import VisibleRelatedField
from dairy_campaign.models import Campaign, Jurisdiction
from dairy_campaign.ownership import WRITE_ROLES
from dairy_campaign.services.campaigns import campaign_current
from dairy_campaign.transitions import state_changes
from licensing.models import Licence, LicenceType, Operator, OperatorKind
from licensing.services.common import require_editable

from ..filters_field import ConsignmentFilter, DenFilter, SelfReportFilter, SweepFilter
from ..models import Consignment, Den, SelfInspectionReport, Sweep
from ..services.consignments import (
    FailedItem,
    consignment_act,
    consignment_actions_for,
    consignment_lab_result_record,
    consignment_register,
    consignment_update_checks,
    may_record_lab_result,
    release_blockers,
    require_consignment_writer,
)
from ..services.self_reports import (
    self_report_decide,
    self_report_decisions_for,
    self_report_record,
)
from ..services.sweeps import den_ban, den_record, require_sweeper, sweep_record, sweeps_with_counts


class ConsignmentDecisionLogSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.StringRelatedField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()
    legal_basis = serializers.CharField()
    document_number = serializers.CharField()


# --- C1: sweeps and dens -------------------------------------------------------------


class SweepSerializer(serializers.ModelSerializer):
    jurisdiction = VisibleRelatedField(queryset=Jurisdiction.objects.filter(level="county"))
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    den_count = serializers.IntegerField(read_only=True, help_text="Dens found (C1).")
    banned_count = serializers.IntegerField(read_only=True, help_text="Dens banned (C1).")

    class Meta:
        model = Sweep
        fields = [
            "id",
            "jurisdiction",
            "agency",
            "area_type",
            "area",
            "swept_on",
            "leader",
            "leader_title",
            "participants",
            "notes",
            "recorded_by",
            "den_count",
            "banned_count",
        ]
        read_only_fields = ["agency"]
        validators = []  # the services validate, with the rule named in the message


class DenSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="operator.name", read_only=True)
    address = serializers.CharField(source="operator.address", read_only=True)

    class Meta:
        model = Den
        fields = [
            "id",
            "sweep",
            "operator",
            "name",
            "address",
            "activity",
            "banned_on",
            "seized_product",
            "seized_quantity",
            "seized_unit",
        ]
        read_only_fields = fields


class DenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=300)
    activity = serializers.CharField(max_length=200)
    banned = serializers.BooleanField(help_text="Banned (取缔) on the spot during the sweep.")
    document_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    seized_product = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    seized_quantity = serializers.DecimalField(
        max_digits=12, decimal_places=3, required=False, allow_null=True, default=None
    )
    seized_unit = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class DenBanSerializer(serializers.Serializer):
    reason = serializers.CharField()
    document_number = serializers.CharField(max_length=100)
    banned_on = serializers.DateField(required=False, help_text="Defaults to today.")


class SweepViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """C1: black-den sweeps led by a government leader, with the dens they found."""

    serializer_class = SweepSerializer
    filterset_class = SweepFilter
    queryset = Sweep.objects.none()  # for the schema; rows come from get_queryset

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "create":
            require_sweeper(request.user)

    def get_queryset(self):
        return sweeps_with_counts(
            Sweep.objects.visible_to(self.request.user).select_related("jurisdiction", "agency", "recorded_by")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sweep = sweep_record(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=sweep.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DenCreateSerializer, responses={201: DenSerializer})
    @action(detail=True, methods=["post"])
    def dens(self, request, pk=None):
        """C1: record a den found in this sweep; it enters the register as unlicensed."""
        sweep = self.get_object()
        require_editable(request.user, sweep)
        serializer = DenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        den = den_record(actor=request.user, sweep=sweep, **serializer.validated_data)
        return Response(DenSerializer(den).data, status=status.HTTP_201_CREATED)


class DenViewSet(viewsets.ReadOnlyModelViewSet):
    """C1: black dens found in sweeps."""

    serializer_class = DenSerializer
    filterset_class = DenFilter
    queryset = Den.objects.none()

    def get_queryset(self):
        return Den.objects.visible_to(self.request.user).select_related("operator", "sweep")

    @extend_schema(request=DenBanSerializer, responses={200: DenSerializer})
    @action(detail=True, methods=["post"])
    def ban(self, request, pk=None):
        """C1: ban (取缔) a den found earlier."""
        den = self.get_object()
        require_editable(request.user, den)
        serializer = DenBanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        den = den_ban(actor=request.user, den=den, **serializer.validated_data)
        return Response(self.get_serializer(den).data)


# --- S5: import consignments ---------------------------------------------------------


class ConsignmentSerializer(serializers.ModelSerializer):
    importer = serializers.PrimaryKeyRelatedField(queryset=Operator.objects.filter(kind=OperatorKind.IMPORTER))
    consignee_filing = serializers.PrimaryKeyRelatedField(
        queryset=Licence.objects.filter(type=LicenceType.CONSIGNEE_FILING), required=False, allow_null=True
    )
    release_blockers = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Consignment
        fields = [
            "id",
            "importer",
            "consignee_filing",
            "product",
            "quantity",
            "unit",
            "origin_country",
            "arrived_on",
            "health_certificate_number",
            "certificate_content_ok",
            "certificate_seal_ok",
            "certificate_signatory_ok",
            "quarantine_permit_required",
            "quarantine_permit_number",
            "warehouse",
            "status",
            "lab_conforming",
            "lab_reference",
            "lab_recorded_at",
            "release_blockers",
            "actions",
        ]
        read_only_fields = ["status", "lab_conforming", "lab_reference", "lab_recorded_at"]
        validators = []

    def get_release_blockers(self, consignment) -> list[str]:
        return release_blockers(consignment) if consignment.status == "held" else []

    def get_actions(self, consignment) -> list[str]:
        return consignment_actions_for(self.context["request"].user, consignment)


class ConsignmentChecksSerializer(serializers.Serializer):
    consignee_filing = serializers.PrimaryKeyRelatedField(
        queryset=Licence.objects.filter(type=LicenceType.CONSIGNEE_FILING), required=False, allow_null=True
    )
    certificate_content_ok = serializers.BooleanField(required=False)
    certificate_seal_ok = serializers.BooleanField(required=False)
    certificate_signatory_ok = serializers.BooleanField(required=False)
    quarantine_permit_required = serializers.BooleanField(required=False)
    quarantine_permit_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    warehouse = serializers.CharField(max_length=200, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class LabResultSerializer(serializers.Serializer):
    conforming = serializers.BooleanField()
    reference = serializers.CharField(max_length=100, help_text="Lab report or sample number.")


class ConsignmentDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField()
    document_number = serializers.CharField(max_length=100)
    legal_basis = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ConsignmentFailureSerializer(ConsignmentDecisionSerializer):
    failed_items = serializers.ListField(child=serializers.ChoiceField(choices=FailedItem.choices), allow_empty=False)


class ConsignmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """S5: import batches held in a designated warehouse until they pass."""

    serializer_class = ConsignmentSerializer
    filterset_class = ConsignmentFilter
    queryset = Consignment.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "create":
            require_consignment_writer(request.user)

    def get_queryset(self):
        user = self.request.user
        consignments = Consignment.objects.visible_to(user).select_related("importer", "consignee_filing")
        if self.action == "list":
            # consignment_actions_for reads it: one query for the page, not one per row.
            consignments = consignments.annotate(
                user_may_edit=Exists(Consignment.objects.editable_by(user).filter(pk=OuterRef("pk")))
            )
        return consignments

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consignment = consignment_register(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(consignment).data, status=status.HTTP_201_CREATED)

    def _answer(self, consignment):
        return Response(self.get_serializer(self.get_queryset().get(pk=consignment.pk)).data)

    @extend_schema(request=ConsignmentChecksSerializer, responses={200: ConsignmentSerializer})
    @action(detail=True, methods=["post"])
    def checks(self, request, pk=None):
        """S5: record the health certificate checks, the permit, the filing or the warehouse."""
        consignment = self.get_object()
        require_editable(request.user, consignment)
        serializer = ConsignmentChecksSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consignment_update_checks(actor=request.user, consignment=consignment, **serializer.validated_data)
        return self._answer(consignment)

    @extend_schema(request=LabResultSerializer, responses={200: ConsignmentSerializer})
    @action(detail=True, methods=["post"], url_path="lab-result", url_name="lab-result")
    def lab_result(self, request, pk=None):
        """S5: the lab result of the consignment's sample (a lab clerk of any department)."""
        consignment = self.get_object()
        if not may_record_lab_result(request.user, consignment):
            raise PermissionDenied(_("Only lab and data clerks who see this consignment record its lab result."))
        serializer = LabResultSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consignment_lab_result_record(actor=request.user, consignment=consignment, **serializer.validated_data)
        return self._answer(consignment)

    def _decide(self, request, name: str, serializer_class):
        consignment = self.get_object()
        if name not in consignment_actions_for(request.user, consignment):
            require_editable(request.user, consignment, decide=True)  # 403 with the reason
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        consignment_act(actor=request.user, consignment=consignment, action=name, **serializer.validated_data)
        return self._answer(consignment)

    @extend_schema(request=ConsignmentDecisionSerializer, responses={200: ConsignmentSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """S5: release after a conforming lab result, the certificate checks, the permit and
        a valid consignee filing."""
        return self._decide(request, "release", ConsignmentDecisionSerializer)

    @extend_schema(request=ConsignmentFailureSerializer, responses={200: ConsignmentSerializer})
    @action(detail=True, methods=["post"], url_path="destroy", url_name="destroy")
    def destroy_consignment(self, request, pk=None):
        """S5: failing safety, health or environment items, the consignment is destroyed."""
        return self._decide(request, "destroy", ConsignmentFailureSerializer)

    @extend_schema(request=ConsignmentFailureSerializer, responses={200: ConsignmentSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_consignment(self, request, pk=None):
        """S5: failing safety, health or environment items, the consignment is returned (退运)."""
        return self._decide(request, "return", ConsignmentFailureSerializer)

    @extend_schema(responses=ConsignmentDecisionLogSerializer(many=True))
    @action(detail=True, pagination_class=None, filter_backends=[])
    def decisions(self, request, pk=None):
        """S5: the decisions taken on the consignment, oldest first."""
        return Response(ConsignmentDecisionLogSerializer(state_changes(self.get_object()), many=True).data)


# --- P1: self-inspection reports -----------------------------------------------------


class SelfReportSerializer(serializers.ModelSerializer):
    operator = VisibleRelatedField(queryset=Operator.objects.all())
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, help_text="Defaults to the current campaign."
    )
    document = serializers.FileField(write_only=True, help_text="The signed report: PDF, JPEG or PNG.")
    document_url = serializers.SerializerMethodField()
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    decisions = serializers.SerializerMethodField()

    class Meta:
        model = SelfInspectionReport
        fields = [
            "id",
            "operator",
            "campaign",
            "received_on",
            "problems_found",
            "actions_taken",
            "document",
            "document_url",
            "document_sha256",
            "status",
            "review_note",
            "recorded_by",
            "decisions",
        ]
        read_only_fields = ["document_sha256", "status", "review_note"]
        validators = []

    def get_document_url(self, report) -> str:
        return reverse("self_report_document", args=[report.pk])

    def get_decisions(self, report) -> list[str]:
        return self_report_decisions_for(self.context["request"].user, report)


class SelfReportDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required to return.")


class SelfReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """P1 (自查自纠): operators' self-inspection reports, received and reviewed by the
    department that keeps the operator's kind."""

    serializer_class = SelfReportSerializer
    filterset_class = SelfReportFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    queryset = SelfInspectionReport.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "create" and not request.user.is_superuser and request.user.role not in WRITE_ROLES:
            raise PermissionDenied(_("Your role does not record self-inspection reports."))

    def get_queryset(self):
        user = self.request.user
        reports = SelfInspectionReport.objects.visible_to(user).select_related("recorded_by")
        if self.action == "list":
            # self_report_decisions_for reads it: one query for the page, not one per row.
            reports = reports.annotate(
                user_may_edit=Exists(SelfInspectionReport.objects.editable_by(user).filter(pk=OuterRef("pk")))
            )
        return reports

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        operator = data.pop("operator")
        if not Operator.objects.visible_to(request.user).filter(pk=operator.pk).exists():
            raise serializers.ValidationError({"operator": [_("Choose an operator within your jurisdiction.")]})
        campaign = data.pop("campaign", None) or campaign_current()
        report = self_report_record(actor=request.user, operator=operator, campaign=campaign, **data)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, decision: str):
        report = self.get_object()
        if decision not in self_report_decisions_for(request.user, report):
            require_editable(request.user, report, decide=True)  # 403 with the reason
        serializer = SelfReportDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = self_report_decide(actor=request.user, report=report, decision=decision, **serializer.validated_data)
        return Response(self.get_serializer(report).data)

    @extend_schema(request=SelfReportDecisionSerializer, responses={200: SelfReportSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """P1: the reviewer accepts the report."""
        return self._decide(request, "accept")

    @extend_schema(request=SelfReportDecisionSerializer, responses={200: SelfReportSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request, pk=None):
        """P1: the reviewer returns the report for completion; the note is required."""
        return self._decide(request, "return")


def register(router):
    """Add this module's viewsets to the inspections API router."""
    router.register("sweeps", SweepViewSet, basename="sweep")
    router.register("dens", DenViewSet, basename="den")
    router.register("consignments", ConsignmentViewSet, basename="consignment")
    router.register("self-reports", SelfReportViewSet, basename="self-report")
