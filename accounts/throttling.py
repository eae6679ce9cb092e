"""Sign-in throttling (django-axes): whose failures count together, and what a locked-out person reads."""

from django.conf import settings
from django.shortcuts import render


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind AXES_TRUSTED_PROXY_COUNT proxies the address the
    outermost of them saw (the last entries of X-Forwarded-For are the ones those proxies appended)."""
    count = settings.AXES_TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """429 with a page that says what happened, for how long, and what to do meanwhile."""
    return render(
        request,
        "accounts/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )
