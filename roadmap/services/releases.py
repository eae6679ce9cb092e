"""Writes of releases: create, update (recording when one ships) and the scope baseline."""

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from core.events import publish
from core.services import instance_create, instance_update

from ..models import Release, ReleaseStatus
from ..selectors.releases import release_items


def _announce(event: str, release: Release, **extra) -> None:
    data = {
        "id": release.pk,
        "product": release.product_id,
        "name": release.name,
        "status": release.status,
        "target_date": release.target_date.isoformat() if release.target_date else None,
        **extra,
    }
    publish(event=event, workspace_id=release.product.workspace_id, data=data)


@transaction.atomic
def release_create(*, instance: Release, actor) -> Release:
    if instance.status == ReleaseStatus.RELEASED:
        instance.shipped_at = timezone.now()
    release = instance_create(instance=instance, actor=actor)
    if release.shipped_at is not None:
        _announce("release.shipped", release, shipped_at=release.shipped_at.isoformat())
    return release


@transaction.atomic
def release_update(*, release: Release, data: dict, actor=None) -> Release:
    """Change a release; marking it released records when (its outcome review counts from then)."""
    status = data.get("status", release.status)
    if status == ReleaseStatus.RELEASED and (release.status != status or release.shipped_at is None):
        data = {**data, "shipped_at": timezone.now()}
    release, changed = instance_update(instance=release, data=data)
    if "shipped_at" in changed:
        _announce("release.shipped", release, shipped_at=release.shipped_at.isoformat())
    return release


@transaction.atomic
def release_baseline_set(*, release: Release, actor) -> Release:
    """Record the release's current scope (its items and their points) as the baseline to compare with."""
    release = Release.objects.select_for_update().select_related("product").get(pk=release.pk)
    # The same items as the release's page counts (its own and its initiatives', epics aside), so the
    # change since the baseline compares like with like.
    figures = release_items(release=release).aggregate(points=Sum("story_points"), items=Count("id"))
    Release.objects.filter(pk=release.pk).update(
        baseline_points=figures["points"] or 0,
        baseline_items=figures["items"],
        baseline_at=timezone.now(),
        version=release.version + 1,
        updated_at=timezone.now(),
    )
    release.refresh_from_db()
    _announce(
        "release.baselined", release, baseline_points=release.baseline_points, baseline_items=release.baseline_items
    )
    return release
