from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("workspaces/<int:workspace_id>/dashboard/", views.workspace_dashboard, name="workspace_dashboard"),
    path("workspaces/<int:workspace_id>/dashboard.csv", views.workspace_dashboard_csv, name="workspace_dashboard_csv"),
    path(
        "workspaces/<int:workspace_id>/dashboard.xlsx", views.workspace_dashboard_xlsx, name="workspace_dashboard_xlsx"
    ),
    path("workspaces/<int:workspace_id>/dashboard/recompute/", views.workspace_recompute, name="workspace_recompute"),
    path("products/<int:product_id>/dashboard/", views.product_dashboard, name="product_dashboard"),
    path("products/<int:product_id>/dashboard.csv", views.product_dashboard_csv, name="product_dashboard_csv"),
    path("products/<int:product_id>/dashboard.xlsx", views.product_dashboard_xlsx, name="product_dashboard_xlsx"),
]
