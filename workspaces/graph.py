"""One workspace per object graph: every object an object points to lives in the object's own workspace.

`graph_check` runs inside `core.services.instance_create` and `instance_update` (registered by this
app's AppConfig), so every write path that saves through them — pages, API, bulk endpoints,
importers, tasks, the demo — refuses a foreign key, a many-to-many value or a user taken from
another workspace, even when the caller belongs to both. The admin runs it from its forms.

A model says how it reaches its workspace with a `workspace_path` class attribute
("workspace", "objective__workspace"; "product__workspace" when it has a product and declares
nothing). The first step of that path places the object (an item's product); every other
relation is checked against the workspace it gives. A user must be a member of that workspace.
Relations a model names in `workspace_graph_exempt` are not checked (a membership's user is
what makes them a member). Product-level rules (an item's sprint in the item's product) stay in
the models' `clean()`.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.text import capfirst

from .models import Membership

SKIPPED = frozenset({"created_by"})  # who wrote it, recorded by the service, not a link a caller chooses


def workspace_path_of(model) -> str | None:
    """The lookup from a model to its workspace, as the model declares it (`workspace_path`); None if it has none."""
    if model is get_user_model():
        return "memberships__workspace"
    path = getattr(model, "workspace_path", None)
    if path is not None:
        return path
    try:
        model._meta.get_field("product")
    except FieldDoesNotExist:
        return None
    return "product__workspace"


def _walk(obj, path: str, known: dict) -> int | None:
    """The workspace id of `obj` along `path`, reading only loaded objects; None when a query is needed.

    `known` maps (model, pk) of objects met on earlier walks to their workspace id, so a sprint of
    the item's own product resolves without a query.
    """
    if path == "id":
        return obj.pk
    *hops, last = path.split("__")
    current, met = obj, []
    for hop in hops:
        field = current._meta.get_field(hop)
        pk = getattr(current, field.attname)
        if pk is None:
            return None
        key = (field.related_model, pk)
        if key in known:
            workspace_id = known[key]
            break
        met.append(key)
        if not field.is_cached(current):
            return None
        current = getattr(current, hop)
    else:
        workspace_id = getattr(current, current._meta.get_field(last).attname)
    for key in met:
        known[key] = workspace_id
    return workspace_id


def _own_workspace_id(instance, path: str, known: dict) -> int | None:
    workspace_id = _walk(instance, path, known)
    if workspace_id is None:
        current = instance
        for hop in path.split("__")[:-1]:  # load what is not loaded yet (a service usually has it)
            if getattr(current, current._meta.get_field(hop).attname) is None:
                return None
            current = getattr(current, hop)
        workspace_id = _walk(instance, path, known)
    return workspace_id


def _foreign(model, values: list, workspace_id: int, known: dict) -> list:
    """The primary keys among `values` (objects or primary keys of `model`) that live outside `workspace_id`."""
    ids = [getattr(v, "pk", v) for v in values]
    if model is get_user_model():
        members = Membership.objects.filter(workspace_id=workspace_id, user_id__in=ids)
        return sorted(set(ids) - set(members.values_list("user_id", flat=True)))
    path = workspace_path_of(model)
    if path is None:
        return []
    foreign, pending = set(), set()
    for value in values:
        found = _walk(value, path, known) if isinstance(value, models.Model) else None
        if found is None:
            pending.add(getattr(value, "pk", value))
        elif found != workspace_id:
            foreign.add(value.pk)
    if pending:
        rows = dict(model._base_manager.filter(pk__in=pending).values_list("pk", path))
        foreign |= {pk for pk in pending if rows.get(pk) != workspace_id}
    return sorted(foreign)


def graph_check(*, instance, fields: Iterable[str] | None = None, m2m: dict[str, Iterable] | None = None) -> None:
    """Raise ValidationError naming each relation of `instance` that points into another workspace.

    `fields` limits the check to the foreign keys that changed (None: all of them); `m2m` holds
    the many-to-many values about to be set.
    """
    model = type(instance)
    path = workspace_path_of(model)
    if path is None:
        return
    placing = path.split("__")[0]
    if fields is not None and placing in fields:
        fields = None  # the object moves: every relation must follow it
    known: dict = {}
    workspace_id = _own_workspace_id(instance, path, known)
    if workspace_id is None:
        return
    skipped = SKIPPED | {placing} | set(getattr(model, "workspace_graph_exempt", ()))
    errors = {}
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.name in skipped or (fields is not None and field.name not in fields):
            continue
        if field.related_model is model and path == "id":
            continue
        pk = getattr(instance, field.attname)
        if pk is None:
            continue
        value = getattr(instance, field.name) if field.is_cached(instance) else pk
        if _foreign(field.related_model, [value], workspace_id, known):
            errors[field.name] = _message(field.related_model, [pk])
    for name, values in (m2m or {}).items():
        values = list(values)
        related_model = model._meta.get_field(name).related_model
        foreign = _foreign(related_model, values, workspace_id, known) if values and name not in skipped else []
        if foreign:
            errors[name] = _message(related_model, foreign)
    if errors:
        raise ValidationError(errors)


def _message(model, pks: list) -> str:
    names = ", ".join(f"{capfirst(model._meta.verbose_name)} #{pk}" for pk in pks)
    one = len(pks) == 1
    if model is get_user_model():
        return f"{names} {'is not a member' if one else 'are not members'} of this workspace."
    return f"{names} {'belongs' if one else 'belong'} to another workspace."
