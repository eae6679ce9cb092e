from django.db.models import Count, QuerySet

from ..models import Theme


def theme_list(*, product) -> QuerySet[Theme]:
    return Theme.objects.filter(product=product).annotate(initiative_count=Count("initiatives"))
