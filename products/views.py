from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pmhub.crud import Column, Crud
from pmhub.exceptions import ApplicationError

from . import selectors, services
from .forms import BusinessCaseForm, MemberAddForm, MemberRoleForm, PersonaForm, ProductForm, VisionForm, WorkspaceForm
from .models import BusinessCase, Capability, LifecycleStage, Persona, Product, Vision


@login_required
def home(request):
    workspaces = list(selectors.workspace_list_for_user(user=request.user))
    if len(workspaces) == 1:
        return redirect("products:product_list", workspace_id=workspaces[0].pk)
    return render(request, "products/home.html", {"workspaces": workspaces, "form": WorkspaceForm()})


@login_required
def workspace_create(request):
    form = WorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workspace = services.workspace_create(name=form.cleaned_data["name"], actor=request.user)
        messages.success(request, f"Workspace “{workspace.name}” created. You are its admin.")
        return redirect("products:product_list", workspace_id=workspace.pk)
    return render(request, "products/workspace_form.html", {"form": form})


class ProductCrud(Crud):
    model, form_class, namespace, name, url_segment = Product, ProductForm, "products", "product", "products"
    scope = "workspace"
    list_template = "products/product_list.html"
    detail_template = "products/product_overview.html"
    columns = [
        Column("Key", "key", css="key"),
        Column("Product", "name", link=True),
        Column("Stage", "stage"),
        Column("Initiatives", "initiative_count", css="num"),
        Column("Backlog items", "item_count", css="num"),
    ]
    empty_hint = "A product holds its vision, business case, roadmap, backlog and KPIs."

    def get_queryset(self, access):
        return selectors.product_list(workspace=access.workspace)

    def get_object(self, access, pk):
        return get_object_or_404(Product.objects.filter(workspace=access.workspace), pk=pk)

    def perform_create(self, *, access, instance, data, m2m, actor):
        return services.product_create(workspace=access.workspace, actor=actor, **data)

    def detail_extra(self, request, access, obj):
        return {**selectors.product_overview(product=obj), "stages": LifecycleStage.choices, "product": obj}

    def context(self, access, **extra):
        return super().context(access, is_workspace_page=True, **extra)


class BusinessCaseCrud(Crud):
    model, form_class, namespace, name, url_segment = (
        BusinessCase,
        BusinessCaseForm,
        "products",
        "business_case",
        "business-cases",
    )
    columns = [
        Column("Title", "title", link=True),
        Column("Validation", "validation_status"),
        Column("Benefit / year", "expected_annual_benefit", css="num"),
        Column("Cost / year", "expected_annual_cost", css="num"),
        Column("ROI", lambda b: "—" if b.roi_percent is None else f"{b.roi_percent} %", css="num"),
        Column("Decision", "decision"),
    ]
    detail_fields = [
        "title",
        "problem_statement",
        "validation_status",
        "evidence",
        "expected_annual_benefit",
        "expected_annual_cost",
        "pricing_strategy",
        "decision",
        "decision_date",
    ]
    detail_template = "products/business_case_detail.html"
    empty_hint = "A business case states the problem, the evidence and the expected benefit and cost."


class PersonaCrud(Crud):
    model, form_class, namespace, name, url_segment = Persona, PersonaForm, "products", "persona", "personas"
    columns = [Column("Name", "name", link=True), Column("Description", "description")]
    detail_fields = ["name", "description", "goals", "pains"]
    empty_hint = "Personas describe who the product serves: their goals and their pains."


product_crud = ProductCrud()
business_case_crud = BusinessCaseCrud()
persona_crud = PersonaCrud()


@login_required
def vision_edit(request, product_id: int):
    access = selectors.product_access(user=request.user, product_id=product_id)
    access.require(Capability.EDIT_STRATEGY)
    vision = Vision.objects.filter(product=access.product).first()
    form = VisionForm(request.POST or None, instance=vision)
    if request.method == "POST" and form.is_valid():
        services.vision_save(product=access.product, actor=request.user, data=form.cleaned_data)
        messages.success(request, "Vision saved.")
        return redirect("products:product_detail", workspace_id=access.workspace.pk, pk=access.product.pk)
    return render(
        request,
        "products/vision_form.html",
        {
            "form": form,
            "product": access.product,
            "workspace": access.workspace,
            "access": access,
            "perms": access.perms,
        },
    )


@login_required
def member_list(request, workspace_id: int):
    access = selectors.workspace_access(user=request.user, workspace_id=workspace_id)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST":
        access.require(Capability.MANAGE_WORKSPACE)
        if form.is_valid():
            try:
                membership = services.membership_add(
                    workspace=access.workspace,
                    user=form.cleaned_data["username"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                )
            except ApplicationError as error:
                form.add_error("username", error.message)
            else:
                messages.success(request, f"{membership.user.username} added as {membership.get_role_display()}.")
                return redirect("products:member_list", workspace_id=workspace_id)
    return render(
        request,
        "products/member_list.html",
        {
            "access": access,
            "perms": access.perms,
            "workspace": access.workspace,
            "form": form,
            "members": selectors.members_for_workspace(workspace=access.workspace),
            "role_form": MemberRoleForm(),
            "is_workspace_page": True,
        },
    )


def _membership_for_admin(request, workspace_id: int, pk: int):
    access = selectors.workspace_access(user=request.user, workspace_id=workspace_id)
    membership = get_object_or_404(access.workspace.memberships.select_related("user"), pk=pk)
    access.require(Capability.MANAGE_WORKSPACE)
    return membership


@login_required
@require_POST
def member_role(request, workspace_id: int, pk: int):
    membership = _membership_for_admin(request, workspace_id, pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick one of the roles.")
    else:
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{membership.user.username} is now {membership.get_role_display()}.")
    return redirect("products:member_list", workspace_id=workspace_id)


@login_required
@require_POST
def member_remove(request, workspace_id: int, pk: int):
    membership = _membership_for_admin(request, workspace_id, pk)
    try:
        services.membership_remove(membership=membership)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{membership.user.username} removed from the workspace.")
    return redirect("products:member_list", workspace_id=workspace_id)


@never_cache
@require_GET
def healthz(request):
    """Database and broker state for load balancers and compose health checks (no secrets)."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # any failure here means "not healthy", which is what we report
        checks["database"] = f"error: {type(error).__name__}"
    if not settings.CELERY_BROKER_URL:
        checks["broker"] = "in-process (no broker configured)"
    else:
        from kombu import Connection

        try:
            with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as error:  # same: reported, not hidden
            checks["broker"] = f"error: {type(error).__name__}"
    healthy = all(v == "ok" or v.startswith("in-process") for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
