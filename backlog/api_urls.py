from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("items", apis.ItemViewSet, basename="item")
router.register("sprints", apis.SprintViewSet, basename="sprint")
urlpatterns = router.urls
