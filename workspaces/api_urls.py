from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("workspaces", apis.WorkspaceViewSet, basename="workspace")
router.register("members", apis.MemberViewSet, basename="member")
urlpatterns = router.urls
