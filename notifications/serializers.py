"""API shapes of notifications and watches."""

from rest_framework import serializers

from core.serializers import StrictBooleanField, StrictIntegerField, StrictSerializer

from .models import WATCHABLE, Notification, NotificationKind, TargetType, Watch

ID_MAX = 2**63 - 1
MARK_MAX = 500


class NotificationOutput(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True, allow_null=True)
    read = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=NotificationKind.choices, read_only=True)
    target_type = serializers.ChoiceField(choices=TargetType.choices, read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "workspace",
            "kind",
            "event",
            "target_type",
            "target_id",
            "title",
            "summary",
            "url",
            "actor",
            "created_at",
            "read",
            "read_at",
        ]
        read_only_fields = fields

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class MarkReadInput(StrictSerializer):
    ids = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=ID_MAX),
        required=False,
        max_length=MARK_MAX,
        help_text=f"The notifications to mark read (at most {MARK_MAX}); all unread ones when left out.",
    )


class MarkReadOutput(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


class UnreadOutput(serializers.Serializer):
    unread = serializers.IntegerField()


class WatchInput(StrictSerializer):
    target_type = serializers.ChoiceField(choices=WATCHABLE)
    target_id = StrictIntegerField(min_value=1, max_value=ID_MAX)


class WatchOutput(serializers.ModelSerializer):
    target_type = serializers.ChoiceField(choices=WATCHABLE, read_only=True)

    class Meta:
        model = Watch
        fields = ["id", "workspace", "target_type", "target_id", "reason", "created_at"]
        read_only_fields = fields


class PreferenceSerializer(StrictSerializer):
    immediate = StrictBooleanField(help_text="Mentions and assignments by email at once.")
    digest = StrictBooleanField(help_text="A daily digest of the rest.")
