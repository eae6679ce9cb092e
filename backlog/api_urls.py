from rest_framework.routers import SimpleRouter

from . import apis, apis_custom_fields, apis_dependencies, saved_view_apis

router = SimpleRouter()
router.register("items", apis_custom_fields.ItemViewSet, basename="item")
router.register("sprints", apis.SprintViewSet, basename="sprint")
router.register("item-dependencies", apis_dependencies.ItemDependencyViewSet, basename="item-dependency")
router.register("saved-views", saved_view_apis.SavedViewViewSet, basename="saved-view")
urlpatterns = router.urls
