from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("objectives", apis.ObjectiveViewSet, basename="objective")
router.register("key-results", apis.KeyResultViewSet, basename="key-result")
router.register("kpis", apis.KPIViewSet, basename="kpi")
router.register("measurements", apis.MeasurementViewSet, basename="measurement")
urlpatterns = router.urls
