from django.urls import path

from .views import dependencies, grooming, items, links, listing, props, sprint_lifecycle, sprints

app_name = "backlog"
P = "products/<int:product_id>"
urlpatterns = [
    *items.item_crud.urls(),
    *sprints.sprint_crud.urls(),
    path(f"{P}/views/", listing.saved_view_save, name="saved_view_save"),
    path(f"{P}/views/<int:pk>/delete/", listing.saved_view_delete, name="saved_view_delete"),
    path(f"{P}/items/<int:pk>/props/", props.item_props, name="item_props"),
    path(f"{P}/items/<int:pk>/move/", items.item_move, name="item_move"),
    path(f"{P}/items/<int:pk>/row/", grooming.item_row, name="item_row"),
    path(f"{P}/items/<int:pk>/inline/", grooming.item_inline, name="item_inline"),
    path(f"{P}/items/<int:pk>/story/", items.item_story, name="item_story"),
    path(f"{P}/items/<int:pk>/reach-from-impact/", items.item_reach_from_impact, name="item_reach_from_impact"),
    path(f"{P}/items/<int:pk>/accept/", sprints.item_accept, name="item_accept"),
    path(f"{P}/items/<int:pk>/reject/", sprints.item_reject, name="item_reject"),
    path(f"{P}/items/bulk/", grooming.item_bulk, name="item_bulk"),
    path(f"{P}/items/parent-choices/", items.item_parent_choices, name="item_parent_choices"),
    path(f"{P}/items/<int:pk>/criteria/", items.criterion_add, name="criterion_add"),
    path(f"{P}/criteria/<int:pk>/toggle/", items.criterion_toggle, name="criterion_toggle"),
    path(f"{P}/criteria/<int:pk>/delete/", items.criterion_delete, name="criterion_delete"),
    path(f"{P}/criteria/<int:pk>/move/", items.criterion_move, name="criterion_move"),
    path(f"{P}/items/<int:pk>/links/", links.link_add, name="link_add"),
    path(f"{P}/links/<int:pk>/delete/", links.link_delete, name="link_delete"),
    path(f"{P}/sprints/<int:pk>/plan/", sprints.sprint_plan, name="sprint_plan"),
    path(f"{P}/sprints/<int:pk>/plan/item/", sprints.sprint_plan_item, name="sprint_plan_item"),
    path(f"{P}/items/<int:pk>/dependencies/", dependencies.dependency_add, name="dependency_add"),
    path(
        f"{P}/items/<int:pk>/dependencies/<int:dependency_id>/remove/",
        dependencies.dependency_remove,
        name="dependency_remove",
    ),
    path(f"{P}/sprints/<int:pk>/start/", sprint_lifecycle.sprint_start, name="sprint_start"),
    path(f"{P}/sprints/<int:pk>/complete/", sprint_lifecycle.sprint_complete, name="sprint_complete"),
    path(f"{P}/sprints/<int:pk>/review/", sprint_lifecycle.sprint_review, name="sprint_review"),
]
