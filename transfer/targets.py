"""What a generic table (CSV or XLSX) can hold, and how each row is saved: the extension point.

A target names its fields (column mapping) and saves one row through its app's services. Items
are imported by the item machinery (services/items.py, set-based); every other target row by
row. Another app adds a target with `register_target` (the discovery app: feedback, customers),
from this app's AppConfig.ready or its own, since this app may import the apps below it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from customfields.models import FieldTarget
from customfields.selectors import field_definitions_for

from .formats.tabular import CUSTOM_COLUMN, CUSTOM_FIELD, ITEM_FIELDS

# save(product=, record={field: text}, existing=object or None, actor=) -> the saved object.
# It raises django's ValidationError with messages a person can act on.
Saver = Callable[..., object]


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    fields: dict[str, str]  # field -> label, "key" first (the source key that makes a re-import an update)
    model: type | None = None
    save: Saver | None = None
    url: Callable[[object], str] | None = None
    required: tuple[str, ...] = field(default=("title",))


_targets: dict[str, Target] = {}


def register_target(target: Target) -> None:
    _targets[target.name] = target


def target_get(name: str) -> Target | None:
    return _targets.get(name)


def target_fields(target: Target, product) -> dict[str, str]:
    """The fields a table's columns may feed for a product: the target's, and for items one per custom
    field of the product (`cf:<key>`, labelled "Custom: <name>" as the backlog export heads its column)."""
    if target.name != "items":
        return target.fields
    definitions = field_definitions_for(product=product, target=FieldTarget.ITEM)
    return {**target.fields, **{CUSTOM_FIELD.format(d.key): CUSTOM_COLUMN.format(d.name) for d in definitions}}


def targets() -> list[Target]:
    return list(_targets.values())


register_target(Target(name="items", label="Backlog items", fields=ITEM_FIELDS))
