from django.urls import path
from rest_framework.routers import SimpleRouter

from . import apis
from .inbound import InboundFeedbackApi

router = SimpleRouter()
router.register("customers", apis.CustomerViewSet, basename="customer")
router.register("feedback", apis.FeedbackNoteViewSet, basename="feedback")
router.register("insights", apis.InsightViewSet, basename="insight")
router.register("ideas", apis.IdeaViewSet, basename="idea")
urlpatterns = [
    path("inbound/feedback/<int:workspace_id>/", InboundFeedbackApi.as_view(), name="discovery_inbound_feedback"),
    *router.urls,
]
