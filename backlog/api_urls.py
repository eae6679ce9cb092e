from rest_framework.routers import SimpleRouter

from . import apis, saved_view_apis

router = SimpleRouter()
router.register("items", apis.ItemViewSet, basename="item")
router.register("sprints", apis.SprintViewSet, basename="sprint")
router.register("saved-views", saved_view_apis.SavedViewViewSet, basename="saved-view")
urlpatterns = router.urls
