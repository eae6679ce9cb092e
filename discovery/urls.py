from django.urls import path

from .views import evidence, intake, panel, portal, records, triage
from .views.records import customer_crud, idea_crud, note_crud

app_name = "discovery"
P = "products/<int:product_id>"
W = "workspaces/<int:workspace_id>"
urlpatterns = [
    path(f"{P}/feedback/triage/", triage.triage, name="triage"),
    path(f"{P}/feedback/import/", intake.notes_import_page, name="notes_import"),
    path(f"{P}/feedback/themes/", evidence.themes, name="themes"),
    path(f"{P}/feedback/themes/refresh/", evidence.themes_refresh, name="themes_refresh"),
    path(f"{P}/feedback/targets/", triage.target_search, name="target_search"),
    path(f"{P}/feedback/<int:pk>/state/", records.note_state, name="note_state"),
    path(f"{P}/feedback/<int:pk>/link/", triage.insight_link, name="insight_link"),
    path(f"{P}/feedback/<int:pk>/suggestions/", triage.note_suggestions_fragment, name="note_suggestions"),
    path(f"{P}/insights/<int:pk>/unlink/", triage.insight_unlink, name="insight_unlink"),
    path(f"{P}/ideas/portal/", portal.portal_settings, name="portal_settings"),
    path(f"{P}/ideas/<int:pk>/promote/", records.idea_promote, name="idea_promote"),
    path(f"{P}/ideas/<int:pk>/moderate/", records.idea_moderate, name="idea_moderate"),
    path(f"{P}/evidence/items/<int:pk>/", evidence.item_evidence, name="item_evidence"),
    path(f"{P}/evidence/initiatives/<int:pk>/", evidence.initiative_evidence, name="initiative_evidence"),
    path(f"{P}/feedback-panel/", panel.product_feedback_panel, name="product_feedback_panel"),
    path(f"{W}/feedback-panel/", panel.workspace_feedback_panel, name="workspace_feedback_panel"),
    path(f"{W}/customers/import/", intake.customers_import_page, name="customers_import"),
    path(f"{W}/feedback-settings/", intake.feedback_settings, name="settings"),
    path(f"{W}/feedback-settings/inbound-secret/", intake.inbound_secret_new, name="inbound_secret_new"),
    path("portal/<str:slug>/", portal.portal_page, name="portal"),
    path("portal/<str:slug>/ideas/<int:idea_id>/vote/", portal.portal_vote_view, name="portal_vote"),
    *customer_crud.urls(),
    *note_crud.urls(),
    *idea_crud.urls(),
]
