"""The worker dies in the middle of an import and is restarted: the import finishes, once.

A real `celery -A pmhub worker` and `celery -A pmhub beat` run as subprocesses on the Redis broker,
against the test database, with short recovery thresholds. The import is held "in the middle" by the
lock a second run of the same import would hold: it has started (running) inside its transaction and
waits. The worker is killed (SIGKILL), so PostgreSQL drops its open transaction; the sweeper sends the
job again and a new worker runs it from a clean slate.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from backlog.models import BacklogItem
from jobs.models import Job, JobState
from tests import factories as f
from tests.conftest import skip_or_fail, wait_for
from transfer.models import ImportBatch, ImportedObject
from transfer.services.batches import import_batch_create, import_start
from transfer.services.runs import ADVISORY_NAMESPACE, import_run
from workspaces.models import Role

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
CSV = b"key,title\n" + b"".join(f"K-{n},Item {n}\n".encode() for n in range(1, 301))


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [CELERY, "-A", "pmhub", *args], cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


def _clear_broker() -> None:
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")


def _lock(batch_id: int, take: bool) -> None:
    with connection.cursor() as cursor:
        verb = "pg_advisory_lock" if take else "pg_advisory_unlock"
        cursor.execute(f"SELECT {verb}(%s, %s)", [ADVISORY_NAMESPACE, batch_id])


@pytest.mark.worker
def test_an_import_whose_worker_is_killed_finishes_once_after_a_restart(postgres, transactional_db, tmp_path):
    from pmhub.celery import app

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        skip_or_fail("needs a Redis broker: set CELERY_BROKER_URL=redis://…")
    _clear_broker()
    user = f.UserFactory(username="importer")
    product = f.ProductFactory(key="CRA")
    f.MembershipFactory(workspace=product.workspace, user=user, role=Role.ADMIN)
    batch = import_batch_create(product=product, files=[SimpleUploadedFile("plan.csv", CSV)], actor=user)
    dry = import_start(batch=batch, actor=user, dry_run=True)
    import_run(batch_id=batch.pk, job_id=dry.pk, dry_run=True, actor_id=user.pk)  # the dry run, here
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DEBUG": "false",
        "JOB_HEARTBEAT_TIMEOUT": "3",
        "JOB_SWEEP_INTERVAL": "1",
        "JOB_TIME_LIMIT": "60",
    }
    log = tmp_path / "celery.log"
    worker_args = ["worker", "--loglevel", "INFO", "--concurrency", "1", "--without-mingle", "--without-gossip"]
    beat = _start(["beat", "--loglevel", "INFO", "--schedule", str(tmp_path / "beat-schedule")], env, log)
    worker = _start([*worker_args, "--hostname", "first@%h"], env, log)
    restarted = None
    _lock(batch.pk, True)
    locked = True
    try:
        app.conf.task_always_eager = False  # the autouse fixture restores it
        job = import_start(batch=batch, actor=user, dry_run=False)
        assert wait_for(lambda: Job.objects.get(pk=job.pk).state == JobState.RUNNING, timeout=60), log.read_text()
        time.sleep(0.5)  # the worker is inside the import's transaction, waiting for the lock

        _stop(worker, signal.SIGKILL)
        _lock(batch.pk, False)
        locked = False
        assert not BacklogItem.objects.filter(product=product).exists()  # the killed transaction left nothing
        restarted = _start([*worker_args, "--hostname", "second@%h"], env, log)

        finished = wait_for(lambda: Job.objects.get(pk=job.pk).state == JobState.SUCCEEDED, timeout=90)
    finally:
        if locked:
            _lock(batch.pk, False)
        for process in (worker, restarted, beat):
            if process is not None:
                _stop(process)
        _clear_broker()

    job.refresh_from_db()
    assert finished, f"job still {job.state} {job.progress} %: {job.error}\n{log.read_text()[-4000:]}"
    assert job.requeues >= 1 and job.attempts >= 2
    assert BacklogItem.objects.filter(product=product).count() == 300  # once, not twice
    assert ImportedObject.objects.filter(product=product).count() == 300
    assert ImportBatch.objects.get(pk=batch.pk).state == "done"
    assert job.result["created"] == 300
