"""Routes of /api/v1/: one include per app (each app keeps its endpoints in api_urls.py)."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("dashboards.api_urls")),
    path("", include("prioritization.api_urls")),
]
