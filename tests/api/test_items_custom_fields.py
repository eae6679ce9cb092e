"""/api/v1/items/ with custom fields: ?cf_<key>= filters by a select's choice, ?ordering=cf_<key> sorts
by a field (empty values last, pages by cursor without losing a row), always inside one product the
user may see."""

from urllib.parse import parse_qs, urlparse

from customfields.models import FieldDefinition
from tests import factories as f

URL = "/api/v1/items/"


def _fields(workspace):
    FieldDefinition.objects.create(
        workspace=workspace, name="Tier", key="tier", field_type="single_select", options=["Free", "Pro"]
    )
    FieldDefinition.objects.create(workspace=workspace, name="Deal", key="deal", field_type="number")


def test_items_are_filtered_and_sorted_by_custom_fields(world, api):
    _fields(world.workspace)
    _fields(world.other_workspace)
    for title, tier, deal in [("A", "Pro", 5), ("B", "Free", None), ("C", "Pro", 12), ("D", None, 1), ("E", "Pro", 5)]:
        values = {k: v for k, v in {"tier": tier, "deal": deal}.items() if v is not None}
        f.BacklogItemFactory(product=world.product, title=title, custom_fields=values)
    f.BacklogItemFactory(product=world.other_product, title="Rival", custom_fields={"tier": "Pro", "deal": 99})
    client = api("viewer")
    product = world.product.pk

    def titles(**params):
        found, cursor = [], None
        while True:
            response = client.get(
                URL, {"product": product, "page_size": 2, **params, **({"cursor": cursor} if cursor else {})}
            )
            assert response.status_code == 200, response.content
            found += [row["title"] for row in response.json()["results"]]
            if not response.json()["next"]:
                return found
            cursor = parse_qs(urlparse(response.json()["next"]).query)["cursor"][0]

    assert titles(cf_tier="Pro") == ["A", "C", "E"]
    assert titles(ordering="-cf_deal") == ["C", "A", "E", "D", "B"]  # numbers, equal values by id, empty last
    assert titles(ordering="cf_deal", cf_tier="Pro") == ["A", "E", "C"]
    assert titles(ordering="cf_tier") == ["B", "A", "C", "E", "D"]  # a select in the order of its choices


def test_bad_custom_field_parameters_are_a_400_and_another_workspace_a_404(world, api):
    _fields(world.workspace)
    f.BacklogItemFactory(product=world.product, title="A", custom_fields={"tier": "Pro"})
    client = api("viewer")
    for params in (
        {"cf_tier": "Pro"},  # no product
        {"product": world.product.pk, "cf_tier": "Gold"},
        {"product": world.product.pk, "cf_deal": "1"},  # not a select
        {"product": world.product.pk, "cf_nope": "x"},
        {"product": world.product.pk, "ordering": "cf_nope"},
        {"product": world.product.pk, "ordering": "cf_tier", "cursor": "junk"},
    ):
        assert client.get(URL, params).status_code == 400, params
    assert client.get(URL, {"product": world.other_product.pk, "cf_tier": "Pro"}).status_code == 404
