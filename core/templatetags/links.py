"""`{% pk_url "backlog:item_detail" item.pk product_id=product.pk %}`: the `{% url %}` of a row's link,
without a reverse() per row (core.links). For lists that link every row."""

from django import template

from core.links import pk_url_cached

register = template.Library()


@register.simple_tag
def pk_url(viewname: str, pk, **scope) -> str:
    return pk_url_cached(viewname, pk, **scope)
