"""The register import's API twin: same services, same `visible_to(user)` scoping. Its
serializer and viewset are the bases of every import job's API (the intake import too)."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from .imports import translated
from .models import RegisterImport
from .services.imports import register_import_commit, register_import_start


class RegisterImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Excel row number; 1 is the header, null the whole file.")
    column = serializers.CharField(help_text="The column's Chinese header, empty for the whole file.")
    message = serializers.CharField(help_text="In the request's language (Chinese by default).")


class ImportJobSerializer(serializers.ModelSerializer):
    """An import job (licensing.models.imports.ImportJob); subclasses name the model."""

    created_by = serializers.CharField(source="created_by.username", read_only=True)
    committed_by = serializers.CharField(source="committed_by.username", read_only=True, default=None, allow_null=True)
    percent = serializers.IntegerField(read_only=True)
    finished = serializers.BooleanField(read_only=True)
    errors = serializers.SerializerMethodField()

    class Meta:
        fields = [
            "id",
            "file_name",
            "file_sha256",
            "created_by",
            "created_at",
            "status",
            "total_rows",
            "processed_rows",
            "percent",
            "finished",
            "error_count",
            "errors",
            "committed_by",
            "committed_count",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(RegisterImportErrorSerializer(many=True))
    def get_errors(self, job):
        return [{"row": e["row"], "column": e["column"], "message": translated(e)} for e in job.errors]


class ImportJobViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Upload a file for a dry run, follow its progress and errors, then commit it (all rows
    or none). Subclasses set `model`, `upload_serializer_class` and the two services; the
    schema of `create` and `commit` is declared on them with `import_job_schema`."""

    parser_classes = [MultiPartParser, FormParser]
    model = None
    upload_serializer_class = None
    start_service = None
    commit_service = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).select_related("created_by", "committed_by")

    def create(self, request, *args, **kwargs):
        upload = self.upload_serializer_class(data=request.data)
        upload.is_valid(raise_exception=True)
        job = type(self).start_service(actor=request.user, upload=upload.validated_data["file"])
        return Response(self.get_serializer(job).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        job = type(self).commit_service(actor=request.user, job=self.get_object())
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)


def import_job_schema(upload_serializer, job_serializer):
    """The OpenAPI description of an ImportJobViewSet subclass's upload and commit."""
    return extend_schema_view(
        create=extend_schema(request=upload_serializer, responses={201: job_serializer}),
        commit=extend_schema(request=None, responses={202: job_serializer}),
    )


class RegisterImportSerializer(ImportJobSerializer):
    class Meta(ImportJobSerializer.Meta):
        model = RegisterImport


class RegisterUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The register, filled in on the template (.xlsx).")


@import_job_schema(RegisterUploadSerializer, RegisterImportSerializer)
class RegisterImportViewSet(ImportJobViewSet):
    """Operator register imports (摸清底数, P1): upload a file for a dry run, follow its
    progress and errors, then commit it (all rows or none)."""

    serializer_class = RegisterImportSerializer
    queryset = RegisterImport.objects.none()  # for the schema; rows come from get_queryset
    model = RegisterImport
    upload_serializer_class = RegisterUploadSerializer
    start_service = register_import_start
    commit_service = register_import_commit
