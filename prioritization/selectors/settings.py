"""A product's prioritisation settings (defaults when it has none saved) and its default framework."""

from products.models import Product

from ..models import Framework, PrioritySettings


def settings_for(*, product: Product) -> PrioritySettings:
    """The product's settings, or unsaved defaults when it has none yet."""
    found = PrioritySettings.objects.filter(product=product).first()
    return found if found is not None else PrioritySettings(product=product)


def framework_or_default(*, product: Product, framework: str | None) -> str:
    """`framework` when it names one, else the product's default framework."""
    return framework if framework in Framework.values else settings_for(product=product).default_framework
