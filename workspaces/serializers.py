from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.serializers import BASE_READ_ONLY, StrictModelSerializer

from .models import Membership, Role, Workspace
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
