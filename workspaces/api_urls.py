from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("workspaces", apis.WorkspaceViewSet, basename="workspace")
router.register("members", apis.MemberViewSet, basename="member")
router.register("invitations", apis.InvitationViewSet, basename="invitation")
urlpatterns = router.urls
