from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("webhooks", apis.WebhookViewSet, basename="webhook")
router.register("code-hosts", apis.CodeHostViewSet, basename="code-host")
urlpatterns = router.urls
