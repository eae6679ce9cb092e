from django.urls import path

from . import views

app_name = "backlog"
urlpatterns = [
    *views.item_crud.urls(),
    *views.sprint_crud.urls(),
    path("products/<int:product_id>/items/<int:pk>/move/", views.item_move, name="item_move"),
    path("products/<int:product_id>/items/<int:pk>/criteria/", views.criterion_add, name="criterion_add"),
    path("products/<int:product_id>/criteria/<int:pk>/toggle/", views.criterion_toggle, name="criterion_toggle"),
    path("products/<int:product_id>/criteria/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
]
