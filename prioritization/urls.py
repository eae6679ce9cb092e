from django.urls import path

from . import apply_views, scenario_views, views

app_name = "prioritization"
base = "products/<int:product_id>/priorities"
urlpatterns = [
    path(f"{base}/", views.ranking, name="ranking"),
    path(f"{base}/run/", views.reprioritise, name="reprioritise"),
    path(f"{base}/job/", views.job_status, name="job_status"),
    path(f"{base}/apply/", apply_views.ranking_apply, name="ranking_apply"),
    path(f"{base}/apply/status/", apply_views.apply_status, name="apply_status"),
    path(f"{base}/apply/<int:job_id>/undo/", apply_views.ranking_undo, name="ranking_undo"),
    path(f"{base}/matrix/", views.matrix, name="matrix"),
    path(f"{base}/moscow/", views.moscow, name="moscow"),
    path(f"{base}/settings/", views.settings_edit, name="settings"),
    path(f"{base}/items/<int:pk>/values/", views.item_values, name="item_values"),
    path(f"{base}/scenarios/", views.scenario_list, name="scenario_list"),
    path(f"{base}/scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path(f"{base}/scenarios/items/", scenario_views.scenario_item_choices, name="scenario_item_choices"),
    *views.criterion_crud.urls(),
]
