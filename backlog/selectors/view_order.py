"""The order of a backlog view: its group's keys first, then its sort, then the id (core/keyset.py's
keyset_page_by), so that a group's rows follow each other across keyset pages; and the sorts and
groups that custom fields add (cf_<key>): a select in the order of its choices, a person by name,
a number as a number, text, dates and links as text. Empty values come last in every order."""

from django.contrib.auth import get_user_model
from django.db.models import BigIntegerField, Case, FloatField, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast

from core.keyset import SortKey
from customfields.models import FieldType

from ..models import GroupBy, ItemStatus, MoSCoW

CUSTOM_PREFIX = "cf_"
SORTABLE_TYPES = (
    FieldType.TEXT,
    FieldType.NUMBER,
    FieldType.SINGLE_SELECT,
    FieldType.DATE,
    FieldType.USER,
    FieldType.URL,
)
GROUPABLE_TYPES = (FieldType.SINGLE_SELECT, FieldType.USER)


def _choice_position(expression, values: list, *, blank_last: bool) -> Case:
    """The position of a value among `values`; anything else last (or NULL, so that it sorts last)."""
    return Case(
        *[When(**{expression: value}, then=Value(n)) for n, value in enumerate(values)],
        default=Value(len(values)) if blank_last else None,
        output_field=IntegerField(),
    )


def _custom_text(key: str):
    return KeyTextTransform(key, "custom_fields")


def _custom_user_name(key: str):
    users = get_user_model().objects.filter(
        pk=Cast(KeyTextTransform(key, OuterRef("custom_fields")), BigIntegerField())
    )
    return Subquery(users.values("username")[:1])


def custom_definition(name: str, definitions) -> object | None:
    """The definition a `cf_<key>` parameter names, among the product's (None if it names none)."""
    if not name.startswith(CUSTOM_PREFIX):
        return None
    key = name[len(CUSTOM_PREFIX) :]
    return next((d for d in definitions if d.key == key), None)


def custom_sort_key(definition, *, desc: bool) -> SortKey:
    kind = definition.field_type
    if kind == FieldType.SINGLE_SELECT:
        expression = _choice_position("custom_fields__" + definition.key, definition.options, blank_last=False)
    elif kind == FieldType.NUMBER:
        expression = Cast(KeyTransform(definition.key, "custom_fields"), FloatField())
    elif kind == FieldType.USER:
        expression = _custom_user_name(definition.key)
    else:
        expression = _custom_text(definition.key)
    return SortKey(expression, desc=desc)


def group_keys(group_by: str, definitions=()) -> list[SortKey]:
    """The keys that put a view's groups in their natural order (empty group last)."""
    if group_by == GroupBy.STATUS:
        return [SortKey(_choice_position("status", ItemStatus.values, blank_last=True))]
    if group_by == GroupBy.MOSCOW:
        return [SortKey(_choice_position("moscow", MoSCoW.values, blank_last=True))]
    if group_by == GroupBy.SPRINT:
        return [SortKey("sprint__start_date"), SortKey("sprint_id")]
    if group_by == GroupBy.INITIATIVE:
        return [SortKey("initiative__title"), SortKey("initiative_id")]
    if group_by == GroupBy.ASSIGNEE:
        return [SortKey("owner__username"), SortKey("owner_id")]
    definition = custom_definition(group_by, definitions)
    if definition is None or definition.field_type not in GROUPABLE_TYPES:
        return []
    if definition.field_type == FieldType.SINGLE_SELECT:
        return [SortKey(_choice_position("custom_fields__" + definition.key, definition.options, blank_last=True))]
    return [
        SortKey(_custom_user_name(definition.key)),
        SortKey(Cast(KeyTextTransform(definition.key, "custom_fields"), BigIntegerField())),
    ]


def sort_keys(ordering: str, definitions=()) -> list[SortKey] | None:
    """The key of a view's sort ("rank", "-rice_score", "-cf_tier"…), or None when it names nothing."""
    desc, name = ordering.startswith("-"), ordering.lstrip("-")
    definition = custom_definition(name, definitions)
    if definition is not None:
        return [custom_sort_key(definition, desc=desc)] if definition.field_type in SORTABLE_TYPES else None
    if name.startswith(CUSTOM_PREFIX):
        return None
    return [SortKey(name, desc=desc)]


def sortable_custom_fields(definitions) -> list:
    return [d for d in definitions if d.field_type in SORTABLE_TYPES]


def groupable_custom_fields(definitions) -> list:
    return [d for d in definitions if d.field_type in GROUPABLE_TYPES]
