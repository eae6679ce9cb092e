from django.urls import path

from . import views
from .views import initiative_crud, release_crud, theme_crud

app_name = "roadmap"
P = "products/<int:product_id>"
urlpatterns = [
    *theme_crud.urls(),
    *release_crud.urls(),
    *initiative_crud.urls(),
    path(f"{P}/roadmap/", views.roadmap_board, name="board"),
    path(f"{P}/roadmap/columns/<str:horizon>/", views.roadmap_column, name="board_column"),
    path(f"{P}/roadmap/timeline/", views.roadmap_timeline, name="timeline"),
    path(f"{P}/initiatives/<int:pk>/move/", views.initiative_move, name="initiative_move"),
    path(f"{P}/initiatives/<int:pk>/reschedule/", views.initiative_reschedule, name="initiative_reschedule"),
    path(f"{P}/roadmap/share-links/", views.share_link_create, name="share_link_create"),
    path(f"{P}/roadmap/share-links/<int:pk>/revoke/", views.share_link_revoke, name="share_link_revoke"),
    path(f"{P}/releases/<int:pk>/baseline/", views.release_baseline, name="release_baseline"),
    path("workspaces/<int:workspace_id>/portfolio/", views.portfolio, name="portfolio"),
    path("shared/roadmap/<str:token>/", views.shared_roadmap, name="shared"),
]
