"""The kinds of objects people comment on and that deleting keeps in the trash, declared once each.

A kind is found by its label ("backlog.backlogitem"); it says how an object reaches its workspace, where
its page is, and which capability deleting (hence restoring) it needs. Adding a kind is one `register`
call in collaboration/targets.py, e.g. for discovery's ideas:

    register(Idea, workspace_path="product__workspace", url=product_page("discovery:idea_detail"))
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.urls import reverse

from workspaces.models import Capability


@dataclass(frozen=True)
class Kind:
    label: str
    model: type[models.Model]
    workspace_path: str | tuple[str, ...]  # from the object to its workspace; several are tried in order
    url: Callable[[models.Model], str]
    commentable: bool
    trashable: bool
    delete_capability: str
    select_related: tuple[str, ...]

    @property
    def noun(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def paths(self) -> tuple[str, ...]:
        return self.workspace_path if isinstance(self.workspace_path, tuple) else (self.workspace_path,)

    def workspace_id_of(self, obj) -> int | None:
        for path in self.paths:
            value = obj
            for part in path.split("__")[:-1]:
                value = getattr(value, part)
                if value is None:
                    break
            else:
                return getattr(value, f"{path.split('__')[-1]}_id")
        return None

    def scoped(self, queryset, workspace_ids):
        """`queryset` of this kind narrowed to objects of `workspace_ids` (a list or a subquery)."""
        condition = models.Q()
        for path in self.paths:
            condition |= models.Q(**{f"{path}__in": workspace_ids})
        return queryset.filter(condition)


_kinds: dict[str, Kind] = {}


def register(
    model: type[models.Model],
    *,
    workspace_path: str | tuple[str, ...],
    url: Callable[[models.Model], str],
    commentable: bool = True,
    trashable: bool = False,
    delete_capability: str = Capability.EDIT_STRATEGY,
    select_related: tuple[str, ...] = (),
) -> Kind:
    kind = Kind(
        label=model._meta.label_lower,
        model=model,
        workspace_path=workspace_path,
        url=url,
        commentable=commentable,
        trashable=trashable,
        delete_capability=delete_capability,
        select_related=select_related,
    )
    _kinds[kind.label] = kind
    return kind


def kind_named(label: str) -> Kind | None:
    return _kinds.get(label)


def kind_of_model(model) -> Kind | None:
    return _kinds.get(model._meta.label_lower)


def kinds(*, commentable: bool | None = None, trashable: bool | None = None) -> list[Kind]:
    return [
        k
        for k in _kinds.values()
        if (commentable is None or k.commentable == commentable) and (trashable is None or k.trashable == trashable)
    ]


def product_page(url_name: str) -> Callable[[models.Model], str]:
    return lambda obj: reverse(url_name, kwargs={"product_id": obj.product_id, "pk": obj.pk})


def workspace_page(url_name: str, workspace: Callable[[models.Model], int]) -> Callable[[models.Model], str]:
    return lambda obj: reverse(url_name, kwargs={"workspace_id": workspace(obj), "pk": obj.pk})
