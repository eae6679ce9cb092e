from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("imports", apis.ImportViewSet, basename="import")
urlpatterns = router.urls
