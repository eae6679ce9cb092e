"""URLs of the benchmark server only: the app's URLs plus the floor and the plain-serializer views."""

from django.urls import include, path

from .floor import items_floor, serializer_view

urlpatterns = [
    path("bench/items-floor/", items_floor),
    path("bench/items-serializer/", serializer_view()),
    path("", include("pmhub.urls")),
]
