"""Workspace feedback settings (weighting, inbound secret) and the import pages (CSV, mailbox)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from products.selectors import product_access
from workspaces.models import Capability
from workspaces.pages import page_context
from workspaces.selectors import workspace_access

from ..forms import CsvUploadForm, DiscoverySettingsForm, MboxUploadForm
from ..selectors.evidence import settings_for
from ..services.evidence import discovery_settings_update
from ..services.imports import customers_import, notes_import
from ..services.intake import inbound_secret_rotate, mailbox_import

EDIT = Capability.EDIT_ITEMS


@login_required
def feedback_settings(request, workspace_id: int):
    """How evidence is weighed (everyone reads; admins change), and the inbound endpoint's secret."""
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    settings = settings_for(workspace_id=workspace_id)
    form = DiscoverySettingsForm(request.POST or None, instance=settings)
    if request.method == "POST":
        access.require(Capability.MANAGE_WORKSPACE)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.fields}
            try:
                discovery_settings_update(workspace=access.workspace, data=data, actor=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Weighting saved; every customer impact score was recomputed.")
                return redirect(request.path)
    endpoint = request.build_absolute_uri(reverse("discovery_inbound_feedback", kwargs={"workspace_id": workspace_id}))
    return render(
        request,
        "discovery/settings.html",
        page_context(
            access,
            edit=EDIT,
            form=form,
            settings=settings,
            can_manage=access.can(Capability.MANAGE_WORKSPACE),
            endpoint=endpoint,
            secret=request.session.pop("discovery_inbound_secret", None),
        ),
    )


@login_required
@require_POST
def inbound_secret_new(request, workspace_id: int):
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    access.require(Capability.MANAGE_WORKSPACE)
    secret = inbound_secret_rotate(workspace=access.workspace, actor=request.user)
    request.session["discovery_inbound_secret"] = secret  # shown once, on the next page, then forgotten
    messages.success(request, "A new inbound secret: copy it now, it is not shown again. The old one stopped working.")
    return redirect("discovery:settings", workspace_id=workspace_id)


@login_required
def notes_import_page(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    access.require(EDIT)
    csv_form = CsvUploadForm(prefix="csv")
    mbox_form = MboxUploadForm(prefix="mbox")
    problems: list[str] = []
    if request.method == "POST":
        kind = request.POST.get("kind")
        form = (
            CsvUploadForm(request.POST, request.FILES, prefix="csv")
            if kind == "csv"
            else MboxUploadForm(request.POST, request.FILES, prefix="mbox")
        )
        if kind == "csv":
            csv_form = form
        else:
            mbox_form = form
        if form.is_valid():
            try:
                if kind == "csv":
                    notes = notes_import(product=access.product, text=form.cleaned_data["file"], actor=request.user)
                else:
                    notes = mailbox_import(product=access.product, text=form.cleaned_data["file"], actor=request.user)
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(request, f"{len(notes)} notes recorded.")
                return redirect("discovery:note_list", product_id=product_id)
    return render(
        request,
        "discovery/import.html",
        page_context(access, edit=EDIT, csv_form=csv_form, mbox_form=mbox_form, problems=problems, what="notes"),
    )


@login_required
def customers_import_page(request, workspace_id: int):
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    access.require(EDIT)
    form = CsvUploadForm(request.POST or None, request.FILES or None, prefix="csv")
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            customers = customers_import(workspace=access.workspace, text=form.cleaned_data["file"], actor=request.user)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, f"{len(customers)} customers imported.")
            return redirect("discovery:customer_list", workspace_id=workspace_id)
    return render(
        request,
        "discovery/import.html",
        page_context(access, edit=EDIT, csv_form=form, problems=problems, what="customers"),
    )
