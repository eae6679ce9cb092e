"""One description per API resource, for the role tables and the isolation matrix."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from integrations.models import WebhookSubscription
from jobs.models import Job
from tests import factories as f
from workspaces.models import Role

_n = itertools.count(1)


def n() -> int:
    """A fresh number, so bodies do not collide with unique names."""
    return next(_n)


ADMIN_ONLY = {Role.ADMIN}
STRATEGY = {Role.ADMIN, Role.PRODUCT_MANAGER}
ITEMS = {Role.ADMIN, Role.PRODUCT_MANAGER, Role.PRODUCT_OWNER, Role.CONTRIBUTOR}
ITEM_DELETE = {Role.ADMIN, Role.PRODUCT_MANAGER, Role.PRODUCT_OWNER}
SPRINTS = {Role.ADMIN, Role.PRODUCT_OWNER}


@dataclass
class Resource:
    url: str
    make: Callable  # (product, workspace) -> an object
    create_body: Callable | None  # (product, workspace) -> body
    patch_body: dict | None
    writers: set
    deleters: set | None = None
    readers_all: bool = True  # every member may read (webhooks: admins only)
    extra: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.url


def _comment(product, workspace):
    from collaboration.registry import kind_named
    from collaboration.services.comments import comment_create

    author = workspace.memberships.get(role=Role.ADMIN).user
    item = f.BacklogItemFactory(product=product)
    return comment_create(kind=kind_named("backlog.backlogitem"), target=item, body="Looks **good**", author=author)


def _comment_body(product, workspace):
    return {"target_type": "backlog.backlogitem", "target_id": f.BacklogItemFactory(product=product).pk, "body": "Hi"}


def _trash_entry(product, workspace):
    from backlog.services.items import item_delete
    from collaboration.models import TrashEntry

    item = f.BacklogItemFactory(product=product)
    item_delete(item=item, actor=None)
    return TrashEntry.objects.get(target_id=item.pk, workspace=workspace)


def _webhook(product, workspace):
    from integrations.webhooks import webhook_create

    return webhook_create(workspace=workspace, url="http://127.0.0.1:9/hook", events=["item.*"], actor=None)[0]


RESOURCES = [
    Resource(
        "products",
        lambda p, w: f.ProductFactory(workspace=w),
        lambda p, w: {"workspace": w.pk, "name": f"Ledger {n()}", "key": f"L{n()}"},
        {"description": "Changed"},
        STRATEGY,
    ),
    Resource(
        "visions",
        lambda p, w: f.VisionFactory(product=f.ProductFactory(workspace=w)),
        lambda p, w: {"product": f.ProductFactory(workspace=w).pk, "statement": "Pay in one click."},
        {"statement": "Changed."},
        STRATEGY,
    ),
    Resource(
        "business-cases",
        lambda p, w: f.BusinessCaseFactory(product=p),
        lambda p, w: {"product": p.pk, "title": "Case", "problem_statement": "Churn."},
        {"title": "Changed"},
        STRATEGY,
    ),
    Resource(
        "personas",
        lambda p, w: f.PersonaFactory(product=p),
        lambda p, w: {"product": p.pk, "name": "Shop owner"},
        {"name": "Changed"},
        STRATEGY,
    ),
    Resource(
        "themes",
        lambda p, w: f.ThemeFactory(product=p),
        lambda p, w: {"product": p.pk, "name": f"Speed {n()}"},
        {"description": "Changed"},
        STRATEGY,
    ),
    Resource(
        "initiatives",
        lambda p, w: f.InitiativeFactory(product=p),
        lambda p, w: {"product": p.pk, "title": "One-click pay", "horizon": "now"},
        {"title": "Changed"},
        STRATEGY,
    ),
    Resource(
        "releases",
        lambda p, w: f.ReleaseFactory(product=p),
        lambda p, w: {"product": p.pk, "name": f"2027.{n()}"},
        {"goal": "Changed"},
        STRATEGY,
    ),
    Resource(
        "items",
        lambda p, w: f.BacklogItemFactory(product=p),
        lambda p, w: {"product": p.pk, "title": "Refunds", "acceptance_criteria": [{"text": "Given…"}]},
        {"title": "Changed"},
        ITEMS,
        deleters=ITEM_DELETE,
    ),
    Resource(
        "sprints",
        lambda p, w: f.SprintFactory(product=p),
        lambda p, w: {"product": p.pk, "name": f"S{n()}", "start_date": "2027-01-04", "end_date": "2027-01-15"},
        {"goal": "Ship refunds"},
        SPRINTS,
    ),
    Resource(
        "objectives",
        lambda p, w: f.ObjectiveFactory(workspace=w),
        lambda p, w: {"workspace": w.pk, "title": "Delight shops", "period": "2027-Q1"},
        {"title": "Changed"},
        STRATEGY,
    ),
    Resource(
        "key-results",
        lambda p, w: f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=w)),
        lambda p, w: {
            "objective": f.ObjectiveFactory(workspace=w).pk,
            "title": "NPS 50",
            "start_value": "20",
            "target_value": "50",
        },
        {"title": "Changed"},
        STRATEGY,
    ),
    Resource(
        "kpis",
        lambda p, w: f.KPIFactory(product=p),
        lambda p, w: {"product": p.pk, "name": f"Churn {n()}", "direction": "decrease"},
        {"unit": "%"},
        STRATEGY,
    ),
    Resource(
        "measurements",
        lambda p, w: f.MeasurementFactory(kpi=f.KPIFactory(product=p)),
        lambda p, w: {"kpi": f.KPIFactory(product=p).pk, "value": "4.5"},
        None,
        STRATEGY,
    ),
    Resource(
        "members",
        lambda p, w: f.MembershipFactory(workspace=w, role=Role.VIEWER),
        None,  # people join by accepting an invitation (tests/accounts/test_invitations_api.py)
        {"role": "contributor"},
        ADMIN_ONLY,
    ),
    Resource(
        "webhooks",
        _webhook,
        lambda p, w: {"workspace": w.pk, "url": "http://127.0.0.1:9/h", "events": ["item.created"]},
        {"description": "CI"},
        ADMIN_ONLY,
        readers_all=False,
    ),
    Resource(
        "workspaces",
        lambda p, w: w,
        None,  # anyone may create a workspace: tested on its own
        {"name": "Renamed"},
        ADMIN_ONLY,
    ),
    Resource(
        "comments",
        _comment,
        _comment_body,
        None,  # only the author edits: tests/collaboration/test_comments_api.py
        ITEMS | {Role.EXECUTIVE},  # every member but a viewer comments
        deleters=ADMIN_ONLY,  # the author (the workspace's admin made them)
    ),
    Resource("trash", _trash_entry, None, None, set()),
    Resource(
        "jobs",
        lambda p, w: Job.objects.create(workspace=w, product=p, kind="reprioritise"),
        None,
        None,
        set(),
    ),
]
MODELS = {"webhooks": WebhookSubscription}
