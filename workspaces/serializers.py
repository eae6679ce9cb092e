from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import BASE_READ_ONLY, StrictModelSerializer

from .models import Invitation, Membership, Role, Workspace
from .viewsets import scoped_fk


class WorkspaceSerializer(StrictModelSerializer):
    role = serializers.CharField(read_only=True, help_text="Your role in the workspace.")

    class Meta:
        model = Workspace
        fields = ["id", "name", "slug", "role", "created_at", "updated_at", "version"]
        read_only_fields = ["slug", *BASE_READ_ONLY]


class MembershipSerializer(StrictModelSerializer):
    workspace = scoped_fk(Workspace, "id", required=True, allow_null=False)
    user = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.filter(is_active=True), help_text="A username."
    )
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "workspace", "user", "role", "created_at", "updated_at", "version"]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("workspace", "user")


class InvitationSerializer(StrictModelSerializer):
    """An offer to join a workspace with a role, emailed as a link; the person becomes a member by accepting it."""

    workspace = scoped_fk(Workspace, "id", required=True, allow_null=False)
    email = serializers.EmailField(max_length=254, help_text="The address the invitation is emailed to.")
    role = serializers.ChoiceField(choices=Role.choices, help_text="The role the person gets by accepting.")
    status = serializers.SerializerMethodField(help_text="pending, expired, accepted or revoked.")
    invited_by = serializers.SlugRelatedField(source="created_by", slug_field="username", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "workspace",
            "email",
            "role",
            "status",
            "invited_by",
            "expires_at",
            "sent_at",
            "accepted_at",
            "revoked_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["expires_at", "sent_at", "accepted_at", "revoked_at", *BASE_READ_ONLY]

    @extend_schema_field(serializers.ChoiceField(choices=["pending", "expired", "accepted", "revoked"]))
    def get_status(self, invitation) -> str:
        return invitation.status_at(timezone.now())
