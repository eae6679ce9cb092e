"""Two web instances and two workers, as separate processes, behind HAProxy, against one PostgreSQL
reached through PgBouncer in transaction mode and one Redis: the deployment README's "Scaling out".

Under the API load mix (lists, details, PATCH, moves) no request fails; a session signed in on one
instance is honoured by the other; the API rate limit counts across instances (cache on Redis);
the side effects of writes reach the workers of both queues (interactive and bulk).
Needs haproxy and pgbouncer (Debian packages; .ci/run installs them) and Redis.
"""

import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection, transaction

from bench.loadmix import free_port, hammer, mix_requests, request, wait_for_port
from core.models import OutboxMessage
from integrations.services import api_token_create
from jobs.models import Job, JobState
from prioritization.services import product_reprioritise_start
from tests import factories as f
from tests.conftest import skip_or_fail, wait_for

pytestmark = pytest.mark.worker
ROOT = Path(__file__).resolve().parent.parent.parent
RATE = 40  # API requests a token may make a minute
LOAD_TOKENS = 150


def _start(args, env, log: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, **kwargs)


def _stop(processes) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def bouncer_dir():
    """A directory PgBouncer can read after dropping to `nobody` (pytest's tmp_path is private)."""
    path = Path(tempfile.mkdtemp(prefix="pmhub-bouncer-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def cluster(transactional_db, tmp_path, bouncer_dir):
    tools = {tool: shutil.which(tool) or f"/usr/sbin/{tool}" for tool in ("haproxy", "pgbouncer")}
    for tool, path in tools.items():
        if not Path(path).exists():
            skip_or_fail(f"needs {tool} (apt-get install -y haproxy pgbouncer)")
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        skip_or_fail("needs a Redis broker: set CELERY_BROKER_URL=redis://…")
    db = connection.settings_dict
    bouncer_port, lb_port = free_port(), free_port()
    webs = [free_port(), free_port()]
    (bouncer_dir / "pgbouncer.ini").write_text(
        f"[databases]\n{db['NAME']} = host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} dbname={db['NAME']}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {bouncer_port}\nauth_type = trust\n"
        f"auth_file = {bouncer_dir}/users.txt\npool_mode = transaction\ndefault_pool_size = 10\n"
        "max_client_conn = 200\nunix_socket_dir =\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
    )
    (bouncer_dir / "users.txt").write_text(f'"{db["USER"]}" ""\n')
    servers = "\n".join(f"    server web{n} 127.0.0.1:{port} check inter 1s" for n, port in enumerate(webs))
    (tmp_path / "haproxy.cfg").write_text(
        "global\n    maxconn 256\ndefaults\n    mode http\n    timeout connect 5s\n    timeout check 5s\n"
        "    timeout client 60s\n"
        f"    timeout server 60s\nfrontend pmhub\n    bind 127.0.0.1:{lb_port}\n    default_backend webs\n"
        "backend webs\n    balance roundrobin\n    option httpchk GET /healthz?live=1\n"
        "    http-check send hdr Host localhost\n    http-response set-header X-Served-By %s\n"
        f"{servers}\n"
    )
    prefix = f"mn{os.getpid()}-"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{bouncer_port}/{db['NAME']}",
        "DB_DISABLE_SERVER_SIDE_CURSORS": "true",
        "CACHE_URL": settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/11",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_QUEUE_PREFIX": prefix,
        "DJANGO_SETTINGS_MODULE": "pmhub.settings",
        "DEBUG": "false",
        "SECRET_KEY": "multi-node-test-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "API_RATE_LIMIT": f"{RATE}/min",
        "LOG_LEVEL": "WARNING",
    }
    processes = []
    try:
        processes.append(
            _start([tools["pgbouncer"], "-u", "nobody", str(bouncer_dir / "pgbouncer.ini")], env, tmp_path / "b.out")
        )
        wait_for_port(bouncer_port)
        for n, port in enumerate(webs):
            gunicorn = [sys.executable, "-m", "gunicorn", "pmhub.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            processes.append(_start([*gunicorn, "--workers", "2"], env, tmp_path / f"web{n}.log"))
        for queue in ("interactive", "bulk"):
            worker = [sys.executable, "-m", "celery", "-A", "pmhub", "worker", "-Q", prefix + queue, "--pool", "solo"]
            processes.append(_start([*worker, "--hostname", f"{prefix}{queue}@%h"], env, tmp_path / f"{queue}.log"))
        balancer = [tools["haproxy"], "-db", "-f", str(tmp_path / "haproxy.cfg")]
        processes.append(_start(balancer, env, tmp_path / "lb.log"))
        for port in [*webs, lb_port]:
            wait_for_port(port)
        # Each worker process loads the whole app on its first request (seconds on a busy machine): warm
        # every instance up directly, then wait until the balancer sees both healthy again.
        for port in webs:
            web = f"http://127.0.0.1:{port}"
            for _ in range(4):  # both sync workers of the instance
                assert wait_for(lambda web=web: request(web, "GET", "/accounts/login/", {})[0] == 200, timeout=90)
        base = f"http://127.0.0.1:{lb_port}"
        assert wait_for(lambda: request(base, "GET", "/healthz", {})[0] == 200, timeout=60)
        assert wait_for(lambda: len(_served_by(base, "/healthz", {}, 6)[0]) == 2, timeout=60)
        yield {"base": base, "prefix": prefix, "tmp": tmp_path}
    finally:
        _stop(processes)


def _served_by(base: str, path: str, headers: dict, times: int) -> tuple[set[str], list[int]]:
    import http.client
    from urllib.parse import urlsplit

    parts, backends, statuses = urlsplit(base), set(), []
    for _ in range(times):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        backends.add(response.getheader("X-Served-By"))
        statuses.append(response.status)
        conn.close()
    return backends, statuses


def _sign_in(base: str, username: str, password: str) -> str:
    import http.client
    from urllib.parse import urlencode, urlsplit

    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    cookies = {c.split("=", 1)[0]: c.split(";", 1)[0].split("=", 1)[1] for c in response.headers.get_all("Set-Cookie")}
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    conn.close()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookies['csrftoken']}",
        "Referer": f"{base}/accounts/login/",
    }
    conn.request("POST", "/accounts/login/", body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    assert response.status == 302, response.status
    session = [c for c in response.headers.get_all("Set-Cookie") if c.startswith("sessionid=")]
    conn.close()
    return session[0].split(";", 1)[0]


def test_two_web_instances_and_two_workers_behind_a_load_balancer(cluster, world):
    base = cluster["base"]
    product = world.product
    items = [f.BacklogItemFactory(product=product, title=f"Item {n}") for n in range(40)]
    ids = [item.pk for item in items]

    # A session signed in through one instance is honoured by both. (The suite hashes passwords
    # with MD5 for speed; the servers know only the real hashers.)
    admin = world.users["admin"]
    admin.password = PBKDF2PasswordHasher().encode(f.PASSWORD, PBKDF2PasswordHasher().salt())
    admin.save(update_fields=["password"])
    cookie = _sign_in(base, admin.username, f.PASSWORD)
    backends, statuses = _served_by(base, f"/products/{product.pk}/items/", {"Cookie": cookie}, 6)
    assert backends == {"web0", "web1"} and set(statuses) == {200}

    # The rate limit counts one token's requests on both instances together (cache on Redis).
    _, limited = api_token_create(user=world.users["viewer"], name="limited")
    backends, statuses = _served_by(
        base, f"/api/v1/items/?product={product.pk}", {"Authorization": f"Bearer {limited}"}, RATE + 10
    )
    assert backends == {"web0", "web1"}
    assert statuses.count(200) == RATE and statuses.count(429) == 10

    # The load mix under tokens taken in turn, so that none nears the limit: 150 tokens of 40 a minute
    # carry 6,000 requests in these 6 s, far more than 2 cores serve (drawn at random, a fast machine
    # pushed the busiest of 60 tokens past 40). No request fails.
    tokens = itertools.cycle(
        [api_token_create(user=world.users["admin"], name=f"load {n}")[1] for n in range(LOAD_TOKENS)]
    )
    results = hammer(
        base,
        {},
        mix_requests(product.pk, ids),
        seconds=6,
        clients=8,
        headers_for=lambda rng: {"Authorization": f"Bearer {next(tokens)}"},
    )
    assert results["count"] < LOAD_TOKENS * RATE  # so the test still checks what it says
    assert results["errors"] == [] and results["count"] > 20

    # Side effects reach the workers of both queues: a check-in's rollup (interactive queue) and a
    # re-prioritisation (bulk queue) run to the end; every outbox message is done.
    key_result = f.KeyResultFactory(objective=f.ObjectiveFactory(workspace=world.workspace))
    status, body = request(
        base,
        "POST",
        f"/api/v1/key-results/{key_result.pk}/check-in/",
        {"Authorization": f"Bearer {next(tokens)}"},
        {"value": "30", "confidence": 40},
    )
    assert status == 201, body
    with transaction.atomic():
        job = product_reprioritise_start(product=product, actor=world.users["admin"])
    assert wait_for(lambda: Job.objects.get(pk=job.pk).state == JobState.SUCCEEDED, timeout=60)
    assert wait_for(lambda: not OutboxMessage.objects.filter(done_at__isnull=True).exists(), timeout=60)
