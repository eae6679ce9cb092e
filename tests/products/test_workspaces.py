import pytest
from django.urls import reverse

from core.exceptions import ApplicationError
from tests import factories as f
from workspaces import services
from workspaces.models import Membership, Role, Workspace


def test_any_signed_in_user_creates_a_workspace_and_becomes_its_admin(db, client):
    user = f.UserFactory(username="newbie")
    client.force_login(user)
    response = client.post(reverse("workspaces:workspace_create"), {"name": "Initech"})
    workspace = Workspace.objects.get(name="Initech")
    assert response.status_code == 302
    assert Membership.objects.get(workspace=workspace, user=user).role == Role.ADMIN


def test_home_lists_only_my_workspaces(world):
    second = f.WorkspaceFactory(name="Second")
    f.MembershipFactory(workspace=second, user=world.users["viewer"])
    response = world.client("viewer").get(reverse("home"))
    names = [w.name for w in response.context["workspaces"]]
    assert names == ["Acme", "Second"]
    assert "Globex" not in response.content.decode()


def test_home_goes_straight_to_the_only_workspace(world):
    response = world.client("viewer").get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("products:product_list", kwargs={"workspace_id": world.workspace.pk})


def test_the_switcher_lists_only_products_of_my_workspaces(world):
    page = (
        world.client("viewer")
        .get(reverse("products:product_list", kwargs={"workspace_id": world.workspace.pk}))
        .content.decode()
    )
    assert "PAY · Payments" in page
    assert "Rival" not in page


def test_sign_in_and_out(world, client):
    response = client.post(reverse("login"), {"username": "viewer_user", "password": f.PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302  # into the workspace
    client.post(reverse("logout"))
    assert client.get(reverse("home")).url.startswith(reverse("login"))


def test_a_wrong_password_is_refused_with_a_message(world, client):
    response = client.post(reverse("login"), {"username": "viewer_user", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_the_last_admin_cannot_leave_or_be_demoted(world):
    admin = Membership.objects.get(workspace=world.workspace, role=Role.ADMIN)
    with pytest.raises(ApplicationError):
        services.membership_change_role(membership=admin, role=Role.VIEWER)
    with pytest.raises(ApplicationError):
        services.membership_remove(membership=admin)
    other = Membership.objects.get(workspace=world.workspace, role=Role.PRODUCT_OWNER)
    services.membership_change_role(membership=other, role=Role.ADMIN)
    services.membership_change_role(membership=admin, role=Role.VIEWER)
    admin.refresh_from_db()
    assert admin.role == Role.VIEWER


def test_admins_change_roles_and_remove_members_in_the_page(world):
    client = world.client("admin")
    viewer = Membership.objects.get(workspace=world.workspace, role=Role.VIEWER)
    url = reverse("workspaces:member_role", kwargs={"workspace_id": world.workspace.pk, "pk": viewer.pk})
    assert client.post(url, {"role": "contributor"}).status_code == 302
    viewer.refresh_from_db()
    assert viewer.role == Role.CONTRIBUTOR
    assert world.client("product_manager").post(url, {"role": "admin"}).status_code == 403
    viewer.refresh_from_db()
    assert viewer.role == Role.CONTRIBUTOR
    remove = reverse("workspaces:member_remove", kwargs={"workspace_id": world.workspace.pk, "pk": viewer.pk})
    assert client.post(remove).status_code == 302
    assert not Membership.objects.filter(pk=viewer.pk).exists()


def test_the_member_page_invites_by_email_and_adds_nobody(world, django_capture_on_commit_callbacks, mailoutbox):
    someone = f.UserFactory(username="someone", email="someone@example.com")
    url = reverse("workspaces:member_list", kwargs={"workspace_id": world.workspace.pk})

    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("admin").post(url, {"email": "Someone@Example.com", "role": "contributor"}, follow=True)

    assert response.status_code == 200
    assert "Invitation sent to someone@example.com as Contributor." in response.content.decode()
    assert not Membership.objects.filter(workspace=world.workspace, user=someone).exists()
    assert [m.to for m in mailoutbox] == [["someone@example.com"]]
    pending = response.context["invitations"]
    assert [(i.email, i.role) for i in pending] == [("someone@example.com", Role.CONTRIBUTOR)]


def test_only_admins_see_pending_invitations(world):
    services.invitation_create(
        workspace=world.workspace,
        email="pending@example.com",
        role=Role.VIEWER,
        actor=world.users["admin"],
        site_url="http://testserver",
    )
    url = reverse("workspaces:member_list", kwargs={"workspace_id": world.workspace.pk})

    assert "pending@example.com" in world.client("admin").get(url).content.decode()
    assert "pending@example.com" not in world.client("product_manager").get(url).content.decode()


def test_an_invalid_address_is_a_field_error(world):
    url = reverse("workspaces:member_list", kwargs={"workspace_id": world.workspace.pk})
    response = world.client("admin").post(url, {"email": "not an address", "role": "viewer"})
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert not world.workspace.invitations.exists()


def test_the_product_overview_shows_the_product_navigation_and_figures(world):
    f.VisionFactory(product=world.product, statement="Paid in one click.")
    f.BacklogItemFactory(product=world.product)
    url = reverse("products:product_detail", kwargs={"workspace_id": world.workspace.pk, "pk": world.product.pk})
    response = world.client("executive").get(url)
    page = response.content.decode()
    assert "Paid in one click." in page
    assert reverse("backlog:item_list", kwargs={"product_id": world.product.pk}) in page
    assert response.context["counts"]["items"] == 1
    assert "Edit vision" not in page  # an executive reads, and edits nothing


def test_the_products_counts_follow_every_write_through_the_services(world):
    """The lists' counts are cached by the workspace's version (products.selectors.product_counts): a
    write announced by a service shows at once, on the list and on the overview; another workspace's
    rows never count."""
    from backlog.models import BacklogItem
    from backlog.services.items import item_create, item_delete

    f.BacklogItemFactory(product=world.other_product)
    client = world.client("executive")
    listing = reverse("products:product_list", kwargs={"workspace_id": world.workspace.pk})
    overview = reverse("products:product_detail", kwargs={"workspace_id": world.workspace.pk, "pk": world.product.pk})

    def counts() -> tuple[int, int]:
        row = next(r for r in client.get(listing).context["rows"] if r["obj"].pk == world.product.pk)
        return row["obj"].item_count, client.get(overview).context["counts"]["items"]

    assert counts() == (0, 0)
    item = item_create(instance=BacklogItem(product=world.product, title="Refunds"), actor=world.users["admin"])
    assert counts() == (1, 1)
    item_delete(item=item, actor=world.users["admin"])
    assert counts() == (0, 0)
