"""API twins of the licensing pages: the same services and the same scoping."""

from django.db.models import Exists, OuterRef
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dairy_campaign.api.fields import VisibleRelatedField
from dairy_campaign.models import Jurisdiction
from dairy_campaign.transitions import state_changes

from .filters import FollowUpFilter, LicenceFilter, OperatorFilter
from .models import FollowUpMeasure, Licence, Operator, ScopeCategory, Vehicle
from .selectors import review_coverage
from .services.licences import (
    LICENCE_ACTIONS,
    follow_up_complete,
    licence_act,
    licence_actions_for,
    licence_apply,
    seller_cancel_for_over_limit,
    station_close,
)
from .services.register import operator_create, operator_update, vehicle_register


class OperatorSerializer(serializers.ModelSerializer):
    county = VisibleRelatedField(queryset=Jurisdiction.objects.filter(level="county"))
    reason = serializers.CharField(write_only=True, required=False)

    class Meta:
        model = Operator
        fields = [
            "id",
            "kind",
            "name",
            "credit_code",
            "county",
            "address",
            "contact_person",
            "phone",
            "registered_with_aic",
            "infant_formula",
            "scale_farm",
            "herd_size",
            "status",
            "arrangement",
            "actual_operator",
            "arrangement_flagged",
            "business_licence_cancelled",
            "reason",
        ]
        read_only_fields = ["status", "business_licence_cancelled"]
        validators = []  # the services validate, with the rule named in the message

    def get_fields(self):
        fields = super().get_fields()
        fields["credit_code"].validators = []
        return fields


class VehicleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vehicle
        fields = ["id", "plate", "owner", "capacity_tonnes"]
        read_only_fields = ["owner"]
        validators = []


class LicenceSerializer(serializers.ModelSerializer):
    operator = VisibleRelatedField(queryset=Operator.objects.all())
    vehicle = VisibleRelatedField(queryset=Vehicle.objects.all(), required=False, allow_null=True)
    station = VisibleRelatedField(queryset=Operator.objects.all(), required=False, allow_null=True)
    scope = serializers.ListField(child=serializers.ChoiceField(choices=ScopeCategory.choices), required=False)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Licence
        fields = [
            "id",
            "type",
            "operator",
            "vehicle",
            "station",
            "number",
            "issuing_agency",
            "scope",
            "status",
            "applied_on",
            "issued_on",
            "expires_on",
            "rectify_by",
            "reviewed_on",
            "review_outcome",
            "actions",
        ]
        read_only_fields = [
            "number",
            "issuing_agency",
            "status",
            "issued_on",
            "expires_on",
            "rectify_by",
            "reviewed_on",
            "review_outcome",
        ]
        extra_kwargs = {"applied_on": {"required": False}}
        validators = []

    def get_actions(self, licence) -> list[str]:
        return licence_actions_for(self.context["request"].user, licence)


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField()
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")
    document_number = serializers.CharField(required=False, allow_blank=True, default="")
    number = serializers.CharField(required=False, help_text="grant only")
    issued_on = serializers.DateField(required=False, help_text="grant only")
    expires_on = serializers.DateField(required=False, help_text="grant only")
    rectify_by = serializers.DateField(required=False, help_text="order_rectification only")


class StateChangeSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.StringRelatedField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()
    legal_basis = serializers.CharField()
    document_number = serializers.CharField()


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUpMeasure
        fields = ["id", "licence", "kind", "responsible", "due_on", "completed_on", "evidence_sha256", "notes"]
        read_only_fields = fields


class FollowUpCompleteSerializer(serializers.Serializer):
    completed_on = serializers.DateField()
    evidence = serializers.FileField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class CoverageRowSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    name = serializers.CharField(source="jurisdiction.name")
    total = serializers.IntegerField()
    reviewed = serializers.IntegerField()
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    pending = serializers.IntegerField()


class OperatorViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = OperatorSerializer
    filterset_class = OperatorFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Operator.objects.visible_to(self.request.user).select_related("county")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        serializer.instance = operator_create(actor=self.request.user, reason=reason, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        serializer.instance = operator_update(
            actor=self.request.user, operator=serializer.instance, reason=reason, **data
        )

    @extend_schema(request=VehicleSerializer, responses={201: VehicleSerializer})
    @action(detail=True, methods=["post"])
    def vehicles(self, request, pk=None):
        owner = self.get_object()  # an outsider's operator is a 404 before its body is read
        serializer = VehicleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        vehicle = vehicle_register(actor=request.user, owner=owner, **serializer.validated_data)
        return Response(VehicleSerializer(vehicle).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses={200: OperatorSerializer})
    @action(detail=True, methods=["post"], url_path="close-station")
    def close_station(self, request, pk=None):
        """L4: close a raw-milk purchase station."""
        station = self.get_object()  # an outsider's station is a 404 before its body is read
        station_close(actor=request.user, station=station, **_decision(request))
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=DecisionSerializer, responses={200: OperatorSerializer})
    @action(detail=True, methods=["post"], url_path="cancel-seller")
    def cancel_seller(self, request, pk=None):
        """L6: cancel a seller's licences after an over-limit finding."""
        seller = self.get_object()  # an outsider's seller is a 404 before its body is read
        seller_cancel_for_over_limit(actor=request.user, seller=seller, **_decision(request))
        return Response(self.get_serializer(self.get_object()).data)


def _decision(request) -> dict:
    serializer = DecisionSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return {k: serializer.validated_data[k] for k in ("reason", "legal_basis", "document_number")}


class LicenceViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = LicenceSerializer
    filterset_class = LicenceFilter

    def get_queryset(self):
        user = self.request.user
        licences = Licence.objects.visible_to(user).select_related("operator")
        if self.action == "list":
            # Each row's decisions depend on whether the caller may decide on it: asked in
            # the page's query rather than once per row (licence_actions_for reads it).
            licences = licences.annotate(
                user_may_edit=Exists(Licence.objects.editable_by(user).filter(pk=OuterRef("pk")))
            )
        return licences

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = licence_apply(
            actor=self.request.user,
            operator=data["operator"],
            type=data["type"],
            vehicle=data.get("vehicle"),
            station=data.get("station"),
            scope=data.get("scope", ()),
            applied_on=data.get("applied_on"),
        )

    @extend_schema(
        request=DecisionSerializer,
        responses={200: LicenceSerializer},
        description="Decisions: " + ", ".join(LICENCE_ACTIONS),
    )
    @action(detail=True, methods=["post"], url_path=r"decide/(?P<decision>[a-z_]+)")
    def decide(self, request, pk=None, decision=None):
        licence = self.get_object()
        if decision not in LICENCE_ACTIONS:
            raise Http404
        if decision not in licence_actions_for(request.user, licence):
            raise PermissionDenied("This decision is not yours to take now.")
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if v is not None}
        wanted = {"grant": {"number", "issued_on", "expires_on"}, "order_rectification": {"rectify_by"}}
        for extra in {"number", "issued_on", "expires_on", "rectify_by"} - wanted.get(decision, set()):
            data.pop(extra, None)
        licence_act(actor=request.user, licence=licence, action=decision, **data)
        licence.refresh_from_db()
        return Response(self.get_serializer(licence).data)

    @extend_schema(responses=StateChangeSerializer(many=True))
    @action(detail=True)
    def decisions(self, request, pk=None):
        return Response(StateChangeSerializer(state_changes(self.get_object()), many=True).data)


class FollowUpViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return FollowUpMeasure.objects.visible_to(self.request.user)

    @extend_schema(request=FollowUpCompleteSerializer, responses={200: FollowUpSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        measure = self.get_object()  # an outsider's measure is a 404 before its body is read
        serializer = FollowUpCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        measure = follow_up_complete(actor=request.user, measure=measure, **serializer.validated_data)
        return Response(self.get_serializer(measure).data)


class ReviewCoverageViewSet(viewsets.ViewSet):
    """L1: re-review progress of production licences below the user's jurisdiction."""

    @extend_schema(responses=CoverageRowSerializer(many=True))
    def list(self, request):
        place = request.user.jurisdiction
        if place is None:
            raise Http404
        return Response(CoverageRowSerializer(review_coverage(request.user, place), many=True).data)
