from rest_framework import serializers

from backlog.models import ItemKind, ItemStatus
from core.serializers import StrictSerializer
from products.models import Product
from workspaces.viewsets import scoped_fk

from .formats.records import FORMATS
from .mapping import SPRINT_ACTIONS
from .models import FILES_MAX, ImportBatch
from .targets import targets

NAME_MAX = 255  # a source name (status, issue type, person, sprint, column) as mapped
NAMES_MAX = 500
TOO_MANY_NAMES = f"At most {NAMES_MAX} names."
NAME_TOO_LONG = f"A name has at most {NAME_MAX} characters."
NAME_WITH_NUL = "A name cannot contain the NUL character."  # PostgreSQL's jsonb cannot hold it
MAPPING_RULES = [TOO_MANY_NAMES, NAME_TOO_LONG, NAME_WITH_NUL]  # a section's names (the schema has no words for them)


class ImportSerializer(serializers.ModelSerializer):
    job_state = serializers.CharField(source="job.state", read_only=True, default=None, allow_null=True)
    job_progress = serializers.IntegerField(source="job.progress", read_only=True, default=None, allow_null=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id", "product", "format", "target", "state", "detected", "mapping", "dry_run_report", "report",
            "job", "job_state", "job_progress", "started_by", "created_at", "updated_at", "version",
        ]  # fmt: skip
        read_only_fields = fields


class ImportCreateSerializer(StrictSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)
    files = serializers.ListField(child=serializers.FileField(max_length=255), min_length=1, max_length=FILES_MAX)
    format = serializers.ChoiceField(choices=["", *FORMATS], required=False, default="")
    target = serializers.ChoiceField(choices=[], required=False, default="items")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [t.name for t in targets()]


class ImportMappingSerializer(StrictSerializer):
    """The sections to change; each maps a source name to PMHub's value (names not given keep theirs)."""

    columns = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=40), required=False)
    status = serializers.DictField(child=serializers.ChoiceField(choices=ItemStatus.values), required=False)
    kind = serializers.DictField(child=serializers.ChoiceField(choices=ItemKind.values), required=False)
    people = serializers.DictField(
        child=serializers.IntegerField(allow_null=True, min_value=1, max_value=2**53), required=False
    )
    sprints = serializers.DictField(child=serializers.ChoiceField(choices=SPRINT_ACTIONS), required=False)
    include_archived = serializers.BooleanField(required=False)

    def validate(self, attrs):
        for section, values in attrs.items():
            if isinstance(values, dict):
                if len(values) > NAMES_MAX:
                    raise serializers.ValidationError({section: TOO_MANY_NAMES})
                if any(len(name) > NAME_MAX for name in values):
                    raise serializers.ValidationError({section: NAME_TOO_LONG})
                if any("\x00" in name for name in values):
                    raise serializers.ValidationError({section: NAME_WITH_NUL})
        return attrs
