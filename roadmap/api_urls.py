from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("themes", apis.ThemeViewSet, basename="theme")
router.register("releases", apis.ReleaseViewSet, basename="release")
router.register("initiatives", apis.InitiativeViewSet, basename="initiative")
urlpatterns = router.urls
