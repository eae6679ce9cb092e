"""Routes of /api/v1/: one include per app (each app keeps its endpoints in api_urls.py)."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("workspaces.api_urls")),
    path("", include("products.api_urls")),
    path("", include("roadmap.api_urls")),
    path("", include("backlog.api_urls")),
    path("", include("okrs.api_urls")),
    path("", include("jobs.api_urls")),
    path("", include("integrations.api_urls")),
    path("", include("dashboards.api_urls")),
    path("", include("prioritization.api_urls")),
    path("", include("customfields.api_urls")),
    path("", include("discovery.api_urls")),
    path("", include("delivery.api_urls")),
    path("", include("collaboration.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("transfer.api_urls")),
    path("", include("search.api_urls")),
]
