"""The demo workspace's content: users, products, personas and the words its backlog is written with."""

from okrs.models import Direction
from products.models import LifecycleStage
from workspaces.models import Role

DEMO_SLUG = "acme-demo"
DEMO_PASSWORD = "pmhub-demo-2026"
DEMO_USERS = [
    ("admin", Role.ADMIN, "Ada", "Admin"),
    ("pm", Role.PRODUCT_MANAGER, "Priya", "Manager"),
    ("po", Role.PRODUCT_OWNER, "Oscar", "Owner"),
    ("dev", Role.CONTRIBUTOR, "Dana", "Developer"),
    ("exec", Role.EXECUTIVE, "Erin", "Executive"),
    ("viewer", Role.VIEWER, "Victor", "Viewer"),
]

PRODUCTS = [
    {
        "name": "Payments",
        "key": "PAY",
        "stage": LifecycleStage.DEVELOPMENT,
        "description": "Checkout, invoicing and payouts for small online shops.",
        "vision": {
            "statement": "Every small shop gets paid in one click, anywhere in Europe.",
            "target_customers": "Online shops with 1–50 employees selling across EU borders.",
            "problem": "Checkout abandonment and slow payouts eat small shops' margins.",
            "value_proposition": "A checkout that converts and payouts the next day, with no finance team needed.",
            "differentiators": "Local payment methods out of the box; next-day payouts; transparent fees.",
            "time_horizon": "3 years",
        },
        "themes": [
            ("Faster checkout", "#4f46e5"),
            ("Trust and compliance", "#059669"),
            ("Payouts", "#d97706"),
            ("Merchant insights", "#db2777"),
        ],
        "epics": [
            "One-click checkout",
            "Local payment methods",
            "Next-day payouts",
            "Fraud screening",
            "Invoicing",
            "Merchant dashboard",
        ],
        "kpis": [
            ("Checkout conversion", "%", Direction.INCREASE, 61, 0.06),
            ("Monthly churn", "%", Direction.DECREASE, 4.2, -0.02),
            ("Net revenue", "kEUR", Direction.INCREASE, 320, 4.0),
        ],
    },
    {
        "name": "Mobile App",
        "key": "APP",
        "stage": LifecycleStage.LAUNCH,
        "description": "The shop owner's companion app: orders, stock and payouts on the go.",
        "vision": {
            "statement": "Run your shop from your pocket.",
            "target_customers": "Shop owners who are away from their desk most of the day.",
            "problem": "Owners miss orders and stock-outs when they are not at a computer.",
            "value_proposition": "Real-time orders, stock alerts and payouts in one app.",
            "differentiators": "Offline-first; works with the Payments product out of the box.",
            "time_horizon": "2 years",
        },
        "themes": [
            ("Onboarding", "#0ea5e9"),
            ("Order management", "#8b5cf6"),
            ("Notifications", "#f59e0b"),
            ("Performance", "#10b981"),
        ],
        "epics": ["Guided onboarding", "Order inbox", "Push alerts", "Offline mode", "Stock scanner", "App start time"],
        "kpis": [
            ("Activation rate", "%", Direction.INCREASE, 38, 0.1),
            ("NPS", "pts", Direction.INCREASE, 21, 0.15),
            ("Crash-free sessions", "%", Direction.INCREASE, 98.1, 0.01),
        ],
    },
]

PERSONAS = [
    (
        "Sofia, the solo shop owner",
        "Runs a ceramics shop alone.",
        "Get paid fast; spend no time on admin.",
        "Unclear fees; payouts that take a week.",
    ),
    (
        "Marco, the growing merchant",
        "Ten employees, sells in five countries.",
        "Sell abroad without friction.",
        "Customers abandon checkout when their payment method is missing.",
    ),
    (
        "Lena, the finance lead",
        "Keeps the books of a mid-size shop.",
        "Reconcile payouts in minutes.",
        "Exports that do not match the bank statement.",
    ),
]

STORY_TEMPLATES = [
    ("shop owner", "to {verb} {thing}", "I spend less time on {area}"),
    ("customer", "to {verb} {thing} quickly", "I finish my purchase without friction"),
    ("finance lead", "to {verb} {thing} in one place", "reconciliation takes minutes, not hours"),
]
VERBS = ["see", "filter", "export", "pay with", "retry", "configure", "share", "search"]
THINGS = [
    "my payouts",
    "failed payments",
    "saved cards",
    "invoices",
    "refunds",
    "order history",
    "stock levels",
    "fees",
    "disputes",
    "alerts",
]
BUGS = [
    "Totals round wrongly for JPY",
    "Timeout on large CSV export",
    "Push alert shown twice",
    "Date picker ignores locale",
    "Crash when the camera permission is denied",
    "Slow search on 10k orders",
]
CHORES = [
    "Upgrade the payment SDK",
    "Rotate webhook secrets",
    "Remove the legacy checkout flag",
    "Add tracing to payouts",
]
