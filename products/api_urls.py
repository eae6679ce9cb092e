from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("products", apis.ProductViewSet, basename="product")
router.register("visions", apis.VisionViewSet, basename="vision")
router.register("business-cases", apis.BusinessCaseViewSet, basename="business-case")
router.register("personas", apis.PersonaViewSet, basename="persona")
urlpatterns = router.urls
