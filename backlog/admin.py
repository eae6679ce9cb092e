from django.contrib import admin

from workspaces.admin import WorkspaceScopedAdmin

from .models import AcceptanceCriterion, BacklogItem, Sprint


class CriterionInline(admin.TabularInline):
    model = AcceptanceCriterion
    fields = ("order", "text", "met")
    extra = 0


@admin.register(BacklogItem)
class BacklogItemAdmin(WorkspaceScopedAdmin):
    workspace_path = "product__workspace"
    list_display = ("title", "product", "number", "kind", "status", "rank", "rice_score")
    list_filter = ("kind", "status", "moscow")
    search_fields = ("title",)
    inlines = [CriterionInline]
    readonly_fields = (*WorkspaceScopedAdmin.readonly_fields, "number", "rank", "rice_score", "wsjf_score")

    def save_model(self, request, obj, form, change):
        from . import services

        if change:
            super().save_model(request, obj, form, change)
            services.item_scores_recompute(item_id=obj.pk)
        else:
            services.item_create(instance=obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        from . import services

        super().save_related(request, form, formsets, change)  # the criteria inline
        services.criteria_flag_refresh(item_id=form.instance.pk)


@admin.register(Sprint)
class SprintAdmin(WorkspaceScopedAdmin):
    workspace_path = "product__workspace"
    list_display = ("name", "product", "start_date", "end_date", "capacity_points", "status")
