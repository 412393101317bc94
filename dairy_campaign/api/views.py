"""The API twins of the core pages: same services, same `visible_to(user)` scoping."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ..filters import AgencyFilter, NotificationFilter, UserFilter
from ..models import Agency, Campaign, Jurisdiction, Notification, Phase, ResponsibilityLetter, User
from ..services.campaigns import campaign_current, letter_record
from ..services.notifications import notification_mark_read
from ..services.users import require_admin, user_create, user_set_password, user_token_revoke, user_update
from . import serializers as s


class MeView(APIView):
    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


class MyTokenView(APIView):
    """The caller's own API token: DELETE revokes it at once (a leaked key, a retired script)."""

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        user_token_revoke(actor=request.user, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class JurisdictionViewSet(viewsets.ReadOnlyModelViewSet):
    """The GB/T 2260 tree of Jiangsu: reference data every account may read."""

    serializer_class = s.JurisdictionSerializer
    queryset = Jurisdiction.objects.all()
    filterset_fields = ["level", "parent"]
    pagination_class = None


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.AgencySerializer
    filterset_class = AgencyFilter

    def get_queryset(self):
        return Agency.objects.visible_to(self.request.user)


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CampaignSerializer
    queryset = Campaign.objects.prefetch_related("phases")

    @action(detail=False)
    def current(self, request):
        campaign = campaign_current()
        if campaign is None:
            raise Http404
        return Response(self.get_serializer(campaign).data)


class PhaseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.PhaseSerializer
    queryset = Phase.objects.all()
    filterset_fields = ["campaign", "kind"]


class LetterViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.LetterSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filterset_fields = ["campaign", "issuer", "jurisdiction"]

    def get_queryset(self):
        return ResponsibilityLetter.objects.visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        campaign = campaign_current()
        if campaign is None:
            raise Http404
        letter = letter_record(actor=request.user, campaign=campaign, **serializer.validated_data)
        return Response(self.get_serializer(letter).data, status=status.HTTP_201_CREATED)


class AccountViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Accounts of the administrator's jurisdiction and below (the accounts page's twin)."""

    serializer_class = s.AccountSerializer
    filterset_class = UserFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require_admin(request.user)

    def get_queryset(self):
        return User.objects.visible_to(self.request.user).select_related("agency")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("reason", None)
        data.pop("is_active", None)  # a new account starts active
        if "password" not in data:
            raise ValidationError({"password": _("Give an initial password.")})
        serializer.instance = user_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("username", None)
        if "password" in data:
            user_set_password(actor=self.request.user, user=serializer.instance, password=data.pop("password"))
        reason = data.pop("reason", "")
        if data:
            user_update(actor=self.request.user, user=serializer.instance, reason=reason, **data)

    @extend_schema(request=None, responses=s.TokenRevokedSerializer)
    @action(detail=True, methods=["post"], url_path="revoke-token")
    def revoke_token(self, request, pk=None):
        revoked = user_token_revoke(actor=request.user, user=self.get_object())
        return Response({"revoked": revoked})


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        return Notification.objects.visible_to(self.request.user)

    @extend_schema(request=s.MarkReadSerializer, responses={200: None})
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        serializer = s.MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = notification_mark_read(user=request.user, notification_ids=serializer.validated_data.get("ids"))
        return Response({"marked": count})
