from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.forms import add_validation_error
from products.pages import Column, Crud
from products.selectors import product_access
from workspaces.models import Capability
from workspaces.selectors import workspace_access

from . import selectors
from .filters import KeyResultFilter, ObjectiveFilter
from .forms import (
    CheckInForm,
    HealthPolicyForm,
    KeyResultForm,
    KPIForm,
    MeasurementForm,
    MeasurementImportForm,
    ObjectiveForm,
)
from .models import HEALTH_POLICY_FIELDS, KPI, KeyResult, Objective
from .selectors import trend
from .services import health, key_results, measurements, objectives


def _progress(key_result: KeyResult) -> str:
    return f"{key_result.progress_percent} %"


class ObjectiveCrud(Crud):
    model, form_class, namespace, name, url_segment = Objective, ObjectiveForm, "okrs", "objective", "objectives"
    scope = "workspace"
    filterset_class = ObjectiveFilter
    columns = [
        Column("Objective", "title", link=True),
        Column("Period", "period"),
        Column("Product", lambda o: o.product or "Workspace"),
        Column("Supports", "parent"),
        Column("Owner", "owner"),
        Column("Key results", "key_result_count", css="num"),
    ]
    detail_template = "okrs/objective_detail.html"
    empty_hint = "Objectives are qualitative goals for a period; key results measure them."

    def perform_delete(self, *, access, obj, actor):
        objectives.objective_delete(objective=obj, actor=actor)

    def get_queryset(self, access):
        return selectors.objective_list(workspace=access.workspace)

    def get_object(self, access, pk):
        return get_object_or_404(selectors.objective_detail_queryset(workspace=access.workspace), pk=pk)

    def detail_extra(self, request, access, obj):
        return {"snapshots": obj.snapshots.order_by("-day")[:30]}

    def perform_create(self, *, access, instance, data, m2m, actor):
        return objectives.objective_create(instance=instance, m2m=m2m, actor=actor)

    def perform_update(self, *, access, obj, data, m2m, actor):
        return objectives.objective_update(objective=obj, data=data, m2m=m2m, actor=actor)


class KeyResultCrud(Crud):
    model, form_class, namespace, name, url_segment = (KeyResult, KeyResultForm, "okrs", "key_result", "key-results")
    scope = "workspace"
    filterset_class = KeyResultFilter
    columns = [
        Column("Key result", "title", link=True),
        Column("Objective", "objective"),
        Column("Start", "start_value", css="num"),
        Column("Current", "current_value", css="num"),
        Column("Target", "target_value", css="num"),
        Column("Progress", _progress, css="num"),
        Column("KPI", "kpi"),
    ]
    detail_template = "okrs/key_result_detail.html"
    empty_hint = "Key results are measurable outcomes with a start, a target and a current value."

    def get_queryset(self, access):
        return selectors.key_result_list(workspace=access.workspace)

    def new_instance(self, access):
        return KeyResult()

    def perform_create(self, *, access, instance, data, m2m, actor):
        return key_results.key_result_create(instance=instance, actor=actor)

    def perform_update(self, *, access, obj, data, m2m, actor):
        return key_results.key_result_update(key_result=obj, data=data, actor=actor)

    def perform_delete(self, *, access, obj, actor):
        key_results.key_result_delete(key_result=obj, actor=actor)

    def success_url(self, access, obj):
        return self.url("detail", access, obj)

    def detail_extra(self, request, access, obj):
        return {
            "check_ins": selectors.measurements_of(key_result=obj),
            "trend": trend.key_result_trend(key_result=obj),
            "kpi_measurements": selectors.measurements_of(kpi=obj.kpi, limit=12) if obj.kpi_id else [],
            "check_in_form": CheckInForm(),
            "can_check_in": access.can(Capability.EDIT_STRATEGY),
        }


