"""Writes of an item's links to the outside: issues of another tracker, pull/merge requests, commits."""

from django.db import transaction

from core.services import instance_create, instance_update

from ..models import BacklogItem, ExternalLink

LINK_FIELDS = ("key", "kind", "title", "state")


@transaction.atomic
def external_link_save(*, item: BacklogItem, url: str, actor, **fields) -> tuple[ExternalLink, bool]:
    """Add a link to `url`, or update the item's link to it (key, kind, title, state); returns (link, created).

    One link per URL and item, so a webhook delivered twice or an import run again changes nothing.
    """
    data = {name: value for name, value in fields.items() if name in LINK_FIELDS and value is not None}
    link = ExternalLink.objects.select_for_update().filter(item=item, url=url).first()
    if link is None:
        return instance_create(instance=ExternalLink(item=item, url=url, **data), actor=actor), True
    link, _ = instance_update(instance=link, data=data)
    return link, False


@transaction.atomic
def external_link_delete(*, link: ExternalLink) -> None:
    link.delete()
