"""Writes of launch checklists: a workspace's template, and each release's tasks made from it."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from core.services import instance_create, instance_update

from ..models import CHECKLIST_TASKS_MAX, ChecklistTemplateTask, LaunchArea, LaunchTask

# What a workspace's template holds until someone changes it: go-to-market readiness.
DEFAULT_TEMPLATE = [
    ("Release notes and help articles written", LaunchArea.DOCS, 7),
    ("Support team trained and macros ready", LaunchArea.SUPPORT, 5),
    ("Announcement, email and in-app message ready", LaunchArea.MARKETING, 3),
    ("Legal, privacy and compliance review done", LaunchArea.LEGAL, 10),
    ("Rollout plan: flags, stages, rollback and monitoring", LaunchArea.ROLLOUT, 2),
]


def _next_order(queryset) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def template_task_create(*, instance: ChecklistTemplateTask, actor) -> ChecklistTemplateTask:
    tasks = ChecklistTemplateTask.objects.filter(workspace_id=instance.workspace_id)
    if tasks.count() >= CHECKLIST_TASKS_MAX:
        raise ValidationError({"title": f"A checklist template holds at most {CHECKLIST_TASKS_MAX} tasks."})
    if not instance.order:
        instance.order = _next_order(tasks)
    return instance_create(instance=instance, actor=actor)


@transaction.atomic
def template_ensure(*, workspace, actor) -> list[ChecklistTemplateTask]:
    """The workspace's template, filled with the default tasks the first time it is used."""
    tasks = list(ChecklistTemplateTask.objects.filter(workspace=workspace))
    if tasks:
        return tasks
    return [
        instance_create(
            instance=ChecklistTemplateTask(workspace=workspace, title=title, area=area, days_before=days, order=n),
            actor=actor,
        )
        for n, (title, area, days) in enumerate(DEFAULT_TEMPLATE, start=1)
    ]


@transaction.atomic
def launch_task_create(*, instance: LaunchTask, actor) -> LaunchTask:
    tasks = LaunchTask.objects.filter(release_id=instance.release_id)
    if tasks.count() >= CHECKLIST_TASKS_MAX:
        raise ValidationError({"title": f"A launch checklist holds at most {CHECKLIST_TASKS_MAX} tasks."})
    if not instance.order:
        instance.order = _next_order(tasks)
    return instance_create(instance=instance, actor=actor)


@transaction.atomic
def launch_task_update(*, task: LaunchTask, data: dict) -> LaunchTask:
    return instance_update(instance=task, data=data)[0]


@transaction.atomic
def launch_checklist_from_template(*, release, actor) -> list[LaunchTask]:
    """Add the workspace template's tasks to a release's checklist (those it does not have yet, by title),
    due their number of days before the release's target date."""
    template = template_ensure(workspace=release.product.workspace, actor=actor)
    have = set(LaunchTask.objects.filter(release=release).values_list("title", flat=True))
    made = []
    for task in template:
        if task.title in have:
            continue
        due = release.target_date - timedelta(days=task.days_before) if release.target_date else None
        made.append(
            launch_task_create(
                instance=LaunchTask(release=release, title=task.title, area=task.area, due_date=due), actor=actor
            )
        )
    return made
