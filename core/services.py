"""Small write helpers shared by every app's services."""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, router

M = TypeVar("M", bound=models.Model)

# Checks every write runs before saving: check(instance=, fields=, m2m=) raises ValidationError.
# fields is None on create (every relation) and the changed field names on update. Apps above
# core register theirs from their AppConfig.ready (workspaces: one workspace per object graph).
WriteCheck = Callable[..., None]
_write_checks: list[WriteCheck] = []


def register_write_check(check: WriteCheck) -> None:
    if check not in _write_checks:
        _write_checks.append(check)


def write_checks() -> tuple[WriteCheck, ...]:
    return tuple(_write_checks)


def _run_write_checks(*, instance, fields: list[str] | None, m2m: dict) -> None:
    for check in _write_checks:
        check(instance=instance, fields=fields, m2m=m2m)


def changing_fields(instance) -> frozenset[str] | None:
    """The fields an update in progress changes (None outside one, and on create: treat all as changed).
    A model's clean() reads it to check only the relations that changed."""
    return getattr(instance, "_pmhub_changing", None)


def _constrained_together(instance) -> list[set[str] | None]:
    """The field sets each uniqueness rule or check constraint reads (None: unknown, check always)."""
    meta = instance._meta
    groups: list[set[str] | None] = [{f.name} for f in meta.concrete_fields if f.unique and not f.primary_key]
    groups += [set(together) for together in meta.unique_together]
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            groups.append(set(constraint.fields) if constraint.fields and not constraint.condition else None)
        elif isinstance(constraint, models.CheckConstraint):
            groups.append(set(constraint.condition.referenced_base_fields))
        else:
            groups.append(None)
    return groups


def _validate(*, instance, changed: set[str], changing: frozenset[str] | None) -> None:
    """full_clean of the fields in `changed` and of every rule that reads one of them (with the other
    fields that rule reads), plus the model's clean(); nothing else is looked up again."""
    kept = set(changed)
    for group in _constrained_together(instance):
        if group is None:
            kept = {f.name for f in instance._meta.concrete_fields}
            break
        if group & changed:
            kept |= group
    untouched = [f.name for f in instance._meta.concrete_fields if f.name not in kept]
    if changing is not None:
        instance._pmhub_changing = changing
    try:
        _full_clean(instance, exclude=untouched)
    finally:
        instance.__dict__.pop("_pmhub_changing", None)


def _full_clean(instance, *, exclude: list[str]) -> None:
    """Model.full_clean(exclude=…), less the check constraints that read an excluded field. Django skips
    those too, but only after building a query to test them (a FieldError); on an item's update that
    touches none of its three checks, this saves a tenth of the request's time."""
    errors: dict = {}
    try:
        instance.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    skipped = {*exclude, *errors}  # as full_clean: a field that failed is not checked again
    using = router.db_for_write(type(instance), instance=instance)
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            if isinstance(constraint, models.CheckConstraint) and constraint.condition.referenced_base_fields & skipped:
                continue
            try:
                constraint.validate(model_class, instance, exclude=skipped, using=using)
            except ValidationError as error:
                if getattr(error, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                    errors.setdefault(constraint.fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def validate_changed(*, instance, fields: Iterable[str]) -> None:
    """Validate an update by what it changes: an untouched foreign key is not looked up again, an
    untouched unique field not re-checked; clean() may ask `changing_fields` which relations changed."""
    changed = frozenset(fields)
    _validate(instance=instance, changed=set(changed), changing=changed)


def validate_new(*, instance) -> None:
    """Validate an insert without looking up again what the caller already loaded: a foreign key whose
    object is at hand (a serializer or form fetched it, scoped) runs no existence query, an empty
    nullable field no check, and fields the service computes (editable=False: ranks, numbers, scores,
    assigned under the service's lock) no uniqueness query; the database enforces those constraints."""
    changed = set()
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if field.primary_key or not field.editable or (value is None and field.null):
            continue
        if field.is_relation and field.many_to_one and value is not None:
            related = field.get_cached_value(instance, default=None)
            if related is not None and related.pk == value and not related._state.adding:
                continue
        changed.add(field.name)
    _validate(instance=instance, changed=changed, changing=None)


def instance_create(*, instance: M, actor, m2m: dict[str, Iterable] | None = None) -> M:
    """Validate and insert one object; set its many-to-many relations. Caller holds the transaction."""
    if hasattr(instance, "created_by_id") and actor is not None and actor.is_authenticated:
        instance.created_by = actor
    _run_write_checks(instance=instance, fields=None, m2m=m2m or {})
    validate_new(instance=instance)
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    return instance


def instance_update(*, instance: M, data: dict, m2m: dict[str, Iterable] | None = None) -> tuple[M, list[str]]:
    """Apply `data`, validate, and save only the fields that changed.

    Returns the instance and the sorted names of the fields that changed (many-to-many ones
    included), empty when nothing did: callers announce exactly those.
    """
    changed_fields = []
    for field, value in data.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed_fields.append(field)
    m2m_changed = []
    for name, values in (m2m or {}).items():
        new_ids = {v.pk for v in values}
        if set(getattr(instance, name).values_list("pk", flat=True)) != new_ids:
            m2m_changed.append(name)
    if not changed_fields and not m2m_changed:
        return instance, []
    _run_write_checks(instance=instance, fields=changed_fields, m2m={name: m2m[name] for name in m2m_changed})
    validate_changed(instance=instance, fields=changed_fields)
    update_fields = [*changed_fields, "updated_at"]
    if hasattr(instance, "version"):
        instance.version += 1
        update_fields.append("version")
    instance.save(update_fields=update_fields)
    for name in m2m_changed:
        getattr(instance, name).set(m2m[name])
    return instance, sorted(changed_fields + m2m_changed)


# Hooks every delete runs first: hook(instance=, actor=) inside the delete's transaction. Apps above
# core register theirs from their AppConfig.ready (collaboration: keep a copy in the trash).
DeleteHook = Callable[..., None]
_delete_hooks: list[DeleteHook] = []


def register_delete_hook(hook: DeleteHook) -> None:
    if hook not in _delete_hooks:
        _delete_hooks.append(hook)


def instance_delete(*, instance: models.Model, actor) -> None:
    """Delete one object and what cascades from it, after the delete hooks. Caller holds the transaction.

    Every delete path of a restorable object (page, API, bulk, admin) goes through here, so the
    trash sees each one.
    """
    for hook in _delete_hooks:
        hook(instance=instance, actor=actor)
    instance.delete()
