"""Pages of prioritisation: the ranked view, the matrix, MoSCoW, scorecards, scenarios and settings."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from backlog.models import BacklogItem, MoSCoW
from core.forms import add_validation_error
from products.pages import Column, Crud
from products.selectors import product_access
from workspaces.models import Capability
from workspaces.selectors import Access

from . import scoring, selectors, services
from .forms import (
    CriterionForm,
    CriterionValuesForm,
    MoscowQueryForm,
    ScenarioChangeForm,
    ScenarioForm,
    ScenarioWeightsForm,
    SettingsForm,
)
from .models import CriterionSource, Framework, ScenarioStatus, ScorecardCriterion

RUN = Capability.EDIT_STRATEGY  # product managers and admins re-prioritise, change settings, apply scenarios
APPLY_MOSCOW = Capability.RANK_ITEMS  # product owners and admins apply a MoSCoW proposal
APPLY_RANKING = Capability.RANK_ITEMS  # and apply a ranking to the backlog's manual order
PAGE_SIZE = 50


def _context(access: Access, **extra) -> dict:
    return {
        "access": access,
        "perms": access.perms,
        "product": access.product,
        "workspace": access.workspace,
        "can_run": access.can(RUN),
        "can_apply_moscow": access.can(APPLY_MOSCOW),
        "can_apply_ranking": access.can(APPLY_RANKING),
        "frameworks": Framework.choices,
        **extra,
    }


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _ranking_url(access: Access) -> str:
    return reverse("prioritization:ranking", kwargs={"product_id": access.product.pk})


@login_required
def ranking(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    product = access.product
    framework = selectors.framework_or_default(product=product, framework=request.GET.get("framework"))
    items = selectors.items_for_ranking(product=product)
    filterset = selectors.RankingFilter(request.GET, queryset=items, access=access)
    filtered = bool(filterset.form.has_changed()) if filterset.is_bound else False
    items = filterset.qs if filterset.is_valid() else items.none()
    if not request.GET.get("status"):  # finished work leaves the ranking, unless a status is asked for
        items = items.filter(status__in=selectors.OPEN_STATUSES)
    sort = request.GET.get("sort")
    page = selectors.ranked_page(
        product=product,
        items=items,
        framework=framework,
        page=request.GET.get("page"),
        size=PAGE_SIZE,
        sort="gap" if sort == "gap" else "score",
    )
    snapshots = selectors.snapshot_choices(product=product, framework=framework)
    since = request.GET.get("since", "")
    snapshot = next((s for s in snapshots if str(s.pk) == since), snapshots[0] if snapshots else None)
    shown_ids = [item.pk for item in page.object_list]
    positions = {} if filtered else selectors.snapshot_positions(snapshot=snapshot, item_ids=shown_ids)
    criteria = selectors.criteria_for_framework(product=product, framework=framework)
    rows = selectors.rows_for(
        items=page.object_list, framework=framework, criteria=criteria, snapshot_positions=positions
    )
    unscored_qs = selectors.unscored(items=items, framework=framework)
    unscored_rows = selectors.rows_for(items=unscored_qs[:PAGE_SIZE], framework=framework, criteria=criteria)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "prioritization/ranking.html",
        _context(
            access,
            framework=framework,
            framework_label=Framework(framework).label,
            filterset=filterset,
            page=page,
            rows=rows,
            sort=sort,
            unscored_rows=unscored_rows,
            unscored_count=selectors.unscored_count(product=product, unscored=unscored_qs),
            snapshot=snapshot,
            snapshots=snapshots,
            filtered=filtered,
            job=selectors.job_latest(product=product),
            apply_job=selectors.ranking_apply_latest(product=product),
            query=query.urlencode(),
        ),
    )


@login_required
@require_POST
def reprioritise(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    access.require(RUN)
    services.product_reprioritise_start(product=access.product, actor=request.user)
    messages.success(request, "Re-prioritisation started: every item is being re-scored.")
    return redirect(request.POST.get("next") or _ranking_url(access))


@login_required
def job_status(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    return render(
        request,
        "prioritization/_job_status.html",
        _context(access, job=selectors.job_latest(product=access.product)),
    )


@login_required
def matrix(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    m = selectors.matrix(product=access.product)
    return render(
        request,
        "prioritization/matrix.html",
        _context(
            access,
            tab="matrix",
            matrix=m,
            effort_unit=selectors.settings_for(product=access.product).effort_unit,
            svg=selectors.matrix_svg_points(m),
            labels=scoring.QUADRANT_LABELS,
            quadrants=[(q, label, m.counts[q]) for q, label in scoring.QUADRANT_LABELS.items()],
        ),
    )


@login_required
def moscow(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    product = access.product
    form = MoscowQueryForm(request.GET or None, product=product)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    framework = selectors.framework_or_default(product=product, framework=data.get("framework"))
    view = selectors.moscow(
        product=product,
        framework=framework,
        capacity=data.get("capacity"),
        release=data.get("release"),
        sprint=data.get("sprint"),
        page=request.GET.get("page"),
    )
    if request.method == "POST":
        access.require(APPLY_MOSCOW)
        assignments = {}
        for key, value in request.POST.items():
            if key.startswith("item-") and value:
                try:
                    assignments[int(key.removeprefix("item-"))] = value
                except ValueError:
                    continue
        try:
            changed = services.moscow_apply(product=product, assignments=assignments, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"MoSCoW applied: {changed} item{'s' if changed != 1 else ''} changed.")
        return redirect(request.get_full_path())
    return render(
        request,
        "prioritization/moscow.html",
        _context(
            access,
            tab="moscow",
            form=form,
            view=view,
            framework_label=Framework(framework).label,
            categories=MoSCoW.choices,
            page=view.page,
            query=_query_without_page(request),
        ),
    )


class CriterionCrud(Crud):
    model, form_class, namespace, name, url_segment = (
        ScorecardCriterion,
        CriterionForm,
        "prioritization",
        "criterion",
        "priorities/scorecard",
    )
    capability = RUN
    list_template = "prioritization/criterion_list.html"
    columns = [
        Column("Criterion", "name", link=True),
        Column("Weight", "weight", css="num"),
        Column("Order", "order"),
        Column("Values", "source"),
        Column("Custom field", "field"),
    ]
    detail_fields = ["name", "weight", "order", "source", "field"]
    empty_hint = "Define criteria with weights (strategic fit ×2, revenue ×3…): score = Σ weight × value ÷ effort."

    def perform_create(self, *, access, instance, data, m2m, actor):
        return services.criterion_create(instance=instance, actor=actor)

    def perform_update(self, *, access, obj, data, m2m, actor):
        return services.criterion_update(criterion=obj, data=data, actor=actor)

    def perform_delete(self, *, access, obj, actor):
        services.criterion_delete(criterion=obj, actor=actor)

    def context(self, access, **extra):
        return super().context(access, tab="scorecard", **extra)


criterion_crud = CriterionCrud()


@login_required
def item_values(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    item = get_object_or_404(BacklogItem.objects.filter(product=access.product).select_related("product"), pk=pk)
    # A customer impact criterion takes its values from the evidence; only the others are typed in.
    criteria = list(selectors.criteria_list(product=access.product).filter(source=CriterionSource.MANUAL))
    current = dict(item.criterion_values.values_list("criterion_id", "value"))
    if request.method == "POST":
        access.require(Capability.EDIT_ITEMS)
        form = CriterionValuesForm(request.POST, criteria=criteria, initial_values=current)
        if form.is_valid():
            try:
                services.criterion_values_set(item=item, values=form.values(), actor=request.user)
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, f"Scorecard values of {item.key} saved; its score is being updated.")
                return redirect(
                    reverse("prioritization:ranking", kwargs={"product_id": product_id}) + "?framework=custom"
                )
    else:
        form = CriterionValuesForm(criteria=criteria, initial_values=current)
    return render(
        request,
        "prioritization/item_values.html",
        _context(access, tab="scorecard", item=item, form=form, can_edit=access.can(Capability.EDIT_ITEMS)),
    )


@login_required
def settings_edit(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    current = selectors.settings_for(product=access.product)
    if request.method == "POST":
        access.require(RUN)
        form = SettingsForm(request.POST, access=access, instance=copy.copy(current))
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items()}
            try:
                _, job = services.settings_update(product=access.product, data=data, actor=request.user)
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, "Settings saved." + (" Every item is being re-scored." if job else ""))
                return redirect(reverse("prioritization:settings", kwargs={"product_id": product_id}))
    else:
        form = SettingsForm(access=access, instance=current)
    return render(request, "prioritization/settings.html", _context(access, tab="settings", form=form))


def _scenario_for(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    scenario = get_object_or_404(selectors.scenario_list(product=access.product), pk=pk)
    return access, scenario


def _scenario_url(scenario) -> str:
    return reverse("prioritization:scenario_detail", kwargs={"product_id": scenario.product_id, "pk": scenario.pk})


@login_required
def scenario_list(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    if request.method == "POST":
        access.require(RUN)
        form = ScenarioForm(request.POST)
        if form.is_valid():
            try:
                scenario = services.scenario_create(product=access.product, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                return redirect(_scenario_url(scenario))
    else:
        form = ScenarioForm(initial={"framework": selectors.settings_for(product=access.product).default_framework})
    scenarios = selectors.scenario_list(product=access.product)
    return render(
        request,
        "prioritization/scenario_list.html",
        _context(access, tab="scenarios", form=form, scenarios=scenarios),
    )


@login_required
def scenario_detail(request, product_id: int, pk: int):
    access, scenario = _scenario_for(request, product_id, pk)
    criteria = list(selectors.criteria_list(product=access.product))
    weights_form = ScenarioWeightsForm(criteria=criteria, weights=scenario.weights)
    change_form = ScenarioChangeForm(product=access.product)
    if request.method == "POST":
        access.require(RUN)
        action = request.POST.get("action")
        try:
            if action == "weights":
                weights_form = ScenarioWeightsForm(request.POST, criteria=criteria, weights=scenario.weights)
                if weights_form.is_valid():
                    services.scenario_update(
                        scenario=scenario, data={"weights": weights_form.weights()}, actor=request.user
                    )
                    return redirect(_scenario_url(scenario))
            elif action == "change":
                change_form = ScenarioChangeForm(request.POST, product=access.product)
                if change_form.is_valid():
                    data = change_form.cleaned_data
                    services.scenario_item_input_set(
                        scenario=scenario,
                        item_id=data["item"].pk,
                        changes={data["field"]: data["value"]},
                        actor=request.user,
                    )
                    return redirect(_scenario_url(scenario))
            elif action == "remove":
                item = request.POST.get("item", "")
                if item.isdigit():
                    services.scenario_item_input_remove(scenario=scenario, item_id=int(item), actor=request.user)
                return redirect(_scenario_url(scenario))
            elif action == "apply":
                services.scenario_apply(scenario=scenario, actor=request.user)
                messages.success(request, f"Scenario “{scenario.name}” applied; every item is being re-scored.")
                return redirect(reverse("prioritization:ranking", kwargs={"product_id": product_id}))
            elif action == "discard":
                services.scenario_discard(scenario=scenario, actor=request.user)
                messages.success(request, f"Scenario “{scenario.name}” thrown away; live data is unchanged.")
                return redirect(reverse("prioritization:scenario_list", kwargs={"product_id": product_id}))
        except ValidationError as error:
            target = change_form if action == "change" else weights_form
            if target.is_bound:
                add_validation_error(target, error)
            else:
                messages.error(request, " ".join(error.messages))
    return render(
        request,
        "prioritization/scenario_detail.html",
        _context(
            access,
            tab="scenarios",
            scenario=scenario,
            moves=selectors.scenario_moves(scenario=scenario)[:200],
            weights_form=weights_form,
            change_form=change_form,
            changes=selectors.scenario_changes(scenario=scenario),
            is_open=scenario.status == ScenarioStatus.OPEN,
        ),
    )
