"""One search across what a person may see: items (full text), products, initiatives, objectives and
key results (title words), each hit with where it leads. Always inside the user's workspaces."""

from dataclasses import asdict, dataclass

from django.db.models import Q
from django.urls import reverse

from backlog.selectors.search import item_search, search_words
from okrs.models import KeyResult, Objective
from products.selectors import products_for_user
from roadmap.selectors.initiatives import initiative_list_for_products
from workspaces.selectors import workspace_ids_for_user

KINDS = ("item", "product", "initiative", "objective", "key_result")
KIND_CHOICES = [(kind, kind.replace("_", " ")) for kind in KINDS]
OTHERS_PER_KIND = 5


@dataclass
class Hit:
    kind: str
    id: int
    title: str
    label: str  # the key or the kind, shown before the title
    url: str
    context: str  # product or objective, shown after the title

    def as_dict(self) -> dict:
        return asdict(self)


def _words_filter(field: str, words: list[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__icontains": word})
    return condition


def search_everything(*, user, text: str, product_id: int | None = None, limit: int = 20) -> list[Hit]:
    """Items first (ranked), then a few of each other kind whose title holds every word."""
    words = search_words(text)
    if not words:
        return []
    hits = [
        Hit(
            "item",
            row["id"],
            row["title"],
            row["key"],
            reverse("backlog:item_detail", kwargs={"product_id": row["product_id"], "pk": row["id"]}),
            row["product_key"],
        )
        for row in item_search(user=user, text=text, product_id=product_id, limit=limit)
    ]
    products = products_for_user(user=user)
    for product in products.filter(_words_filter("name", words) | Q(key__iexact=words[0])).order_by("name")[
        :OTHERS_PER_KIND
    ]:
        url = reverse("products:product_detail", kwargs={"workspace_id": product.workspace_id, "pk": product.pk})
        hits.append(Hit("product", product.pk, product.name, product.key, url, "Product"))
    scope = products if product_id is None else products.filter(pk=product_id)
    initiatives = initiative_list_for_products(product_ids=scope.values("pk")).filter(_words_filter("title", words))
    for initiative in initiatives.select_related("product").order_by("title")[:OTHERS_PER_KIND]:
        url = reverse("roadmap:initiative_detail", kwargs={"product_id": initiative.product_id, "pk": initiative.pk})
        hits.append(Hit("initiative", initiative.pk, initiative.title, "Initiative", url, initiative.product.key))
    workspaces = workspace_ids_for_user(user=user)
    objectives = Objective.objects.filter(workspace__in=workspaces).filter(_words_filter("title", words))
    for objective in objectives.order_by("title")[:OTHERS_PER_KIND]:
        url = reverse("okrs:objective_detail", kwargs={"workspace_id": objective.workspace_id, "pk": objective.pk})
        hits.append(Hit("objective", objective.pk, objective.title, "Objective", url, objective.period))
    key_results = KeyResult.objects.filter(objective__workspace__in=workspaces).filter(_words_filter("title", words))
    for kr in key_results.select_related("objective").order_by("title")[:OTHERS_PER_KIND]:
        url = reverse("okrs:key_result_detail", kwargs={"workspace_id": kr.objective.workspace_id, "pk": kr.pk})
        hits.append(Hit("key_result", kr.pk, kr.title, "Key result", url, kr.objective.title))
    return hits
