from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from workspaces.admin import GraphCheckedForm, WorkspaceScopedAdmin

from .label_models import label_names_sorted
from .models import AcceptanceCriterion, BacklogItem, Label, Sprint
from .services.criteria import criteria_flag_refresh
from .services.items import item_create, item_decision_check, item_update
from .services.labels import label_names_clean, label_names_from_text


class CriterionInline(admin.TabularInline):
    model = AcceptanceCriterion
    fields = ("order", "text", "met")
    extra = 0


class ItemAdminForm(GraphCheckedForm):
    label_names = forms.CharField(
        label="Labels",
        required=False,
        help_text="Names separated by commas; a new name becomes a label of the item's product.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            names = label_names_sorted(label.name for label in self.instance.labels.all())
            self.initial.setdefault("label_names", ", ".join(names))


@admin.register(BacklogItem)
class BacklogItemAdmin(WorkspaceScopedAdmin):
    form = ItemAdminForm
    workspace_path = "product__workspace"
    list_display = ("title", "product", "number", "kind", "status", "rank", "rice_score")
    list_filter = ("kind", "status", "moscow")
    search_fields = ("title",)
    inlines = [CriterionInline]
    readonly_fields = (*WorkspaceScopedAdmin.readonly_fields, "number", "rank", "rice_score", "wsjf_score")
    exclude = ("labels",)  # set by name through the item services (the label_names field below)

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
                try:
                    label_names_clean(label_names_from_text(cleaned.get("label_names", "")))
                except ValidationError as error:
                    self.add_error("label_names", error.message_dict["labels"])
                return cleaned

        return DecisionCheckedForm

    def save_model(self, request, obj, form, change):
        names = label_names_from_text(form.cleaned_data.get("label_names", ""))
        if not change:
            item_create(instance=obj, actor=request.user, labels=names)
            return
        stored = BacklogItem.objects.select_related("product").get(pk=obj.pk)
        data = {name: getattr(obj, name) for name in form.changed_data if name != "label_names"}
        if "label_names" in form.changed_data:
            data["labels"] = names
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


@admin.register(Label)
class LabelAdmin(WorkspaceScopedAdmin):
    workspace_path = "product__workspace"
    list_display = ("name", "product", "colour")
    search_fields = ("name",)
