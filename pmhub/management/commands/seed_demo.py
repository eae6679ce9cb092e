"""Build the demo workspace: two products with everything a product team keeps in PMHub.

Idempotent: a second run finds the workspace and only makes sure the demo users exist with
the printed password.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from backlog.models import (
    DECISION_STATUSES,
    BacklogItem,
    ItemKind,
    ItemStatus,
    MoSCoW,
    SprintStatus,
)
from backlog.services import criteria as backlog_criteria
from backlog.services import items as backlog_items
from core.services import instance_create
from delivery.models import OutcomeReview
from delivery.services.outcomes import outcome_reviews_mark_due
from okrs.models import KPI, KeyResult, Measurement, Objective
from okrs.services import key_results as okr_services
from pmhub.demo_data import (
    BUGS,
    CHORES,
    DEMO_PASSWORD,
    DEMO_SLUG,
    DEMO_USERS,
    PERSONAS,
    PRODUCTS,
    STORY_TEMPLATES,
    THINGS,
    VERBS,
)
from pmhub.demo_sprints import demo_run_sprints, demo_sprints
from pmhub.demo_stories import EPIC_STORIES
from products import services as product_services
from products.models import BusinessCase, Persona, ValidationStatus
from roadmap.models import Horizon, Initiative, InitiativeStatus, Release, Theme
from roadmap.services.initiatives import initiative_create, initiative_update
from workspaces.models import Membership, Role, Workspace
from workspaces.services import workspace_create


class Command(BaseCommand):
    help = "Create the demo workspace (two products, roadmap, backlog, sprints, OKRs, KPIs) and demo users."

    def handle(self, *args, **options):
        users = self._users()
        workspace = Workspace.objects.filter(slug=DEMO_SLUG).first()
        if workspace is not None:
            self.stdout.write("The demo workspace exists already; demo users are up to date.")
        else:
            with transaction.atomic():
                workspace = self._build(users)
            self.stdout.write(self.style.SUCCESS(f"Demo workspace “{workspace.name}” created."))
        self.stdout.write("Sign in at the address the server prints (runserver: http://127.0.0.1:8000/) as one of:")
        for username, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:8} ({Role(role).label})")
        self.stdout.write(f"Password for every demo user: {DEMO_PASSWORD}")

    def _users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, _role, first, last in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username, defaults={"first_name": first, "last_name": last})
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            users[username] = user
        if not users["admin"].is_staff:
            users["admin"].is_staff = True
            users["admin"].save(update_fields=["is_staff"])
        return users

    def _build(self, users) -> Workspace:
        rng = random.Random(2026)
        admin = users["admin"]
        workspace = workspace_create(name="Acme Digital", actor=admin)
        Workspace.objects.filter(pk=workspace.pk).update(slug=DEMO_SLUG)
        for username, role, *_ in DEMO_USERS[1:]:
            instance_create(instance=Membership(workspace=workspace, user=users[username], role=role), actor=admin)

        today = timezone.localdate()
        quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        quarters = [_add_months(quarter_start, 3 * i) for i in range(4)]
        company_objective = instance_create(
            instance=Objective(
                workspace=workspace,
                title="Become the simplest way for small shops to sell online",
                period=_period(quarters[0]),
                owner=users["exec"],
            ),
            actor=admin,
        )
        for spec in PRODUCTS:
            self._product(spec, workspace, users, rng, quarters, company_objective)
        return workspace

    def _product(self, spec, workspace, users, rng, quarters, company_objective):
        pm, po = users["pm"], users["po"]
        product = product_services.product_create(
            workspace=workspace,
            actor=pm,
            name=spec["name"],
            key=spec["key"],
            stage=spec["stage"],
            description=spec["description"],
        )
        product_services.vision_save(product=product, actor=pm, data=spec["vision"])
        instance_create(
            instance=BusinessCase(
                product=product,
                title=f"{spec['name']}: expand to five EU markets",
                problem_statement=spec["vision"]["problem"],
                validation_status=ValidationStatus.VALIDATING,
                evidence="42 merchant interviews; 18 % of abandoned checkouts lacked a local method.",
                expected_annual_benefit=Decimal("1200000"),
                expected_annual_cost=Decimal("450000"),
                pricing_strategy="1.4 % + 0.25 EUR per transaction; volume discounts above 1 M EUR/year.",
            ),
            actor=pm,
        )
        for name, description, goals, pains in PERSONAS:
            instance_create(
                instance=Persona(product=product, name=name, description=description, goals=goals, pains=pains),
                actor=pm,
            )
        themes = [
            instance_create(instance=Theme(product=product, name=name, color=color, order=i), actor=pm)
            for i, (name, color) in enumerate(spec["themes"])
        ]
        releases = [
            instance_create(
                instance=Release(
                    product=product,
                    name=f"{spec['key']} {2026 + i // 2}.{i % 2 + 1}",
                    goal=f"Ship the {themes[i].name.lower()} work.",
                    target_date=_add_months(q, 2) + timedelta(days=20),
                ),
                actor=pm,
            )
            for i, q in enumerate(quarters)
        ]
        kpis, key_results = self._okrs(product, workspace, users, rng, quarters, company_objective, spec)
        initiatives = []
        for i, epic in enumerate(spec["epics"]):
            q = quarters[i % 4]
            horizon = [Horizon.NOW, Horizon.NEXT, Horizon.LATER, Horizon.LATER][i % 4]
            status = [
                InitiativeStatus.IN_PROGRESS,
                InitiativeStatus.PLANNED,
                InitiativeStatus.PROPOSED,
                InitiativeStatus.PROPOSED,
            ][i % 4]
            if i == 0:
                status = InitiativeStatus.SHIPPED  # its outcome review is due: see _review_due
            initiative = initiative_create(
                instance=Initiative(
                    product=product,
                    theme=themes[i % len(themes)],
                    title=epic,
                    horizon=horizon,
                    status=status,
                    description=f"{epic}: the next step towards “{spec['vision']['statement']}”",
                    start_date=q,
                    end_date=_add_months(q, 3) - timedelta(days=1),
                    release=releases[i % 4],
                    rank=(i + 1) * 1024,
                ),
                actor=pm,
                m2m={
                    "key_results": [key_results[i % len(key_results)]] if i != 5 else [],
                    "kpis": [kpis[i % len(kpis)]] if i % 2 == 0 else [],
                },
            )
            if initiatives and i % 3 == 2:
                initiative_update(initiative=initiative, data={}, m2m={"depends_on": [initiatives[-1]]})
            initiatives.append(initiative)
            if i == 0:
                _review_due(initiative)
        sprints = demo_sprints(product=product, po=po)
        finals = self._items(product, users, rng, initiatives, releases, sprints, spec)
        demo_run_sprints(sprints=sprints, users=users, rng=rng, finals=finals)

    def _okrs(self, product, workspace, users, rng, quarters, company_objective, spec):
        pm = users["pm"]
        kpis = []
        now = timezone.now()
        for name, unit, direction, start, drift in spec["kpis"]:
            kpi = instance_create(
                instance=KPI(
                    product=product,
                    name=name,
                    unit=unit,
                    direction=direction,
                    description=f"{name} of {product.name}, measured weekly.",
                ),
                actor=pm,
            )
            value = Decimal(str(start))
            rows = []
            for week in range(52, -1, -1):
                value += Decimal(str(round(drift + rng.uniform(-abs(drift) * 3 - 0.1, abs(drift) * 3 + 0.1), 2)))
                rows.append(
                    Measurement(kpi=kpi, value=value, measured_at=now - timedelta(weeks=week), note="", created_by=pm)
                )
            Measurement.objects.bulk_create(rows)
            kpis.append(kpi)
        objective = instance_create(
            instance=Objective(
                workspace=workspace,
                product=product,
                parent=company_objective,
                title=f"Make {product.name} the merchants' favourite",
                period=_period(quarters[0]),
                owner=pm,
            ),
            actor=pm,
        )
        key_results = []
        for kpi, (*_, drift) in zip(kpis, spec["kpis"], strict=True):
            # The key result starts from the KPI's value eight weeks ago and aims at half a year of its
            # usual weekly drift, so the demo shows progress at a realistic pace.
            latest = kpi.measurements.order_by("-measured_at")[8].value
            step = Decimal(str(drift * 26)).quantize(Decimal("0.01"))
            key_results.append(
                okr_services.key_result_create(
                    instance=KeyResult(
                        objective=objective,
                        title=f"{kpi.name} from {latest:.1f} to {latest + step:.1f}",
                        unit=kpi.unit,
                        direction=kpi.direction,
                        start_value=latest,
                        target_value=latest + step,
                        kpi=kpi,
                    ),
                    actor=pm,
                )
            )
        manual = okr_services.key_result_create(
            instance=KeyResult(
                objective=objective,
                title="Interview 30 merchants",
                unit="interviews",
                start_value=0,
                target_value=30,
                weight=Decimal("0.5"),
            ),
            actor=pm,
        )
        for week, value in enumerate([4, 9, 15]):
            okr_services.key_result_check_in(
                key_result=manual,
                value=Decimal(value),
                confidence=70 + 5 * week,
                note=f"Week {week + 1}: {value} interviews done.",
                actor=pm,
            )
        return kpis, [*key_results, manual]

    def _items(self, product, users, rng, initiatives, releases, sprints, spec) -> dict[int, str]:
        """The backlog; sprint items start ready and their final status is returned, for `_run_sprints`."""
        po, dev = users["po"], users["dev"]
        finals: dict[int, str] = {}
        for epic_index, initiative in enumerate(initiatives):
            epic = backlog_items.item_create(
                instance=BacklogItem(
                    product=product,
                    kind=ItemKind.EPIC,
                    title=initiative.title,
                    initiative=initiative,
                    release=initiative.release,
                    description=initiative.description,
                ),
                actor=po,
            )
            written = EPIC_STORIES.get(initiative.title, [])
            for n in range(len(written) or 10):
                verb, thing = rng.choice(VERBS), rng.choice(THINGS)
                as_a, want, so_that = rng.choice(STORY_TEMPLATES)
                title = f"{verb.capitalize()} {thing}"
                check = None
                if written:
                    title, want, so_that, check = written[n]
                sprint_index = (epic_index + n) % 3 if n < 4 else None
                sprint = sprints[sprint_index] if sprint_index is not None else None
                final = _status_for(SPRINT_PLAN[sprint_index] if sprint is not None else None, rng)
                status = ItemStatus.READY if sprint is not None else final
                item = backlog_items.item_create(
                    instance=BacklogItem(
                        product=product,
                        kind=ItemKind.STORY if n % 4 else ItemKind.FEATURE,
                        title=title,
                        parent=epic,
                        initiative=initiative,
                        release=initiative.release,
                        sprint=sprint,
                        status=status,
                        owner=dev if n % 2 else po,
                        story_points=rng.choice([1, 2, 3, 5, 8, 13]),
                        as_a=as_a,
                        i_want=want.format(verb=verb, thing=thing),
                        so_that=so_that.format(area=thing),
                        reach=rng.choice([200, 500, 1000, 2000, 5000]) if n != 9 else None,
                        impact=rng.choice([Decimal("3"), Decimal("2"), Decimal("1"), Decimal("0.5"), Decimal("0.25")]),
                        confidence=rng.choice([50, 80, 100]),
                        effort=Decimal(rng.choice([1, 2, 3, 4, 6])),
                        moscow=rng.choice([MoSCoW.MUST, MoSCoW.SHOULD, MoSCoW.COULD, MoSCoW.WONT]),
                        business_value=rng.choice([1, 2, 3, 5, 8, 13]),
                        time_criticality=rng.choice([1, 2, 3, 5, 8]),
                        risk_reduction=rng.choice([1, 2, 3, 5]),
                        job_size=rng.choice([1, 2, 3, 5, 8]),
                    ),
                    actor=po if status in DECISION_STATUSES else dev,  # only the product owner decides
                )
                finals[item.pk] = final
                texts = (
                    [
                        check,
                        "Given the request fails midway, when it is retried, then nothing happens twice",
                    ]
                    if check
                    else [
                        f"Given a {as_a}, when they {verb} {thing} (case {k + 1}), "
                        "then they see the result within two seconds."
                        for k in range(rng.choice([2, 3]))
                    ]
                )
                for text in texts:
                    criterion = backlog_criteria.criterion_add(item=item, actor=dev, text=text)
                    if final in (ItemStatus.DONE, ItemStatus.ACCEPTED):
                        backlog_criteria.criterion_update(criterion=criterion, data={"met": True})
        extras = [(ItemKind.BUG, t) for t in BUGS] + [(ItemKind.CHORE, t) for t in CHORES]
        for kind, title in extras[: 75 - 66]:
            backlog_items.item_create(
                instance=BacklogItem(
                    product=product,
                    kind=kind,
                    title=title,
                    story_points=rng.choice([1, 2, 3]),
                    reach=rng.choice([100, 300, 800]),
                    impact=Decimal("1"),
                    confidence=80,
                    effort=Decimal("0.5"),
                    moscow=MoSCoW.SHOULD,
                ),
                actor=dev,
            )
        return finals


# What each of the three demo sprints becomes: the past one closed, the current one active, the next planned.
SPRINT_PLAN = [SprintStatus.CLOSED, SprintStatus.ACTIVE, SprintStatus.PLANNED]


def _status_for(sprint_status, rng) -> str:
    if sprint_status is None:
        return rng.choice([ItemStatus.NEW, ItemStatus.NEW, ItemStatus.READY])
    if sprint_status == SprintStatus.CLOSED:
        return rng.choice([ItemStatus.ACCEPTED, ItemStatus.ACCEPTED, ItemStatus.REJECTED])
    if sprint_status == SprintStatus.ACTIVE:
        return rng.choice([ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.READY])
    return ItemStatus.READY


def _review_due(initiative) -> None:
    """The demo's shipped initiative shipped six weeks ago; its outcome review is due."""
    shipped = timezone.now() - timedelta(weeks=6)
    Initiative.objects.filter(pk=initiative.pk).update(shipped_at=shipped)
    OutcomeReview.objects.filter(initiative=initiative).update(
        shipped_at=shipped, due_on=timezone.localdate() - timedelta(days=12)
    )
    outcome_reviews_mark_due()


def _add_months(d: date, months: int) -> date:
    month = d.month - 1 + months
    return date(d.year + month // 12, month % 12 + 1, 1)


def _period(d: date) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
