from django.urls import path

from . import apis

base = "products/<int:product_id>"
urlpatterns = [
    path(f"{base}/prioritize/", apis.PrioritizeApi.as_view(), name="api-prioritize"),
    path(f"{base}/ranking/", apis.RankingApi.as_view(), name="api-ranking"),
    path(f"{base}/ranking/apply/", apis.RankingApplyApi.as_view(), name="api-ranking-apply"),
    path(f"{base}/ranking/apply/<int:job_id>/undo/", apis.RankingUndoApi.as_view(), name="api-ranking-undo"),
    path(f"{base}/ranking/unscored/", apis.UnscoredApi.as_view(), name="api-ranking-unscored"),
    path(f"{base}/matrix/", apis.MatrixApi.as_view(), name="api-matrix"),
    path(f"{base}/moscow-proposal/", apis.MoscowProposalApi.as_view(), name="api-moscow-proposal"),
    path(f"{base}/prioritization-settings/", apis.SettingsApi.as_view(), name="api-prioritization-settings"),
    path(f"{base}/scenarios/", apis.ScenarioListApi.as_view(), name="api-scenario-list"),
    path(f"{base}/scenarios/<int:pk>/", apis.ScenarioDetailApi.as_view(), name="api-scenario-detail"),
    path(
        f"{base}/scenarios/<int:pk>/inputs/<int:item_id>/",
        apis.ScenarioItemInputApi.as_view(),
        name="api-scenario-item-input",
    ),
    path(f"{base}/scenarios/<int:pk>/apply/", apis.ScenarioApplyApi.as_view(), name="api-scenario-apply"),
    path(f"{base}/scenarios/<int:pk>/discard/", apis.ScenarioDiscardApi.as_view(), name="api-scenario-discard"),
    path(f"{base}/prioritization-snapshots/", apis.SnapshotListApi.as_view(), name="api-snapshot-list"),
]
