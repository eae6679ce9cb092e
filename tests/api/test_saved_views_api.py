"""Saved views through the API: personal ones stay their owner's, shared ones are the workspace's."""

from backlog.models import SavedView


def test_personal_views_through_the_api(world, api):
    url = "/api/v1/saved-views/"
    body = {"product": world.product.pk, "name": "My bugs", "filters": {"kind": "bug"}, "group_by": "sprint"}
    response = api("viewer").post(url, body, format="json")
    assert response.status_code == 201, response.content
    mine = response.json()
    assert mine["owner"] == "viewer_user" and mine["query"] == "kind=bug&group=sprint" and not mine["shared"]
    # Nobody else sees a personal view, or may change it.
    assert mine["id"] not in {row["id"] for row in api("admin").get(url).json()["results"]}
    assert api("admin").patch(f"{url}{mine['id']}/", {"name": "x"}, format="json").status_code == 404
    # A viewer may not share; nothing is saved.
    count = SavedView.objects.count()
    response = api("viewer").post(url, {**body, "name": "Ours", "shared": True}, format="json")
    assert response.status_code == 403 and SavedView.objects.count() == count
    response = api("viewer").patch(f"{url}{mine['id']}/", {"shared": True}, format="json")
    assert response.status_code == 403
    # A shared view is everyone's to read.
    shared = api("product_owner").post(url, {**body, "name": "Team", "shared": True}, format="json").json()
    assert shared["id"] in {row["id"] for row in api("viewer").get(url).json()["results"]}


def test_unknown_filters_and_columns_are_refused(world, api):
    url = "/api/v1/saved-views/"
    for bad in (
        {"filters": {"rank": "1"}},
        {"filters": {"status": "x" * 201}},
        {"columns": ["title"]},
        {"group_by": "product"},
    ):
        response = api("admin").post(url, {"product": world.product.pk, "name": "Bad", **bad}, format="json")
        assert response.status_code == 400, (bad, response.content)
    assert not SavedView.objects.exists()


def test_saved_views_with_custom_fields_through_the_api(world, api):
    url = "/api/v1/saved-views/"
    body = {
        "product": world.product.pk,
        "name": "Tiers",
        "filters": {"cf_tier": "Pro", "status": "new"},
        "columns": ["status", "cf_tier"],
        "group_by": "cf_tier",
        "ordering": "-cf_deal",
    }
    response = api("viewer").post(url, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["query"] == "status=new&cf_tier=Pro&columns=status%2Ccf_tier&group=cf_tier&ordering=-cf_deal"
    for bad in (
        {"group_by": "cf_"},
        {"ordering": "cf_Tier"},
        {"columns": ["cf_"]},
        {"filters": {"cf_tier": 3}},
        {"filters": {"cf_tier": "x" * 201}},
    ):
        response = api("viewer").post(url, {**body, "name": "Bad", **bad}, format="json")
        assert response.status_code == 400, (bad, response.content)
    assert not SavedView.objects.filter(name="Bad").exists()
