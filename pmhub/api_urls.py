"""Routes of /api/v1/: one include per app (each app keeps its endpoints in api_urls.py)."""

urlpatterns: list = []
