from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower

from core.bounds import DATE_WINDOW_MESSAGE, TEXT_SHORT, BoundedTextField, validate_date_in_window
from core.models import BaseModel
from workspaces.models import Workspace


class LifecycleStage(models.TextChoices):
    DISCOVERY = "discovery", "Discovery"
    PLANNING = "planning", "Planning"
    DEVELOPMENT = "development", "Development"
    LAUNCH = "launch", "Launch"
    ITERATION = "iteration", "Iteration"


class Product(BaseModel):
    workspace_path = "workspace"
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=120)
    key = models.CharField(
        max_length=10,
        validators=[
            RegexValidator(
                r"^[A-Z][A-Z0-9]{1,9}$",
                "Use 2 to 10 capital letters or digits, starting with a letter, like PAY.",
            )
        ],
        help_text="Short key used in item numbers, like PAY for PAY-42.",
    )
    description = BoundedTextField(blank=True)
    stage = models.CharField(max_length=20, choices=LifecycleStage.choices, default=LifecycleStage.DISCOVERY)
    allow_parallel_sprints = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Let several sprints run at once (several teams on one product).",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "key"],
                name="product_unique_key_per_workspace",
                violation_error_message="Another product in this workspace already uses this key.",
            ),
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                name="product_unique_name_per_workspace",
                violation_error_message="A product with this name already exists in the workspace.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} · {self.name}"


class Vision(BaseModel):
    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="vision")
    statement = BoundedTextField(
        max_length=TEXT_SHORT, help_text="Where the product is going, in one or two sentences."
    )
    target_customers = BoundedTextField(blank=True)
    problem = BoundedTextField(blank=True, help_text="The painful problem the product solves.")
    value_proposition = BoundedTextField(blank=True)
    differentiators = BoundedTextField(blank=True)
    time_horizon = models.CharField(max_length=60, blank=True, help_text="For example: 3 years.")

    def __str__(self) -> str:
        return f"Vision of {self.product}"


class ValidationStatus(models.TextChoices):
    HYPOTHESIS = "hypothesis", "Hypothesis"
    VALIDATING = "validating", "Validating"
    VALIDATED = "validated", "Validated"
    INVALIDATED = "invalidated", "Invalidated"


class Decision(models.TextChoices):
    PENDING = "pending", "Pending"
    GO = "go", "Go"
    PIVOT = "pivot", "Pivot"
    NO_GO = "no_go", "No go"


class BusinessCase(BaseModel):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="business_cases")
    title = models.CharField(max_length=200)
    problem_statement = BoundedTextField()
    validation_status = models.CharField(
        max_length=20, choices=ValidationStatus.choices, default=ValidationStatus.HYPOTHESIS
    )
    evidence = BoundedTextField(blank=True, help_text="Interviews, data and feedback that support or refute it.")
    expected_annual_benefit = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    expected_annual_cost = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    pricing_strategy = BoundedTextField(blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_date = models.DateField(
        null=True, blank=True, validators=[validate_date_in_window], help_text=DATE_WINDOW_MESSAGE
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def roi(self) -> Decimal | None:
        """Return on investment as a ratio: (benefit − cost) ÷ cost; None while the cost is zero."""
        if not self.expected_annual_cost:
            return None
        return (self.expected_annual_benefit - self.expected_annual_cost) / self.expected_annual_cost

    @property
    def roi_percent(self) -> Decimal | None:
        roi = self.roi
        return None if roi is None else (roi * 100).quantize(Decimal("0.1"))


class Persona(BaseModel):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="personas")
    name = models.CharField(max_length=120)
    description = BoundedTextField(blank=True)
    goals = BoundedTextField(blank=True)
    pains = BoundedTextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
