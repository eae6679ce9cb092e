"""One description per API resource, for the role tables and the isolation matrix."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from backlog.models import ItemDependency
from delivery.models import ChecklistTemplateTask, LaunchTask, OutcomeReview
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


def _import(product, workspace):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from transfer.services.batches import import_batch_create

    files = [SimpleUploadedFile("plan.csv", b"key,title\nA-1,Export invoices\n")]
    return import_batch_create(product=product, files=files, actor=None)


def _code_host(product, workspace):
    from integrations.codehosts import code_host_create

    return code_host_create(workspace=workspace, provider="github", name="acme/pay", actor=None)[0]


def _dependency(product, workspace):
    waiter, waited = f.BacklogItemFactory(product=product), f.BacklogItemFactory(product=product)
    return ItemDependency.objects.create(item=waiter, depends_on=waited)


def _review(product, workspace):
    return OutcomeReview.objects.create(
        product=product,
        initiative=f.InitiativeFactory(product=product, status="shipped"),
        shipped_at=timezone.now(),
        due_on=date.today() + timedelta(days=30),
    )


def _field_definition(workspace):
    from customfields.models import FieldDefinition

    return FieldDefinition.objects.create(workspace=workspace, name="Tier", key=f"tier_{n()}", field_type="text")


def _saved_view(product):
    """A shared view (every member sees it) made by one of the product's workspace admins."""
    from backlog.models import SavedView

    owner = product.workspace.memberships.filter(role=Role.ADMIN).first()
    owner = owner.user if owner else f.UserFactory()
    return SavedView.objects.create(product=product, owner=owner, name=f"View {n()}", shared=True)


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
        "item-dependencies",
        _dependency,
        lambda p, w: {"item": f.BacklogItemFactory(product=p).pk, "depends_on": f.BacklogItemFactory(product=p).pk},
        None,  # a dependency is added or removed, never changed
        ITEMS,
    ),
    Resource(
        "launch-tasks",
        lambda p, w: LaunchTask.objects.create(release=f.ReleaseFactory(product=p), title="Docs"),
        lambda p, w: {"release": f.ReleaseFactory(product=p).pk, "title": "Support trained", "area": "support"},
        {"done": True},
        STRATEGY,
    ),
    Resource(
        "launch-template-tasks",
        lambda p, w: ChecklistTemplateTask.objects.create(workspace=w, title="Docs"),
        lambda p, w: {"workspace": w.pk, "title": "Legal review", "area": "legal", "days_before": 10},
        {"title": "Changed"},
        STRATEGY,
    ),
    Resource(
        "outcome-reviews",
        _review,
        None,  # scheduled when work ships (tests/delivery/test_outcomes.py)
        {"due_on": (date.today() + timedelta(days=10)).isoformat()},
        STRATEGY,
    ),
    Resource(
        "custom-fields",
        lambda p, w: _field_definition(w),
        lambda p, w: {
            "workspace": w.pk,
            "name": "Tier",
            "key": f"tier_{n()}",
            "field_type": "single_select",
            "options": ["Free", "Pro"],
        },
        {"name": "Customer tier"},
        ADMIN_ONLY,
    ),
    Resource(
        "saved-views",
        lambda p, w: _saved_view(p),
        lambda p, w: {"product": p.pk, "name": f"Ready {n()}", "shared": True, "filters": {"status": "ready"}},
        {"group_by": "status", "columns": ["status", "points"]},
        ITEMS,
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
        "customers",
        lambda p, w: f.CustomerFactory(workspace=w),
        lambda p, w: {"workspace": w.pk, "name": f"Initech {n()}", "segment": "smb", "seats": 40},
        {"plan": "pro"},
        ITEMS,
    ),
    Resource(
        "feedback",
        lambda p, w: f.FeedbackNoteFactory(product=p),
        lambda p, w: {"product": p.pk, "text": "Refunds take a week.", "source": "support", "tags": ["refunds"]},
        {"title": "Changed"},
        ITEMS,
    ),
    Resource(
        "insights",
        lambda p, w: f.InsightFactory(note=f.FeedbackNoteFactory(product=p), item=f.BacklogItemFactory(product=p)),
        lambda p, w: {
            "note": f.FeedbackNoteFactory(product=p).pk,
            "item": f.BacklogItemFactory(product=p).pk,
            "passage": "takes forever",
        },
        {"importance": "critical"},
        ITEMS,
    ),
    Resource(
        "ideas",
        lambda p, w: f.IdeaFactory(product=p),
        lambda p, w: {"product": p.pk, "title": "Bulk refunds", "problem": "One by one is slow."},
        {"title": "Changed"},
        ITEMS,
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
    Resource("imports", _import, None, None, ITEMS),
    Resource(
        "code-hosts",
        _code_host,
        lambda p, w: {"workspace": w.pk, "provider": "github", "name": f"acme/pay {n()}"},
        {"name": "acme/payments"},
        ADMIN_ONLY,
        readers_all=False,
    ),
]

MODELS = {"webhooks": WebhookSubscription}
