from django.contrib import admin
from django.db.models import Q

from workspaces.admin import WorkspaceScopedAdmin

from .models import HEALTH_POLICY_FIELDS, KPI, HealthPolicy, KeyResult, Measurement, Objective
from .services.health import health_policy_save
from .services.key_results import key_result_create, key_result_update
from .services.objectives import objective_create, objective_delete, objective_update


def changed_values(form) -> dict:
    """What the admin form changed, to hand to an update service (which diffs, validates and announces)."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}


@admin.register(Objective)
class ObjectiveAdmin(WorkspaceScopedAdmin):
    list_display = ("title", "workspace", "product", "period", "owner")
    list_filter = ("period",)
    search_fields = ("title",)

    # Through the services, so that the admin's saves reach the rollups and webhooks like any other.
    def save_model(self, request, obj, form, change):
        if change:
            objective_update(objective=Objective.objects.get(pk=obj.pk), data=changed_values(form), actor=request.user)
        else:
            objective_create(instance=obj, actor=request.user)

    def delete_model(self, request, obj):
        objective_delete(objective=obj)

    def delete_queryset(self, request, queryset):
        for objective in queryset:
            objective_delete(objective=objective)


@admin.register(KeyResult)
class KeyResultAdmin(WorkspaceScopedAdmin):
    workspace_path = "objective__workspace"
    list_display = ("title", "objective", "start_value", "current_value", "target_value")

    def save_model(self, request, obj, form, change):
        if change:
            current = KeyResult.objects.get(pk=obj.pk)
            key_result_update(key_result=current, data=changed_values(form), actor=request.user)
        else:
            key_result_create(instance=obj, actor=request.user)


@admin.register(KPI)
class KPIAdmin(WorkspaceScopedAdmin):
    workspace_path = "product__workspace"
    list_display = ("name", "product", "unit", "direction")


@admin.register(Measurement)
class MeasurementAdmin(WorkspaceScopedAdmin):
    workspace_path = "kpi__product__workspace"
    list_display = ("value", "kpi", "key_result", "measured_at")

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        return qs.filter(
            Q(kpi__product__workspace__memberships__user=request.user)
            | Q(key_result__objective__workspace__memberships__user=request.user)
        ).distinct()


@admin.register(HealthPolicy)
class HealthPolicyAdmin(WorkspaceScopedAdmin):
    list_display = ("workspace", "at_risk_gap", "off_track_gap", "at_risk_confidence", "off_track_confidence")

    def save_model(self, request, obj, form, change):
        health_policy_save(
            workspace=obj.workspace,
            data={name: getattr(obj, name) for name in HEALTH_POLICY_FIELDS},
            actor=request.user,
        )
