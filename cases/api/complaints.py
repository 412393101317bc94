"""API of complaints and rewards (P3). Hotline systems (12315, 12365) push tickets here with
a token of a service account (a clerk of the provincial department running the hotline):
`Authorization: Token <key>`. A ticket is recorded once: 201 when new, 200 with the stored
record when it was already known. The informant is masked through `masking.informant_of`
for everyone but the handling agency."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from dairy_campaign.api.fields import VisibleRelatedField
from dairy_campaign.models import Agency, Jurisdiction
from dairy_campaign.ownership import WRITE_ROLES
from dairy_campaign.transitions import state_changes
from licensing.models import Operator

from ..filters_complaints import ComplaintFilter, RewardFilter
from ..models import Complaint, Reward, Violation
from ..services.complaints import (
    annotate_overdue,
    complaint_actions_for,
    complaint_answer,
    complaint_assign,
    complaint_receive,
    complaint_to_case,
    is_overdue,
    may_receive,
)
from ..services.masking import informant_of
from ..services.rewards import reward_actions_for, reward_approve, reward_pay, reward_propose, reward_refuse


class InformantSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    masked = serializers.BooleanField(help_text="True unless you belong to the handling agency.")


class ComplaintDecisionSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.StringRelatedField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()


class ComplaintSerializer(serializers.ModelSerializer):
    operator = VisibleRelatedField(queryset=Operator.objects.all(), required=False, allow_null=True)
    jurisdiction = VisibleRelatedField(queryset=Jurisdiction.objects.all())
    assigned_agency = VisibleRelatedField(
        upward=True,
        queryset=Agency.objects.all(),
        required=False,
        allow_null=True,
        help_text="Leave out: 12315 goes to industry and commerce, 12365 to quality supervision of the place.",
    )
    informant = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "hotline",
            "ticket_number",
            "kind",
            "received_at",
            "content",
            "jurisdiction",
            "operator",
            "party_name",
            "informant_name",
            "informant_phone",
            "informant_address",
            "informant",
            "assigned_agency",
            "deadline",
            "status",
            "overdue",
            "result",
            "answered_on",
            "case",
            "actions",
        ]
        read_only_fields = ["deadline", "status", "result", "answered_on", "case"]
        # The identity goes in here, and comes out only through `informant` (masked).
        extra_kwargs = {
            "informant_name": {"write_only": True},
            "informant_phone": {"write_only": True},
            "informant_address": {"write_only": True},
        }
        # A known ticket is answered with its stored record (200), not refused as a duplicate.
        validators = []

    @extend_schema_field(InformantSerializer)
    def get_informant(self, complaint) -> dict:
        return informant_of(self.context["request"].user, complaint)

    def get_overdue(self, complaint) -> bool:
        return complaint.is_overdue if hasattr(complaint, "is_overdue") else is_overdue(complaint)

    def get_actions(self, complaint) -> list[str]:
        return complaint_actions_for(self.context["request"].user, complaint)


class AssignSerializer(serializers.Serializer):
    agency = VisibleRelatedField(upward=True, queryset=Agency.objects.all())
    reason = serializers.CharField()


class AnswerSerializer(serializers.Serializer):
    result = serializers.CharField()
    answered_on = serializers.DateField()


class ToCaseSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    violations = serializers.ListField(child=serializers.ChoiceField(choices=Violation.choices), required=False)
    party_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Only when the complaint names none."
    )


def _require_writer(request):
    user = request.user
    if not (user.is_superuser or getattr(user, "role", None) in WRITE_ROLES):
        raise PermissionDenied(_("Your role only reads complaints and rewards."))


class ComplaintViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """P3: consultations, complaints and tip-offs from the hotlines."""

    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    queryset = Complaint.objects.none()  # for the schema; rows come from get_queryset

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "create" and not may_receive(request.user):
            raise PermissionDenied(_("Your department or role does not record hotline tickets."))
        if self.action in ("assign", "answer", "to_case"):
            _require_writer(request)

    def get_queryset(self):
        return annotate_overdue(
            Complaint.objects.visible_to(self.request.user).select_related("assigned_agency", "jurisdiction")
        )

    def _answer(self, complaint, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=complaint.pk)).data, status=code)

    @extend_schema(responses={201: ComplaintSerializer, 200: ComplaintSerializer})
    def create(self, request, *args, **kwargs):
        """P3: a hotline pushes a ticket. 201 when new; 200 with the stored record, unchanged,
        when the hotline already sent this ticket number."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint, created = complaint_receive(actor=request.user, **serializer.validated_data)
        return self._answer(complaint, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=AssignSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """P3: re-route the complaint to another department."""
        complaint = self.get_object()
        serializer = AssignSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        complaint_assign(actor=request.user, complaint=complaint, **serializer.validated_data)
        return self._answer(complaint)

    @extend_schema(request=AnswerSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """P3: the handling department records its answer."""
        complaint = self.get_object()
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint_answer(actor=request.user, complaint=complaint, **serializer.validated_data)
        return self._answer(complaint)

    @extend_schema(request=ToCaseSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"], url_path="to-case", url_name="to-case")
    def to_case(self, request, pk=None):
        """P3 → C2: the complaint or tip-off becomes a case of the handling department; asking
        again returns the same case."""
        complaint = self.get_object()
        serializer = ToCaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint_to_case(actor=request.user, complaint=complaint, **serializer.validated_data)
        return self._answer(complaint)

    @extend_schema(responses=ComplaintDecisionSerializer(many=True))
    @action(detail=True, pagination_class=None, filter_backends=[])
    def decisions(self, request, pk=None):
        """The complaint's status changes, oldest first (re-routings included)."""
        return Response(ComplaintDecisionSerializer(state_changes(self.get_object()), many=True).data)


class RewardSerializer(serializers.ModelSerializer):
    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True, default=None)
    informant = serializers.SerializerMethodField(help_text="The person rewarded, masked but for the handling agency.")
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Reward
        fields = [
            "id",
            "complaint",
            "amount",
            "grounds",
            "status",
            "proposed_by",
            "approved_by",
            "approved_on",
            "paid_on",
            "informant",
            "actions",
        ]
        read_only_fields = ["status", "approved_on", "paid_on"]
        validators = []  # the service says why a tip-off cannot be rewarded

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # Another jurisdiction's complaint is a validation error, never a lookup.
            fields["complaint"].queryset = Complaint.objects.visible_to(request.user)
        return fields

    @extend_schema_field(InformantSerializer)
    def get_informant(self, reward) -> dict:
        return informant_of(self.context["request"].user, reward.complaint)

    def get_actions(self, reward) -> list[str]:
        return reward_actions_for(self.context["request"].user, reward)


class RewardDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RewardRefuseSerializer(serializers.Serializer):
    reason = serializers.CharField()


class RewardPaySerializer(serializers.Serializer):
    paid_on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Payment reference.")


class RewardViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """P3 (有奖举报): rewards for tip-offs turned into cases."""

    serializer_class = RewardSerializer
    filterset_class = RewardFilter
    queryset = Reward.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action in ("create", "approve", "refuse", "pay"):
            _require_writer(request)

    def get_queryset(self):
        return (
            Reward.objects.visible_to(self.request.user)
            .select_related("complaint", "proposed_by", "approved_by")
            .order_by("-id")
        )

    def _answer(self, reward, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=reward.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        """P3: the handling department proposes a reward."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reward = reward_propose(actor=request.user, **serializer.validated_data)
        return self._answer(reward, status.HTTP_201_CREATED)

    def _decide(self, request, service, serializer_class):
        reward = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        service(actor=request.user, reward=reward, **serializer.validated_data)
        return self._answer(reward)

    @extend_schema(request=RewardDecisionSerializer, responses={200: RewardSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """P3: a reviewer of the handling department, not the proposer, approves."""
        return self._decide(request, reward_approve, RewardDecisionSerializer)

    @extend_schema(request=RewardRefuseSerializer, responses={200: RewardSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """P3: a reviewer of the handling department, not the proposer, refuses, saying why."""
        return self._decide(request, reward_refuse, RewardRefuseSerializer)

    @extend_schema(request=RewardPaySerializer, responses={200: RewardSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        """P3: record the payment of an approved reward."""
        return self._decide(request, reward_pay, RewardPaySerializer)


def register(router):
    """Add this module's viewsets to the cases API router."""
    router.register("complaints", ComplaintViewSet, basename="complaint")
    router.register("rewards", RewardViewSet, basename="reward")
