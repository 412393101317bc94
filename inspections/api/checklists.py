"""API twins of the checklist pages (二.1–二.5, S2, S4): assignments, checklists with their
drafts, photos, signature and review, measures, and coverage of the register by inspections.
Same services as the pages; every queryset starts from `visible_to(user)`."""

import django_filters
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from dairy_campaign.api.serializers import SealCheckSerializer
from dairy_campaign.filters import BoundedFilterSet
from dairy_campaign.models import Jurisdiction, User
from dairy_campaign.services.campaigns import campaign_current
from dairy_campaign.transitions import state_changes
from licensing.models import Operator, OperatorKind

from ..models import (
    Assignment,
    AssignmentStatus,
    ChecklistTemplate,
    Consignment,
    Inspection,
    InspectionPhoto,
    InspectionStatus,
    Measure,
    MeasureKind,
    MeasureStatus,
    Outcome,
    Sweep,
)
from ..selectors import inspection_coverage, not_inspected
from ..services.answers import evidence_problems
from ..services.assignments import assignment_cancel, assignment_create, assignments_plan, task_list
from ..services.common import require_field_role
from ..services.filing import (
    DraftConflict,
    inspection_save_draft,
    inspection_start,
    inspection_submit,
    photo_add,
    submission_problems,
)
from ..services.measures import measure_record, measure_remove
from ..services.review import inspection_approve, inspection_return
from ..services.seal import checklist_seal_check

# ---------------------------------------------------------------------------------------
# Filters


class AssignmentApiFilter(BoundedFilterSet):
    status = django_filters.ChoiceFilter(choices=AssignmentStatus.choices)
    inspector = django_filters.NumberFilter(field_name="inspector", help_text="inspector's user id")
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_until = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")
    template_code = django_filters.CharFilter(field_name="template_code")

    class Meta:
        model = Assignment
        fields = ["status", "inspector", "due_from", "due_until", "template_code"]


class InspectionApiFilter(BoundedFilterSet):
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices)
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
    template_code = django_filters.CharFilter(field_name="template__code")
    operator = django_filters.NumberFilter(field_name="operator", help_text="operator id")
    jurisdiction = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", help_text="jurisdiction code prefix"
    )
    inspected_from = django_filters.DateFilter(field_name="inspected_on", lookup_expr="gte")
    inspected_until = django_filters.DateFilter(field_name="inspected_on", lookup_expr="lte")
    inspector = django_filters.NumberFilter(field_name="inspector", help_text="inspector's user id")

    class Meta:
        model = Inspection
        fields = [
            "status",
            "outcome",
            "template_code",
            "operator",
            "jurisdiction",
            "inspected_from",
            "inspected_until",
            "inspector",
        ]


class MeasureApiFilter(BoundedFilterSet):
    kind = django_filters.ChoiceFilter(choices=MeasureKind.choices)
    status = django_filters.ChoiceFilter(choices=MeasureStatus.choices)
    inspection = django_filters.NumberFilter(field_name="inspection", help_text="checklist id")
    deadline_from = django_filters.DateFilter(field_name="deadline", lookup_expr="gte")
    deadline_until = django_filters.DateFilter(field_name="deadline", lookup_expr="lte")

    class Meta:
        model = Measure
        fields = ["kind", "status", "inspection", "deadline_from", "deadline_until"]


# ---------------------------------------------------------------------------------------
# Serializers


class ScopedRelationsMixin:
    """Related records are chosen among those the user sees, so another jurisdiction's id
    reads as "does not exist". `scoped_relations` maps field names to models."""

    scoped_relations: dict = {}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None:  # schema generation
            return fields
        for name, model in self.scoped_relations.items():
            field = fields[name]
            getattr(field, "child_relation", field).queryset = model.objects.visible_to(request.user)
        return fields


def _scoped(model, **kwargs):
    """A primary-key field whose real queryset is set per request (ScopedRelationsMixin)."""
    return serializers.PrimaryKeyRelatedField(queryset=model.objects.none(), **kwargs)


class AssignmentSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    scoped_relations = {"inspector": User, "operator": Operator, "jurisdiction": Jurisdiction}

    inspector = _scoped(User)
    operator = _scoped(Operator, required=False, allow_null=True)
    jurisdiction = _scoped(
        Jurisdiction, required=False, allow_null=True, help_text="for checklists about a jurisdiction"
    )
    operator_name = serializers.CharField(source="operator.name", read_only=True, allow_null=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    inspector_name = serializers.StringRelatedField(source="inspector")
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "agency",
            "jurisdiction",
            "jurisdiction_name",
            "operator",
            "operator_name",
            "template_code",
            "inspector",
            "inspector_name",
            "assigned_by",
            "assigned_at",
            "due_on",
            "status",
            "status_label",
            "source",
            "origin_measure",
            "note",
        ]
        read_only_fields = ["agency", "assigned_by", "assigned_at", "status", "source", "origin_measure"]
        validators = []  # the services validate, with the rule named in the message


class AssignmentPlanSerializer(ScopedRelationsMixin, serializers.Serializer):
    scoped_relations = {"inspectors": User}

    template_code = serializers.CharField()
    # Plain strings: the OperatorKind enum is already named by the operators' `kind`, and one
    # choice set under two names fails the schema build.
    operator_kinds = serializers.ListField(
        child=serializers.CharField(), help_text="operator kinds: " + ", ".join(OperatorKind.values)
    )
    inspectors = _scoped(User, many=True, help_text="user ids; tasks are shared out among them in turn")
    due_on = serializers.DateField()

    def validate_operator_kinds(self, kinds):
        unknown = sorted(set(kinds) - set(OperatorKind.values))
        if unknown:
            raise serializers.ValidationError(f"Unknown operator kinds: {', '.join(unknown)}")
        return kinds


class AssignmentCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ChecklistAnswerSerializer(serializers.Serializer):
    value = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text="empty clears it")
    note = serializers.CharField(required=False, allow_blank=True)


class StoredAnswersField(serializers.DictField):
    """Answers are stored in their API shape already ({"value", "note"} by item code, cleaned
    when saved): shown as they are. Serializing each item again cost most of a list page."""

    def to_representation(self, value):
        return value


class InspectionPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = InspectionPhoto
        fields = [
            "id",
            "item_code",
            "content_type",
            "sha256",
            "taken_at",
            "latitude",
            "longitude",
            "uploaded_by",
            "uploaded_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, photo) -> str:
        return reverse("inspection_photo", args=[photo.pk])


class MeasureSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    scoped_relations = {"inspection": Inspection}

    inspection = _scoped(Inspection)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    operator_name = serializers.CharField(source="inspection.operator.name", read_only=True, allow_null=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "inspection",
            "operator_name",
            "kind",
            "kind_label",
            "description",
            "product",
            "quantity",
            "unit",
            "witness",
            "deadline",
            "document_number",
            "status",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["status", "recorded_by", "recorded_at"]
        validators = []


class InspectionSerializer(serializers.ModelSerializer):
    template_code = serializers.CharField(source="template.code", read_only=True)
    template_version = serializers.IntegerField(source="template.version", read_only=True)
    template_name = serializers.CharField(source="template.name", read_only=True)
    operator_name = serializers.CharField(source="operator.name", read_only=True, allow_null=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    inspector_name = serializers.StringRelatedField(source="inspector")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    answers = StoredAnswersField(child=ChecklistAnswerSerializer(), read_only=True, help_text="by item code")
    photos = InspectionPhotoSerializer(many=True, read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)
    problems = serializers.SerializerMethodField()
    seal_check = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "template",
            "template_code",
            "template_version",
            "template_name",
            "assignment",
            "agency",
            "jurisdiction",
            "jurisdiction_name",
            "operator",
            "operator_name",
            "consignment",
            "sweep",
            "inspector",
            "inspector_name",
            "inspected_on",
            "status",
            "status_label",
            "outcome",
            "answers",
            "remarks",
            "revision",
            "round",
            "signed_by",
            "signed_name",
            "signature_meaning",
            "signed_at",
            "content_seal",
            "seal_check",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "created_at",
            "updated_at",
            "photos",
            "measures",
            "problems",
        ]
        read_only_fields = fields

    @extend_schema_field(SealCheckSerializer(allow_null=True))
    def get_seal_check(self, inspection):
        """The signed content's seal recomputed now: null until the checklist is signed."""
        check = checklist_seal_check(inspection)
        return check.as_dict() if check.sealed else None

    @extend_schema_field(
        serializers.DictField(
            child=serializers.CharField(),
            allow_null=True,
            help_text="What still stops submission, by item code; null once submitted.",
        )
    )
    def get_problems(self, inspection):
        if not inspection.editable:
            return None
        if self.context.get("problems_from_prefetch"):
            # The list's twin of submission_problems(), read from prefetched rows so that
            # a page of drafts costs the same queries as one draft.
            items = [item for section in inspection.template.sections.all() for item in section.items.all()]
            photo_codes = {photo.item_code for photo in inspection.photos.all()}
            return evidence_problems(items, inspection.answers, photo_codes)
        return submission_problems(inspection)


class InspectionStartSerializer(ScopedRelationsMixin, serializers.Serializer):
    scoped_relations = {
        "template": ChecklistTemplate,
        "assignment": Assignment,
        "operator": Operator,
        "jurisdiction": Jurisdiction,
        "consignment": Consignment,
        "sweep": Sweep,
    }

    template = _scoped(ChecklistTemplate, required=False, allow_null=True, help_text="a published template id")
    assignment = _scoped(Assignment, required=False, allow_null=True, help_text="or the task to carry out")
    operator = _scoped(Operator, required=False, allow_null=True)
    jurisdiction = _scoped(Jurisdiction, required=False, allow_null=True)
    consignment = _scoped(Consignment, required=False, allow_null=True)
    sweep = _scoped(Sweep, required=False, allow_null=True)
    inspected_on = serializers.DateField(required=False, allow_null=True, help_text="today when omitted")


class InspectionDraftSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=1, help_text="the revision the editor loaded")
    answers = serializers.DictField(child=ChecklistAnswerSerializer(), required=False, default=dict)
    remarks = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class PhotoUploadSerializer(serializers.Serializer):
    item_code = serializers.CharField()
    image = serializers.FileField(help_text="JPEG, PNG or WebP")
    taken_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    latitude = serializers.DecimalField(
        max_digits=None, decimal_places=None, required=False, allow_null=True, default=None
    )
    longitude = serializers.DecimalField(
        max_digits=None, decimal_places=None, required=False, allow_null=True, default=None
    )


class InspectionSubmitSerializer(serializers.Serializer):
    signed_name = serializers.CharField(allow_blank=True, help_text="the inspector's name as registered")
    confirm = serializers.BooleanField(default=False, help_text="confirms the meaning of the signature")
    revision = serializers.IntegerField(min_value=1, help_text="the revision the signer saw")


class InspectionReviewSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InspectionStateChangeSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.StringRelatedField()
    from_state = serializers.CharField()
    from_label = serializers.CharField()
    to_state = serializers.CharField()
    to_label = serializers.CharField()
    reason = serializers.CharField()
    legal_basis = serializers.CharField()
    document_number = serializers.CharField()


DraftConflictSerializer = inline_serializer(
    name="DraftConflict",
    fields={"detail": serializers.CharField(), "current": InspectionSerializer()},
)
PlanResultSerializer = inline_serializer(name="AssignmentPlanResult", fields={"created": serializers.IntegerField()})


class InspectionCoverageRowSerializer(serializers.Serializer):
    county_code = serializers.CharField()
    county_name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    registered = serializers.IntegerField()
    inspected = serializers.IntegerField()
    missing = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="whole percent, rounded down")


class CoverageQuerySerializer(serializers.Serializer):
    kind = serializers.ListField(
        child=serializers.ChoiceField(choices=OperatorKind.choices), required=False, help_text="repeatable"
    )
    county = serializers.RegexField(r"^\d{0,6}$", required=False, default="", help_text="jurisdiction code prefix")


class UninspectedOperatorSerializer(serializers.ModelSerializer):
    # Plain strings with their labels: the enums are named by the operators' own component.
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = Operator
        fields = ["id", "name", "credit_code", "kind", "kind_label", "county", "county_name", "address", "status"]
        read_only_fields = fields


# ---------------------------------------------------------------------------------------
# Views


