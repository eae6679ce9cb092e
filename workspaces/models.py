"""Tenancy: a workspace, its members and their roles, what each role may do, and invitations to join."""

import hashlib

from django.conf import settings
from django.db import models

from core.models import BaseModel


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    PRODUCT_MANAGER = "product_manager", "Product manager"
    PRODUCT_OWNER = "product_owner", "Product owner"
    CONTRIBUTOR = "contributor", "Contributor"
    EXECUTIVE = "executive", "Executive"
    VIEWER = "viewer", "Viewer"


class Capability(models.TextChoices):
    """What a role may do. Reading is open to every member of a workspace."""

    MANAGE_WORKSPACE = "manage_workspace", "Manage members and settings"
    EDIT_STRATEGY = "edit_strategy", "Edit products, vision, business cases, personas, roadmap and OKRs"
    EDIT_ITEMS = "edit_items", "Create and edit backlog items, stories and criteria"
    DELETE_ITEMS = "delete_items", "Delete backlog items"
    RANK_ITEMS = "rank_items", "Order the backlog"
    MANAGE_SPRINTS = "manage_sprints", "Plan sprints and accept or reject work"


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Capability.values),
    Role.PRODUCT_MANAGER: frozenset({Capability.EDIT_STRATEGY, Capability.EDIT_ITEMS, Capability.DELETE_ITEMS}),
    Role.PRODUCT_OWNER: frozenset(
        {Capability.EDIT_ITEMS, Capability.DELETE_ITEMS, Capability.RANK_ITEMS, Capability.MANAGE_SPRINTS}
    ),
    Role.CONTRIBUTOR: frozenset({Capability.EDIT_ITEMS}),
    Role.EXECUTIVE: frozenset(),
    Role.VIEWER: frozenset(),
}


class Workspace(BaseModel):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", through_fields=("workspace", "user"), related_name="workspaces"
    )

    workspace_path = "id"

    class Meta:
        db_table = "products_workspace"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)

    workspace_path = "workspace"
    workspace_graph_exempt = ("user",)  # the membership is what makes the user a member

    class Meta:
        db_table = "products_membership"
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user_per_workspace")
        ]
        ordering = ["workspace", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.get_role_display()})"

    def can(self, capability: str) -> bool:
        return capability in ROLE_CAPABILITIES[self.role]


class Invitation(BaseModel):
    """An offer to join a workspace with a role, sent by email; it becomes a membership only when accepted.

    The link carries a random token of which only a SHA-256 hash is stored. An invitation is open until
    it is accepted, revoked or past `expires_at`; a workspace holds at most one open invitation per
    address (inviting the same address again renews it).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the last email went out.")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    workspace_path = "workspace"

    class Meta:
        ordering = ["workspace", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.workspace} ({self.get_role_display()})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def status_at(self, now) -> str:
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"
