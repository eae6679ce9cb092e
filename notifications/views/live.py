"""Live update endpoints: the SSE stream (ASGI), the polling fallback (any server), presence."""

import logging
import re

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET, require_POST

from workspaces.selectors import workspace_access, workspace_ids_for_user

from ..live_store import live_store
from ..live_stream import event_stream, hub_for
from ..services.presence import SCOPE, presence_touch

log = logging.getLogger(__name__)
EVENT_ID = re.compile(r"^\d{1,20}(-\d{1,20})?$")


def _event_id(value: str | None) -> str | None:
    return value if value and EVENT_ID.match(value) else None


@login_required
@require_GET
def live_poll(request, workspace_id: int):
    """The polling fallback: messages after `after` (an id this endpoint gave); 304 when nothing is new.

    The ETag is the workspace's last message id, so an unchanged stream costs one small read.
    """
    workspace_access(user=request.user, workspace_id=workspace_id)
    after = _event_id(request.GET.get("after"))
    try:
        events, last, resync = live_store().read_after(workspace_id, after)
    except Exception:  # noqa: BLE001 - store down: the page keeps polling and resyncs when it is back
        log.warning("Live update store unavailable for polling", exc_info=True)
        return JsonResponse({"events": [], "last": after, "resync": False, "unavailable": True}, status=200)
    etag = f'"{last or "0"}"'
    if not events and not resync and request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = JsonResponse({"events": [{"id": i, **m} for i, m in events], "last": last, "resync": resync})
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache, private"
    return response


@login_required
@require_POST
def live_presence(request, workspace_id: int):
    workspace_access(user=request.user, workspace_id=workspace_id)
    scope = request.POST.get("scope", "")
    if not SCOPE.match(scope):
        return JsonResponse({"errors": {"scope": ["Name a page, like backlog:12."]}}, status=400)
    others = presence_touch(
        workspace_id=workspace_id, scope=scope, user=request.user, leaving=request.POST.get("leaving") == "1"
    )
    return JsonResponse({"others": others})


@sync_to_async
def _is_member(user, workspace_id: int) -> bool:
    """Checked when the stream opens and at each heartbeat. The database connection is closed at once:
    an open stream must not hold one (Django gives each ASGI request its own thread and connection,
    and hundreds of open streams would exhaust the database's connections)."""
    try:
        return workspace_ids_for_user(user=user).filter(workspace_id=workspace_id).exists()
    finally:
        connection.close()


async def live_stream(request, workspace_id: int):
    """Server-Sent Events of one workspace, for its members, under an ASGI server with LIVE_REDIS_URL set."""
    user = await request.auser()
    if not user.is_authenticated:
        return JsonResponse({"detail": "Sign in first."}, status=401)
    if not await _is_member(user, workspace_id):
        raise Http404("No such workspace.")
    if not isinstance(request, ASGIRequest) or not settings.LIVE_REDIS_URL:
        return JsonResponse({"detail": "No live stream here: poll the events endpoint."}, status=503)
    last_id = _event_id(request.headers.get("Last-Event-ID") or request.GET.get("last"))

    async def still_allowed() -> bool:
        return await _is_member(user, workspace_id)

    stream = event_stream(
        hub=hub_for(settings.LIVE_REDIS_URL),
        workspace_id=workspace_id,
        last_id=last_id if last_id and "-" in last_id else None,
        still_allowed=still_allowed,
        heartbeat=settings.LIVE_HEARTBEAT_SECONDS,
    )
    response = StreamingHttpResponse(stream, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"
    return response
