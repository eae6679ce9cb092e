from rest_framework import serializers

from backlog.models import BacklogItem
from core.serializers import BASE_READ_ONLY, StrictCharField, StrictModelSerializer, StrictSerializer
from products.models import Product
from roadmap.models import Initiative
from workspaces.models import Workspace
from workspaces.viewsets import scoped_fk

from .models import (
    IDEA_STATUSES,
    IDEA_STATUSES_SETTABLE,
    IMPORT_BYTES_MAX,
    TAG_LENGTH_MAX,
    TAGS_MAX,
    Customer,
    FeedbackNote,
    Idea,
    IdeaStatus,
    Importance,
    Insight,
    NoteState,
)


class CustomerSerializer(StrictModelSerializer):
    workspace = scoped_fk(Workspace, "id", required=True, allow_null=False)
    note_count = serializers.IntegerField(read_only=True, help_text="Feedback notes from this customer.")

    class Meta:
        model = Customer
        fields = [
            "id",
            "workspace",
            "kind",
            "name",
            "email_domain",
            "email",
            "segment",
            "plan",
            "revenue",
            "seats",
            "note_count",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("workspace",)
        extra_kwargs = {"revenue": {"min_value": 0, "max_value": 999_999_999_999}}


class TagsField(serializers.ListField):
    child = StrictCharField(max_length=TAG_LENGTH_MAX, min_length=1)

    def __init__(self, **kwargs):
        super().__init__(max_length=TAGS_MAX, required=False, **kwargs)


class FeedbackNoteSerializer(StrictModelSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)
    customer = scoped_fk(Customer, "workspace")
    tags = TagsField(help_text=f"At most {TAGS_MAX} words of at most {TAG_LENGTH_MAX} characters.")
    state = serializers.ChoiceField(
        choices=NoteState.choices, required=False, help_text="new, processed or archived (who and when are recorded)."
    )
    processed_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    captured_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    sentiment_score = serializers.FloatField(read_only=True, allow_null=True, help_text="-1 … 1; null until analysed.")
    sentiment_label = serializers.CharField(
        read_only=True, help_text="negative, neutral or positive; empty until analysed."
    )
    insight_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = FeedbackNote
        fields = [
            "id",
            "product",
            "title",
            "text",
            "source",
            "customer",
            "captured_by",
            "received_on",
            "tags",
            "link",
            "state",
            "processed_by",
            "processed_at",
            "sentiment_score",
            "sentiment_label",
            "analysed_at",
            "insight_count",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ("processed_at", "analysed_at", *BASE_READ_ONLY)
        create_only_fields = ("product",)


class InsightSerializer(StrictModelSerializer):
    note = scoped_fk(FeedbackNote, "product__workspace", required=True, allow_null=False)
    item = scoped_fk(BacklogItem, "product__workspace")
    initiative = scoped_fk(Initiative, "product__workspace")
    idea = scoped_fk(Idea, "product__workspace")
    passage = StrictCharField(
        max_length=2000, required=False, allow_blank=True, help_text="Quoted word for word; empty: the whole note."
    )

    class Meta:
        model = Insight
        fields = [
            "id",
            "note",
            "passage",
            "importance",
            "item",
            "initiative",
            "idea",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("note",)


class IdeaStatusField(serializers.ChoiceField):
    """Set by hand to any status but promoted; read back as any status (promoted included)."""

    schema_enum = {"request": IDEA_STATUSES_SETTABLE, "response": IDEA_STATUSES}


class IdeaSerializer(StrictModelSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)
    proposer = scoped_fk(Customer, "workspace")
    status = IdeaStatusField(
        choices=[c for c in IdeaStatus.choices if c[0] in IDEA_STATUSES_SETTABLE],
        required=False,
        help_text="pending, open, declined or spam; promote with the promote action.",
    )
    insight_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Idea
        fields = [
            "id",
            "product",
            "title",
            "problem",
            "proposer",
            "status",
            "vote_count",
            "promoted_item",
            "promoted_initiative",
            "insight_count",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ("vote_count", "promoted_item", "promoted_initiative", *BASE_READ_ONLY)
        create_only_fields = ("product",)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["status"] = instance.status
        return data


class PromoteSerializer(StrictSerializer):
    to = serializers.ChoiceField(choices=[("item", "Backlog item"), ("initiative", "Initiative")])


class NoteStateSerializer(StrictSerializer):
    state = serializers.ChoiceField(choices=NoteState.choices)


class ImportSerializer(StrictSerializer):
    csv = StrictCharField(max_length=IMPORT_BYTES_MAX, help_text="The CSV text, with a header row.")


class NotesImportSerializer(ImportSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)


class CustomersImportSerializer(ImportSerializer):
    workspace = scoped_fk(Workspace, "id", required=True, allow_null=False)


class MboxSerializer(StrictSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)
    mbox = StrictCharField(max_length=IMPORT_BYTES_MAX, help_text="A mailbox file (mbox) or one RFC 822 message.")


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())


class SuggestionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField(source="obj.pk")
    title = serializers.CharField(source="obj.title")
    score = serializers.FloatField()
    duplicate = serializers.BooleanField()


class SuggestionsSerializer(serializers.Serializer):
    available = serializers.BooleanField()
    reason = serializers.CharField()
    items = SuggestionSerializer(many=True)
    ideas = SuggestionSerializer(many=True)


IMPORTANCE_HELP = ", ".join(Importance.values)


class VoteSerializer(StrictSerializer):
    customer = scoped_fk(Customer, "workspace", help_text="Vote on behalf of this customer.")


class InboundNoteSerializer(StrictSerializer):
    product = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="A product of the workspace.")
    text = StrictCharField(max_length=20_000)
    title = StrictCharField(max_length=250, required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=FeedbackNote._meta.get_field("source").choices, required=False)
    email = serializers.EmailField(max_length=254, required=False, help_text="The customer's address.")
    name = StrictCharField(max_length=200, required=False, allow_blank=True)
    tags = TagsField()
    link = serializers.URLField(max_length=500, required=False, allow_blank=True)
    external_id = StrictCharField(
        max_length=250, required=False, allow_blank=True, help_text="Your ticket id: the same id is taken once."
    )
    received_on = serializers.DateField(required=False)


class InboundResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created = serializers.BooleanField()
