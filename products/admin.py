from django.contrib import admin

from pmhub.admin import WorkspaceScopedAdmin

from .models import BusinessCase, Membership, Persona, Product, Vision, Workspace


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


@admin.register(Product)
class ProductAdmin(WorkspaceScopedAdmin):
    list_display = ("key", "name", "workspace", "stage")
    list_filter = ("stage",)
    search_fields = ("name", "key")


@admin.register(Vision)
class VisionAdmin(WorkspaceScopedAdmin):
    workspace_path = "product__workspace"
    list_display = ("product", "time_horizon")


@admin.register(BusinessCase)
class BusinessCaseAdmin(WorkspaceScopedAdmin):
    workspace_path = "product__workspace"
    list_display = ("title", "product", "validation_status", "decision")
    list_filter = ("validation_status", "decision")


@admin.register(Persona)
class PersonaAdmin(WorkspaceScopedAdmin):
    workspace_path = "product__workspace"
    list_display = ("name", "product")
