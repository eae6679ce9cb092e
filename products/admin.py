from django.contrib import admin

from workspaces.admin import WorkspaceScopedAdmin

from .models import BusinessCase, Persona, Product, Vision


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
