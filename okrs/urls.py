from django.urls import path

from . import views

app_name = "okrs"
urlpatterns = [
    *views.objective_crud.urls(),
    *views.key_result_crud.urls(),
    *views.kpi_crud.urls(),
    path(
        "workspaces/<int:workspace_id>/key-results/<int:pk>/check-in/",
        views.key_result_check_in,
        name="key_result_check_in",
    ),
    path(
        "products/<int:product_id>/kpis/<int:pk>/measurements/", views.kpi_measurement_add, name="kpi_measurement_add"
    ),
    path("workspaces/<int:workspace_id>/okr-health/", views.health_policy_edit, name="health_policy_edit"),
    path("products/<int:product_id>/kpis/import/", views.kpi_measurement_import, name="kpi_measurement_import"),
    path(
        "workspaces/<int:workspace_id>/measurements/<int:pk>/delete/",
        views.measurement_delete,
        name="measurement_delete",
    ),
]
