from django.urls import path

from . import views

app_name = "workspaces"
urlpatterns = [
    path("workspaces/new/", views.workspace_create, name="workspace_create"),
    path("workspaces/<int:workspace_id>/members/", views.member_list, name="member_list"),
    path("workspaces/<int:workspace_id>/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("workspaces/<int:workspace_id>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
]
