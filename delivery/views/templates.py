"""The workspace's launch checklist template: the tasks every release's checklist starts from."""

from workspaces.models import Capability
from workspaces.pages import Column, Crud

from ..forms import ChecklistTemplateTaskForm
from ..models import ChecklistTemplateTask
from ..services.checklists import template_task_create


class TemplateTaskCrud(Crud):
    model, form_class, namespace, name, url_segment = (
        ChecklistTemplateTask,
        ChecklistTemplateTaskForm,
        "delivery",
        "template_task",
        "launch-template",
    )
    scope = "workspace"
    capability = Capability.EDIT_STRATEGY
    columns = [
        Column("Task", "title", link=True),
        Column("Area", "area"),
        Column("Days before the release", "days_before", css="num"),
    ]
    detail_fields = ["title", "area", "days_before", "order"]
    empty_hint = "A release's launch checklist starts from these tasks; the defaults are added on first use."

    def perform_create(self, *, access, instance, data, m2m, actor):
        return template_task_create(instance=instance, actor=actor)


template_task_crud = TemplateTaskCrud()
