from django.contrib import admin
from django.db.models import Q

from workspaces.admin import WorkspaceScopedAdmin

from .models import HEALTH_POLICY_FIELDS, KPI, HealthPolicy, KeyResult, Measurement, Objective
from .services.health import health_policy_save


@admin.register(Objective)
class ObjectiveAdmin(WorkspaceScopedAdmin):
    list_display = ("title", "workspace", "product", "period", "owner")
    list_filter = ("period",)
    search_fields = ("title",)


@admin.register(KeyResult)
class KeyResultAdmin(WorkspaceScopedAdmin):
    workspace_path = "objective__workspace"
    list_display = ("title", "objective", "start_value", "current_value", "target_value")


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
