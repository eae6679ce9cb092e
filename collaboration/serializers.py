"""API shapes of comments, activity and trash entries."""

from datetime import timedelta

from rest_framework import serializers

from core.serializers import BASE_READ_ONLY, StrictCharField, StrictIntegerField, StrictModelSerializer

from .models import COMMENT_MAX, TRASH_DAYS, Comment, TrashEntry
from .registry import kinds

ID_MAX = 2**63 - 1


def commentable_labels() -> list[str]:
    return sorted(k.label for k in kinds(commentable=True))


class CommentSerializer(StrictModelSerializer):
    target_type = serializers.ChoiceField(
        choices=commentable_labels(), help_text="The kind of object commented on, e.g. backlog.backlogitem."
    )
    target_id = StrictIntegerField(min_value=1, max_value=ID_MAX, help_text="The id of the object commented on.")
    parent = StrictIntegerField(
        source="parent_id",
        min_value=1,
        max_value=ID_MAX,
        required=False,
        allow_null=True,
        help_text="The comment this one answers.",
    )
    body = StrictCharField(max_length=COMMENT_MAX, help_text="Markdown; @username mentions a workspace member.")
    author = serializers.IntegerField(source="author_id", read_only=True, allow_null=True)
    mentions = serializers.SerializerMethodField()
    workspace = serializers.IntegerField(source="workspace_id", read_only=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "workspace",
            "target_type",
            "target_id",
            "parent",
            "author",
            "body",
            "body_html",
            "mentions",
            "edited_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = (*BASE_READ_ONLY, "body_html", "edited_at")
        create_only_fields = ("target_type", "target_id", "parent")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["target_type"] = f"{instance.target_type.app_label}.{instance.target_type.model}"
        return data

    def get_mentions(self, obj) -> list[int]:
        return sorted(u.pk for u in obj.mentions.all())


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class ActivitySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    kind = serializers.CharField(help_text="The kind of object, e.g. backlog.backlogitem.")
    noun = serializers.CharField()
    object_id = serializers.IntegerField()
    title = serializers.CharField()
    user = serializers.CharField(allow_null=True, help_text="Username of who made the change (null: the system).")
    via = serializers.CharField(help_text="The URL or task that made the change.")
    changes = ChangeSerializer(many=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for change in data["changes"]:
            for side in ("before", "after"):
                value = change[side]
                if value is not None and not isinstance(value, (int, float, bool, str)):
                    change[side] = str(value)
        return data


class TrashEntrySerializer(serializers.ModelSerializer):
    target_type = serializers.SerializerMethodField()
    deleted_by = serializers.IntegerField(source="deleted_by_id", read_only=True, allow_null=True)
    workspace = serializers.IntegerField(source="workspace_id", read_only=True)
    purge_at = serializers.SerializerMethodField()

    class Meta:
        model = TrashEntry
        fields = ["id", "workspace", "target_type", "target_id", "title", "url", "deleted_by", "deleted_at", "purge_at"]
        read_only_fields = fields

    def get_target_type(self, obj) -> str:
        return f"{obj.target_type.app_label}.{obj.target_type.model}"

    def get_purge_at(self, obj) -> str:
        return serializers.DateTimeField().to_representation(obj.deleted_at + timedelta(days=TRASH_DAYS))
