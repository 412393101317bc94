"""API twins of the listed-supervision (C2), accountability (C1) and incident (P4) pages:
the same services and the same `visible_to(user)` scoping."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dairy_campaign.api.fields import VisibleRelatedField
from dairy_campaign.models import Jurisdiction
from dairy_campaign.ownership import DECIDE_ROLES, WRITE_ROLES
from dairy_campaign.services.campaigns import local_today

from ..filters_supervision import AccountabilityFilter, IncidentFilter, ListingFilter
from ..models import Accountability, Case, IncidentReport, Listing, ProgressReport
from ..services.accountability import accountability_record, require_accountability_writer
from ..services.incidents import incident_report, missing_offices, require_incident_reporter
from ..services.supervision import (
    is_listing_office,
    listing_create,
    listing_lift,
    listing_overdue,
    may_report,
    next_report_on,
    progress_report_submit,
    report_due,
    require_lister,
    with_last_report,
)


def _visible_case(user, case: Case | None, field: str = "case") -> Case | None:
    if case is not None and not Case.objects.visible_to(user).filter(pk=case.pk).exists():
        raise serializers.ValidationError({field: [_("Choose a case within your jurisdiction.")]})
    return case


# --- C2: listed supervision ----------------------------------------------------------


class ProgressReportSerializer(serializers.ModelSerializer):
    submitted_by = serializers.StringRelatedField()

    class Meta:
        model = ProgressReport
        fields = ["id", "text", "submitted_by", "submitted_at"]
        read_only_fields = fields


class ListingSerializer(serializers.ModelSerializer):
    case = VisibleRelatedField(queryset=Case.objects.all())
    case_number = serializers.CharField(source="case.number", read_only=True)
    case_title = serializers.CharField(source="case.title", read_only=True)
    case_party = serializers.CharField(source="case.party", read_only=True)
    case_status = serializers.CharField(source="case.get_status_display", read_only=True)
    case_department = serializers.CharField(source="case.agency.name", read_only=True)
    office_name = serializers.CharField(source="office.name", read_only=True)
    report_every_days = serializers.IntegerField(min_value=1, max_value=365, default=15)
    mark_major = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="C2: the office determines the case to be major (needed when it is neither major nor cross-region).",
    )
    overdue = serializers.SerializerMethodField(help_text="C2: open after its deadline.")
    report_due = serializers.SerializerMethodField(help_text="C2: no progress report within the rhythm.")
    next_report_on = serializers.SerializerMethodField()
    reports = ProgressReportSerializer(many=True, read_only=True)

    class Meta:
        model = Listing
        fields = [
            "id",
            "case",
            "case_number",
            "case_title",
            "case_party",
            "case_status",
            "case_department",
            "office",
            "office_name",
            "level",
            "listed_on",
            "deadline",
            "report_every_days",
            "requirements",
            "document_number",
            "mark_major",
            "status",
            "lifted_on",
            "overdue",
            "report_due",
            "next_report_on",
            "reports",
        ]
        read_only_fields = ["office", "listed_on", "status", "lifted_on"]
        validators = []  # the services validate, with the rule named in the message

    def get_overdue(self, listing) -> bool:
        return listing_overdue(listing, local_today())

    def get_report_due(self, listing) -> bool:
        return report_due(listing, local_today())

    def get_next_report_on(self, listing) -> datetime.date:
        return next_report_on(listing)


class ProgressReportCreateSerializer(serializers.Serializer):
    text = serializers.CharField()


class ListingLiftSerializer(serializers.Serializer):
    reason = serializers.CharField()
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ListingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """C2: listed supervision (挂牌督办) of major and cross-region cases by a higher office.
    By default the listings of the user's department; `whose=all` for all within its
    jurisdiction."""

    serializer_class = ListingSerializer
    filterset_class = ListingFilter
    queryset = Listing.objects.none()  # for the schema; rows come from get_queryset

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user
        if self.action == "create":
            require_lister(user)
        elif self.action == "report" and not (user.is_superuser or user.role in WRITE_ROLES):
            raise PermissionDenied(_("Your role does not report progress."))
        elif self.action == "lift" and not (user.is_superuser or user.role in DECIDE_ROLES):
            raise PermissionDenied(_("C2: the listing is lifted by the office that listed the case."))

    def get_queryset(self):
        listings = Listing.objects.visible_to(self.request.user).select_related(
            "case__agency", "case__operator", "office"
        )
        return with_last_report(listings).prefetch_related("reports__submitted_by")

    def _answer(self, listing, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=listing.pk)).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case = _visible_case(request.user, data.pop("case"))
        listing = listing_create(actor=request.user, case=case, **data)
        return self._answer(listing, status.HTTP_201_CREATED)

    @extend_schema(request=ProgressReportCreateSerializer, responses={201: ListingSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """C2: the case's department reports its progress."""
        listing = self.get_object()
        if not may_report(request.user, listing):
            raise PermissionDenied(_("C2: progress is reported by the department handling the case."))
        serializer = ProgressReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        progress_report_submit(actor=request.user, listing=listing, **serializer.validated_data)
        return self._answer(listing, status.HTTP_201_CREATED)

    @extend_schema(request=ListingLiftSerializer, responses={200: ListingSerializer})
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        """C2: the listing office lifts the supervision."""
        listing = self.get_object()
        if not is_listing_office(request.user, listing):
            raise PermissionDenied(_("C2: the listing is lifted by the office that listed the case."))
        serializer = ListingLiftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        listing_lift(actor=request.user, listing=listing, **serializer.validated_data)
        return self._answer(listing)


