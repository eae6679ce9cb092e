"""History context outside requests: a Celery task's changes are attributed to the task (and its actor)."""

from contextlib import contextmanager

import pghistory
import pghistory.trigger
import pgtrigger
from django.conf import settings

_open: dict[str, pghistory.context] = {}


def task_context_enter(*, task_id=None, task=None, kwargs=None, **_):
    if not settings.HISTORY_RECORDED or task_id is None:
        return
    kwargs = kwargs or {}
    metadata = {"task": task.name}
    for key in ("actor_id", "workspace_id", "product_id"):
        if isinstance(kwargs.get(key), int):
            metadata["user" if key == "actor_id" else key] = kwargs[key]
    context = pghistory.context(**metadata)
    context.__enter__()
    _open[task_id] = context


def task_context_exit(*, task_id=None, **_):
    context = _open.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)


@contextmanager
def history_paused():
    """Writes inside record no history events: a workspace restore loads the exported events instead
    of new "created" ones for every row it loads. Other triggers (search vectors…) still run."""
    uris = [
        f"{model._meta.label}:{trigger.name}"
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, pghistory.trigger.Event)
    ]
    if not settings.HISTORY_RECORDED or not uris:
        yield
        return
    with pgtrigger.ignore(*uris):
        yield
