from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("custom-fields", apis.FieldDefinitionViewSet, basename="custom-field")
urlpatterns = router.urls
