from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Per-token limit for token requests, per-user for session requests, per-address for anonymous ones.

    Rates come from settings (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api"]); a 429 carries Retry-After.
    Counters live in the default cache: with CACHE_URL pointing at Redis, every process serving the
    API counts against the same limit.

    A window opens with a client's first request and lasts the rate's period; its count grows by the
    cache's atomic increment (not DRF's read-modify-write of a request history, which concurrent
    requests of several processes would undercount).
    """

    scope = "api"
    # The count outlives its window, so that no increment can find it expired and recreate it without one.
    grace = 60

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"addr:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def get_rate(self):
        # Read at request time (not import time) so settings overrides apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        opened = self.cache.get_or_set(f"{key}:opened", now, self.duration)  # one window at a time
        count_key = f"{key}:{opened!r}"
        first = self.cache.add(count_key, 1, self.duration + self.grace)
        count = 1 if first else self.cache.incr(count_key)
        self.wait_seconds = max(opened + self.duration - now, 1)
        return count <= self.num_requests

    def wait(self) -> float:
        return self.wait_seconds
