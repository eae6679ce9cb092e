from rest_framework.routers import SimpleRouter

from .apis import ActivityViewSet, CommentViewSet, TrashViewSet

router = SimpleRouter()
router.register("comments", CommentViewSet, basename="comment")
router.register("activity", ActivityViewSet, basename="activity")
router.register("trash", TrashViewSet, basename="trash")
urlpatterns = router.urls
