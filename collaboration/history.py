"""What is tracked: one pghistory event model per domain model, in this app, filled by PostgreSQL triggers.

The triggers (installed by pgtrigger after `migrate`, PGTRIGGER_INSTALL_ON_MIGRATE) record a snapshot
of the row on every insert, update (when a tracked field changed) and delete, whatever wrote it: a
service's save(), a set-based bulk UPDATE, a rank move or a rebalance. The context of the write (who,
in which workspace, through which URL or task) is attached by collaboration.middleware and the Celery
hook in apps.py. On SQLite nothing is installed and no history is recorded (the README says so).

TRACKED maps each event model to the tracked model and the lookup from the event row to its workspace
(one or several, tried in order); the activity selectors read it.
"""

from dataclasses import dataclass

import pghistory
from django.db import models

from backlog.models import AcceptanceCriterion, BacklogItem, Sprint
from okrs.models import KPI, KeyResult, Measurement, Objective
from products.models import BusinessCase, Persona, Product, Vision
from roadmap.models import Initiative, Release, Theme

UNTRACKED_FIELDS = ("updated_at",)  # changes with every save; the event's own time says when


@dataclass(frozen=True)
class Tracked:
    event_model: type[models.Model]
    model: type[models.Model]
    workspace_paths: tuple[str, ...]  # from the event row to a workspace id, tried in order
    noun: str
    parents: tuple[str, ...] = ()  # links whose target's timeline shows these events (a criterion's item)


TRACKED: dict[str, Tracked] = {}


def _track(model, *workspace_paths: str, noun: str | None = None, parents=(), name: str | None = None):
    name = name or f"{model.__name__}Event"
    fields = [f.name for f in model._meta.local_fields]
    event_model = pghistory.create_event_model(
        model,
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        exclude=[f for f in UNTRACKED_FIELDS if f in fields],
        model_name=name,
        app_label="collaboration",
        abstract=False,
        meta={"indexes": [models.Index(fields=["-pgh_created_at"], name=f"{name.lower()[:20]}_at")]},
    )
    TRACKED[model._meta.label_lower] = Tracked(
        event_model=event_model,
        model=model,
        workspace_paths=workspace_paths,
        noun=noun or str(model._meta.verbose_name),
        parents=parents,
    )
    return event_model


ProductEvent = _track(Product, "workspace")
VisionEvent = _track(Vision, "product__workspace")
BusinessCaseEvent = _track(BusinessCase, "product__workspace")
PersonaEvent = _track(Persona, "product__workspace")
ObjectiveEvent = _track(Objective, "workspace")
KPIEvent = _track(KPI, "product__workspace", noun="KPI")
KeyResultEvent = _track(KeyResult, "objective__workspace")
MeasurementEvent = _track(
    Measurement,
    "key_result__objective__workspace",
    "kpi__product__workspace",
    noun="measurement or check-in",
    parents=("key_result", "kpi"),
)
ThemeEvent = _track(Theme, "product__workspace")
ReleaseEvent = _track(Release, "product__workspace")
InitiativeEvent = _track(Initiative, "product__workspace")
InitiativeKeyResultEvent = _track(
    Initiative.key_results.through,
    "initiative__product__workspace",
    noun="initiative–key result link",
    name="InitiativeKeyResultEvent",
    parents=("initiative", "keyresult"),
)
SprintEvent = _track(Sprint, "product__workspace")
BacklogItemEvent = _track(BacklogItem, "product__workspace", noun="item")
AcceptanceCriterionEvent = _track(
    AcceptanceCriterion, "item__product__workspace", noun="acceptance criterion", parents=("item",)
)
