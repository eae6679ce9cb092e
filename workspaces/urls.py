from django.urls import path

from . import views

app_name = "workspaces"
urlpatterns = [
    path("workspaces/new/", views.workspace_create, name="workspace_create"),
    path("workspaces/<int:workspace_id>/members/", views.member_list, name="member_list"),
    path("workspaces/<int:workspace_id>/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("workspaces/<int:workspace_id>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "workspaces/<int:workspace_id>/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "workspaces/<int:workspace_id>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<str:token>/sign-up/", views.invitation_sign_up, name="invitation_sign_up"),
]
