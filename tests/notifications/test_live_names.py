"""Who made a change, as live messages name them: cached between writes, named anew after a rename."""

from notifications.services.live import actor_names


def test_a_writers_name_is_read_once_and_again_after_a_rename(world, django_assert_num_queries):
    po, viewer = world.users["product_owner"], world.users["viewer"]
    with django_assert_num_queries(1):
        assert actor_names({po.pk, viewer.pk}) == {po.pk: po.username, viewer.pk: viewer.username}
    with django_assert_num_queries(0):  # the next write of the same people: no lookup
        assert actor_names({po.pk}) == {po.pk: po.username}

    po.username = "renamed_owner"
    po.save()
    assert actor_names({po.pk, viewer.pk}) == {po.pk: "renamed_owner", viewer.pk: viewer.username}
    viewer.delete()
    assert actor_names({viewer.pk}) == {}
    assert actor_names(set()) == {}
