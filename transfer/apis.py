"""API v1: imports — upload (multipart), read the preview, change the mapping, dry-run, run, read the report."""

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.exceptions import ApplicationError
from core.parsers import JSONParser
from core.schema import rules_text
from jobs.serializers import JobSerializer
from workspaces.models import Capability
from workspaces.viewsets import ResourceViewSet, make_filterset

from .models import ImportBatch
from .selectors.imports import import_capability
from .serializers import MAPPING_RULES, ImportCreateSerializer, ImportMappingSerializer, ImportSerializer
from .services.batches import import_batch_create, import_mapping_set, import_start


@extend_schema_view(
    list=extend_schema(
        description="Imports of your workspaces' products, newest first. Filter with ?product=, ?workspace=, ?state=."
    ),
    retrieve=extend_schema(
        description="One import: what was detected, the mapping, the dry run's and the run's reports."
    ),
    create=extend_schema(
        description="Upload files to import (multipart: `product`, one or more `files`, optional `format` and "
        "`target`). Nothing is imported yet: the answer holds what was detected and the default mapping."
        + rules_text(
            [
                "The file is not a readable Excel workbook (.xlsx): …",
                "This is not a Jira CSV export: …",
                "“…” is not valid JSON: …",
            ]
        ),
        request={"multipart/form-data": ImportCreateSerializer},
        responses={201: ImportSerializer},
    ),
    destroy=extend_schema(description="Delete an import and its uploaded files (what it imported stays)."),
)
class ImportViewSet(ResourceViewSet):
    model = ImportBatch
    serializer_class = ImportSerializer
    workspace_path = "product__workspace"
    select_related = ("job",)
    http_method_names = ["get", "post", "delete", "head", "options"]
    ordering = ["-created_at", "-id"]
    filterset_class = make_filterset(ImportBatch, ["product", "state", "format", "target"], "product__workspace")

    parser_classes = [JSONParser, MultiPartParser]
    capability = Capability.EDIT_ITEMS  # the table's target may ask for more (import_capability)

    def _require(self, batch: ImportBatch):
        access = self.access_to(batch.product.workspace_id)
        access.require(import_capability(batch.target))
        return access

    def create(self, request, *args, **kwargs):
        body = ImportCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        access = self.access_to(data["product"].workspace_id)
        access.require(import_capability(data["target"]))
        try:
            batch = import_batch_create(
                product=data["product"],
                files=data["files"],
                actor=request.user,
                format=data["format"],
                target=data["target"],
            )
        except ValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from None
        return self.respond(batch, status.HTTP_201_CREATED)

    def delete_service(self, *, obj, access, actor) -> None:
        access.require(import_capability(obj.target))
        if obj.state == "running":
            raise ApplicationError("The import is running; delete it once it has finished.")
        obj.delete()

    @extend_schema(
        description="Change the mapping: source statuses, issue types, people (user ids), sprints (create/skip) and, "
        "for tables, columns (column → field). Sections left out keep their values; the dry run must be run again."
        + rules_text(["“…”: … is not one of …", *MAPPING_RULES]),
        request=ImportMappingSerializer,
        responses={200: ImportSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])  # nested sections: JSON only
    def mapping(self, request, pk=None):
        batch = self.get_object()
        self._require(batch)
        body = ImportMappingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            try:
                batch = import_mapping_set(batch=batch, mapping=body.validated_data, actor=request.user)
            except ValidationError as error:
                raise exceptions.ValidationError(error.message_dict) from None
        return self.respond(batch)

    @extend_schema(
        description="Start the dry run as a job: every row validated, nothing written.",
        request=None,
        responses={202: JobSerializer},
    )
    @action(detail=True, methods=["post"], url_path="dry-run")
    def dry_run(self, request, pk=None):
        return self._start(request, dry_run=True)

    @extend_schema(
        description="Start the import as a job (after a dry run without errors): all of it or nothing."
        + rules_text(["Run a dry run first: it lists what will change and any rows to fix."]),
        request=None,
        responses={202: JobSerializer},
    )
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        return self._start(request, dry_run=False)

    def _start(self, request, *, dry_run: bool):
        batch = self.get_object()
        self._require(batch)
        job = import_start(batch=batch, actor=request.user, dry_run=dry_run)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
