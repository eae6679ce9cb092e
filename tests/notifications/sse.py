"""A small Server-Sent Events reader for tests: connect with a session cookie, read events with a timeout."""

import contextlib
import http.client
import json
import queue
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class EventStream:
    """Reads the stream in a thread (blocking reads), hands whole events over a queue."""

    def __init__(self, base: str, path: str, cookie: str | None, last_event_id: str | None = None):
        url = urlsplit(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        headers = {"Accept": "text/event-stream"}
        if cookie:
            headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.conn.request("GET", path, headers=headers)
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.events: queue.Queue = queue.Queue()
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event: dict = {}
        try:
            while True:
                raw = self.response.readline()
                if not raw:
                    return
                line = raw.decode().rstrip("\r\n")
                if line == "":
                    if event.get("event"):
                        self.events.put(event)
                    event = {}
                elif not line.startswith(":") and not line.startswith("retry:"):
                    field, _, value = line.partition(": ")
                    event[field] = json.loads(value) if field == "data" else value
        except (OSError, ValueError, AttributeError):
            return

    def next_event(self, timeout: float = 5.0) -> dict | None:
        """The next named event (comments and heartbeats skipped): {"event", "id", "data"}; None on timeout."""
        try:
            return self.events.get(timeout=max(timeout, 0.01))
        except queue.Empty:
            return None

    def changes(self, timeout: float, count: int | None = None) -> list[dict]:
        """The change events that arrive within `timeout` seconds (stops early once `count` arrived)."""
        found = []
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0 and (count is None or len(found) < count):
            event = self.next_event(timeout=left)
            if event is None:
                break
            if event["event"] == "change":
                found.append(event)
        return found

    def close(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            self.conn.sock.shutdown(2)
        self.conn.close()
