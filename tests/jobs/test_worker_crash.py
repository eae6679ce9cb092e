"""The whole worker is killed (SIGKILL) in the middle of a long job and restarted: the job finishes.

A real `celery -A pmhub worker` and `celery -A pmhub beat` run as subprocesses on the Redis broker,
against the test database, with short recovery thresholds from the environment. The job is held
"in the middle" by the lock a second run of the same product would hold: it has started (running,
0 %) and waits, as a long step would.
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
from django.db import connection

from backlog.models import BacklogItem
from jobs.models import Job, JobState
from prioritization.services.runs import ADVISORY_NAMESPACE, product_reprioritise_start
from tests import factories as f
from tests.conftest import skip_or_fail, wait_for

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    # A session of its own, so that the worker and its pool processes are killed together.
    return subprocess.Popen(
        [CELERY, "-A", "pmhub", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


def _clear_broker() -> None:
    # The queue, and the killed worker's unacknowledged message, which would otherwise be handed to
    # the next test's worker once its visibility timeout expires.
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")


@pytest.mark.worker
def test_a_worker_killed_mid_job_and_restarted_finishes_the_job(postgres, transactional_db, tmp_path):
    from pmhub.celery import app

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        skip_or_fail("needs a Redis broker: set CELERY_BROKER_URL=redis://…")
    _clear_broker()
    product = f.ProductFactory(key="CRA")
    item = f.BacklogItemFactory(product=product, reach=100, impact=2, confidence=80, effort=4)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DEBUG": "false",
        "JOB_HEARTBEAT_TIMEOUT": "3",
        "JOB_SWEEP_INTERVAL": "1",
        "JOB_TIME_LIMIT": "30",
    }
    log = tmp_path / "celery.log"
    worker_args = ["worker", "--loglevel", "INFO", "--concurrency", "1", "--without-mingle", "--without-gossip"]
    beat = _start(["beat", "--loglevel", "INFO", "--schedule", str(tmp_path / "beat-schedule")], env, log)
    worker = _start([*worker_args, "--hostname", "first@%h"], env, log)
    restarted = None
    with connection.cursor() as cursor:  # what a second run of the product holds
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [ADVISORY_NAMESPACE, product.pk])
    locked = True
    try:
        app.conf.task_always_eager = False  # the autouse fixture restores it
        job = product_reprioritise_start(product=product, actor=None)
        assert wait_for(lambda: Job.objects.get(pk=job.pk).state == JobState.RUNNING, timeout=60), log.read_text()

        _stop(worker, signal.SIGKILL)
        killed_at = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_NAMESPACE, product.pk])
        locked = False
        job.refresh_from_db()
        assert (job.state, job.progress, job.task_name) == (
            JobState.RUNNING,
            0,
            "prioritization.tasks.product_reprioritise",
        )
        restarted = _start([*worker_args, "--hostname", "second@%h"], env, log)

        finished = wait_for(lambda: Job.objects.get(pk=job.pk).state == JobState.SUCCEEDED, timeout=60)
        elapsed = time.monotonic() - killed_at
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_NAMESPACE, product.pk])
        for process in (worker, restarted, beat):
            if process is not None:
                _stop(process)
        _clear_broker()

    job.refresh_from_db()
    assert finished, f"job still {job.state} {job.progress} % after 60 s: {job.error}\n{log.read_text()[-4000:]}"
    assert elapsed < 60
    assert job.requeues == 1 and job.attempts == 2  # the sweeper sent it again; the second worker ran it
    assert job.result["scored"] == 1 and job.error == ""
    assert BacklogItem.objects.get(pk=item.pk).rice_score is not None
