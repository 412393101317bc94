"""API twins of the checklist-template pages: every member reads templates and their
versions; provincial editors take a draft, change its questions and publish it, through the
same services (services/templates.py)."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dairy_campaign.choices import AgencyKind
from dairy_campaign.filters import BoundedFilterSet

from ..models import ChecklistTemplate, Subject, TemplateItem, TemplateSection, TemplateStatus
from ..services.templates import (
    require_template_editor,
    template_item_delete,
    template_item_save,
    template_publish,
    template_revise,
    template_section_add,
)


class TemplateItemSerializer(serializers.ModelSerializer):
    section = serializers.PrimaryKeyRelatedField(queryset=TemplateSection.objects.all())
    choices = serializers.ListField(child=serializers.CharField(max_length=100), required=False)

    class Meta:
        model = TemplateItem
        fields = [
            "id",
            "section",
            "order",
            "code",
            "text",
            "help_text",
            "answer_type",
            "choices",
            "unit",
            "required",
            "note_on_no",
            "photo_on_no",
            "rule",
        ]
        read_only_fields = ["order"]
        validators = []  # the service checks codes within the version, naming the problem


class TemplateSectionSerializer(serializers.ModelSerializer):
    items = TemplateItemSerializer(many=True, read_only=True)

    class Meta:
        model = TemplateSection
        fields = ["id", "order", "title", "items"]
        read_only_fields = fields


# The departments that file checklists (the police receive referrals and file none): its
# own choice set, so the schema names it apart from the agency's `kind`.
FILING_KINDS = [(value, label) for value, label in AgencyKind.choices if value != AgencyKind.PSB]


class ChecklistTemplateSerializer(serializers.ModelSerializer):
    sections = TemplateSectionSerializer(many=True, read_only=True)
    owner_kind = serializers.ChoiceField(choices=FILING_KINDS, read_only=True)
    published_by = serializers.StringRelatedField()

    class Meta:
        model = ChecklistTemplate
        fields = [
            "id",
            "code",
            "version",
            "name",
            "subject",
            "operator_kinds",
            "owner_kind",
            "rules",
            "status",
            "change_note",
            "published_at",
            "published_by",
            "sections",
        ]
        read_only_fields = fields


class PublishSerializer(serializers.Serializer):
    change_note = serializers.CharField(max_length=300)


class SectionAddSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TemplateSection
        fields = ["id", "template", "order", "title"]
        read_only_fields = fields


class TemplateApiFilter(BoundedFilterSet):
    code = django_filters.CharFilter()
    status = django_filters.ChoiceFilter(choices=TemplateStatus.choices)
    owner_kind = django_filters.ChoiceFilter(choices=FILING_KINDS)
    subject = django_filters.ChoiceFilter(choices=Subject.choices)

    class Meta:
        model = ChecklistTemplate
        fields = ["code", "status", "owner_kind", "subject"]


EDIT_ACTIONS = frozenset({"revise", "publish", "sections"})


class ChecklistTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """Every version of every checklist, with its sections and questions. A version in use
    or superseded never changes; `revise` gives the draft of the next version."""

    serializer_class = ChecklistTemplateSerializer
    filterset_class = TemplateApiFilter

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action in EDIT_ACTIONS:
            require_template_editor(request.user)

    def get_queryset(self):
        return (
            ChecklistTemplate.objects.visible_to(self.request.user)
            .select_related("published_by")
            .prefetch_related("sections__items")
            .order_by("code", "-version")
        )

    @extend_schema(request=None, responses={200: ChecklistTemplateSerializer, 201: ChecklistTemplateSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """The draft of the next version: the existing one (200) or a new copy of this version (201)."""
        template = self.get_object()
        existed = ChecklistTemplate.objects.filter(code=template.code, status=TemplateStatus.DRAFT).exists()
        draft = template_revise(actor=request.user, template=template)
        draft = self.get_queryset().get(pk=draft.pk)
        return Response(
            self.get_serializer(draft).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    @extend_schema(request=PublishSerializer, responses={200: ChecklistTemplateSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Put a draft in use; the version it replaces is superseded and stays readable."""
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = template_publish(actor=request.user, draft=self.get_object(), **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=template.pk)).data)

    @extend_schema(request=SectionAddSerializer, responses={201: SectionSerializer})
    @action(detail=True, methods=["post"])
    def sections(self, request, pk=None):
        """Add a section at the end of a draft."""
        serializer = SectionAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        section = template_section_add(actor=request.user, draft=self.get_object(), **serializer.validated_data)
        return Response(SectionSerializer(section).data, status=status.HTTP_201_CREATED)


class TemplateItemViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Questions of a draft: add, change, delete. Questions of a version in use or superseded
    are read through the template and refused here with a 400."""

    serializer_class = TemplateItemSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action != "retrieve":
            require_template_editor(request.user)

    def get_queryset(self):
        visible = ChecklistTemplate.objects.visible_to(self.request.user)
        return TemplateItem.objects.filter(section__template__in=visible).select_related("section__template")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        draft = data["section"].template
        serializer.instance = template_item_save(actor=self.request.user, draft=draft, **data)

    def perform_update(self, serializer):
        item = serializer.instance
        serializer.instance = template_item_save(
            actor=self.request.user, draft=item.section.template, item=item, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        template_item_delete(actor=self.request.user, item=instance)


def register(router):
    """Add this module's viewsets to the inspections API router."""
    router.register("checklist-templates", ChecklistTemplateViewSet, basename="checklist-template")
    router.register("checklist-template-items", TemplateItemViewSet, basename="checklist-template-item")
