from django.contrib import admin

from workspaces.admin import WorkspaceScopedAdmin

from .models import Job


@admin.register(Job)
class JobAdmin(WorkspaceScopedAdmin):
    list_display = ("kind", "workspace", "state", "progress", "started_by", "created_at")
    list_filter = ("state", "kind")
