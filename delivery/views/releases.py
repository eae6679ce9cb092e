"""The release plan page and each release's launch checklist (an htmx fragment on the release page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from products.selectors import product_access
from roadmap.selectors.releases import release_list
from workspaces.models import Capability
from workspaces.pages import page_context

from ..forms import LaunchTaskForm
from ..models import LaunchTask
from ..selectors.release_plan import release_plan as plan_of
from ..services.checklists import launch_checklist_from_template, launch_task_create, launch_task_update


@login_required
def release_plan(request, product_id: int):
    """Every release: scope, progress, change since its baseline, launch readiness, forecast and risk."""
    access = product_access(user=request.user, product_id=product_id)
    return render(request, "delivery/release_plan.html", page_context(access, rows=plan_of(product=access.product)))


def _release(request, product_id: int, release_id: int, capability: str | None = None):
    access = product_access(user=request.user, product_id=product_id)
    release = get_object_or_404(release_list(product=access.product), pk=release_id)
    if capability:
        access.require(capability)
    return access, release


def _checklist(request, access, release, form=None, status=200):
    tasks = LaunchTask.objects.filter(release=release).select_related("owner")
    return render(
        request,
        "delivery/_partials/checklist.html",
        page_context(
            access,
            release=release,
            tasks=tasks,
            can_edit=access.can(Capability.EDIT_STRATEGY),
            form=form or LaunchTaskForm(workspace=access.workspace),
        ),
        status=status,
    )


@login_required
def checklist(request, product_id: int, release_id: int):
    access, release = _release(request, product_id, release_id)
    return _checklist(request, access, release)


@login_required
@require_POST
def checklist_add(request, product_id: int, release_id: int):
    access, release = _release(request, product_id, release_id, Capability.EDIT_STRATEGY)
    form = LaunchTaskForm(request.POST, workspace=access.workspace, instance=LaunchTask(release=release))
    if not form.is_valid():
        return _checklist(request, access, release, form=form, status=400)
    try:
        launch_task_create(instance=form.save(commit=False), actor=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return _checklist(request, access, release, form=form, status=400)
    return _checklist(request, access, release)


@login_required
@require_POST
def checklist_from_template(request, product_id: int, release_id: int):
    access, release = _release(request, product_id, release_id, Capability.EDIT_STRATEGY)
    made = launch_checklist_from_template(release=release, actor=request.user)
    messages.success(request, f"{len(made)} tasks added from the workspace's launch template.")
    return _checklist(request, access, release)


@login_required
@require_POST
def checklist_toggle(request, product_id: int, release_id: int, pk: int):
    access, release = _release(request, product_id, release_id, Capability.EDIT_STRATEGY)
    task = get_object_or_404(LaunchTask.objects.filter(release=release), pk=pk)
    launch_task_update(task=task, data={"done": not task.done})
    return _checklist(request, access, release)
