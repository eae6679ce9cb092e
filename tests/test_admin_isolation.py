"""Staff who are not superusers see only their own workspaces in the Django admin."""

import pytest
from django.urls import reverse

from backlog.models import Label

from . import factories as f


@pytest.fixture
def staff_client(world, client):
    staff = world.users["admin"]
    staff.is_staff = True
    staff.save()
    from django.contrib.auth.models import Permission

    staff.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["products", "roadmap", "backlog", "okrs"])
    )
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "model,make",
    [
        ("products/product", lambda w, p: p),
        ("roadmap/theme", lambda w, p: f.ThemeFactory(product=p, name=f"Theme of {p.name}")),
        ("backlog/backlogitem", lambda w, p: f.BacklogItemFactory(product=p, title=f"Item of {p.name}")),
        ("backlog/label", lambda w, p: Label.objects.create(product=p, name=f"Label of {p.name}")),
        ("okrs/objective", lambda w, p: f.ObjectiveFactory(workspace=p.workspace, title=f"Goal of {p.name}")),
        (
            "okrs/keyresult",
            lambda w, p: f.KeyResultFactory(
                objective=f.ObjectiveFactory(workspace=p.workspace), title=f"KR of {p.name}"
            ),
        ),
    ],
)
def test_admin_lists_and_pages_are_scoped(world, staff_client, model, make):
    ours, theirs = make(world, world.product), make(world, world.other_product)
    app, name = model.split("/")
    listing = staff_client.get(reverse(f"admin:{app}_{name}_changelist")).content.decode()
    assert str(ours).split(" · ")[-1] in listing
    assert str(theirs).split(" · ")[-1] not in listing
    assert staff_client.get(reverse(f"admin:{app}_{name}_change", args=[theirs.pk])).status_code == 302  # not found


def test_admin_form_choices_are_scoped(world, staff_client):
    item = f.BacklogItemFactory(product=world.product)
    f.SprintFactory(product=world.other_product, name="Their sprint")
    f.SprintFactory(product=world.product, name="Our sprint")
    page = staff_client.get(reverse("admin:backlog_backlogitem_change", args=[item.pk])).content.decode()
    assert "Our sprint" in page and "Their sprint" not in page
    assert "Rival" not in page
