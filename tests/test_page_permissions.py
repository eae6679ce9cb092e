"""Every page, every role: who may read, who may write, and that another workspace is a 404.

The expected roles are written out here by hand, independently of the code's role table.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from backlog.models import AcceptanceCriterion, BacklogItem, Sprint
from customfields.models import FieldDefinition
from delivery.models import ChecklistTemplateTask
from discovery.models import Customer, FeedbackNote, Idea
from okrs.models import KPI, KeyResult, Measurement, Objective
from products.models import BusinessCase, Persona, Product, Vision
from roadmap.models import Initiative, Release, Theme
from workspaces.models import Invitation, Membership

from . import factories as f

STRATEGY = {"admin", "product_manager"}
ITEMS = {"admin", "product_manager", "product_owner", "contributor"}
DELETE_ITEMS = {"admin", "product_manager", "product_owner"}
SPRINTS = {"admin", "product_owner"}
RANK = {"admin", "product_owner"}
WORKSPACE = {"admin"}
ROLES = ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer"]


@dataclass
class Page:
    name: str
    namespace: str
    model: type
    scope: str  # "product" or "workspace"
    writers: set
    make: object  # world, product -> object
    create_data: object  # world -> dict
    label_field: str
    deleters: set = field(default=None)

    def kwargs(self, world, obj=None, other=False):
        kw = (
            {"product_id": (world.other_product if other else world.product).pk}
            if self.scope == "product"
            else {"workspace_id": (world.other_workspace if other else world.workspace).pk}
        )
        if obj is not None:
            kw["pk"] = obj.pk
        return kw

    def url(self, page, world, obj=None, other=False):
        return reverse(f"{self.namespace}:{self.name}_{page}", kwargs=self.kwargs(world, obj, other))

    def obj(self, world, other=False):
        return self.make(world, world.other_product if other else world.product)


def _kr_data(world):
    return {
        "objective": f.ObjectiveFactory(workspace=world.workspace).pk,
        "title": "Churn down",
        "direction": "decrease",
        "start_value": "5",
        "target_value": "3",
        "weight": "1",
    }


PAGES = [
    Page(
        "template_task",
        "delivery",
        ChecklistTemplateTask,
        "workspace",
        STRATEGY,
        lambda w, p: ChecklistTemplateTask.objects.create(workspace=p.workspace, title="Docs written"),
        lambda w: {"title": "Support trained", "area": "support", "days_before": "5", "order": "1"},
        "title",
    ),
    Page(
        "product",
        "products",
        Product,
        "workspace",
        STRATEGY,
        lambda w, p: p,
        lambda w: {"name": "Ledger", "key": "LED", "stage": "planning"},
        "name",
    ),
    Page(
        "business_case",
        "products",
        BusinessCase,
        "product",
        STRATEGY,
        lambda w, p: f.BusinessCaseFactory(product=p),
        lambda w: {
            "title": "Go EU",
            "problem_statement": "Abandonment",
            "validation_status": "hypothesis",
            "expected_annual_benefit": "10",
            "expected_annual_cost": "5",
            "decision": "pending",
        },
        "title",
    ),
    Page(
        "persona",
        "products",
        Persona,
        "product",
        STRATEGY,
        lambda w, p: f.PersonaFactory(product=p),
        lambda w: {"name": "Sofia"},
        "name",
    ),
    Page(
        "theme",
        "roadmap",
        Theme,
        "product",
        STRATEGY,
        lambda w, p: f.ThemeFactory(product=p),
        lambda w: {"name": "Checkout", "color": "#112233", "order": "1"},
        "name",
    ),
    Page(
        "release",
        "roadmap",
        Release,
        "product",
        STRATEGY,
        lambda w, p: f.ReleaseFactory(product=p),
        lambda w: {"name": "2027.1", "status": "planned"},
        "name",
    ),
    Page(
        "initiative",
        "roadmap",
        Initiative,
        "product",
        STRATEGY,
        lambda w, p: f.InitiativeFactory(product=p),
        lambda w: {"title": "One-click pay", "horizon": "now", "status": "proposed"},
        "title",
    ),
    Page(
        "item",
        "backlog",
        BacklogItem,
        "product",
        ITEMS,
        lambda w, p: f.BacklogItemFactory(product=p),
        lambda w: {"kind": "story", "title": "Pay by link", "status": "new"},
        "title",
        DELETE_ITEMS,
    ),
    Page(
        "sprint",
        "backlog",
        Sprint,
        "product",
        SPRINTS,
        lambda w, p: f.SprintFactory(product=p),
        lambda w: {
            "name": "Sprint 9",
            "start_date": "2027-01-04",
            "end_date": "2027-01-15",
            "capacity_points": "20",
            "status": "planned",
        },
        "name",
    ),
    Page(
        "kpi",
        "okrs",
        KPI,
        "product",
        STRATEGY,
        lambda w, p: f.KPIFactory(product=p),
        lambda w: {"name": "NPS", "direction": "increase"},
        "name",
    ),
    Page(
        "objective",
        "okrs",
        Objective,
        "workspace",
        STRATEGY,
        lambda w, p: f.ObjectiveFactory(workspace=p.workspace),
        lambda w: {"title": "Delight merchants", "period": "2027-Q2"},
        "title",
    ),
    Page(
        "key_result",
        "okrs",
        KeyResult,
        "workspace",
        STRATEGY,
        lambda w, p: f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=p.workspace)),
        _kr_data,
        "title",
    ),
    Page(
        "field",
        "customfields",
        FieldDefinition,
        "workspace",
        WORKSPACE,
        lambda w, p: FieldDefinition.objects.create(
            workspace=p.workspace, name="Tier", key=f"tier_{p.pk}_{FieldDefinition.objects.count()}"
        ),
        lambda w: {
            "name": "Due",
            "key": f"due_{FieldDefinition.objects.count()}",
            "target": "item",
            "field_type": "date",
            "order": "0",
        },
        "name",
    ),
]
PAGES += [
    Page(
        "customer",
        "discovery",
        Customer,
        "workspace",
        ITEMS,
        lambda w, p: f.CustomerFactory(workspace=p.workspace),
        lambda w: {"name": "Initech", "kind": "company", "segment": "smb"},
        "name",
    ),
    Page(
        "note",
        "discovery",
        FeedbackNote,
        "product",
        ITEMS,
        lambda w, p: f.FeedbackNoteFactory(product=p),
        lambda w: {"title": "Refund call", "text": "Refunds take a week.", "source": "sales", "tags": "refunds, speed"},
        "title",
    ),
    Page(
        "idea",
        "discovery",
        Idea,
        "product",
        ITEMS,
        lambda w, p: f.IdeaFactory(product=p),
        lambda w: {"title": "Bulk refunds", "problem": "Slow.", "status": "open"},
        "title",
    ),
]
IDS = [p.name for p in PAGES]


def _edit_data(page, world, obj):
    data = page.create_data(world)
    data[page.label_field] = "Renamed"
    if page.name == "product":
        data["key"] = obj.key
    return data


@pytest.mark.parametrize("page", PAGES, ids=IDS)
@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_lists_and_details(world, page, role):
    obj = page.obj(world)
    client = world.client(role)
    assert client.get(page.url("list", world)).status_code == 200
    assert client.get(page.url("detail", world, obj)).status_code == 200


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_anonymous_is_sent_to_sign_in(world, page):
    obj = page.obj(world)
    for url in (page.url("list", world), page.url("detail", world, obj), page.url("create", world)):
        response = world.client(None).get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_another_workspace_is_not_found(world, page):
    theirs = page.obj(world, other=True)
    client = world.client("admin")
    # Their object, their scope: we are not a member there.
    for url in (
        page.url("list", world, other=True),
        page.url("detail", world, theirs, other=True),
        page.url("create", world, other=True),
        page.url("edit", world, theirs, other=True),
    ):
        assert client.get(url).status_code == 404, url
    # Their object through our scope: not found either.
    assert client.get(page.url("detail", world, theirs)).status_code == 404
    count = page.model.objects.count()
    assert client.post(page.url("delete", world, theirs)).status_code == 404
    assert client.post(page.url("edit", world, theirs), page.create_data(world)).status_code == 404
    assert page.model.objects.count() == count
    # The other workspace's member cannot reach ours.
    ours = page.obj(world)
    assert world.client("outsider").get(page.url("detail", world, ours)).status_code == 404


@pytest.mark.parametrize("page", PAGES, ids=IDS)
@pytest.mark.parametrize("role", ROLES)
def test_create_is_allowed_to_writers_only(world, page, role):
    client = world.client(role)
    data = page.create_data(world)
    before = page.model.objects.count()
    form = client.get(page.url("create", world))
    response = client.post(page.url("create", world), data)
    if role in page.writers:
        assert form.status_code == 200
        assert response.status_code == 302, response.content.decode()[:2000]
        assert page.model.objects.count() == before + 1
        created = page.model.objects.get(**{page.label_field: data[page.label_field]})
        assert created.created_by == world.users[role]
    else:
        assert form.status_code == 403
        assert response.status_code == 403
        assert page.model.objects.count() == before


@pytest.mark.parametrize("page", PAGES, ids=IDS)
@pytest.mark.parametrize("role", ROLES)
def test_edit_is_allowed_to_writers_only(world, page, role):
    obj = page.obj(world)
    client = world.client(role)
    detail = client.get(page.url("detail", world, obj)).content.decode()
    response = client.post(page.url("edit", world, obj), _edit_data(page, world, obj))
    obj.refresh_from_db()
    edit_url = page.url("edit", world, obj)
    if role in page.writers:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert getattr(obj, page.label_field) == "Renamed"
        assert obj.version == 2
        assert edit_url in detail  # the edit button is shown
    else:
        assert response.status_code == 403
        assert getattr(obj, page.label_field) != "Renamed"
        assert edit_url not in detail  # no edit button for those who may not edit


@pytest.mark.parametrize("page", PAGES, ids=IDS)
@pytest.mark.parametrize("role", ROLES)
def test_delete_is_allowed_to_deleters_only(world, page, role):
    obj = page.obj(world)
    response = world.client(role).post(page.url("delete", world, obj))
    exists = page.model.objects.filter(pk=obj.pk).exists()
    if role in (page.deleters or page.writers):
        assert response.status_code == 302
        assert not exists
    else:
        assert response.status_code == 403
        assert exists


# ---- pages beyond list/detail/create/edit/delete ------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_vision_is_written_by_strategy_roles(world, role):
    url = reverse("products:vision_edit", kwargs={"product_id": world.product.pk})
    response = world.client(role).post(url, {"statement": "Paid in one click."})
    if role in STRATEGY:
        assert response.status_code == 302
        assert Vision.objects.get(product=world.product).statement == "Paid in one click."
    else:
        assert response.status_code == 403
        assert not Vision.objects.filter(product=world.product).exists()
    assert world.client("outsider").get(url).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_members_are_managed_by_admins(world, role):
    newcomer = f.UserFactory(username="newcomer")
    url = reverse("workspaces:member_list", kwargs={"workspace_id": world.workspace.pk})
    client = world.client(role)
    assert client.get(url).status_code == 200
    response = client.post(url, {"email": "newcomer@example.com", "role": "viewer"})
    invited = Invitation.objects.filter(workspace=world.workspace, email="newcomer@example.com").exists()
    assert (response.status_code, invited) == ((302, True) if role in WORKSPACE else (403, False))
    assert not Membership.objects.filter(workspace=world.workspace, user=newcomer).exists()  # joins by accepting
    assert world.client("outsider").get(url).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_acceptance_criteria_are_edited_by_item_editors(world, role):
    item = f.BacklogItemFactory(product=world.product)
    criterion = f.CriterionFactory(item=item, met=False)
    client = world.client(role)
    add = client.post(
        reverse("backlog:criterion_add", kwargs={"product_id": world.product.pk, "pk": item.pk}),
        {"text": "Given x, when y, then z."},
    )
    toggle = client.post(
        reverse("backlog:criterion_toggle", kwargs={"product_id": world.product.pk, "pk": criterion.pk})
    )
    criterion.refresh_from_db()
    if role in ITEMS:
        assert (add.status_code, toggle.status_code) == (302, 302)
        assert item.acceptance_criteria.count() == 2 and criterion.met
    else:
        assert (add.status_code, toggle.status_code) == (403, 403)
        assert item.acceptance_criteria.count() == 1 and not criterion.met
    delete = client.post(
        reverse("backlog:criterion_delete", kwargs={"product_id": world.product.pk, "pk": criterion.pk})
    )
    assert delete.status_code == (302 if role in ITEMS else 403)
    assert AcceptanceCriterion.objects.filter(pk=criterion.pk).exists() == (role not in ITEMS)


@pytest.mark.parametrize("role", ROLES)
def test_only_rankers_reorder_the_backlog(world, role):
    first, second = f.BacklogItemFactory(product=world.product), f.BacklogItemFactory(product=world.product)
    url = reverse("backlog:item_move", kwargs={"product_id": world.product.pk, "pk": second.pk})
    response = world.client(role).post(url, {"position": "top"})
    order = list(BacklogItem.objects.filter(product=world.product).order_by("rank").values_list("pk", flat=True))
    if role in RANK:
        assert response.status_code == 302 and order == [second.pk, first.pk]
    else:
        assert response.status_code == 403 and order == [first.pk, second.pk]


@pytest.mark.parametrize("role", ROLES)
def test_check_ins_and_measurements_by_strategy_roles(world, role):
    key_result = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace))
    kpi = f.KPIFactory(product=world.product)
    client = world.client(role)
    check_in = client.post(
        reverse("okrs:key_result_check_in", kwargs={"workspace_id": world.workspace.pk, "pk": key_result.pk}),
        {"value": "40", "confidence": "80", "note": "On track"},
    )
    measure = client.post(
        reverse("okrs:kpi_measurement_add", kwargs={"product_id": world.product.pk, "pk": kpi.pk}),
        {"value": "7.5", "measured_at": "2027-01-05T10:00", "note": ""},
    )
    expected = 302 if role in STRATEGY else 403
    assert (check_in.status_code, measure.status_code) == (expected, expected)
    assert Measurement.objects.count() == (2 if role in STRATEGY else 0)


def test_outsider_cannot_check_in_or_measure_our_objects(world):
    key_result = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace))
    measurement = f.MeasurementFactory(kpi=f.KPIFactory(product=world.product))
    client = world.client("outsider")
    their_ws = world.other_workspace.pk
    assert (
        client.post(
            reverse("okrs:key_result_check_in", kwargs={"workspace_id": their_ws, "pk": key_result.pk}),
            {"value": "1", "confidence": "50"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("okrs:measurement_delete", kwargs={"workspace_id": their_ws, "pk": measurement.pk})
        ).status_code
        == 404
    )
    assert Measurement.objects.filter(pk=measurement.pk).exists()
    assert not Measurement.objects.filter(key_result=key_result).exists()
