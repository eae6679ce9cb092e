from django.urls import path

from . import views

app_name = "products"
urlpatterns = [
    path("products/<int:product_id>/vision/", views.vision_edit, name="vision_edit"),
    *views.product_crud.urls(),
    *views.business_case_crud.urls(),
    *views.persona_crud.urls(),
]
