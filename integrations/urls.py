from django.urls import path

from . import hooks, views

app_name = "integrations"
urlpatterns = [
    path("settings/tokens/", views.token_list, name="token_list"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("workspaces/<int:workspace_id>/webhooks/", views.webhook_list, name="webhook_list"),
    path("hooks/<slug:provider>/<uuid:hook_id>/", hooks.code_host_hook, name="code_host_hook"),
]
