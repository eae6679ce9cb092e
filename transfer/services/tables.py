"""Saving generic table rows that are not items (initiatives, objectives, key results, and what other
apps register), each through its app's services, and the registration of those targets."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from core.services import instance_create
from okrs.models import KeyResult, Objective
from okrs.services.key_results import key_result_create, key_result_update
from okrs.services.objectives import objective_create, objective_update
from roadmap.models import Initiative, Release, Theme
from roadmap.services.initiatives import initiative_create, initiative_update

from ..targets import Target, register_target

INITIATIVE_FIELDS = {
    "key": "Key",
    "title": "Title",
    "description": "Description",
    "theme": "Theme",
    "horizon": "Horizon",
    "status": "Status",
    "start_date": "Start date",
    "end_date": "End date",
    "release": "Release",
}
OBJECTIVE_FIELDS = {
    "key": "Key",
    "title": "Title",
    "description": "Description",
    "period": "Period",
    "weight": "Weight",
}
KEY_RESULT_FIELDS = {
    "key": "Key",
    "objective": "Objective (its key or title)",
    "title": "Title",
    "unit": "Unit",
    "direction": "Direction",
    "start_value": "Start value",
    "target_value": "Target value",
    "weight": "Weight",
}


def typed(model, record: dict, names) -> dict:
    """The record's plain fields converted by the model's own fields; ValidationError naming each bad one."""
    data, errors = {}, {}
    for name in names:
        if name not in record:
            continue
        try:
            field = model._meta.get_field(name)
            raw = record[name]
            data[name] = None if raw == "" and field.null else field.to_python(raw)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return data


def _initiative(*, product, record: dict, existing, actor):
    data = typed(Initiative, record, ("title", "description", "horizon", "status", "start_date", "end_date"))
    if record.get("theme"):
        data["theme"] = Theme.objects.filter(product=product, name=record["theme"]).first() or instance_create(
            instance=Theme(product=product, name=record["theme"][:120]), actor=actor
        )
    if record.get("release"):
        data["release"] = Release.objects.filter(product=product, name=record["release"]).first() or instance_create(
            instance=Release(product=product, name=record["release"][:120]), actor=actor
        )
    if existing is not None:
        return initiative_update(initiative=existing, data=data)
    return initiative_create(instance=Initiative(product=product, **data), actor=actor)


def _objective(*, product, record: dict, existing, actor):
    data = typed(Objective, record, ("title", "description", "period", "weight"))
    if existing is not None:
        return objective_update(objective=existing, data=data, actor=actor)
    return objective_create(instance=Objective(workspace=product.workspace, product=product, **data), actor=actor)


def _key_result(*, product, record: dict, existing, actor):
    data = typed(KeyResult, record, ("title", "unit", "direction", "start_value", "target_value", "weight"))
    if existing is not None:
        return key_result_update(key_result=existing, data=data, actor=actor)
    wanted = record.get("objective", "")
    objectives = Objective.objects.filter(workspace=product.workspace)
    objective = objectives.filter(title=wanted).order_by("pk").first()
    if objective is None:
        raise ValidationError({"objective": f"No objective “{wanted}” in this workspace; import the objectives first."})
    return key_result_create(instance=KeyResult(objective=objective, **data), actor=actor)


register_target(
    Target(
        name="initiatives",
        label="Roadmap initiatives",
        fields=INITIATIVE_FIELDS,
        model=Initiative,
        save=_initiative,
        url=lambda o: reverse("roadmap:initiative_detail", kwargs={"product_id": o.product_id, "pk": o.pk}),
    )
)
register_target(
    Target(name="objectives", label="Objectives", fields=OBJECTIVE_FIELDS, model=Objective, save=_objective)
)
register_target(
    Target(
        name="key_results",
        label="Key results",
        fields=KEY_RESULT_FIELDS,
        model=KeyResult,
        save=_key_result,
        required=("title", "objective", "start_value", "target_value"),
    )
)
