from django.urls import path

from . import views

app_name = "backlog"
P = "products/<int:product_id>"
urlpatterns = [
    *views.item_crud.urls(),
    *views.sprint_crud.urls(),
    path(f"{P}/items/<int:pk>/move/", views.item_move, name="item_move"),
    path(f"{P}/items/<int:pk>/row/", views.item_row, name="item_row"),
    path(f"{P}/items/<int:pk>/inline/", views.item_inline, name="item_inline"),
    path(f"{P}/items/<int:pk>/story/", views.item_story, name="item_story"),
    path(f"{P}/items/<int:pk>/accept/", views.item_accept, name="item_accept"),
    path(f"{P}/items/<int:pk>/reject/", views.item_reject, name="item_reject"),
    path(f"{P}/items/bulk/", views.item_bulk, name="item_bulk"),
    path(f"{P}/items/<int:pk>/criteria/", views.criterion_add, name="criterion_add"),
    path(f"{P}/criteria/<int:pk>/toggle/", views.criterion_toggle, name="criterion_toggle"),
    path(f"{P}/criteria/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
    path(f"{P}/criteria/<int:pk>/move/", views.criterion_move, name="criterion_move"),
    path(f"{P}/sprints/<int:pk>/plan/", views.sprint_plan, name="sprint_plan"),
    path(f"{P}/sprints/<int:pk>/plan/item/", views.sprint_plan_item, name="sprint_plan_item"),
]
