"""The API under schemathesis: every operation of the schema, against a seeded workspace.

Positive cases (schema-valid data) must be accepted: 2xx, or a status that depends on state the
schema cannot know (404 for an id that is gone, 409, 412 for a stale If-Match, 429), or a 400 for a
rule across fields or over stored state that the operation's description states. Their answers must
match the response schema. Negative cases (schema-invalid data) must be refused with a 4xx. Nothing
may answer 5xx.

Path ids, related ids in bodies and filters, and If-Match point at real objects of the admin's
workspace, so requests reach the services (a schema cannot say which ids exist).
"""

import collections
import json
import re

import pytest
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

from tests import factories as f

from .conftest import token_client
from .resources import RESOURCES

POSITIVE_EXAMPLES = 6  # per operation
NEGATIVE_EXAMPLES = 3
ACCEPTED = {401, 403, 404, 409, 412, 429}  # besides 2xx: answers about state, not about the data's shape


def rules_in(description: str) -> list[re.Pattern]:
    """The rules an operation's description states, one per line after "Rules:", as patterns: a number
    stands for any number, and "…" for any text (a file's name, a column, a value)."""
    if "Rules:" not in description:
        return []
    lines = [line.strip("- ").strip() for line in description.split("Rules:", 1)[1].splitlines() if line.strip()]
    patterns = [re.escape(re.sub(r"\d+", "\0", line)).replace("…", ".*").replace("\0", r"\d+") for line in lines]
    return [re.compile(pattern, re.DOTALL) for pattern in patterns]


def stated(message: str, rules: list[re.Pattern]) -> bool:
    # Django words a violated constraint once more after the rule's own message: that one says nothing new.
    return bool(CONSTRAINT.fullmatch(message)) or any(rule.fullmatch(message) for rule in rules)


CONSTRAINT = re.compile(r"Constraint “[a-z_0-9]+” is violated\.")


def error_messages(errors) -> list[str]:
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, list):
        return [m for e in errors for m in error_messages(e)]
    if isinstance(errors, dict):
        return [m for e in errors.values() for m in error_messages(e)]
    return [str(errors)]


class Seeded:
    """Real objects of the admin's workspace for every id the fuzzer sends."""

    def __init__(self, world):
        self.by_resource = {r.url: r.make(world.product, world.workspace) for r in RESOURCES}
        item = self.by_resource["items"]
        f.CriterionFactory(item=item)
        self.epic = f.BacklogItemFactory(product=world.product, kind="epic")
        self.neighbour = f.BacklogItemFactory(product=world.product)
        initiative = f.InitiativeFactory(product=world.product)
        ids = {name: obj.pk for name, obj in self.by_resource.items()}
        self.fields = {
            "product": world.product.pk,
            "workspace": world.workspace.pk,
            "release": ids["releases"],
            "theme": ids["themes"],
            "initiative": ids["initiatives"],
            "sprint": ids["sprints"],
            "objective": ids["objectives"],
            "key_result": ids["key-results"],
            "kpi": ids["kpis"],
            "owner": world.users["admin"].pk,
            "before": self.neighbour.pk,
            "after": self.neighbour.pk,
            "key_results": [ids["key-results"]],
            "kpis": [ids["kpis"]],
            "depends_on": [initiative.pk],
            "id": item.pk,  # inside bulk entries: the item to change
            "proposer": ids["customers"],
            "note": ids["feedback"],
            "target": ids["sprints"],  # where a completed sprint's unfinished work goes
        }

    def id_for(self, name: str):
        """The seeded id for a related-object field: named in `fields`, or after a resource (customer → customers)."""
        if name in self.fields:
            return self.fields[name]
        singular = name.removesuffix("_id")
        for url in (f"{singular}s".replace("_", "-"), f"{singular}es".replace("_", "-"), singular.replace("_", "-")):
            if url in self.by_resource:
                return self.by_resource[url].pk
        plural = name.replace("_", "-")
        if plural.endswith("s") and plural in self.by_resource:
            return [self.by_resource[plural].pk]
        return None

    def object_for(self, path: str):
        return self.by_resource.get(path.split("/")[3])

    def fix(self, values, path: str) -> None:
        if isinstance(values, list):
            for value in values:
                self.fix(value, path)
            return
        if not isinstance(values, dict):
            return
        values.pop("cursor", None)  # opaque, issued by the server: the stateful run follows real ones
        for criterion in values.get("acceptance_criteria") or []:
            if isinstance(criterion, dict):
                criterion.pop("id", None)  # a criterion's id names a stored one: new criteria have none
        for name, value in list(values.items()):
            if name == "acceptance_criteria":
                continue
            ids = isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            if isinstance(value, dict) or (isinstance(value, list) and not ids):
                self.fix(value, path)
            elif value is None or isinstance(value, bool):
                continue
            elif name == "parent":
                values[name] = self.epic.pk if "/items" in path else self.fields["objective"]
            elif name == "depends_on" and "/item-dependencies" in path:  # an item here, not an initiative
                values[name] = [self.neighbour.pk] if isinstance(value, list) else self.neighbour.pk
            elif (ids or isinstance(value, int)) and self.id_for(name) is not None:
                wanted = self.id_for(name)
                if isinstance(value, list):
                    values[name] = (wanted if isinstance(wanted, list) else [wanted]) if value else []
                else:
                    values[name] = wanted[0] if isinstance(wanted, list) else wanted
            if name == "version" and "/bulk" in path:
                values.pop(name)


