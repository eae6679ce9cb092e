from rest_framework.routers import SimpleRouter

from . import apis, apis_dependencies

router = SimpleRouter()
router.register("items", apis.ItemViewSet, basename="item")
router.register("sprints", apis.SprintViewSet, basename="sprint")
router.register("item-dependencies", apis_dependencies.ItemDependencyViewSet, basename="item-dependency")
urlpatterns = router.urls
