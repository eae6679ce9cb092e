from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from core.services import instance_delete

from .graph import graph_check
from .models import Membership, Workspace


class GraphCheckedForm(forms.ModelForm):
    """An admin form that refuses relations into another workspace, as every service does."""

    def _post_clean(self):
        super()._post_clean()
        m2m = {
            field.name: self.cleaned_data[field.name]
            for field in self.instance._meta.many_to_many
            if field.name in self.cleaned_data and self.cleaned_data[field.name] is not None
        }
        try:
            graph_check(instance=self.instance, m2m=m2m)
        except ValidationError as error:
            self._update_errors(error)


class WorkspaceScopedAdmin(admin.ModelAdmin):
    """Staff who are not superusers see and pick only objects of the workspaces they belong to.

    `workspace_path` is the lookup from the model to its workspace, e.g. "product__workspace".
    """

    workspace_path = "workspace"
    form = GraphCheckedForm
    readonly_fields = ("created_at", "updated_at", "created_by", "version")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.workspace_path}__memberships__user": request.user}).distinct()

    # Deletes go through core.services.instance_delete, so its hooks (the trash) see admin deletes too.
    @transaction.atomic
    def delete_model(self, request, obj):
        instance_delete(instance=obj, actor=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            instance_delete(instance=obj, actor=request.user)

    def _scope(self, request, queryset):
        if request.user.is_superuser:
            return queryset
        workspace_ids = Membership.objects.filter(user=request.user).values("workspace_id")
        model = queryset.model
        if model is get_user_model():
            return queryset.filter(memberships__workspace_id__in=workspace_ids).distinct()
        names = {f.name for f in model._meta.get_fields()}
        if "workspace" in names:
            return queryset.filter(workspace_id__in=workspace_ids)
        if "product" in names:
            return queryset.filter(product__workspace_id__in=workspace_ids)
        if "objective" in names:
            return queryset.filter(objective__workspace_id__in=workspace_ids)
        if "item" in names:
            return queryset.filter(item__product__workspace_id__in=workspace_ids)
        return queryset.none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = self._scope(request, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = self._scope(request, field.queryset)
        return field

    def save_model(self, request, obj, form, change):
        if not change and hasattr(obj, "created_by_id"):
            obj.created_by = request.user
        if change and hasattr(obj, "version"):
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Workspace)
class WorkspaceAdmin(WorkspaceScopedAdmin):
    workspace_path = "self"
    list_display = ("name", "slug", "created_at")
    search_fields = ("name",)

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs if request.user.is_superuser else qs.filter(memberships__user=request.user)


@admin.register(Membership)
class MembershipAdmin(WorkspaceScopedAdmin):
    list_display = ("user", "workspace", "role")
    list_filter = ("role",)

    def has_add_permission(self, request) -> bool:
        # People join by accepting an invitation; only a superuser (an operator) may add one here.
        return request.user.is_superuser
