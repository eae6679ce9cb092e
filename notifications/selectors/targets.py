"""Which object a watch or a notification points at, and whether a user may see it.

The four kinds of objects one can watch live in lower apps; this is the one place that reads their
rows for that purpose (ids, workspace, product, title), always scoped to the user's workspaces.
"""

from django.http import Http404

from backlog.models import BacklogItem
from okrs.models import KeyResult, Objective
from roadmap.models import Initiative
from workspaces.selectors import workspace_ids_for_user

from ..models import TargetType
from ..targets import Target

_QUERIES = {
    TargetType.ITEM: (BacklogItem, "product__workspace_id", "product_id"),
    TargetType.INITIATIVE: (Initiative, "product__workspace_id", "product_id"),
    TargetType.OBJECTIVE: (Objective, "workspace_id", "product_id"),
    TargetType.KEY_RESULT: (KeyResult, "objective__workspace_id", "objective__product_id"),
}


def target_for_user(*, user, target_type: str, target_id: int) -> tuple[Target, str]:
    """The object and its title when `user` is a member of its workspace; else Http404 (as if it did not exist)."""
    if target_type not in _QUERIES:
        raise Http404("No such kind of object.")
    model, workspace_path, product_path = _QUERIES[TargetType(target_type)]
    row = (
        model.objects.filter(pk=target_id, **{f"{workspace_path}__in": workspace_ids_for_user(user=user)})
        .values_list(workspace_path, product_path, "title")
        .first()
    )
    if row is None:
        raise Http404("No such object in your workspaces.")
    workspace_id, product_id, title = row
    return Target(type=target_type, id=target_id, workspace_id=workspace_id, product_id=product_id), title
