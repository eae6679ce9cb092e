from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from core.schema import update_variant
from core.serializers import (
    BASE_READ_ONLY,
    BoundedListSerializer,
    StrictCharField,
    StrictIntegerField,
    StrictModelSerializer,
    StrictSerializer,
)
from products.models import Product
from roadmap.models import Initiative, Release
from workspaces.viewsets import scoped_fk

from .label_models import LABEL_NAME_PATTERN, LABEL_NAME_RULE, label_names_sorted
from .models import (
    BULK_ITEMS_MAX,
    CRITERIA_PER_ITEM_MAX,
    IMPACT_INPUTS,
    IMPACT_OUTPUTS,
    LABEL_NAME_MAX,
    LABELS_PER_ITEM_MAX,
    AcceptanceCriterion,
    BacklogItem,
    ItemDependency,
    Sprint,
)

ITEM_FIELDS = [
    "id",
    "product",
    "key",
    "number",
    "kind",
    "title",
    "description",
    "parent",
    "initiative",
    "release",
    "sprint",
    "status",
    "rank",
    "story_points",
    "owner",
    "reach",
    "impact",
    "confidence",
    "effort",
    "rice_score",
    "moscow",
    "business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
    "wsjf_score",
    "customer_impact",
    "evidence_count",
    "as_a",
    "i_want",
    "so_that",
    "acceptance_criteria",
    "custom_fields",
    "labels",
    "created_at",
    "updated_at",
    "version",
]
# The columns the fast list reads with .values(); `key`, `acceptance_criteria` and `labels` are added apart.
ITEM_VALUE_FIELDS = [f for f in ITEM_FIELDS if f not in ("key", "acceptance_criteria", "labels")]
CRITERION_FIELDS = ["id", "order", "text", "met"]


class CriterionSerializer(StrictModelSerializer):
    id = StrictIntegerField(required=False, help_text="Send it to keep (and change) an existing criterion.")

    class Meta:
        model = AcceptanceCriterion
        fields = CRITERION_FIELDS
        read_only_fields = ["order"]
        list_serializer_class = BoundedListSerializer


class ImpactField(serializers.DecimalField):
    """RICE impact: one of the scale's steps (the model refuses any other value)."""

    schema_enum = {"request": IMPACT_INPUTS, "response": IMPACT_OUTPUTS}


def CUSTOM_FIELDS():  # noqa: N802  (a field factory, used like a field class)
    return serializers.DictField(
        required=False,
        help_text="Values of the workspace's custom fields by key (see /api/v1/custom-fields/); each is "
        'checked against its definition (type, choices), an unknown key is refused; null or "" unsets.',
    )


class LabelNamesField(serializers.ListField):
    """An item's labels by name: written as the full list (services/labels.py finds or creates each in
    the item's product), read in alphabetical order."""

    def __init__(self, **kwargs):
        name = StrictCharField(
            max_length=LABEL_NAME_MAX,
            validators=[RegexValidator(LABEL_NAME_PATTERN, LABEL_NAME_RULE)],
            error_messages={"blank": "A label name cannot be blank."},
        )
        super().__init__(
            child=name,
            required=False,
            max_length=LABELS_PER_ITEM_MAX,
            error_messages={"max_length": f"At most {LABELS_PER_ITEM_MAX} labels per item."},
            help_text=f"The item's labels by name, at most {LABELS_PER_ITEM_MAX}, each up to {LABEL_NAME_MAX} "
            "characters without commas; on write the full list (a name the product lacks becomes a label of "
            "it, case is ignored when matching, repeats count once). Read in alphabetical order.",
            **kwargs,
        )

    def get_attribute(self, instance):
        return instance

    def to_representation(self, data):
        return label_names_sorted(label.name for label in data.labels.all())


class ItemSerializer(StrictModelSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)
    key = serializers.CharField(read_only=True, help_text="Product key and number, like PAY-42.")
    parent = scoped_fk(BacklogItem, "product__workspace", help_text="The epic or feature this item belongs to.")
    initiative = scoped_fk(Initiative, "product__workspace")
    release = scoped_fk(Release, "product__workspace")
    sprint = scoped_fk(Sprint, "product__workspace")
    owner = scoped_fk(get_user_model(), "memberships__workspace")
    impact = ImpactField(
        max_digits=4, decimal_places=2, required=False, allow_null=True, help_text="3, 2, 1, 0.5 or 0.25."
    )
    acceptance_criteria = CriterionSerializer(
        many=True,
        required=False,
        max_length=CRITERIA_PER_ITEM_MAX,
        error_messages={"max_length": f"At most {CRITERIA_PER_ITEM_MAX} acceptance criteria per item."},
        help_text="The item's acceptance criteria in order. On write, the full list: entries with an id "
        f"are kept and changed, without an id added, missing ones deleted. At most {CRITERIA_PER_ITEM_MAX}.",
    )
    custom_fields = CUSTOM_FIELDS()
    labels = LabelNamesField()
    read_only_hints = {"rank": "Read-only: move items with POST /api/v1/items/{id}/move/."}

    class Meta:
        model = BacklogItem
        fields = ITEM_FIELDS
        read_only_fields = ("number", "rank", "rice_score", "wsjf_score", *BASE_READ_ONLY)
        create_only_fields = ("product",)

    def get_fields(self):
        """A partial update (PATCH, a bulk row that names an item) builds and checks only the fields it was
        sent: a name it may not send is refused all the same (StrictSerializerMixin), and the thirty-odd
        fields it did not send, which it would skip, cost more to build than the rest of its checks."""
        data = getattr(self, "initial_data", None)
        one = self.instance is not None and not isinstance(self.instance, list)
        if self.partial and one and isinstance(data, dict):
            self._sent = frozenset(data)
            self._declared_fields = {k: v for k, v in type(self)._declared_fields.items() if k in self._sent}
        return super().get_fields()

    def get_field_names(self, declared_fields, info):
        names = super().get_field_names(declared_fields, info)
        sent = getattr(self, "_sent", None)
        return names if sent is None else [name for name in names if name in sent]


