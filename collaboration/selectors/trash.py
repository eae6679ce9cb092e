"""Reads of the trash, scoped to the user's workspaces."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from workspaces.selectors import Access, workspace_access, workspace_ids_for_user

from ..models import TrashEntry
from ..registry import kind_named


def trash_for_user(*, user) -> QuerySet[TrashEntry]:
    return TrashEntry.objects.filter(workspace__in=workspace_ids_for_user(user=user)).select_related(
        "deleted_by", "target_type"
    )


def trash_of_workspace(*, workspace_id: int) -> QuerySet[TrashEntry]:
    return (
        TrashEntry.objects.filter(workspace_id=workspace_id)
        .select_related("deleted_by", "target_type")
        .defer("snapshot")
    )


def trash_entry_for_user(*, user, entry_id: int) -> tuple[TrashEntry, Access]:
    """An entry of one of the user's workspaces (else 404) and the user's access there."""
    entry = get_object_or_404(trash_for_user(user=user).defer("snapshot"), pk=entry_id)
    return entry, workspace_access(user=user, workspace_id=entry.workspace_id)


def entry_label(entry: TrashEntry) -> str:
    return f"{entry.target_type.app_label}.{entry.target_type.model}"


def can_restore(access: Access, entry: TrashEntry) -> bool:
    """Restoring needs what deleting needed: deleting items for an item, editing strategy for the rest."""
    kind = kind_named(entry_label(entry))
    return kind is not None and access.can(kind.delete_capability)
