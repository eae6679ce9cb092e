"""The import wizard: upload → preview and mapping → dry run → run → report, with the job's progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.forms import add_validation_error
from products.selectors import product_access
from workspaces.selectors import members_for_workspace

from ..forms import MappingForm, UploadForm
from ..selectors.imports import import_capability, import_get, import_list
from ..services.batches import import_batch_create, import_mapping_set, import_start
from ..targets import target_fields, target_get


@login_required
def import_index(request, product_id: int):
    """Every member sees the product's imports; item editors (strategy roles for roadmap and OKR tables) upload."""
    access = product_access(user=request.user, product_id=product_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        access.require(import_capability(request.POST.get("target", "items")))
        if form.is_valid():
            try:
                batch = import_batch_create(
                    product=access.product,
                    files=form.cleaned_data["files"],
                    actor=request.user,
                    format=form.cleaned_data["format"],
                    target=form.cleaned_data["target"],
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                return redirect("transfer:import_detail", product_id=product_id, pk=batch.pk)
    context = {
        "access": access,
        "perms": access.perms,
        "product": access.product,
        "workspace": access.workspace,
        "form": form,
        "imports": import_list(product=access.product)[:50],
    }
    return render(request, "transfer/import_list.html", context)


def _detail_context(request, access, batch, form=None) -> dict:
    target = target_get(batch.target)
    members = members_for_workspace(workspace=access.workspace)
    return {
        "access": access,
        "perms": access.perms,
        "product": access.product,
        "workspace": access.workspace,
        "batch": batch,
        "job": batch.job,
        "can_write": access.can(import_capability(batch.target)),
        "form": form or MappingForm(batch=batch, members=members, fields=target_fields(target, batch.product)),
        "target": target,
    }


@login_required
def import_detail(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    batch = import_get(product=access.product, batch_id=pk)
    template = "transfer/_import_status.html" if request.htmx else "transfer/import_detail.html"
    return render(request, template, _detail_context(request, access, batch))


@login_required
@require_POST
def import_mapping(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    batch = import_get(product=access.product, batch_id=pk)
    access.require(import_capability(batch.target))
    members = members_for_workspace(workspace=access.workspace)
    fields = target_fields(target_get(batch.target), batch.product)
    form = MappingForm(request.POST, batch=batch, members=members, fields=fields)
    if form.is_valid():
        try:
            import_mapping_set(batch=batch, mapping=form.mapping(), actor=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Mapping saved. Run a dry run to see what the import will do.")
            return redirect("transfer:import_detail", product_id=product_id, pk=pk)
    return render(request, "transfer/import_detail.html", _detail_context(request, access, batch, form), status=400)


def _start(request, product_id: int, pk: int, *, dry_run: bool):
    access = product_access(user=request.user, product_id=product_id)
    batch = import_get(product=access.product, batch_id=pk)
    access.require(import_capability(batch.target))
    try:
        import_start(batch=batch, actor=request.user, dry_run=dry_run)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Dry run started." if dry_run else "Import started.")
    return redirect("transfer:import_detail", product_id=product_id, pk=pk)


@login_required
@require_POST
def import_dry_run(request, product_id: int, pk: int):
    return _start(request, product_id, pk, dry_run=True)


@login_required
@require_POST
def import_run(request, product_id: int, pk: int):
    return _start(request, product_id, pk, dry_run=False)
