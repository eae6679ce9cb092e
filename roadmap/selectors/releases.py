from django.db.models import Count, QuerySet

from ..models import Release


def release_list(*, product) -> QuerySet[Release]:
    return Release.objects.filter(product=product).annotate(
        initiative_count=Count("initiatives", distinct=True), item_count=Count("items", distinct=True)
    )
