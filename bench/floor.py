"""The benchmark's floor: a bare view that pages items with one keyset query and orjson.

Mounted only by bench/bench_api.py (gunicorn 'bench.floor:application_factory()'), never by the app's URLs.
"""

import os

import orjson
from django.db import connection
from django.http import HttpResponse

FK_FIELDS = ("product", "parent", "initiative", "release", "sprint", "owner")


def _default(value):
    return str(value)


def items_floor(request):
    from backlog.serializers import ITEM_VALUE_FIELDS

    columns = ", ".join(f"{n}_id" if n in FK_FIELDS else n for n in ITEM_VALUE_FIELDS)
    product_id = int(request.GET["product"])
    after = int(request.GET.get("after", -(2**62)))
    size = int(request.GET.get("page_size", 500))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM backlog_backlogitem WHERE product_id = %s AND rank > %s ORDER BY rank LIMIT %s",
            [product_id, after, size],
        )
        names = ITEM_VALUE_FIELDS
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    body = {"next": rows[-1]["rank"] if len(rows) == size else None, "results": rows}
    return HttpResponse(orjson.dumps(body, default=_default, option=orjson.OPT_UTC_Z), content_type="application/json")


def application_factory():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmhub.settings")
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    settings.ROOT_URLCONF = "bench.floor_urls"
    return app


def serializer_view():
    """For comparison: the same pages through an ordinary DRF list (ItemSerializer, prefetch)."""
    from rest_framework.generics import ListAPIView

    from backlog.apis import ItemViewSet
    from backlog.serializers import ItemSerializer
    from core.pagination import KeysetPagination

    class ItemSerializerList(ListAPIView):
        serializer_class = ItemSerializer
        pagination_class = KeysetPagination
        keyset_orderings = ("rank",)
        keyset_default = "rank"

        def get_queryset(self):
            items = ItemViewSet(request=self.request, action="list")
            return items.scope(items.base_queryset()).filter(product_id=int(self.request.query_params["product"]))

    return ItemSerializerList.as_view()
