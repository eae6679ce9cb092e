"""Who watches what, the in-app inbox, email preferences, and the stakeholders who follow a product's roadmap."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class TargetType(models.TextChoices):
    """The objects one can watch (and be notified about)."""

    ITEM = "item", "Backlog item"
    INITIATIVE = "initiative", "Initiative"
    OBJECTIVE = "objective", "Objective"
    KEY_RESULT = "key_result", "Key result"
    OTHER = "other", "Other"  # commented on, not watchable here (a business case, an idea…)


WATCHABLE = [(value, label) for value, label in TargetType.choices if value != TargetType.OTHER]


class WatchReason(models.TextChoices):
    CREATOR = "creator", "Created it"
    OWNER = "owner", "Owns it"
    MENTION = "mention", "Was mentioned"
    MANUAL = "manual", "Chose to watch"


class Watch(models.Model):
    """`user` hears of changes to one object of `workspace`; the object is named by type and id (it may be gone)."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches")
    target_type = models.CharField(max_length=20, choices=WATCHABLE)
    target_id = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=10, choices=WatchReason.choices, default=WatchReason.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "target_type", "target_id"], name="watch_once_per_user"),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="watch_target")]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.target_type} {self.target_id}"


class NotificationKind(models.TextChoices):
    MENTION = "mention", "Mentioned you"
    ASSIGNMENT = "assignment", "Assigned to you"
    COMMENT = "comment", "New comment"
    CHANGE = "change", "Changed"


# Mentions and assignments are mailed at once (when the preference allows); the rest go to the daily digest.
IMMEDIATE_KINDS = frozenset({NotificationKind.MENTION, NotificationKind.ASSIGNMENT})


class Notification(models.Model):
    """One line of a user's inbox: what happened to which object, who did it, a link to it."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=NotificationKind.choices)
    event = models.CharField(max_length=60)
    target_type = models.CharField(max_length=20, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    summary = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(fields=["created_at"], condition=Q(emailed_at__isnull=True), name="notification_unmailed"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class EmailPreference(models.Model):
    """What a user wants by email; a user without a row gets the defaults."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference")
    immediate = models.BooleanField(default=True, help_text="Mentions and assignments, at once.")
    digest = models.BooleanField(default=True, help_text="Everything else on what you watch, once a day.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"email preferences of {self.user_id}"


class StakeholderSubscription(models.Model):
    """Someone who gets the weekly "what changed on the roadmap" email of a product.

    A member subscribes as themselves (confirmed at once); a follower of a share link subscribes
    with an address and confirms it through a link sent there. Revoking the share link ends its
    followers' subscriptions (they are deleted with it).
    """

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    share_link = models.ForeignKey(
        "roadmap.RoadmapShareLink", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "email"], name="stakeholder_once_per_email")]

    def __str__(self) -> str:
        return f"{self.email} follows product {self.product_id}"


class RoadmapSnapshot(models.Model):
    """A product's roadmap as the last weekly update saw it; the next update reports the differences."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="+")
    taken_at = models.DateTimeField(auto_now_add=True, db_index=True)
    data = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"roadmap of product {self.product_id} at {self.taken_at:%Y-%m-%d}"
