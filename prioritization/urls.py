from django.urls import path

from . import views

app_name = "prioritization"
base = "products/<int:product_id>/priorities"
urlpatterns = [
    path(f"{base}/", views.ranking, name="ranking"),
    path(f"{base}/run/", views.reprioritise, name="reprioritise"),
    path(f"{base}/job/", views.job_status, name="job_status"),
    path(f"{base}/matrix/", views.matrix, name="matrix"),
    path(f"{base}/moscow/", views.moscow, name="moscow"),
    path(f"{base}/settings/", views.settings_edit, name="settings"),
    path(f"{base}/items/<int:pk>/values/", views.item_values, name="item_values"),
    path(f"{base}/scenarios/", views.scenario_list, name="scenario_list"),
    path(f"{base}/scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    *views.criterion_crud.urls(),
]
