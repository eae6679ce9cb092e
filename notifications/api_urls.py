from django.urls import path
from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("notifications", apis.NotificationViewSet, basename="notification")
router.register("watches", apis.WatchViewSet, basename="watch")
urlpatterns = [
    path("notifications/preferences/", apis.PreferenceApi.as_view(), name="notification-preferences"),
    *router.urls,
]
