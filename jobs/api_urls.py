from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("jobs", apis.JobViewSet, basename="job")
urlpatterns = router.urls
