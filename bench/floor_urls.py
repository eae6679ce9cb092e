"""URLs of the benchmark server only: the app's URLs plus the floor view."""

from django.urls import include, path

from .floor import items_floor

urlpatterns = [path("bench/items-floor/", items_floor), path("", include("pmhub.urls"))]
