from django.urls import path

from .views import inbox, live, stakeholders, watching

app_name = "notifications"

urlpatterns = [
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/badge/", inbox.bell, name="bell"),
    path("inbox/<int:pk>/open/", inbox.notification_open, name="open"),
    path("inbox/read-all/", inbox.notifications_read_all, name="read_all"),
    path("inbox/preferences/", inbox.preferences, name="preferences"),
    path("email/unsubscribe/<str:token>/", inbox.unsubscribe, name="unsubscribe"),
    path("watch/<str:target_type>/<int:target_id>/", watching.watch_button, name="watch"),
    path("products/<int:product_id>/roadmap/updates/", stakeholders.product_updates, name="product_updates"),
    path("shared/roadmap/<str:token>/follow/", stakeholders.shared_follow, name="shared_follow"),
    path("roadmap-updates/confirm/<str:token>/", stakeholders.confirm, name="stakeholder_confirm"),
    path("roadmap-updates/unsubscribe/<str:token>/", stakeholders.unsubscribe, name="stakeholder_unsubscribe"),
    path("live/workspaces/<int:workspace_id>/stream/", live.live_stream, name="live_stream"),
    path("live/workspaces/<int:workspace_id>/events/", live.live_poll, name="live_poll"),
    path("live/workspaces/<int:workspace_id>/presence/", live.live_presence, name="live_presence"),
]
