"""The commentable and trashable kinds of this phase (see collaboration.registry)."""

from django.urls import reverse

from backlog.models import BacklogItem, Sprint
from okrs.models import KPI, KeyResult, Measurement, Objective
from products.models import BusinessCase, Persona, Product
from roadmap.models import Initiative, Release, Theme
from workspaces.models import Capability

from .registry import product_page, register, workspace_page


def _measurement_url(measurement) -> str:
    if measurement.key_result_id:
        key_result = measurement.key_result
        return reverse(
            "okrs:key_result_detail", kwargs={"workspace_id": key_result.objective.workspace_id, "pk": key_result.pk}
        )
    return reverse("okrs:kpi_detail", kwargs={"product_id": measurement.kpi.product_id, "pk": measurement.kpi_id})


register(
    BacklogItem,
    workspace_path="product__workspace",
    url=product_page("backlog:item_detail"),
    trashable=True,
    delete_capability=Capability.DELETE_ITEMS,
    select_related=("product",),
)
register(
    Initiative,
    workspace_path="product__workspace",
    url=product_page("roadmap:initiative_detail"),
    trashable=True,
    select_related=("product",),
)
register(
    Objective,
    workspace_path="workspace",
    url=workspace_page("okrs:objective_detail", lambda o: o.workspace_id),
    trashable=True,
)
register(
    KeyResult,
    workspace_path="objective__workspace",
    url=workspace_page("okrs:key_result_detail", lambda o: o.objective.workspace_id),
    trashable=True,
    select_related=("objective",),
)
register(
    BusinessCase,
    workspace_path="product__workspace",
    url=product_page("products:business_case_detail"),
    select_related=("product",),
)
register(
    Measurement,
    workspace_path=("key_result__objective__workspace", "kpi__product__workspace"),
    url=_measurement_url,
    commentable=False,
    trashable=True,
    select_related=("key_result__objective", "kpi__product"),
)

# Kinds with a history timeline on their page, but no comments or trash (yet).
for model, url_name in (
    (Sprint, "backlog:sprint_detail"),
    (KPI, "okrs:kpi_detail"),
    (Theme, "roadmap:theme_detail"),
    (Release, "roadmap:release_detail"),
    (Persona, "products:persona_detail"),
):
    register(
        model,
        workspace_path="product__workspace",
        url=product_page(url_name),
        commentable=False,
        select_related=("product",),
    )
register(
    Product,
    workspace_path="workspace",
    url=workspace_page("products:product_detail", lambda o: o.workspace_id),
    commentable=False,
)
