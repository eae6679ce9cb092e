"""List pages run a fixed number of queries, however many rows they show."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from delivery.models import OutcomeReview

from . import factories as f


def _items(world, n):
    sprint = f.SprintFactory(product=world.product)
    initiative = f.InitiativeFactory(product=world.product, theme=f.ThemeFactory(product=world.product))
    epic = f.BacklogItemFactory(product=world.product, kind="epic")
    for _ in range(n):
        item = f.BacklogItemFactory(
            product=world.product, sprint=sprint, initiative=initiative, parent=epic, owner=world.users["contributor"]
        )
        f.CriterionFactory(item=item)


def _initiatives(world, n):
    theme = f.ThemeFactory(product=world.product)
    kr = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace))
    for _ in range(n):
        f.InitiativeFactory(
            product=world.product, theme=theme, release=f.ReleaseFactory(product=world.product)
        ).key_results.add(kr)


def _objectives(world, n):
    parent = f.ObjectiveFactory(workspace=world.workspace)
    for _ in range(n):
        objective = f.ObjectiveFactory(
            workspace=world.workspace, parent=parent, product=world.product, owner=world.users["product_manager"]
        )
        f.KeyResultFactory(objective=objective)


def _key_results(world, n):
    kpi = f.KPIFactory(product=world.product)
    for _ in range(n):
        f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace), kpi=kpi)


def _reviews(world, n):
    for _ in range(n):
        initiative = f.InitiativeFactory(product=world.product, status="shipped")
        OutcomeReview.objects.create(
            product=world.product, initiative=initiative, shipped_at=timezone.now(), due_on=date.today()
        )


def _releases_with_work(world, n):
    for _ in range(n):
        release = f.ReleaseFactory(product=world.product, target_date=date.today() + timedelta(days=30))
        f.BacklogItemFactory(product=world.product, release=release, story_points=3)


def _many(factory, **kw):
    def make(world, n):
        for _ in range(n):
            factory(**{k: (v(world) if callable(v) else v) for k, v in kw.items()})

    return make


def _notes(world, n):
    customer = f.CustomerFactory(workspace=world.workspace)
    item = f.BacklogItemFactory(product=world.product)
    for _ in range(n):
        note = f.FeedbackNoteFactory(product=world.product, customer=customer, captured_by=world.users["contributor"])
        f.InsightFactory(note=note, item=item)


def _imports(world, n):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from transfer.services.batches import import_batch_create

    for i in range(n):
        upload = SimpleUploadedFile(f"plan-{i}.csv", b"key,title\nA-1,Export invoices\n")
        import_batch_create(product=world.product, files=[upload], actor=world.users["admin"])


LISTS = [
    ("discovery:note_list", "product", _notes),
    ("discovery:triage", "product", _notes),
    ("discovery:idea_list", "product", _many(f.IdeaFactory, product=lambda w: w.product)),
    ("discovery:customer_list", "workspace", _many(f.CustomerFactory, workspace=lambda w: w.workspace)),
    ("backlog:item_list", "product", _items),
    ("backlog:sprint_list", "product", _many(f.SprintFactory, product=lambda w: w.product)),
    ("roadmap:initiative_list", "product", _initiatives),
    ("roadmap:theme_list", "product", _many(f.ThemeFactory, product=lambda w: w.product)),
    ("roadmap:release_list", "product", _many(f.ReleaseFactory, product=lambda w: w.product)),
    ("okrs:kpi_list", "product", _many(f.KPIFactory, product=lambda w: w.product)),
    ("okrs:objective_list", "workspace", _objectives),
    ("okrs:key_result_list", "workspace", _key_results),
    ("products:business_case_list", "product", _many(f.BusinessCaseFactory, product=lambda w: w.product)),
    ("products:persona_list", "product", _many(f.PersonaFactory, product=lambda w: w.product)),
    ("products:product_list", "workspace", _many(f.ProductFactory, workspace=lambda w: w.workspace)),
    ("transfer:import_list", "product", _imports),
    ("delivery:review_list", "workspace", _reviews),
    ("delivery:release_plan", "product", _releases_with_work),
]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name,scope,make", LISTS, ids=[n for n, _, _ in LISTS])
def test_list_queries_do_not_grow_with_rows(world, name, scope, make, django_assert_max_num_queries):
    kwargs = {"product_id": world.product.pk} if scope == "product" else {"workspace_id": world.workspace.pk}
    url = reverse(name, kwargs=kwargs)
    client = world.client("viewer")
    make(world, 5)
    few = _count(client, url)
    make(world, 20)
    with django_assert_max_num_queries(few):
        client.get(url)
    # session, user, access, nav, filter choices, count, the page itself; the backlog adds its view sidebar
    # (saved views, custom-field columns and chips) and the unread count of the header
    assert few <= 20


def test_item_detail_queries_do_not_grow_with_criteria_or_children(world, django_assert_max_num_queries):
    epic = f.BacklogItemFactory(product=world.product, kind="epic")
    url = reverse("backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": epic.pk})
    client = world.client("viewer")
    f.CriterionFactory(item=epic)
    f.BacklogItemFactory(product=world.product, parent=epic)
    few = _count(client, url)
    for _ in range(20):
        f.CriterionFactory(item=epic)
        f.BacklogItemFactory(product=world.product, parent=epic)
    with django_assert_max_num_queries(few):
        client.get(url)
