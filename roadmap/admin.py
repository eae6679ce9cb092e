from django.contrib import admin

from workspaces.admin import WorkspaceScopedAdmin

from .models import Initiative, Release, Theme


@admin.register(Theme)
class ThemeAdmin(WorkspaceScopedAdmin):
    workspace_path = "product__workspace"
    list_display = ("name", "product", "order")


@admin.register(Release)
class ReleaseAdmin(WorkspaceScopedAdmin):
    workspace_path = "product__workspace"
    list_display = ("name", "product", "target_date", "status")


@admin.register(Initiative)
class InitiativeAdmin(WorkspaceScopedAdmin):
    workspace_path = "product__workspace"
    list_display = ("title", "product", "theme", "horizon", "status", "start_date", "end_date")
    list_filter = ("horizon", "status")
    search_fields = ("title",)
