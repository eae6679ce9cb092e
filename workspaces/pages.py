"""Server-rendered list / detail / create / edit / delete pages, declared once per entity.

Each page does the four things of a request: parse the form, fetch through a
workspace-scoped selector (404 for another workspace's object, 403 for a missing role),
call one service, and render. Entities with rules of their own override the `perform_*`
hooks to call their own services.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from core.exceptions import ApplicationError
from core.forms import add_validation_error
from core.keyset import keyset_page
from core.links import pk_url
from core.services import instance_create, instance_update

from .models import Capability
from .selectors import Access, workspace_access


def page_context(access: Access, *, edit: Capability | None = None, **extra) -> dict:
    """What every scoped page's template reads of its access (`can_edit` when `edit` names the capability)."""
    context = {"access": access, "perms": access.perms, "product": access.product, "workspace": access.workspace}
    if edit is not None:
        context["can_edit"] = access.can(edit)
    return {**context, **extra}


@dataclass
class Column:
    label: str
    attr: str | Callable
    link: bool = False
    css: str = ""

    def value(self, obj):
        if callable(self.attr):
            return self.attr(obj)
        value = obj
        for part in self.attr.split("."):
            display = getattr(value, f"get_{part}_display", None)
            value = display() if display else getattr(value, part, None)
            if value is None:
                return None
        return value


def split_form_data(form) -> tuple[dict, dict]:
    """Split cleaned data into plain field values and many-to-many values."""
    data, m2m = {}, {}
    model_fields = {f.name: f for f in form._meta.model._meta.get_fields()}
    for name, value in form.cleaned_data.items():
        field = model_fields.get(name)
        if field is None or not getattr(field, "concrete", False):
            continue
        (m2m if isinstance(field, models.ManyToManyField) else data)[name] = value
    return data, m2m


