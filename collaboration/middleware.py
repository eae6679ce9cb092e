"""Who made a change: the request's user, URL and workspace travel with every history event it causes.

pghistory's middleware opens a context for each writing request (POST, PUT, PATCH, DELETE) and follows
the user that DRF authenticates later (a Bearer token); this one adds the workspace or product the URL
names. On SQLite, where no trigger records history, it does nothing.
"""

import pghistory
from django.conf import settings
from django.contrib import messages
from pghistory.middleware import HistoryMiddleware

from .models import TrashEntry
from .services.trash import trashed_now


class HistoryContextMiddleware(HistoryMiddleware):
    def __call__(self, request):
        if not settings.HISTORY_RECORDED:
            return self.get_response(request)
        return super().__call__(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.HISTORY_RECORDED or request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return None
        scope = {k: v for k, v in view_kwargs.items() if k in ("workspace_id", "product_id") and isinstance(v, int)}
        if scope:
            pghistory.context(**scope)
        return None


class TrashUndoMiddleware:
    """After a page deleted something into the trash, its next page offers Undo (a message with a button).

    Only for browser form posts answered by a redirect: the API answers 204 and lists the trash itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or request.path.startswith("/api/"):
            return self.get_response(request)
        token = trashed_now.set([])
        try:
            response = self.get_response(request)
            made = trashed_now.get()
        finally:
            trashed_now.reset(token)
        if made and response.status_code in (301, 302, 303):
            for entry in TrashEntry.objects.filter(pk__in=made).only("pk", "title"):
                messages.info(request, f"“{entry.title}” is in the trash.", extra_tags=f"undo trash-{entry.pk}")
        return response