def _call(case, auth, seeded, failures, counts, positive: bool) -> None:
    from django.core.cache import cache
    from django.db import transaction
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import negative_data_rejection, response_schema_conformance

    cache.clear()  # the fuzzer is not testing the rate limit
    obj = seeded.object_for(case.path)
    if "id" in (case.path_parameters or {}) and obj is not None:
        case.path_parameters["id"] = obj.pk
    if positive:
        seeded.fix(case.body, case.path)
        seeded.fix(case.query, case.path)
    label = f"{case.method} {case.path}"
    with transaction.atomic():  # each case starts from the seeded state
        response = case.call(headers={"Authorization": auth})
        status = response.status_code
        counts[(label, "positive" if positive else "negative", status // 100)] += 1
        checks = [not_a_server_error] + ([response_schema_conformance] if positive else [negative_data_rejection])
        try:
            case.validate_response(response, checks=checks)
        except (Exception, BaseExceptionGroup) as error:  # noqa: B036 - schemathesis raises a group
            failures.append(f"{label} {case.query} {case.body!r:.300} → {status} {response.text[:300]} :: {error}")
        if positive and not (200 <= status < 300 or status in ACCEPTED):
            rules = rules_in(case.operation.definition.raw.get("description", ""))
            body = json.loads(response.text) if status == 400 else {}
            messages = error_messages(body.get("errors", {})) or [body.get("detail", "")] if status == 400 else []
            if not messages or not all(stated(m, rules) for m in messages):
                failures.append(
                    f"{label} refused schema-valid data: {case.query} {case.body!r:.300} → {status} "
                    f"{response.text[:300]}"
                )
        transaction.set_rollback(True)


@pytest.mark.usefixtures("postgres")
def test_schemathesis_every_operation(world, settings):
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from schemathesis.generation import GenerationMode

    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    seeded = Seeded(world)
    auth = token_client(world.users["admin"])._credentials["HTTP_AUTHORIZATION"]
    failures: list[str] = []
    counts: collections.Counter = collections.Counter()

    # Like Django's test client: the WSGI app must not close the test's connection after a request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        modes = ((GenerationMode.POSITIVE, POSITIVE_EXAMPLES), (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES))
        for operation in operations:
            for mode, examples in modes:
                positive = mode is GenerationMode.POSITIVE

                @hypothesis_settings(
                    max_examples=examples,
                    deadline=None,
                    derandomize=True,
                    database=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                @given(case=operation.as_strategy(mode))
                def run(case):
                    _call(case, auth, seeded, failures, counts, positive)  # noqa: B023 - run() is called at once

                run()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    reached = {label for (label, _, _) in counts}
    by_class: collections.Counter = collections.Counter()
    for (_, mode, code), n in counts.items():
        by_class[f"{mode} {code}xx"] += n
    print(f"\nschemathesis: {len(operations)} operations, {sum(counts.values())} requests, {dict(by_class)}")
    assert len(reached) == len(operations)  # every operation, none cut short
    assert sum(n for (_, m, c), n in counts.items() if m == "positive" and c == 2) > len(operations)
    with open("/tmp/fuzz_failures.txt", "w") as out:
        out.write("\n".join(failures))
    assert failures == []


@pytest.mark.usefixtures("postgres")
def test_schemathesis_stateful_workflows(world, settings):
    """Sequences of calls along the links schemathesis infers from the schema (create a product, then
    read, change and delete it by the id it got back…): nothing answers 5xx and every answer matches
    its schema."""
    import schemathesis
    from django.core.cache import cache
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections, transaction
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    seeded = Seeded(world)
    auth = token_client(world.users["admin"])._credentials["HTTP_AUTHORIZATION"]
    failures: list[str] = []
    steps: collections.Counter = collections.Counter()

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
        machine = schema.as_state_machine()
        transitions = schema.statistic.transitions

        class Workflow(machine):
            def setup(self):
                # Every scenario starts from the seeded workspace: replays then see what the first run saw.
                self.scenario = transaction.atomic()
                self.scenario.__enter__()

            def teardown(self):
                transaction.set_rollback(True)
                self.scenario.__exit__(None, None, None)

            def before_call(self, case):
                cache.clear()
                seeded.fix(case.body, case.path)

            def get_call_kwargs(self, case):
                return {"headers": {"Authorization": auth}}

            def call(self, case, **kwargs):
                with transaction.atomic():  # a refused write rolls back alone; the others stay for the next step
                    return case.call(**kwargs)

            def validate_response(self, response, case, additional_checks=None, **kwargs):
                steps[(f"{case.method} {case.path}", response.status_code // 100)] += 1
                try:
                    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
                except (Exception, BaseExceptionGroup) as error:  # noqa: B036 - schemathesis raises a group
                    failures.append(f"{case.method} {case.formatted_path} {case.body!r:.300} → {error}")

        Workflow.run(
            settings=hypothesis_settings(
                max_examples=40,
                stateful_step_count=6,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    linked = {label for (label, code) in steps if code == 2}
    print(f"\nstateful: {transitions.total} links, {sum(steps.values())} calls, {len(linked)} operations answered 2xx")
    assert transitions.total > 50  # the schema's links between operations were found
    assert len(linked) > 30  # the workflows reached deep into the API, not only its entry points
    assert failures == []
