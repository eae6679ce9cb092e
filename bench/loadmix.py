"""The API load mix under 16 concurrent clients, next to a trivial view under the same load.

Mix: 60 % lists (pages of 100 by rank or by RICE score), 20 % details, 10 % PATCH, 10 % moves, on the
largest product, for LOAD_SECONDS each. Prints req/s and p50/p95/p99 and the errors (any non-2xx).
Also used by tests/deploy/test_multi_node.py against the load balancer (`mix_requests`, `hammer`).
"""

import asyncio
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", str(2 * (os.cpu_count() or 1))))
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


class _Client:
    """One client's connection: raw HTTP/1.1 over asyncio streams, kept alive when the server keeps it
    (gunicorn's sync workers close it after each response; HAProxy may keep it)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        for attempt in (1, 2):
            reused = self.writer is not None
            if not reused:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                self.writer.write(raw)
                head = await self.reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError) as error:
                await self.close()
                if reused and attempt == 1 and not getattr(error, "partial", b""):  # closed while idle: again
                    continue
                raise OSError(f"connection lost: {error!r}") from error
            break
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, close = None, False
        for header in lines[1:]:
            name, _, value = header.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection":
                close = value.strip().lower() == b"close"
        if length is None:  # no length: the body runs until the server closes
            body = await self.reader.read()
            close = True
        else:
            body = await self.reader.readexactly(length)
        if close:
            await self.close()
        return status, body


def _raw_request(host: str, method: str, path: str, headers: dict, body: dict | None) -> bytes:
    data = json.dumps(body).encode() if body is not None else b""
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Accept-Encoding: identity"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + data


def hammer(base: str, headers: dict, draw, seconds: float, clients: int = CLIENTS, headers_for=None) -> dict:
    """`clients` concurrent clients sending requests drawn by `draw` for `seconds`; latencies and error
    statuses. `headers_for(rng)`, when given, picks each request's headers (a token among several).

    Each client waits for its answer before sending its next request (a closed loop, as a user or an
    integration would). The clients share one thread (asyncio, raw HTTP/1.1): the load generator costs
    a fraction of what one thread per client with http.client did, and no client's clock runs while it
    waits for a lock (Python's GIL) rather than for the server. A request's time is from its connect
    (or its send, on a kept-alive connection) to the last byte of its answer.
    """
    return asyncio.run(_hammer(base, headers, draw, seconds, clients, headers_for))


async def _hammer(base: str, headers: dict, draw, seconds: float, clients: int, headers_for) -> dict:
    parts = urlsplit(base)
    host = f"{parts.hostname}:{parts.port}"
    latencies: list[float] = []
    errors: list[str] = []
    clock = time.perf_counter
    deadline = clock() + seconds

    async def client(n: int) -> None:
        rng = random.Random(n)
        connection = _Client(parts.hostname, parts.port)
        try:
            while clock() < deadline:
                method, path, body = draw(rng)
                raw = _raw_request(host, method, path, headers_for(rng) if headers_for else headers, body)
                started = clock()
                try:
                    status, content = await connection.send(raw)
                except OSError as error:
                    status, content = 0, str(error).encode()
                latencies.append(clock() - started)
                if not 200 <= status < 300:
                    errors.append(f"{method} {path} → {status} {content[:200]!r}")
        finally:
            await connection.close()

    started = clock()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = clock() - started
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
    cpu = f"{r['cpu_ms']:.2f} ms" if r.get("cpu_ms") is not None else "?"
    return (
        f"| {name} | {r['rps']:7.0f} | {r['p50']:6.1f} ms | {r['p95']:6.1f} ms | {r['p99']:6.1f} ms | "
        f"{r['count']:,} | {len(r['errors'])} | {cpu} |"
    )


def _workers_cpu(master: int) -> float | None:
    """CPU seconds (user + system) the gunicorn master's worker processes have used, from /proc (Linux)."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        total = 0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def measured(master: int, base: str, headers: dict, draw) -> dict:
    """hammer() for LOAD_SECONDS, with the CPU the server's workers spent a request (PostgreSQL's not
    counted): a figure that, unlike req/s, barely moves when other work shares the machine."""
    before = _workers_cpu(master)
    result = hammer(base, headers, draw, LOAD_SECONDS)
    after = _workers_cpu(master)
    ok = before is not None and after is not None and result["count"]
    result["cpu_ms"] = (after - before) / result["count"] * 1000 if ok else None
    return result


def server_command(port: int, access_log: str) -> list[str]:
    """gunicorn as deploy/k8s/web.yaml and the README's sizing run it: sync workers, 2 per core
    (the README says 2–3; BENCH_WEB_WORKERS overrides), an access log line per request."""
    return [sys.executable, "-m", "gunicorn", "pmhub.wsgi:application", "--bind", f"127.0.0.1:{port}"] + [
        "--workers",
        str(WORKERS),
        "--access-logfile",
        access_log,
        "--log-level",
        "warning",
    ]


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
    with tempfile.TemporaryDirectory(prefix="pmhub-load-") as tmp:
        server = subprocess.Popen(server_command(port, str(Path(tmp) / "access.log")), cwd=ROOT, env=env)
        try:
            wait_for_port(port)
            base = f"http://127.0.0.1:{port}"
            headers = {"Authorization": f"Bearer {token}"}
            draw = mix_requests(product.pk, item_ids)
            hammer(base, headers, draw, 3)  # warm-up: every worker has loaded its code and connection
            live = measured(server.pid, base, {}, lambda rng: ("GET", "/healthz?live=1", None))
            trivial = measured(server.pid, base, {}, lambda rng: ("GET", "/healthz", None))
            mix = measured(server.pid, base, headers, draw)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    print(
        f"\nload: {CLIENTS} clients (one asyncio thread, raw HTTP/1.1), {LOAD_SECONDS:.0f} s each, gunicorn "
        f"{WORKERS} sync workers on {os.cpu_count()} cores, product of "
        f"{BacklogItem.objects.filter(product=product).count():,} items; load average {_load_average()}"
    )
    print("| run | req/s | p50 | p95 | p99 | requests | errors | server CPU a request |")
    print("|---|---|---|---|---|---|---|---|")
    print(line("bare view (/healthz?live=1: no query)", live))
    print(line("trivial view (/healthz: database and broker checks)", trivial))
    print(line("API mix 60/20/10/10", mix))
    print(
        f"mix ÷ /healthz throughput: {mix['rps'] / trivial['rps']:.2f}× (the issue's trivial view; goal ≥ 0.5×, "
        f"p95 < 60 ms: p95 {mix['p95']:.0f} ms); mix ÷ /healthz?live=1: {mix['rps'] / live['rps']:.2f}×"
    )
    for error in (trivial["errors"] + mix["errors"])[:5]:
        print("  error:", error)


def _load_average() -> str:
    try:
        return " ".join(f"{n:.2f}" for n in os.getloadavg())
    except OSError:
        return "unknown"
