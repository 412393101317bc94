"""API twins of the case pages (C2): the same services and the same `visible_to(user)`
scoping; another jurisdiction's case is a 404, a read-only role's write a 403."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dairy_campaign.api.fields import VisibleRelatedField
from dairy_campaign.models import Agency, Jurisdiction, User
from dairy_campaign.ownership import WRITE_ROLES
from dairy_campaign.transitions import state_changes
from licensing.api import StateChangeSerializer  # one schema component for every record's decisions
from licensing.models import Licence, Operator

from ..filters import CaseFilter, PoliceReferralFilter, late_referral_exists
from ..models import Case, Decision, Evidence, PoliceReferral, SourceKind, TaskForce, Violation
from ..rules import referral_late
from ..services.cases import (
    MANUAL_SOURCES,
    case_actions_for,
    case_close,
    case_create,
    case_decide,
    case_dismiss,
    case_file,
    case_investigate,
    case_task_force,
    mark_cancellable_elsewhere,
)
from ..services.evidence import evidence_attach
from ..services.police import police_accept, police_answers_for, police_refer, police_return, with_late_flag


class CaseEvidenceSerializer(serializers.ModelSerializer):
    attached_by = serializers.CharField(source="attached_by.username", read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "description", "file", "sha256", "content_type", "size", "attached_by", "attached_at"]
        read_only_fields = fields


class CaseEvidenceUploadSerializer(serializers.Serializer):
    upload = serializers.FileField(help_text="PDF, JPEG or PNG, checked by content.")
    description = serializers.CharField(max_length=300)


class TaskForceSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskForce
        fields = ["name", "leader", "members", "formed_on"]
        read_only_fields = fields


class CaseTaskForceWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    # The city's officers may join a county's task force (the service checks who may).
    leader = VisibleRelatedField(upward=True, queryset=User.objects.filter(is_active=True))
    members = VisibleRelatedField(upward=True, queryset=User.objects.filter(is_active=True), many=True)
    formed_on = serializers.DateField()


class PoliceReferralSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    # Plain text here: the statuses' enum is named once, on the case's own schema.
    status = serializers.CharField(read_only=True, help_text="referred, accepted or returned")
    late = serializers.SerializerMethodField(help_text="C2: slower than the campaign's limit for the department.")
    answers = serializers.SerializerMethodField(help_text="The answers the caller may give now.")

    class Meta:
        model = PoliceReferral
        fields = [
            "id",
            "case",
            "case_number",
            "police_unit",
            "referred_on",
            "document_number",
            "days_from_clue",
            "late",
            "status",
            "police_case_number",
            "answered_on",
            "answer",
            "answers",
        ]
        read_only_fields = fields

    def get_late(self, referral) -> bool:
        if hasattr(referral, "late"):
            return bool(referral.late)
        return referral_late(referral.days_from_clue, referral.case.agency.kind)

    def get_answers(self, referral) -> list[str]:
        return police_answers_for(self.context["request"].user, referral)


class CaseSerializer(serializers.ModelSerializer):
    party = serializers.CharField(read_only=True)
    late_referral = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text="The decisions the caller may take now.")
    police_referrals = PoliceReferralSerializer(many=True, read_only=True)
    task_force = TaskForceSerializer(read_only=True, allow_null=True)
    evidence = CaseEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "source_kind",
            "source_label",
            "operator",
            "party_name",
            "party",
            "agency",
            "jurisdiction",
            "violations",
            "facts",
            "status",
            "major",
            "cross_region",
            "clue_at",
            "filed_on",
            "decision",
            "fine_amount",
            "confiscated",
            "decided_on",
            "decision_number",
            "closed_on",
            "late_referral",
            "actions",
            "police_referrals",
            "task_force",
            "evidence",
        ]
        read_only_fields = fields

    def get_late_referral(self, case) -> bool:
        if hasattr(case, "late_referral"):
            return bool(case.late_referral)
        return any(referral_late(r.days_from_clue, case.agency.kind) for r in case.police_referrals.all())

    def get_actions(self, case) -> list[str]:
        return case_actions_for(self.context["request"].user, case)


class CaseCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    facts = serializers.CharField()
    jurisdiction = VisibleRelatedField(queryset=Jurisdiction.objects.all())
    source_kind = serializers.ChoiceField(
        choices=[(v, label) for v, label in SourceKind.choices if v in MANUAL_SOURCES], default=SourceKind.DEPARTMENT
    )
    source_label = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    operator = serializers.PrimaryKeyRelatedField(queryset=Operator.objects.none(), required=False, allow_null=True)
    party_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    violations = serializers.ListField(child=serializers.ChoiceField(choices=Violation.choices), required=False)
    major = serializers.BooleanField(required=False, default=False)
    cross_region = serializers.BooleanField(required=False, default=False)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            # An operator outside the caller's jurisdiction does not exist for it.
            fields["operator"].queryset = Operator.objects.visible_to(request.user)
        return fields


class CaseReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CaseFileSerializer(CaseReasonSerializer):
    document_number = serializers.CharField(max_length=60, help_text="The filing approval number.")
    violations = serializers.ListField(child=serializers.ChoiceField(choices=Violation.choices), allow_empty=False)
    legal_basis = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    major = serializers.BooleanField(required=False, allow_null=True, default=None)
    cross_region = serializers.BooleanField(required=False, allow_null=True, default=None)


class CaseDismissSerializer(CaseReasonSerializer):
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class CaseDecideSerializer(CaseReasonSerializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    document_number = serializers.CharField(max_length=60, help_text="The penalty decision's number.")
    legal_basis = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    fine_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None, help_text="Yuan."
    )
    confiscated = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    licence = serializers.PrimaryKeyRelatedField(
        queryset=Licence.objects.none(),
        required=False,
        allow_null=True,
        default=None,
        help_text="For a licence cancellation: a licence of the case's party.",
    )

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            fields["licence"].queryset = Licence.objects.visible_to(request.user)
        return fields


class PoliceReferSerializer(serializers.Serializer):
    # A unit at or above the case's jurisdiction (the service checks the level).
    police_unit = VisibleRelatedField(upward=True, queryset=Agency.objects.filter(kind="PSB"))
    referred_on = serializers.DateField()
    document_number = serializers.CharField(max_length=60)
    documents = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text="Transfer documents, as evidence."
    )


class PoliceAcceptSerializer(serializers.Serializer):
    police_case_number = serializers.CharField(max_length=60)
    answered_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PoliceReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()
    answered_on = serializers.DateField()


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class WriteRoleRequired:
    """Read-only roles are refused a write (403) before its body is read."""

    read_actions = frozenset({"list", "retrieve", "history", "metadata"})

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action in self.read_actions or request.method in ("GET", "HEAD", "OPTIONS"):
            return
        user = request.user
        if not (user.is_superuser or getattr(user, "role", None) in WRITE_ROLES):
            raise PermissionDenied(_("Your role only reads."))


class CaseViewSet(WriteRoleRequired, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """C2: cases from clue to closure, with their police referrals, task force and evidence."""

    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    queryset = Case.objects.none()  # for the schema; rows come from get_queryset
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        user = self.request.user
        cases = (
            Case.objects.visible_to(user)
            .select_related("agency", "jurisdiction", "operator", "task_force")
            .prefetch_related("police_referrals__case__agency", "evidence__attached_by", "task_force__members")
            .annotate(late_referral=late_referral_exists())
        )
        if self.action == "list":
            # What each row's decisions depend on, in the page's query rather than per row
            # (case_actions_for reads it).
            cases = cases.annotate(user_may_edit=Exists(Case.objects.editable_by(user).filter(pk=OuterRef("pk"))))
        return cases

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            mark_cancellable_elsewhere(self.request.user, page)  # one query for the page
        return page

    def _answer(self, case, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data, status=code)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseSerializer})
    def create(self, request, *args, **kwargs):
        """C2: a clue typed in by hand, for the caller's own department."""
        case = case_create(actor=request.user, **_valid(CaseCreateSerializer, request))
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(request=CaseFileSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="file")
    def file_case(self, request, pk=None):
        """C2: file the case (立案)."""
        case = self.get_object()
        case_file(actor=request.user, case=case, **_valid(CaseFileSerializer, request))
        return self._answer(case)

    @extend_schema(request=CaseDismissSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        """C2: the clue is not filed."""
        case = self.get_object()
        case_dismiss(actor=request.user, case=case, **_valid(CaseDismissSerializer, request))
        return self._answer(case)

    @extend_schema(request=CaseReasonSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def investigate(self, request, pk=None):
        case = self.get_object()
        case_investigate(actor=request.user, case=case, **_valid(CaseReasonSerializer, request))
        return self._answer(case)

    @extend_schema(request=CaseDecideSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """C2: the penalty decision; licence cancellation only by the issuing department."""
        case = self.get_object()
        case_decide(actor=request.user, case=case, **_valid(CaseDecideSerializer, request))
        return self._answer(case)

    @extend_schema(request=CaseReasonSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        case = self.get_object()
        case_close(actor=request.user, case=case, **_valid(CaseReasonSerializer, request))
        return self._answer(case)

    @extend_schema(request=PoliceReferSerializer, responses={201: PoliceReferralSerializer})
    @action(detail=True, methods=["post"], url_path="refer-to-police", url_name="refer-to-police")
    def refer_to_police(self, request, pk=None):
        """C2: transfer to a police unit at or above the case's jurisdiction."""
        case = self.get_object()
        data = _valid(PoliceReferSerializer, request)
        referral = police_refer(actor=request.user, case=case, **data)
        referral = with_late_flag(PoliceReferral.objects.filter(pk=referral.pk)).select_related("case__agency").get()
        return Response(
            PoliceReferralSerializer(referral, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(methods=["GET"], request=None, responses={200: CaseEvidenceSerializer(many=True)})
    @extend_schema(methods=["POST"], request=CaseEvidenceUploadSerializer, responses={201: CaseEvidenceSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
        filter_backends=[],
    )
    def evidence(self, request, pk=None):
        """C2: the case's evidence; POST attaches one file (multipart), never changed after."""
        case = self.get_object()
        if request.method == "GET":
            return Response(CaseEvidenceSerializer(case.evidence.all(), many=True, context={"request": request}).data)
        evidence = evidence_attach(actor=request.user, case=case, **_valid(CaseEvidenceUploadSerializer, request))
        return Response(
            CaseEvidenceSerializer(evidence, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=CaseTaskForceWriteSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="task-force", url_name="task-force")
    def task_force(self, request, pk=None):
        """C2: form (or change) the case's task force."""
        case = self.get_object()
        case_task_force(actor=request.user, case=case, **_valid(CaseTaskForceWriteSerializer, request))
        return self._answer(case)

    @extend_schema(responses=StateChangeSerializer(many=True))
    @action(detail=True, pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        """The case's decisions: who, when, why, document number."""
        return Response(StateChangeSerializer(state_changes(self.get_object()), many=True).data)


class PoliceReferralViewSet(WriteRoleRequired, viewsets.ReadOnlyModelViewSet):
    """C2: transfers to the police, with the days from the clue and the late flag; the
    receiving unit accepts or returns them."""

    serializer_class = PoliceReferralSerializer
    filterset_class = PoliceReferralFilter
    queryset = PoliceReferral.objects.none()

    def get_queryset(self):
        return with_late_flag(PoliceReferral.objects.visible_to(self.request.user)).select_related(
            "case__agency", "police_unit"
        )

    def _answer(self, referral):
        return Response(self.get_serializer(self.get_queryset().get(pk=referral.pk)).data)

    @extend_schema(request=PoliceAcceptSerializer, responses={200: PoliceReferralSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """C2: the receiving police unit accepts the case (立案)."""
        referral = self.get_object()
        police_accept(actor=request.user, referral=referral, **_valid(PoliceAcceptSerializer, request))
        return self._answer(referral)

    @extend_schema(request=PoliceReturnSerializer, responses={200: PoliceReferralSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """C2: the receiving police unit returns the case, saying why."""
        referral = self.get_object()
        police_return(actor=request.user, referral=referral, **_valid(PoliceReturnSerializer, request))
        return self._answer(referral)


def register(router):
    """Add this module's viewsets to the cases API router."""
    router.register("cases", CaseViewSet, basename="case")
    router.register("police-referrals", PoliceReferralViewSet, basename="police-referral")
