"""Which models a workspace export holds, how each reaches its workspace, and in which order they load.

Derived from the models themselves (every model of the project's apps that reaches a workspace
through its foreign keys), so the models other apps add are carried without a list to keep up to
date. Left out, by design: secrets that only work on the instance that made them (API tokens, code hosts,
webhook subscriptions and their deliveries, roadmap share links, invitations), background jobs, and
the imports' own files, and the trash (its snapshots hold the deleted rows with their old ids). A
model that cannot exist without one of those is left out with it.

History is carried: the event rows of collaboration's tracked models, with the contexts (who, via
what) they point to. A content type is written by name ("backlog.backlogitem"), not by its id on this
instance. Rows that name their target by type and id (comments, watches, notifications) load after
every other model, so their target's new id is known.
"""

from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from collaboration.history import TRACKED
from workspaces.graph import workspace_path_of

FORMAT = "pmhub-workspace-export"
VERSION = 1
EXCLUDED = {
    "jobs.job",
    "workspaces.invitation",
    "roadmap.roadmapsharelink",
    "integrations.apitoken",
    "integrations.webhooksubscription",
    "integrations.webhookdelivery",
    "integrations.codehostintegration",
    "integrations.codehostdelivery",
    "transfer.importbatch",
    "transfer.importfile",
    "transfer.importchunk",
    "transfer.importedobject",
    "core.outboxmessage",
    "collaboration.trashentry",
}
CONTEXT = "pghistory.context"
# An event row's copy of its object's id follows the object like its pgh_obj link.
EVENT_OF = {t.event_model._meta.label_lower: label for label, t in TRACKED.items()}
_NOTIFICATION_TARGETS = {
    "item": "backlog.backlogitem",
    "initiative": "roadmap.initiative",
    "objective": "okrs.objective",
    "key_result": "okrs.keyresult",
}
# model -> (type field, id field, the type's values -> model labels; None: the type is a content type)
GENERIC_TARGETS = {
    "collaboration.comment": ("target_type_id", "target_id", None),
    "notifications.watch": ("target_type", "target_id", _NOTIFICATION_TARGETS),
    "notifications.notification": ("target_type", "target_id", _NOTIFICATION_TARGETS),
}
USER_FIELDS = ("username", "email", "first_name", "last_name", "is_active")


def _project_app(model) -> bool:
    path = Path(apps.get_app_config(model._meta.app_label).path).resolve()
    base = Path(settings.BASE_DIR).resolve()
    return base in path.parents and ".venv" not in path.parts and "site-packages" not in path.parts


def _relations(model) -> list[models.ForeignKey]:
    """Foreign keys to other rows of the export (content types are carried by name, users apart)."""
    return [
        f for f in model._meta.concrete_fields if f.is_relation and f.many_to_one and f.related_model is not ContentType
    ]


def content_type_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.is_relation and f.related_model is ContentType]


@cache
def scope_q(label: str) -> tuple[str, ...]:
    """The lookups that lead from a model to its workspace: its own declared path, else one per
    foreign key into a scoped model (any of them places a row)."""
    model = apps.get_model(label)
    declared = workspace_path_of(model)
    if declared is not None and model is not get_user_model():
        return ("pk" if declared == "id" else declared,)
    paths = []
    for field in _relations(model):
        target = field.related_model
        if target is model or target is get_user_model() or target._meta.label_lower in EXCLUDED:
            continue
        inner = scope_q(target._meta.label_lower) if _project_app(target) else ()
        paths += [f"{field.name}__{p}" if p != "pk" else field.name for p in inner[:1]]
    return tuple(paths)


def rows_of(model, workspace_id: int):
    paths = scope_q(model._meta.label_lower)
    condition = Q()
    for path in paths:
        condition |= Q(**{path: workspace_id})
    return model._base_manager.filter(condition).distinct() if len(paths) > 1 else model._base_manager.filter(condition)


@cache
def exported_models() -> tuple:
    """The models of a workspace export, each after every model its required foreign keys point to."""
    user = get_user_model()
    candidates = [
        m
        for m in apps.get_models()
        if m is not user
        and _project_app(m)
        and m._meta.label_lower not in EXCLUDED
        and not m._meta.proxy
        and scope_q(m._meta.label_lower)
    ]
    chosen = set(candidates)
    changed = True
    while changed:  # a model that needs (non-null) an excluded one goes too
        changed = False
        for model in list(chosen):
            for field in _relations(model):
                target = field.related_model
                if not field.null and target is not user and target is not model and target not in chosen:
                    chosen.discard(model)
                    changed = True
                    break
    ordered, placed = [], set()

    def needs(model, *, strict: bool) -> set:
        fields = [f for f in _relations(model) if strict or not f.null]
        return {f.related_model for f in fields if f.related_model not in (user, model)} & chosen

    while len(ordered) < len(chosen):
        # Every link's target first where possible; a nullable link may wait (loaded later, then set).
        for strict in (True, False):
            ready = [
                m
                for m in sorted(chosen - placed, key=lambda m: m._meta.label_lower)
                if needs(m, strict=strict) <= placed
            ]
            if ready:
                break
        if not ready:
            raise RuntimeError("The models' required foreign keys form a cycle; a workspace export cannot order them.")
        ordered.append(ready[0])
        placed.add(ready[0])
    # Rows naming their target by type and id come last (their foreign keys' targets are all before).
    last = [m for m in ordered if m._meta.label_lower in GENERIC_TARGETS]
    return tuple([m for m in ordered if m not in last] + last)


def m2m_fields(model) -> list[models.ManyToManyField]:
    """Many-to-many fields of a model whose other end is exported (through auto-created tables)."""
    exported = set(exported_models())
    return [
        f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created and f.related_model in exported
    ]
