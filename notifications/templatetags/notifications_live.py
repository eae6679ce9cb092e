from django import template
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("notifications/_partials/live_config.html", takes_context=True)
def live_config(context, scope: str, regions: str = "", replace: str = ""):
    """The data attributes live.js reads: where to listen (SSE under ASGI with Redis, else polling), what to refresh."""
    request = context.get("request")
    product = context.get("product")
    workspace = context.get("workspace")
    workspace_id = product.workspace_id if product is not None else getattr(workspace, "pk", None)
    if request is None or workspace_id is None or not request.user.is_authenticated:
        return {"enabled": False}
    sse = isinstance(request, ASGIRequest) and bool(settings.LIVE_REDIS_URL)
    kwargs = {"workspace_id": workspace_id}
    return {
        "enabled": True,
        "workspace_id": workspace_id,
        "product_id": getattr(product, "pk", ""),
        "scope": f"{scope}:{getattr(product, 'pk', None) or workspace_id}",
        "me": request.user.pk,
        "stream_url": reverse("notifications:live_stream", kwargs=kwargs) if sse else "",
        "poll_url": reverse("notifications:live_poll", kwargs=kwargs),
        "presence_url": reverse("notifications:live_presence", kwargs=kwargs),
        "interval": settings.LIVE_POLL_SECONDS * 1000,
        "regions": regions,
        "replace": replace,
    }
