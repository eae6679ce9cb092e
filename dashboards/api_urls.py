from django.urls import path

from . import apis

urlpatterns = [
    path(
        "workspaces/<int:workspace_id>/dashboard/", apis.WorkspaceDashboardApi.as_view(), name="workspace_dashboard_api"
    ),
    path("products/<int:product_id>/dashboard/", apis.ProductDashboardApi.as_view(), name="product_dashboard_api"),
]
