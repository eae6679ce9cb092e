"""The admin writes objectives and key results through the services, so its saves reach the rollup."""

from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from core.models import OutboxMessage
from okrs.models import KeyResult, Objective
from tests import factories as f


@pytest.fixture
def staff_client(world, client):
    from django.contrib.auth.models import Permission

    staff = world.users["admin"]
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="okrs"))
    client.force_login(staff)
    return client


def form_data(obj) -> dict:
    return {k: ("" if v is None else v) for k, v in model_to_dict(obj).items() if k != "id"}


def rollups() -> list:
    return list(OutboxMessage.objects.filter(task="okrs.tasks.okr_rollup").values_list("kwargs", flat=True))


def test_changing_a_key_results_target_in_the_admin_schedules_its_rollup(world, staff_client):
    objective = f.ObjectiveFactory(workspace=world.workspace)
    key_result = f.KeyResultFactory(objective=objective, start_value=0, target_value=10)
    OutboxMessage.objects.all().delete()

    data = {**form_data(key_result), "target_value": "20"}
    response = staff_client.post(reverse("admin:okrs_keyresult_change", args=[key_result.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    key_result.refresh_from_db()
    assert key_result.target_value == Decimal("20")
    assert rollups() == [{"workspace_id": world.workspace.pk, "key_result_ids": [key_result.pk]}]


def test_an_admin_edit_that_changes_no_figure_schedules_nothing(world, staff_client):
    objective = f.ObjectiveFactory(workspace=world.workspace)
    key_result = f.KeyResultFactory(objective=objective, start_value=0, target_value=10)
    OutboxMessage.objects.all().delete()

    data = {**form_data(key_result), "title": "Renamed"}
    staff_client.post(reverse("admin:okrs_keyresult_change", args=[key_result.pk]), data)

    assert KeyResult.objects.get(pk=key_result.pk).title == "Renamed"
    assert rollups() == []


def test_deleting_an_objective_in_the_admin_rolls_up_the_workspace(world, staff_client):
    objective = f.ObjectiveFactory(workspace=world.workspace)
    OutboxMessage.objects.all().delete()

    response = staff_client.post(reverse("admin:okrs_objective_delete", args=[objective.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Objective.objects.filter(pk=objective.pk).exists()
    assert rollups() == [{"workspace_id": world.workspace.pk, "key_result_ids": []}]
