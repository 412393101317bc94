from rest_framework import serializers

from ..filters import BIGGEST_INTEGER
from ..models import Agency, Campaign, Jurisdiction, Notification, Phase, ResponsibilityLetter, User
from .fields import VisibleRelatedField


class JurisdictionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Jurisdiction
        fields = ["code", "name", "name_en", "level", "parent"]


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "kind", "jurisdiction", "name", "name_en"]


class MeSerializer(serializers.ModelSerializer):
    agency = AgencySerializer(read_only=True)
    jurisdiction = serializers.CharField(source="agency.jurisdiction_id", read_only=True, default=None)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "role", "agency", "jurisdiction"]


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["id", "campaign", "kind", "starts_on", "ends_on"]


class CampaignSerializer(serializers.ModelSerializer):
    phases = PhaseSerializer(many=True, read_only=True)
    days_to_deadline = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["id", "year", "name", "starts_on", "ends_on", "summary_deadline", "days_to_deadline", "phases"]

    def get_days_to_deadline(self, campaign) -> int:
        from ..services.campaigns import local_today

        return campaign.days_to_deadline(local_today())


class LetterSerializer(serializers.ModelSerializer):
    jurisdiction = VisibleRelatedField(queryset=Jurisdiction.objects.all())
    document = serializers.FileField(write_only=True)

    class Meta:
        model = ResponsibilityLetter
        fields = [
            "id",
            "campaign",
            "issuer",
            "jurisdiction",
            "signed_on",
            "issuer_signatory",
            "signatory",
            "document",
            "document_sha256",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["campaign", "issuer", "document_sha256", "recorded_by", "recorded_at"]
        # Uniqueness is the service's to check, with its own message.
        validators = []


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=BIGGEST_INTEGER), required=False)


class AccountSerializer(serializers.ModelSerializer):
    """An account as its administrator sees it; writes go through the account services."""

    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    reason = serializers.CharField(write_only=True, required=False, max_length=500)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "agency",
            "role",
            "is_active",
            "last_login",
            "password",
            "reason",
        ]
        read_only_fields = ["last_login"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # Another jurisdiction's agency is a validation error (400), not a lookup.
            fields["agency"].queryset = Agency.objects.editable_by(request.user)
        return fields


class SealCheckSerializer(serializers.Serializer):
    """A signed or reviewed record's content seal, recomputed when it is read (seals.py)."""

    seal = serializers.CharField(help_text="SHA-256 of the content when it was sealed")
    state = serializers.ChoiceField(choices=["intact", "broken"])
    intact = serializers.BooleanField(help_text="false: the content changed after it was sealed")
    label = serializers.CharField()


class TokenRevokedSerializer(serializers.Serializer):
    revoked = serializers.BooleanField(help_text="false when the account had no token")
