from django.urls import path
from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("launch-tasks", apis.LaunchTaskViewSet, basename="launch-task")
router.register("launch-template-tasks", apis.ChecklistTemplateTaskViewSet, basename="launch-template-task")
router.register("outcome-reviews", apis.OutcomeReviewViewSet, basename="outcome-review")
urlpatterns = [
    path("products/<int:product_id>/forecast/", apis.ForecastApi.as_view(), name="forecast_api"),
    path("products/<int:product_id>/release-plan/", apis.ReleasePlanApi.as_view(), name="release_plan_api"),
    *router.urls,
]
