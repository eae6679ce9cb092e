"""Tenancy: a workspace, its members and their roles, and what each role may do."""

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
