"""The API load mix under 16 concurrent clients, next to a trivial view under the same load.

Mix: 60 % lists (pages of 100 by rank or by RICE score), 20 % details, 10 % PATCH, 10 % moves, on the
largest product, for LOAD_SECONDS each. Prints req/s and p50/p95/p99 and the errors (any non-2xx).
Also used by tests/deploy/test_multi_node.py against the load balancer (`mix_requests`, `hammer`).
"""

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "4"))
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def request(base: str, method: str, path: str, headers: dict, body: dict | None = None) -> tuple[int, bytes]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        data = json.dumps(body).encode() if body is not None else None
        sent = {**headers, **({"Content-Type": "application/json"} if data else {})}
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def mix_requests(product_id: int, item_ids: list[int]):
    """A function rng -> (method, path, body) drawing from the mix."""

    def draw(rng: random.Random):
        roll = rng.random()
        if roll < 0.6:
            ordering = rng.choice(["rank", "rank", "-rice_score"])
            return "GET", f"/api/v1/items/?product={product_id}&page_size=100&ordering={ordering}", None
        item = rng.choice(item_ids)
        if roll < 0.8:
            return "GET", f"/api/v1/items/{item}/", None
        if roll < 0.9:
            return "PATCH", f"/api/v1/items/{item}/", {"title": f"Edited {rng.randrange(10**6)}"}
        anchor = rng.choice([other for other in item_ids if other != item] or [item])  # never itself: a 400
        return "POST", f"/api/v1/items/{item}/move/", {"before": anchor}

    return draw


def hammer(base: str, headers: dict, draw, seconds: float, clients: int = CLIENTS, headers_for=None) -> dict:
    """`clients` threads sending requests drawn by `draw` for `seconds`; latencies and error statuses.
    `headers_for(rng)`, when given, picks each request's headers (a token among several)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        rng = random.Random(n)
        mine, bad = [], []
        while time.monotonic() < deadline:
            method, path, body = draw(rng)
            started = time.perf_counter()
            try:
                sent = headers_for(rng) if headers_for else headers
                status, content = request(base, method, path, sent, body)
            except OSError as error:
                status, content = 0, str(error).encode()
            mine.append(time.perf_counter() - started)
            if not 200 <= status < 300:
                bad.append(f"{method} {path} → {status} {content[:200]!r}")
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0

    return {
        "rps": len(latencies) / elapsed,
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "count": len(latencies),
        "errors": errors,
    }


def line(name: str, r: dict) -> str:
    return (
        f"| {name} | {r['rps']:7.0f} | {r['p50']:6.1f} ms | {r['p95']:6.1f} ms | {r['p99']:6.1f} ms | "
        f"{r['count']:,} | {len(r['errors'])} |"
    )


def run(*, db_name: str, user, product) -> None:
    from django.conf import settings

    from backlog.models import BacklogItem
    from integrations.services import api_token_create

    _, token = api_token_create(user=user, name=f"bench-load-{os.getpid()}")  # a kept database has older ones
    item_ids = list(BacklogItem.objects.filter(product=product).order_by("?").values_list("id", flat=True)[:2000])
    db = settings.DATABASES["default"]
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db_name}",
        "DJANGO_SETTINGS_MODULE": "pmhub.settings",
        "DEBUG": "False",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "API_RATE_LIMIT": "1000000/min",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "pmhub.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(WORKERS), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for_port(port)
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {token}"}
        draw = mix_requests(product.pk, item_ids)
        hammer(base, headers, draw, 3)  # warm-up: every worker has loaded its code and connection
        trivial = hammer(base, {}, lambda rng: ("GET", "/healthz", None), LOAD_SECONDS)
        mix = hammer(base, headers, draw, LOAD_SECONDS)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(
        f"\nload: {CLIENTS} clients, {LOAD_SECONDS:.0f} s each, gunicorn {WORKERS} sync workers, "
        f"product of {BacklogItem.objects.filter(product=product).count():,} items"
    )
    print("| run | req/s | p50 | p95 | p99 | requests | errors |")
    print("|---|---|---|---|---|---|---|")
    print(line("trivial view (/healthz)", trivial))
    print(line("API mix 60/20/10/10", mix))
    print(f"mix ÷ trivial throughput: {mix['rps'] / trivial['rps']:.2f}× (goal ≥ 0.5×, p95 < 60 ms)")
    for error in mix["errors"][:5]:
        print("  error:", error)
