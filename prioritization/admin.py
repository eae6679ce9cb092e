from django.contrib import admin
from django.db import transaction

from workspaces.admin import WorkspaceScopedAdmin

from . import services
from .models import PrioritySettings, Scenario, ScorecardCriterion, Snapshot


@admin.register(PrioritySettings)
class PrioritySettingsAdmin(WorkspaceScopedAdmin):
    workspace_path = "product__workspace"
    list_display = ("product", "default_framework", "must_share_limit", "capacity")

    def save_model(self, request, obj, form, change):
        # A settings change moves scores and ranks: save it and re-score the product, as the page does.
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            services.product_reprioritise_start(product=obj.product, actor=request.user)


@admin.register(ScorecardCriterion)
class ScorecardCriterionAdmin(WorkspaceScopedAdmin):
    workspace_path = "product__workspace"
    list_display = ("name", "product", "weight", "order")

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            services.product_reprioritise_start(product=obj.product, actor=request.user)

    def delete_model(self, request, obj):
        services.criterion_delete(criterion=obj, actor=request.user)


@admin.register(Scenario)
class ScenarioAdmin(WorkspaceScopedAdmin):
    """Scenarios are read here; they are changed and applied on their page, where the rules live."""

    workspace_path = "product__workspace"
    list_display = ("name", "product", "framework", "status", "created_at")
    readonly_fields = (*WorkspaceScopedAdmin.readonly_fields, "status", "applied_at", "weights", "item_inputs")


@admin.register(Snapshot)
class SnapshotAdmin(WorkspaceScopedAdmin):
    workspace_path = "product__workspace"
    list_display = ("product", "framework", "created_at", "created_by", "scored_count", "unscored_count")
    readonly_fields = ("product", "framework", "created_at", "created_by", "job", "scored_count", "unscored_count")
    exclude = ("ranking",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
