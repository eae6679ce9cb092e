"""Small write helpers shared by every app's services."""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import models

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


def instance_create(*, instance: M, actor, m2m: dict[str, Iterable] | None = None) -> M:
    """Validate and insert one object; set its many-to-many relations. Caller holds the transaction."""
    if hasattr(instance, "created_by_id") and actor is not None and actor.is_authenticated:
        instance.created_by = actor
    _run_write_checks(instance=instance, fields=None, m2m=m2m or {})
    instance.full_clean()
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
    instance.full_clean()
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
