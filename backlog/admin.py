from django.contrib import admin
from django.core.exceptions import ValidationError

from workspaces.admin import WorkspaceScopedAdmin

from .models import AcceptanceCriterion, BacklogItem, Sprint
from .services.criteria import criteria_flag_refresh
from .services.items import item_create, item_decision_check, item_update


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

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The item form, refusing a decision (accepted, rejected) as the services would, as a field error."""
        base = super().get_form(request, obj, change=change, **kwargs)
        stored_status = obj.status if obj is not None else None

        class DecisionCheckedForm(base):
            def clean(self):
                cleaned = super().clean()
                product = cleaned.get("product") or getattr(obj, "product", None)
                if "status" in cleaned and product is not None:
                    try:
                        item_decision_check(
                            actor=request.user,
                            product_id=product.pk,
                            status=cleaned["status"],
                            current_status=stored_status,
                        )
                    except ValidationError as error:
                        self.add_error(None, error)
                return cleaned

        return DecisionCheckedForm

    def save_model(self, request, obj, form, change):
        if not change:
            item_create(instance=obj, actor=request.user)
            return
        stored = BacklogItem.objects.select_related("product").get(pk=obj.pk)
        data = {name: getattr(obj, name) for name in form.changed_data}
        saved = item_update(item=stored, data=data, actor=request.user)
        obj.version, obj.updated_at = saved.version, saved.updated_at
        obj.rice_score, obj.wsjf_score, obj.done_at = saved.rice_score, saved.wsjf_score, saved.done_at

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the criteria inline
        criteria_flag_refresh(item_id=form.instance.pk)


@admin.register(Sprint)
class SprintAdmin(WorkspaceScopedAdmin):
    workspace_path = "product__workspace"
    list_display = ("name", "product", "start_date", "end_date", "capacity_points", "status")
