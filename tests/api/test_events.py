"""Domain events: declared once in a registry, announced after commit from the API and the pages alike."""

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils.module_loading import module_has_submodule

from core import events
from tests import factories as f


@pytest.fixture
def heard(django_capture_on_commit_callbacks):
    log: list[tuple[str, int, dict]] = []

    def record(*, event, workspace_id, data):
        log.append((event, workspace_id, data))

    events.subscribe(record)
    yield log
    events._subscribers.remove(record)


def test_item_events_from_the_api(world, api, heard, django_capture_on_commit_callbacks):
    po = api("product_owner")
    with django_capture_on_commit_callbacks(execute=True):
        a = po.post("/api/v1/items/", {"product": world.product.pk, "title": "A"}, format="json").json()
        b = po.post("/api/v1/items/", {"product": world.product.pk, "title": "B"}, format="json").json()
        po.patch(f"/api/v1/items/{a['id']}/", {"status": "ready"}, format="json")
        po.post(f"/api/v1/items/{b['id']}/move/", {"position": "top"}, format="json")
        po.delete(f"/api/v1/items/{a['id']}/")

    assert [(e, w) for e, w, _ in heard] == [
        ("item.created", world.workspace.pk),
        ("item.created", world.workspace.pk),
        ("item.updated", world.workspace.pk),
        ("item.moved", world.workspace.pk),
        ("trash.trashed", world.workspace.pk),  # deleting keeps the item in the trash first
        ("item.deleted", world.workspace.pk),
    ]
    assert heard[2][2]["changed"] == ["status"]
    assert heard[5][2]["id"] == a["id"]


def test_nothing_is_announced_when_the_write_fails(world, api, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api("viewer").post("/api/v1/items/", {"product": world.product.pk, "title": "A"}, format="json")
        api("admin").post("/api/v1/items/", {"product": world.product.pk, "title": ""}, format="json")
    assert heard == []


def test_initiative_and_objective_events_from_the_pages(world, heard, django_capture_on_commit_callbacks):
    client = world.client("product_manager")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("roadmap:initiative_create", kwargs={"product_id": world.product.pk}),
            {"title": "One-click pay", "horizon": "now", "status": "proposed"},
        )
        client.post(
            reverse("okrs:objective_create", kwargs={"workspace_id": world.workspace.pk}),
            {"title": "Delight shops", "period": "2027-Q1"},
        )

    assert [e for e, _, _ in heard] == ["initiative.created", "objective.created"]


def test_initiative_objective_and_check_in_events_from_the_api(world, api, heard, django_capture_on_commit_callbacks):
    pm = api("product_manager")
    with django_capture_on_commit_callbacks(execute=True):
        i = pm.post("/api/v1/initiatives/", {"product": world.product.pk, "title": "I"}, format="json").json()
        pm.patch(f"/api/v1/initiatives/{i['id']}/", {"horizon": "now"}, format="json")
        pm.delete(f"/api/v1/initiatives/{i['id']}/")
        o = pm.post(
            "/api/v1/objectives/", {"workspace": world.workspace.pk, "title": "O", "period": "2027"}, format="json"
        ).json()
        pm.patch(f"/api/v1/objectives/{o['id']}/", {"title": "O2"}, format="json")
        kr = f.KeyResultFactory(objective_id=o["id"])
        response = pm.post(f"/api/v1/key-results/{kr.pk}/check-in/", {"value": "40", "confidence": 70}, format="json")
        pm.delete(f"/api/v1/objectives/{o['id']}/")

    assert response.status_code == 201 and response.json()["current_value"] == "40.0000"
    assert [e for e, _, _ in heard] == [
        "initiative.created",
        "initiative.updated",
        "trash.trashed",
        "initiative.deleted",
        "objective.created",
        "objective.updated",
        "key_result.checked_in",
        "trash.trashed",
        "objective.deleted",
    ]


# ---- the registry ------------------------------------------------------------------------------


def test_publishing_an_undeclared_event_is_refused_and_nothing_is_announced(
    db, heard, django_capture_on_commit_callbacks
):
    with pytest.raises(ValueError, match="item.exploded"):
        events.publish(event="item.exploded", workspace_id=1, data={})
    assert heard == []

    events.publish(event="item.created", workspace_id=1, data={"id": 7})
    assert heard == [("item.created", 1, {"id": 7})]


def test_an_event_declared_twice_differently_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        events.define("item.created", "Something else.")
    assert events.define("item.created", "A backlog item was created.") == "item.created"  # the same again is fine


