"""Customer evidence: customers, feedback notes, insights (passages linked to work), ideas and their votes."""

import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.bounds import TEXT_LONG, TEXT_SHORT, BoundedTextField
from core.models import BaseModel

# A note's tags: a few short words.
TAGS_MAX = 20
TAG_LENGTH_MAX = 40
# Rows one CSV import or one mailbox may bring in at once.
IMPORT_ROWS_MAX = 5_000
IMPORT_BYTES_MAX = 5 * 1024 * 1024


class CustomerKind(models.TextChoices):
    COMPANY = "company", "Company"
    PERSON = "person", "Person"


CUSTOMER_DOMAIN = "A domain like acme.com."
PASSAGE_NOT_QUOTED = "Quote a passage of the note, word for word."


class Customer(BaseModel):
    """A company or a person whose feedback we record; segment, plan, revenue and seats say how much they weigh."""

    workspace_path = "workspace"
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="customers")
    kind = models.CharField(max_length=10, choices=CustomerKind.choices, default=CustomerKind.COMPANY)
    name = models.CharField(max_length=200)
    email_domain = models.CharField(
        max_length=120, blank=True, help_text="Mail from this domain is matched to this customer, e.g. acme.com."
    )
    email = models.EmailField(max_length=254, blank=True, help_text="For a person.")
    segment = models.CharField(max_length=60, blank=True, help_text="e.g. enterprise, SMB.")
    plan = models.CharField(max_length=60, blank=True)
    revenue = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Annual revenue from this customer.",
    )
    seats = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(10_000_000)])

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="customer_unique_name_per_workspace"),
            models.CheckConstraint(
                condition=models.Q(revenue__isnull=True) | models.Q(revenue__gte=0), name="customer_revenue_positive"
            ),
        ]
        indexes = [models.Index(fields=["workspace", "email_domain"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.email_domain = self.email_domain.strip().lower().lstrip("@")
        if self.email_domain and ("." not in self.email_domain or " " in self.email_domain):
            raise ValidationError({"email_domain": CUSTOMER_DOMAIN})


class NoteSource(models.TextChoices):
    SUPPORT = "support", "Support ticket"
    SALES = "sales", "Sales call"
    INTERVIEW = "interview", "Interview"
    SURVEY = "survey", "Survey / NPS"
    REVIEW = "review", "App review"
    EMAIL = "email", "Email"
    INTERNAL = "internal", "Internal"
    PORTAL = "portal", "Ideas portal"


class NoteState(models.TextChoices):
    NEW = "new", "New"
    PROCESSED = "processed", "Processed"
    ARCHIVED = "archived", "Archived"


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    NEUTRAL = "neutral", "Neutral"
    POSITIVE = "positive", "Positive"


class FeedbackNote(BaseModel):
    """The raw voice of a customer. Sentiment and embedding are filled in after commit by the analysis task."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="feedback_notes")
    title = models.CharField(max_length=250, blank=True)
    text = BoundedTextField(max_length=TEXT_LONG)
    source = models.CharField(max_length=10, choices=NoteSource.choices, default=NoteSource.INTERNAL)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes")
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_on = models.DateField(null=True, blank=True, help_text="When the customer said it.")
    tags = models.JSONField(default=list, blank=True, help_text=f"At most {TAGS_MAX} short words.")
    link = models.URLField(max_length=500, blank=True, help_text="The original (ticket, recording, review).")
    external_id = models.CharField(
        max_length=250, blank=True, help_text="The sender's id (ticket number, Message-ID): the same one is taken once."
    )
    state = models.CharField(max_length=10, choices=NoteState.choices, default=NoteState.NEW, db_index=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    processed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Analysis, written by discovery.tasks.note_analyse after commit.
    sentiment_score = models.FloatField(null=True, blank=True, editable=False)
    sentiment_label = models.CharField(max_length=10, choices=Sentiment.choices, blank=True, editable=False)
    embedding = models.BinaryField(null=True, blank=True, editable=False)  # float32 bytes (portable to SQLite)
    analysed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["product", "state", "-created_at"]),
            models.Index(fields=["product", "source"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "external_id"],
                condition=~models.Q(external_id=""),
                name="note_external_id_once_per_product",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.text[:60]

    def clean(self) -> None:
        errors = {}
        if not isinstance(self.tags, list) or len(self.tags) > TAGS_MAX:
            errors["tags"] = f"A list of at most {TAGS_MAX} tags."
        elif any(not isinstance(t, str) or not t.strip() or len(t) > TAG_LENGTH_MAX for t in self.tags):
            errors["tags"] = f"Each tag is a word of at most {TAG_LENGTH_MAX} characters."
        else:
            self.tags = sorted({t.strip().lower() for t in self.tags})
        if self.customer_id and self.product_id and self.customer.workspace_id != self.product.workspace_id:
            errors["customer"] = "The customer belongs to another workspace."
        if errors:
            raise ValidationError(errors)


class Importance(models.TextChoices):
    NICE = "nice", "Nice to have"
    IMPORTANT = "important", "Important"
    CRITICAL = "critical", "Critical"


class IdeaStatus(models.TextChoices):
    PENDING = "pending", "Awaiting moderation"
    OPEN = "open", "Open"
    PROMOTED = "promoted", "Promoted"
    DECLINED = "declined", "Declined"
    SPAM = "spam", "Spam"


# What a person may set an idea's status to (promoting is an action of its own).
IDEA_STATUSES_SETTABLE = [value for value, _ in IdeaStatus.choices if value != IdeaStatus.PROMOTED]
IDEA_STATUSES = [value for value, _ in IdeaStatus.choices]


class Idea(BaseModel):
    """Candidate work not yet on the backlog; portal submissions wait for moderation."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(max_length=200)
    problem = BoundedTextField(max_length=TEXT_LONG, blank=True, help_text="The problem it solves, in their words.")
    proposer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas")
    proposer_email = models.EmailField(max_length=254, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=IdeaStatus.choices, default=IdeaStatus.OPEN, db_index=True)
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    promoted_item = models.ForeignKey(
        "backlog.BacklogItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    promoted_initiative = models.ForeignKey(
        "roadmap.Initiative", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    embedding = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-vote_count", "-created_at", "-id"]
        indexes = [models.Index(fields=["product", "status", "-vote_count"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.proposer_id and self.product_id and self.proposer.workspace_id != self.product.workspace_id:
            raise ValidationError({"proposer": "The customer belongs to another workspace."})


class Insight(BaseModel):
    """A passage of a note linked to one backlog item, initiative or idea, with an importance."""

    workspace_path = "note__product__workspace"
    note = models.ForeignKey(FeedbackNote, on_delete=models.CASCADE, related_name="insights")
    passage = BoundedTextField(max_length=TEXT_SHORT, help_text="The words that matter, quoted from the note.")
    importance = models.CharField(max_length=10, choices=Importance.choices, default=Importance.IMPORTANT)
    item = models.ForeignKey(
        "backlog.BacklogItem", null=True, blank=True, on_delete=models.CASCADE, related_name="insights"
    )
    initiative = models.ForeignKey(
        "roadmap.Initiative", null=True, blank=True, on_delete=models.CASCADE, related_name="insights"
    )
    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.CASCADE, related_name="insights")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(item__isnull=False, initiative__isnull=True, idea__isnull=True)
                    | models.Q(item__isnull=True, initiative__isnull=False, idea__isnull=True)
                    | models.Q(item__isnull=True, initiative__isnull=True, idea__isnull=False)
                ),
                name="insight_links_exactly_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.passage[:60]

    @property
    def target(self):
        return self.item or self.initiative or self.idea

    def clean(self) -> None:
        targets = [t for t in ("item", "initiative", "idea") if getattr(self, f"{t}_id")]
        if len(targets) != 1:
            raise ValidationError("Link the passage to exactly one backlog item, initiative or idea.")
        target = getattr(self, targets[0])
        if self.note_id and target.product_id != self.note.product_id:
            raise ValidationError({targets[0]: f"The {targets[0]} belongs to another product than the note."})
        if self.note_id and self.passage and " ".join(self.passage.split()) not in " ".join(self.note.text.split()):
            raise ValidationError({"passage": PASSAGE_NOT_QUOTED})


class IdeaVote(models.Model):
    """One vote on an idea: by a signed-in member, or by a portal visitor known by a hash of their email."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    voter_key = models.CharField(max_length=64, help_text="sha256 of the voter's email or user id.")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "voter_key"], name="idea_vote_once_per_voter")]

    def __str__(self) -> str:
        return f"Vote on {self.idea_id}"

    @staticmethod
    def key_for(identity: str) -> str:
        return hashlib.sha256(identity.strip().lower().encode()).hexdigest()


class WeightBasis(models.TextChoices):
    FLAT = "flat", "Every customer weighs 1"
    SEATS = "seats", "Seats"
    REVENUE = "revenue", "Revenue (per 1,000)"


class DiscoverySettings(BaseModel):
    """A workspace's weighting of evidence and its inbound-feedback secret (derived, never stored)."""

    workspace_path = "workspace"
    workspace = models.OneToOneField(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="discovery_settings"
    )
    weight_basis = models.CharField(max_length=10, choices=WeightBasis.choices, default=WeightBasis.FLAT)
    nice_weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0"))]
    )
    important_weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("2"), validators=[MinValueValidator(Decimal("0"))]
    )
    critical_weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("3"), validators=[MinValueValidator(Decimal("0"))]
    )
    vote_weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="What one portal vote counts, like an importance.",
    )
    inbound_secret_salt = models.CharField(max_length=64, blank=True, editable=False)
    inbound_secret_hint = models.CharField(max_length=12, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "discovery settings"

    def __str__(self) -> str:
        return f"Discovery settings of {self.workspace}"


class IdeasPortal(BaseModel):
    """A product's public (or sign-in) ideas portal, reached by an unguessable slug."""

    product = models.OneToOneField("products.Product", on_delete=models.CASCADE, related_name="ideas_portal")
    slug = models.CharField(max_length=40, unique=True, editable=False)
    is_open = models.BooleanField(default=True)
    requires_sign_in = models.BooleanField(
        default=False, help_text="Only members of the workspace may submit and vote."
    )
    intro = BoundedTextField(max_length=TEXT_SHORT, blank=True)

    def __str__(self) -> str:
        return f"Ideas portal of {self.product}"


class EmbeddingKind(models.TextChoices):
    ITEM = "item", "Backlog item"
    IDEA = "idea", "Idea"


class WorkEmbedding(models.Model):
    """The embedding of an item's or idea's text, cached for suggestions; stale when the text's hash changes."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=EmbeddingKind.choices)
    object_id = models.PositiveBigIntegerField()
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="work_embedding_one_per_object"),
        ]
        indexes = [models.Index(fields=["product", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class FeedbackTheme(models.Model):
    """A cluster of a product's notes over a period, labelled by its characteristic terms (recomputed whole)."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="feedback_themes")
    period_start = models.DateField()
    period_end = models.DateField()
    label = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sentiment = models.FloatField(null=True, blank=True)
    trend = models.FloatField(default=0, help_text="Share of the notes in the second half of the period, minus ½.")
    notes = models.ManyToManyField(FeedbackNote, related_name="themes")
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-size", "id"]
        indexes = [models.Index(fields=["product", "period_start", "period_end"])]

    def __str__(self) -> str:
        return self.label
