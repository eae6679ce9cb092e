"""History context outside requests: a Celery task's changes are attributed to the task (and its actor)."""

import pghistory
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
