from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from core.formatting import money
from workspaces.models import Capability

from . import selectors, services
from .forms import BusinessCaseForm, PersonaForm, ProductForm, VisionForm
from .models import BusinessCase, LifecycleStage, Persona, Product, Vision
from .pages import Column, Crud


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

    def list_rows(self, access, objects):
        counts = selectors.product_counts(
            workspace_id=access.workspace.pk, product_ids=[p.pk for p in objects], names=("initiatives", "items")
        )
        for product in objects:
            product.initiative_count = counts[product.pk]["initiatives_count"]
            product.item_count = counts[product.pk]["items_count"]
        return super().list_rows(access, objects)

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
        Column("Benefit / year", lambda b: money(b.expected_annual_benefit), css="num"),
        Column("Cost / year", lambda b: money(b.expected_annual_cost), css="num"),
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

    def detail_rows(self, obj):
        amounts = {obj.expected_annual_benefit, obj.expected_annual_cost}
        return [
            (label, money(value) if value in amounts and value is not None else value)
            for label, value in super().detail_rows(obj)
        ]


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