class KPICrud(Crud):
    model, form_class, namespace, name, url_segment = KPI, KPIForm, "okrs", "kpi", "kpis"
    columns = [
        Column("KPI", "name", link=True),
        Column("Unit", "unit"),
        Column("Direction", "direction"),
        Column("Measurements", "measurement_count", css="num"),
    ]
    detail_template = "okrs/kpi_detail.html"
    list_template = "okrs/kpi_list.html"
    empty_hint = "KPIs are the product's health metrics: activation, retention, churn, NPS, revenue."

    def get_queryset(self, access):
        return selectors.kpi_list(product=access.product)

    def detail_extra(self, request, access, obj):
        return {
            "measurements": selectors.measurements_of(kpi=obj),
            "measurement_form": MeasurementForm(),
            "trend": trend.kpi_trend(kpi=obj),
        }


objective_crud = ObjectiveCrud()
key_result_crud = KeyResultCrud()
kpi_crud = KPICrud()


@login_required
@require_POST
def key_result_check_in(request, workspace_id: int, pk: int):
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    key_result = get_object_or_404(selectors.key_result_list(workspace=access.workspace), pk=pk)
    access.require(Capability.EDIT_STRATEGY)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            key_results.key_result_check_in(key_result=key_result, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Check-in recorded.")
            return redirect(key_result_crud.url("detail", access, key_result))
    return key_result_crud.render_detail(request, access, key_result, check_in_form=form)


@login_required
@require_POST
def kpi_measurement_add(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    kpi = get_object_or_404(selectors.kpi_list(product=access.product), pk=pk)
    access.require(Capability.EDIT_STRATEGY)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        try:
            measurements.measurement_create(kpi=kpi, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Measurement added.")
            return redirect(kpi_crud.url("detail", access, kpi))
    return kpi_crud.render_detail(request, access, kpi, measurement_form=form)


@login_required
@require_POST
def measurement_delete(request, workspace_id: int, pk: int):
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    measurement = selectors.measurement_for_workspace(workspace=access.workspace, pk=pk)
    access.require(Capability.EDIT_STRATEGY)
    kpi, key_result = measurement.kpi, measurement.key_result
    measurements.measurement_delete(measurement=measurement, actor=request.user)
    messages.success(request, "Measurement deleted.")
    if kpi is not None:
        return redirect("okrs:kpi_detail", product_id=kpi.product_id, pk=kpi.pk)
    return redirect(key_result_crud.url("detail", access, key_result))


@login_required
def kpi_measurement_import(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    access.require(Capability.EDIT_STRATEGY)
    form = MeasurementImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = measurements.measurements_import(
                product=access.product, rows=form.cleaned_data["file"], actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{count} measurements imported.")
            return redirect("okrs:kpi_list", product_id=access.product.pk)
    return render(
        request,
        "okrs/measurement_import.html",
        {
            "form": form,
            "access": access,
            "perms": access.perms,
            "product": access.product,
            "workspace": access.workspace,
            "kpis": selectors.kpi_list(product=access.product),
        },
    )


@login_required
def health_policy_edit(request, workspace_id: int):
    """Every member sees the thresholds behind the health colours; strategy roles change them."""
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    policy = selectors.health_policy_of(workspace=access.workspace)
    form = HealthPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST":
        access.require(Capability.EDIT_STRATEGY)
        if form.is_valid():
            try:
                health.health_policy_save(
                    workspace=access.workspace,
                    data={name: form.cleaned_data[name] for name in HEALTH_POLICY_FIELDS},
                    actor=request.user,
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, "Health thresholds saved; the figures are being recomputed.")
                return redirect("okrs:health_policy_edit", workspace_id=workspace_id)
    return render(
        request,
        "okrs/health_policy_form.html",
        {
            "form": form,
            "access": access,
            "perms": access.perms,
            "workspace": access.workspace,
            "is_workspace_page": True,
            "can_edit": access.can(Capability.EDIT_STRATEGY),
        },
    )