def test_every_app_declares_its_events_and_they_are_loaded_at_startup():
    declared: dict[str, set[str]] = {}
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "events") and config.name != "core":
            module = importlib.import_module(f"{config.name}.events")
            declared[config.label] = {v for k, v in vars(module).items() if k.isupper() and isinstance(v, str)}

    assert {"backlog", "roadmap", "okrs", "prioritization", "integrations"} <= set(declared)
    assert set().union(*declared.values()) == {e.name for e in events.registered()}
    assert all(e.description.endswith(".") and len(e.description) > 15 for e in events.registered())


# ---- every name published anywhere is declared -------------------------------------------------
# Read the source (not the tests) for calls of publish() and deliveries_enqueue(), and of helpers
# that pass one of their parameters on as the event (like `_announce(event, item)`), and gather the
# event names they are given: literals, constants of an events module, or literals a variable is set to.

REPO = Path(__file__).resolve().parents[2]
SKIP = {".venv", "tests", "node_modules", "staticfiles", "static", "templates", "migrations"}
SENDERS = {"publish": ("event", None), "deliveries_enqueue": ("event", None)}


def _sources() -> dict[Path, ast.Module]:
    return {
        path: ast.parse(path.read_text(), filename=str(path))
        for path in REPO.rglob("*.py")
        if not SKIP & set(path.relative_to(REPO).parts[:-1])
    }


def _callee(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)


def _event_argument(call: ast.Call, senders: dict) -> ast.expr | None:
    param, position = senders[_callee(call)]
    for keyword in call.keywords:
        if keyword.arg == param:
            return keyword.value
    return call.args[position] if position is not None and len(call.args) > position else None


def _functions(tree: ast.Module):
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _params(function) -> list[str]:
    return [a.arg for a in function.args.posonlyargs + function.args.args]


def _forwarders(trees) -> dict[str, tuple[str, int | None]]:
    """The senders, and every function that passes one of its parameters on to a sender as the event."""
    senders = dict(SENDERS)
    changed = True
    while changed:
        changed = False
        for tree in trees.values():
            for function in _functions(tree):
                names = _params(function) + [a.arg for a in function.args.kwonlyargs]
                for call in ast.walk(function):
                    if not isinstance(call, ast.Call) or _callee(call) not in senders or function.name in senders:
                        continue
                    argument = _event_argument(call, senders)
                    if isinstance(argument, ast.Name) and argument.id in names:
                        positional = _params(function)
                        index = positional.index(argument.id) if argument.id in positional else None
                        senders[function.name] = (argument.id, index)
                        changed = True
    return senders


def _event_constants(path: Path, tree: ast.Module) -> dict[str, str]:
    """Names imported into the module from an events module, with their values."""
    package = ".".join(path.relative_to(REPO).parts[:-1])
    constants = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "events":
            module = importlib.import_module(("." * node.level + node.module) if node.level else node.module, package)
            for alias in node.names:
                value = getattr(module, alias.name, None)
                if isinstance(value, str):
                    constants[alias.asname or alias.name] = value
    return constants


def _published_names() -> tuple[dict[str, str], list[str]]:
    trees = _sources()
    senders = _forwarders(trees)
    found, unresolved = {}, []
    for path, tree in trees.items():
        constants = _event_constants(path, tree)
        scopes = [(f, f) for f in _functions(tree)] + [(tree, None)]
        seen = set()
        for scope, function in scopes:
            for call in ast.walk(scope):
                if not isinstance(call, ast.Call) or _callee(call) not in senders or id(call) in seen:
                    continue
                seen.add(id(call))
                where = f"{path.relative_to(REPO)}:{call.lineno}"
                argument = _event_argument(call, senders)
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found[argument.value] = where
                elif isinstance(argument, ast.Name) and argument.id in constants:
                    found[constants[argument.id]] = where
                elif isinstance(argument, ast.Name) and function is not None and function.name in senders:
                    continue  # a forwarder: its callers name the event
                elif isinstance(argument, ast.Name) and function is not None:
                    values = [
                        c.value
                        for node in ast.walk(function)
                        if isinstance(node, ast.Assign)
                        and any(getattr(t, "id", None) == argument.id for t in node.targets)
                        for c in ast.walk(node.value)
                        if isinstance(c, ast.Constant) and isinstance(c.value, str)
                    ]
                    found.update(dict.fromkeys(values, where))
                    if not values:
                        unresolved.append(where)
                else:
                    unresolved.append(where)
    return found, unresolved


def test_every_event_published_anywhere_is_declared():
    found, unresolved = _published_names()

    assert unresolved == [], "use a literal or a constant of an events module as the event name"
    assert {"item.created", "item.bulk_saved", "initiative.moved", "key_result.checked_in", "ping"} <= set(found)
    undeclared = {name: where for name, where in found.items() if name not in {e.name for e in events.registered()}}
    assert undeclared == {}