class Crud:
    model: type[models.Model]
    form_class: type
    namespace: str  # url namespace of the app, e.g. "roadmap"
    name: str  # url name prefix and template context, e.g. "theme"
    url_segment: str  # e.g. "themes"
    scope: str = "product"  # or "workspace"
    capability: str = Capability.EDIT_STRATEGY
    delete_capability: str | None = None
    columns: list[Column] = []
    detail_fields: list[str] = []
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    filterset_class = None
    paginate_by = 50
    # Long lists page by keyset (constant time on any page): the allowed orderings, the first the default.
    keyset_orderings: tuple[str, ...] = ()
    list_template = "crud/list.html"
    detail_template = "crud/detail.html"
    form_template = "crud/form.html"
    empty_hint = ""
    # For product-scoped pages: the lookup of the user's access to the product (the products app sets it).
    product_access: Callable[..., Access] | None = None

    # ---- scope -------------------------------------------------------------------------------
    def get_access(self, request, kwargs) -> Access:
        if self.scope == "product":
            return type(self).product_access(user=request.user, product_id=kwargs["product_id"])
        return workspace_access(user=request.user, workspace_id=kwargs["workspace_id"])

    def scope_kwargs(self, access: Access) -> dict:
        if self.scope == "product":
            return {"product_id": access.product.pk}
        return {"workspace_id": access.workspace.pk}

    def get_queryset(self, access: Access):
        qs = self.model.objects.all()
        qs = qs.filter(product=access.product) if self.scope == "product" else qs.filter(workspace=access.workspace)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def get_object(self, access: Access, pk: int):
        return get_object_or_404(self.get_queryset(access), pk=pk)

    def new_instance(self, access: Access):
        if self.scope == "product":
            return self.model(product=access.product)
        return self.model(workspace=access.workspace)

    def initial(self, request, access: Access) -> dict:
        """Prefill from the query string (e.g. ?theme=3) for fields the form has."""
        form_fields = self.form_class.base_fields
        return {k: v for k, v in request.GET.items() if k in form_fields}

    # ---- writes: one service call each ---------------------------------------------------------
    @transaction.atomic
    def perform_create(self, *, access: Access, instance, data: dict, m2m: dict, actor):
        return instance_create(instance=instance, actor=actor, m2m=m2m)

    @transaction.atomic
    def perform_update(self, *, access: Access, obj, data: dict, m2m: dict, actor):
        return instance_update(instance=obj, data=data, m2m=m2m)[0]

    @transaction.atomic
    def perform_delete(self, *, access: Access, obj, actor) -> None:
        obj.delete()

    # ---- urls ----------------------------------------------------------------------------------
    def url(self, page: str, access: Access, obj=None) -> str:
        kwargs = self.scope_kwargs(access)
        if obj is not None:
            kwargs["pk"] = obj.pk
        return reverse(f"{self.namespace}:{self.name}_{page}", kwargs=kwargs)

    def success_url(self, access: Access, obj) -> str:
        return self.url("detail", access, obj)

    def urls(self) -> list:
        prefix = "products/<int:product_id>" if self.scope == "product" else "workspaces/<int:workspace_id>"
        base = f"{prefix}/{self.url_segment}"
        return [
            path(f"{base}/", self.view(self.list_view), name=f"{self.name}_list"),
            path(f"{base}/new/", self.view(self.create_view), name=f"{self.name}_create"),
            path(f"{base}/<int:pk>/", self.view(self.detail_view), name=f"{self.name}_detail"),
            path(f"{base}/<int:pk>/edit/", self.view(self.edit_view), name=f"{self.name}_edit"),
            path(f"{base}/<int:pk>/delete/", self.view(self.delete_view), name=f"{self.name}_delete"),
        ]

    @staticmethod
    def view(method):
        return login_required(method)

    # ---- pages ---------------------------------------------------------------------------------
    def context(self, access: Access, **extra) -> dict:
        meta = self.model._meta
        return {
            "access": access,
            "perms": access.perms,
            "product": access.product,
            "workspace": access.workspace,
            "crud": self,
            "verbose_name": meta.verbose_name,
            "verbose_name_plural": meta.verbose_name_plural,
            "can_edit": access.can(self.capability),
            "can_delete": access.can(self.delete_capability or self.capability),
            "list_url": self.url("list", access),
            "create_url": self.url("create", access),
            **extra,
        }

    def list_view(self, request, **kwargs):
        access = self.get_access(request, kwargs)
        qs = self.get_queryset(access)
        if not qs.ordered:  # aggregate annotations drop Meta.ordering; pages need a stable order
            qs = qs.order_by(*(self.model._meta.ordering or []), "pk")
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(request.GET, queryset=qs, access=access)
            qs = filterset.qs if filterset.is_valid() else qs.none()
        if self.keyset_orderings:
            page = self.keyset(request, qs, filterset)
            self.decorate(access, page.object_list)
        else:
            page = Paginator(qs, self.paginate_by).get_page(request.GET.get("page"))
        rows = self.list_rows(access, page.object_list)
        query = request.GET.copy()
        for name in ("page", "after", "before", "from", "goto"):
            query.pop(name, None)
        return render(
            request,
            self.list_template,
            self.context(
                access,
                page=page,
                rows=rows,
                columns=self.columns,
                filterset=filterset,
                query=query.urlencode(),
                request=request,
            ),
        )

    def list_rows(self, access: Access, objects) -> list[dict]:
        """The rows of a list page: each object with the link to its page and its cells."""
        detail = pk_url(f"{self.namespace}:{self.name}_detail", self.scope_kwargs(access))
        return [
            {"obj": obj, "url": detail(obj.pk), "cells": [(c, c.value(obj)) for c in self.columns]} for obj in objects
        ]

    def keyset(self, request, qs, filterset):
        """The keyset page of a list request, in one of `keyset_orderings` (a subclass may order by more)."""
        ordering = request.GET.get("ordering") or self.keyset_orderings[0]
        if ordering not in self.keyset_orderings:
            ordering = self.keyset_orderings[0]
        return keyset_page(qs, ordering=ordering, size=self.paginate_by, params=self.keyset_params(request, qs))

    def keyset_params(self, request, qs) -> dict:
        """The keyset parameters of a list request (a subclass may turn ?goto= into ?from=)."""
        return request.GET

    def decorate(self, access: Access, objects: list) -> None:
        """Add what the rows shown need (counts, children) to the page's objects only."""

    def detail_rows(self, obj) -> list[tuple[str, object]]:
        rows = []
        for name in self.detail_fields:
            field = obj._meta.get_field(name)
            if isinstance(field, models.ManyToManyField):
                value = ", ".join(str(o) for o in getattr(obj, name).all()) or None
            elif field.choices:
                value = getattr(obj, f"get_{name}_display")()
            else:
                value = getattr(obj, name)
            rows.append((field.verbose_name[:1].upper() + field.verbose_name[1:], value))
        return rows

    def detail_extra(self, request, access: Access, obj) -> dict:
        return {}

    def detail_view(self, request, pk, **kwargs):
        access = self.get_access(request, kwargs)
        return self.render_detail(request, access, self.get_object(access, pk))

    def render_detail(self, request, access: Access, obj, **overrides):
        extra = {**self.detail_extra(request, access, obj), **overrides}
        return render(
            request,
            self.detail_template,
            self.context(
                access,
                obj=obj,
                rows=self.detail_rows(obj),
                edit_url=self.url("edit", access, obj),
                delete_url=self.url("delete", access, obj),
                **extra,
            ),
        )

    def _save(self, request, access: Access, form, obj=None):
        data, m2m = split_form_data(form)
        try:
            if obj is None:
                return self.perform_create(
                    access=access, instance=form.instance, data=data, m2m=m2m, actor=request.user
                )
            return self.perform_update(access=access, obj=obj, data=data, m2m=m2m, actor=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        return None

    def create_view(self, request, **kwargs):
        access = self.get_access(request, kwargs)
        access.require(self.capability)
        instance = self.new_instance(access)
        if request.method == "POST":
            form = self.form_class(request.POST, access=access, instance=instance)
            if form.is_valid():
                obj = self._save(request, access, form)
                if obj is not None:
                    messages.success(request, f"{self.model._meta.verbose_name.capitalize()} “{obj}” created.")
                    return redirect(self.success_url(access, obj))
        else:
            form = self.form_class(access=access, instance=instance, initial=self.initial(request, access))
        return render(request, self.form_template, self.context(access, form=form, obj=None))

    def edit_view(self, request, pk, **kwargs):
        access = self.get_access(request, kwargs)
        obj = self.get_object(access, pk)
        access.require(self.capability)
        # The form works on a copy so the service sees what changed against the stored row.
        form = self.form_class(request.POST or None, access=access, instance=copy.copy(obj))
        if request.method == "POST" and form.is_valid():
            saved = self._save(request, access, form, obj=obj)
            if saved is not None:
                messages.success(request, f"{self.model._meta.verbose_name.capitalize()} “{saved}” saved.")
                return redirect(self.success_url(access, saved))
        return render(request, self.form_template, self.context(access, form=form, obj=obj))

    def delete_view(self, request, pk, **kwargs):
        access = self.get_access(request, kwargs)
        obj = self.get_object(access, pk)
        access.require(self.delete_capability or self.capability)
        if request.method == "POST":
            label = str(obj)
            try:
                self.perform_delete(access=access, obj=obj, actor=request.user)
            except (ApplicationError, ProtectedError) as error:
                messages.error(request, getattr(error, "message", "It is still in use and cannot be deleted."))
                return redirect(self.url("detail", access, obj))
            messages.success(request, f"{self.model._meta.verbose_name.capitalize()} “{label}” deleted.")
            return redirect(self.url("list", access))
        return render(request, "crud/confirm_delete.html", self.context(access, obj=obj))