# --- C1: accountability --------------------------------------------------------------


class OfficialSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    position = serializers.CharField(max_length=100)
    unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class AccountabilitySerializer(serializers.ModelSerializer):
    jurisdiction = VisibleRelatedField(queryset=Jurisdiction.objects.all())
    case = VisibleRelatedField(queryset=Case.objects.all(), required=False, allow_null=True)
    officials = OfficialSerializer(many=True, allow_empty=False)
    concerned = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        default="",
        help_text="The den or lot concerned, in words; kept at the head of the facts.",
    )
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = Accountability
        fields = [
            "id",
            "jurisdiction",
            "trigger",
            "case",
            "concerned",
            "facts",
            "officials",
            "measures",
            "decided_on",
            "document_number",
            "recorded_by",
        ]
        validators = []


class AccountabilityViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """C1: accountability of local governments and department heads for a den left in
    place or over-limit powder back in the supply."""

    serializer_class = AccountabilitySerializer
    filterset_class = AccountabilityFilter
    queryset = Accountability.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "create":
            require_accountability_writer(request.user)

    def get_queryset(self):
        return Accountability.objects.visible_to(self.request.user).select_related("recorded_by")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["officials"] = [dict(o) for o in data["officials"]]
        data["case"] = _visible_case(request.user, data.get("case"))
        record = accountability_record(actor=request.user, **data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


# --- P4: incident reports ------------------------------------------------------------


class IncidentReportSerializer(serializers.ModelSerializer):
    case = VisibleRelatedField(queryset=Case.objects.all(), required=False, allow_null=True)
    reported_by = serializers.CharField(source="reported_by.username", read_only=True)
    notified = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="Offices notified (P4).")
    offices_missing = serializers.SerializerMethodField(
        help_text="Jurisdictions whose food-safety office should have been notified but is not registered."
    )

    class Meta:
        model = IncidentReport
        fields = [
            "id",
            "agency",
            "jurisdiction",
            "title",
            "occurred_at",
            "description",
            "products",
            "people_affected",
            "case",
            "reported_by",
            "reported_at",
            "notified",
            "offices_missing",
        ]
        read_only_fields = ["agency", "jurisdiction", "reported_at"]
        validators = []

    def get_offices_missing(self, report) -> list[str]:
        return missing_offices(report)


class IncidentReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """P4: immediate reports of major cases and emergencies, to the office one level up and
    the provincial office."""

    serializer_class = IncidentReportSerializer
    filterset_class = IncidentFilter
    queryset = IncidentReport.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "create":
            require_incident_reporter(request.user)

    def get_queryset(self):
        return (
            IncidentReport.objects.visible_to(self.request.user)
            .select_related("reported_by", "jurisdiction")
            .prefetch_related("notified")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["case"] = _visible_case(request.user, data.get("case"))
        report = incident_report(actor=request.user, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data, status.HTTP_201_CREATED)


def register(router):
    """Add this module's viewsets to the cases API router."""
    router.register("listings", ListingViewSet, basename="listing")
    router.register("accountability", AccountabilityViewSet, basename="accountability")
    router.register("incident-reports", IncidentReportViewSet, basename="incident-report")
