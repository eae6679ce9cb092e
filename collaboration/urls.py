from django.urls import path

from .views import comments, history, trash

app_name = "collaboration"

T = "objects/<str:label>/<int:target_id>"
urlpatterns = [
    path(f"{T}/comments/", comments.comments, name="comments"),
    path(f"{T}/comments/<int:pk>/edit/", comments.comment_edit, name="comment_edit"),
    path(f"{T}/comments/<int:pk>/delete/", comments.comment_remove, name="comment_delete"),
    path(f"{T}/history/", history.timeline, name="timeline"),
    path(f"{T}/", history.open_object, name="open"),
    path("workspaces/<int:workspace_id>/mentions/", comments.mentions, name="mentions"),
    path("workspaces/<int:workspace_id>/activity/", history.activity, name="activity"),
    path("workspaces/<int:workspace_id>/trash/", trash.trash_list, name="trash"),
    path("trash/<int:pk>/restore/", trash.trash_restore_view, name="trash_restore"),
    path("trash/<int:pk>/delete/", trash.trash_delete_view, name="trash_delete"),
]