def _valid(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class FieldRoleRequired:
    """Read-only roles are refused a write (403) before its body is read."""

    write_actions: frozenset = frozenset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action in self.write_actions:
            require_field_role(request.user)


class AssignmentViewSet(FieldRoleRequired, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspection tasks (逐家排查): assigned one at a time, or planned for every operator."""

    serializer_class = AssignmentSerializer
    filterset_class = AssignmentApiFilter
    write_actions = frozenset({"create", "plan", "cancel"})

    def get_queryset(self):
        return Assignment.objects.visible_to(self.request.user).select_related("operator", "jurisdiction", "inspector")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = assignment_create(
            actor=self.request.user,
            inspector=data["inspector"],
            due_on=data["due_on"],
            template_code=data["template_code"],
            operator=data.get("operator"),
            jurisdiction=data.get("jurisdiction"),
            note=data.get("note", ""),
        )

    @extend_schema(request=AssignmentPlanSerializer, responses={200: PlanResultSerializer})
    @action(detail=False, methods=["post"])
    def plan(self, request):
        """S2/S4: a task for every operating operator of the kinds without a pending one."""
        data = _valid(AssignmentPlanSerializer, request)
        created = assignments_plan(
            actor=request.user,
            template_code=data["template_code"],
            operator_kinds=data["operator_kinds"],
            inspectors=list(data["inspectors"]),
            due_on=data["due_on"],
        )
        return Response({"created": created})

    @extend_schema(request=AssignmentCancelSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        assignment = self.get_object()
        data = _valid(AssignmentCancelSerializer, request)
        assignment = assignment_cancel(actor=request.user, assignment=assignment, reason=data["reason"])
        return Response(self.get_serializer(assignment).data)

    @extend_schema(responses=AssignmentSerializer(many=True))
    @action(detail=False)
    def mine(self, request):
        """The user's pending tasks, earliest due first."""
        tasks = self.filter_queryset(task_list(request.user).select_related("inspector"))
        page = self.paginate_queryset(tasks)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class InspectionViewSet(FieldRoleRequired, viewsets.ReadOnlyModelViewSet):
    """Checklists: started, saved as drafts (with a revision for offline clients), photo
    evidence, signed and submitted, then approved or returned by a reviewer."""

    serializer_class = InspectionSerializer
    filterset_class = InspectionApiFilter
    write_actions = frozenset({"create", "draft", "photos", "submit", "approve", "return_"})
    # Their services read the checklist again under a row lock: the view only has to find it
    # among the user's, without the related rows and list filters that showing it needs.
    rereading_actions = frozenset({"draft", "submit", "approve", "return_"})

    def get_queryset(self):
        if self.action in self.rereading_actions:
            return Inspection.objects.visible_to(self.request.user)
        return self._for_showing()

    def _for_showing(self):
        queryset = (
            Inspection.objects.visible_to(self.request.user)
            .select_related("template", "operator", "jurisdiction", "inspector")
            .prefetch_related("photos", "measures")
        )
        if self.action == "list":
            queryset = queryset.prefetch_related("template__sections__items")
        return queryset

    def filter_queryset(self, queryset):
        if self.action in self.rereading_actions:
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "problems_from_prefetch": self.action == "list"}

    def _current(self, pk) -> dict:
        """The checklist as saved now, read through the same scoped queryset."""
        return self.get_serializer(self._for_showing().get(pk=pk)).data

    def _conflict(self, conflict: DraftConflict) -> Response:
        """409 with the saved checklist, so that an offline client can merge and save again."""
        return Response(
            {"detail": conflict.messages[0], "current": self._current(conflict.inspection.pk)},
            status=status.HTTP_409_CONFLICT,
        )

    @extend_schema(request=InspectionStartSerializer, responses={201: InspectionSerializer})
    def create(self, request, *args, **kwargs):
        data = _valid(InspectionStartSerializer, request)
        subject = {k: data[k] for k in ("operator", "jurisdiction", "consignment", "sweep") if data.get(k)}
        inspection = inspection_start(
            actor=request.user,
            template=data.get("template"),
            assignment=data.get("assignment"),
            inspected_on=data.get("inspected_on"),
            **subject,
        )
        return Response(self._current(inspection.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=InspectionDraftSerializer,
        responses={200: InspectionSerializer, 409: DraftConflictSerializer},
        description="Save answers by item code. A stale `revision` changes nothing and answers 409 "
        "with the saved checklist in `current`.",
    )
    @action(detail=True, methods=["patch", "post"])
    def draft(self, request, pk=None):
        inspection = self.get_object()
        data = _valid(InspectionDraftSerializer, request)
        try:
            inspection_save_draft(actor=request.user, inspection=inspection, **data)
        except DraftConflict as conflict:
            return self._conflict(conflict)
        return Response(self._current(inspection.pk))

    @extend_schema(request=PhotoUploadSerializer, responses={201: InspectionPhotoSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        inspection = self.get_object()
        data = _valid(PhotoUploadSerializer, request)
        photo = photo_add(actor=request.user, inspection=inspection, **data)
        return Response(InspectionPhotoSerializer(photo).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=InspectionSubmitSerializer, responses={200: InspectionSerializer, 409: DraftConflictSerializer}
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def submit(self, request, pk=None):
        inspection = self.get_object()
        data = _valid(InspectionSubmitSerializer, request)
        try:
            submitted = inspection_submit(actor=request.user, inspection=inspection, **data)
        except DraftConflict as conflict:
            return self._conflict(conflict)
        # The service read the checklist with everything shown here and updated it in place:
        # showing that copy spares reading back what was just written.
        return Response(self.get_serializer(submitted).data)

    @extend_schema(request=InspectionReviewSerializer, responses={200: InspectionSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        inspection = self.get_object()
        data = _valid(InspectionReviewSerializer, request)
        inspection_approve(actor=request.user, inspection=inspection, note=data["note"])
        return Response(self._current(inspection.pk))

    @extend_schema(request=InspectionReviewSerializer, responses={200: InspectionSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Send the checklist back for correction; the note says what to correct."""
        inspection = self.get_object()
        data = _valid(InspectionReviewSerializer, request)
        inspection_return(actor=request.user, inspection=inspection, note=data["note"])
        return Response(self._current(inspection.pk))

    @extend_schema(responses=InspectionStateChangeSerializer(many=True))
    @action(detail=True, pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        """The status changes: who moved the checklist, from what to what, when and why."""
        return Response(InspectionStateChangeSerializer(state_changes(self.get_object()), many=True).data)


class MeasureViewSet(
    FieldRoleRequired, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Measures recorded on checklists (S4, L5, C1); added and removed while a draft."""

    serializer_class = MeasureSerializer
    filterset_class = MeasureApiFilter
    write_actions = frozenset({"create", "destroy"})

    def get_queryset(self):
        return Measure.objects.visible_to(self.request.user).select_related("inspection__operator")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = measure_record(
            actor=self.request.user, inspection=data.pop("inspection"), kind=data.pop("kind"), **data
        )

    def perform_destroy(self, instance):
        measure_remove(actor=self.request.user, measure=instance)


class InspectionCoverageViewSet(viewsets.GenericViewSet):
    """S2/S4 逐家排查: operators of the register inspected during the current campaign."""

    serializer_class = InspectionCoverageRowSerializer
    pagination_class = None
    filter_backends = []

    def _query(self, request) -> dict:
        serializer = CoverageQuerySerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return {"kinds": data.get("kind") or None, "county_prefix": data.get("county", "")}

    @extend_schema(parameters=[CoverageQuerySerializer], responses=InspectionCoverageRowSerializer(many=True))
    def list(self, request):
        query = self._query(request)
        campaign = campaign_current()
        rows = inspection_coverage(request.user, campaign, **query) if campaign else []
        return Response(InspectionCoverageRowSerializer(rows, many=True).data)

    @extend_schema(parameters=[CoverageQuerySerializer], responses=UninspectedOperatorSerializer(many=True))
    @action(
        detail=False,
        url_path="not-inspected",
        url_name="not-inspected",
        pagination_class=api_settings.DEFAULT_PAGINATION_CLASS,
        serializer_class=UninspectedOperatorSerializer,
    )
    def not_inspected(self, request):
        """The operators still without a filed checklist this campaign."""
        query = self._query(request)
        campaign = campaign_current()
        operators = not_inspected(request.user, campaign, **query) if campaign else Operator.objects.none()
        page = self.paginate_queryset(operators)
        return self.get_paginated_response(UninspectedOperatorSerializer(page, many=True).data)


def register(router):
    """Add this module's viewsets to the inspections API router."""
    router.register("assignments", AssignmentViewSet, basename="assignment")
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("measures", MeasureViewSet, basename="inspection-measure")
    router.register("inspection-coverage", InspectionCoverageViewSet, basename="inspection-coverage")