class ItemMoveSerializer(StrictSerializer):
    before = StrictIntegerField(required=False, help_text="Put the item just before this item.")
    after = StrictIntegerField(required=False, help_text="Put the item just after this item.")
    position = serializers.ChoiceField(choices=["top", "bottom"], required=False)

    class Meta:
        schema_exactly_one = (("before",), ("after",), ("position",))

    def validate(self, attrs):
        if len(attrs) != 1:
            raise serializers.ValidationError("Send exactly one of before, after or position.")
        return attrs


class ItemBulkUpdateEntrySerializer(update_variant(ItemSerializer)):
    """A bulk entry that updates an item (for the schema: the endpoint reads entries itself)."""

    id = StrictIntegerField(min_value=1, help_text="The item to change.")
    version = StrictIntegerField(
        min_value=1, required=False, help_text="The version you read: if the item changed since, nothing is saved."
    )

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            field.required = name == "id"
        return fields


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="ItemBulkEntry",
        serializers=[ItemSerializer, ItemBulkUpdateEntrySerializer],
        resource_type_field_name=None,
    )
)
class ItemBulkEntryField(serializers.DictField):
    """One entry of a bulk save: without an `id` it creates an item, with one it changes that item."""


class ItemBulkSerializer(StrictSerializer):
    items = serializers.ListField(
        child=ItemBulkEntryField(),
        min_length=1,
        max_length=BULK_ITEMS_MAX,
        help_text=f"Up to {BULK_ITEMS_MAX} items: an entry with an `id` updates that item (its fields as in "
        "PATCH, and optionally the `version` you read: if the item changed since, that row is an error and "
        "nothing is saved), one without creates an item (fields as in POST).",
    )


class ItemBulkResultSerializer(serializers.Serializer):
    items = ItemSerializer(many=True)


class SprintSerializer(StrictModelSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)

    class Meta:
        model = Sprint
        fields = [
            "id",
            "product",
            "name",
            "goal",
            "start_date",
            "end_date",
            "capacity_points",
            "status",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("product",)


class SprintCompleteSerializer(StrictSerializer):
    carry_over = serializers.ChoiceField(
        choices=["next", "new", "backlog"],
        help_text="Where unfinished items go: the next planned sprint (or `target`), a new sprint right after "
        "this one, or the backlog.",
    )
    target = scoped_fk(Sprint, "product__workspace", help_text="With carry_over=next: the sprint to move them to.")


class BurndownDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    scope = serializers.IntegerField(help_text="Points in the sprint's scope at the end of the day.")
    done = serializers.IntegerField(help_text="Points finished at the end of the day.")
    remaining = serializers.IntegerField()


class BurndownSerializer(serializers.Serializer):
    sprint = serializers.IntegerField()
    status = serializers.CharField()
    committed = serializers.IntegerField(help_text="Points at the start (or planned, before the start).")
    from_history = serializers.BooleanField(help_text="Computed from the sprint's recorded history.")
    added = serializers.IntegerField()
    removed = serializers.IntegerField()
    reestimated = serializers.IntegerField()
    scope_creep = serializers.IntegerField()
    ideal = serializers.ListField(child=serializers.FloatField(), help_text="Ideal remaining points per day.")
    days = BurndownDaySerializer(many=True)
    date_warnings = serializers.ListField(child=serializers.CharField())


class ReviewItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()
    story_points = serializers.IntegerField(allow_null=True)
    rejection_reason = serializers.CharField()


class SprintReviewSerializer(serializers.Serializer):
    accepted = ReviewItemSerializer(many=True)
    done_not_accepted = ReviewItemSerializer(many=True)
    rejected = ReviewItemSerializer(many=True)
    carried_over = ReviewItemSerializer(many=True)
    committed = serializers.IntegerField(allow_null=True)
    completed = serializers.IntegerField()
    summary = serializers.CharField()


class ItemDependencySerializer(StrictModelSerializer):
    item = scoped_fk(
        BacklogItem, "product__workspace", required=True, allow_null=False, help_text="The item that waits."
    )
    depends_on = scoped_fk(
        BacklogItem, "product__workspace", required=True, allow_null=False, help_text="The item it waits for."
    )

    class Meta:
        model = ItemDependency
        fields = ["id", "item", "depends_on", "created_at", "updated_at", "version"]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("item", "depends_on")
