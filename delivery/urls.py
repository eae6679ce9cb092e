from django.urls import path

from .views import forecasts, outcomes, releases, templates

app_name = "delivery"
P = "products/<int:product_id>"
R = f"{P}/releases/<int:release_id>"
urlpatterns = [
    *templates.template_task_crud.urls(),
    path(f"{P}/forecast/", forecasts.forecast_fragment, name="forecast"),
    path(f"{P}/release-plan/", releases.release_plan, name="release_plan"),
    path(f"{R}/checklist/", releases.checklist, name="checklist"),
    path(f"{R}/checklist/add/", releases.checklist_add, name="checklist_add"),
    path(f"{R}/checklist/template/", releases.checklist_from_template, name="checklist_from_template"),
    path(f"{R}/checklist/<int:pk>/toggle/", releases.checklist_toggle, name="checklist_toggle"),
    path(f"{P}/outcome-summary/", outcomes.outcome_summary_fragment, name="outcome_summary"),
    path("workspaces/<int:workspace_id>/outcome-reviews/", outcomes.review_list, name="review_list"),
    path(
        "workspaces/<int:workspace_id>/outcome-summary/",
        outcomes.workspace_outcome_summary_fragment,
        name="workspace_outcome_summary",
    ),
    path("workspaces/<int:workspace_id>/outcome-reviews/<int:pk>/", outcomes.review_detail, name="review_detail"),
]
