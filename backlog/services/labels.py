"""Labels of items: the one place their rules live.

Every path that sets an item's labels (the item form, the API's create, update and bulk save, the
admin, the importers) hands a list of names to the item services, which read them here: trimmed,
each up to LABEL_NAME_MAX characters, not blank, without commas or control characters, at most
LABELS_PER_ITEM_MAX per item, repeats (whatever their case) kept once. A name the item's product
does not know yet becomes a label of that product; a label never links items of two products.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from ..label_models import LABEL_NAME_MAX, LABEL_NAME_PATTERN, LABELS_PER_ITEM_MAX, Label
from ..models import BacklogItem

_NAME = re.compile(LABEL_NAME_PATTERN)


def label_names_clean(names) -> list[str]:
    """The names as stored, in the given order, repeats dropped; ValidationError({"labels": …}) if one breaks a rule."""
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise ValidationError({"labels": "Labels are a list of names."})
    kept: dict[str, str] = {}
    for raw in names:
        if not isinstance(raw, str):
            raise ValidationError({"labels": "A label is a name (text)."})
        name = raw.strip()
        if not name:
            raise ValidationError({"labels": "A label name cannot be blank."})
        if len(name) > LABEL_NAME_MAX:
            raise ValidationError({"labels": f"A label name is at most {LABEL_NAME_MAX} characters: “{name[:20]}…”."})
        if not _NAME.match(name):
            raise ValidationError({"labels": f"A label name holds no commas or control characters: “{name!r}”."})
        kept.setdefault(name.casefold(), name)
    if len(kept) > LABELS_PER_ITEM_MAX:
        raise ValidationError({"labels": f"At most {LABELS_PER_ITEM_MAX} labels per item."})
    return list(kept.values())


def label_names_from_text(text: str) -> list[str]:
    """Names as a person types them in one field: separated by commas, empty pieces skipped."""
    return [piece for piece in (text or "").split(",") if piece.strip()]


def labels_for_product(*, product_id: int, names: list[str]) -> list[Label]:
    """The product's labels of these (clean) names, those it lacks created: two queries, three when new."""
    if not names:
        return []
    wanted = {name.lower(): name for name in names}
    found = _by_lower(product_id, wanted)
    missing = [name for key, name in wanted.items() if key not in found]
    if missing:
        # Concurrent writers may create the same name: the unique index settles it, both then read it.
        Label.objects.bulk_create([Label(product_id=product_id, name=n) for n in missing], ignore_conflicts=True)
        found = _by_lower(product_id, wanted)
        for key, name in wanted.items():  # where Python's lower() and the database's differ
            if key not in found:
                found[key] = Label.objects.filter(product_id=product_id, name__iexact=name).order_by("pk").first()
    return [found[key] for key in wanted if found.get(key) is not None]


def _by_lower(product_id: int, wanted: dict[str, str]) -> dict[str, Label]:
    labels = Label.objects.filter(product_id=product_id).alias(key=Lower("name")).filter(key__in=list(wanted))
    return {label.name.lower(): label for label in labels}


def labels_m2m(*, product_id: int, names) -> dict[str, list[Label]]:
    """The `m2m` argument of core.services' writes for an item of this product: {} when `names` is None
    (the labels stay as they are), else {"labels": [Label, …]}."""
    if names is None:
        return {}
    return {"labels": labels_for_product(product_id=product_id, names=label_names_clean(names))}


def items_labels_add(*, product_id: int, names_by_item: dict[int, list[str]]) -> int:
    """Set-based, for importers of new items: give items of one product these labels (checked by the
    same rules as every other path), keeping the labels they have; one insert for every link, a link
    that exists already is left as it is.
    Items of other products among the ids are left alone. Returns how many links were asked for."""
    mine = BacklogItem.objects.filter(product_id=product_id, pk__in=list(names_by_item))
    mine = set(mine.values_list("pk", flat=True))
    names_by_item = {item_id: label_names_clean(names) for item_id, names in names_by_item.items() if item_id in mine}
    every = {name.lower(): name for names in names_by_item.values() for name in names}
    found = labels_for_product(product_id=product_id, names=list(every.values()))
    labels = {label.name.lower(): label for label in found}
    through = Label.items.through
    rows = [
        through(backlogitem_id=item_id, label_id=labels[name.lower()].pk)
        for item_id, names in names_by_item.items()
        for name in names
        if name.lower() in labels
    ]
    through.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)
