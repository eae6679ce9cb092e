"""`make bench`: run every bench/bench_*.py module's `main()` in turn.

Each benchmark prints its figure next to a baseline measured in the same run, so that the
ratio means something on a noisy machine. Benchmarks are never asserted in tests.
Run one: `python -m bench NAME` (e.g. `python -m bench api`).
"""

import importlib
import os
import pkgutil
import sys
from pathlib import Path

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmhub.settings")
    # Queues of their own on the broker (CELERY_QUEUE_PREFIX): a benchmark never takes, nor purges,
    # another installation's tasks; only these queues are purged at the end.
    os.environ.setdefault("CELERY_QUEUE_PREFIX", f"bench-{os.getpid()}-")
    django.setup()
    wanted = set(sys.argv[1:])
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    if not names:
        print("No benchmarks yet.")
    for name in names:
        if wanted and name.removeprefix("bench_") not in wanted:
            continue
        print(f"== {name}")
        try:
            importlib.import_module(f"bench.{name}").main()
        finally:
            _purge_own_queues()


def _purge_own_queues() -> None:
    from django.conf import settings

    from pmhub.celery import app

    if not settings.CELERY_BROKER_URL or not settings.CELERY_QUEUE_PREFIX.startswith("bench-"):
        return
    try:
        with app.connection_for_write() as conn:
            for queue in (settings.QUEUE_INTERACTIVE, settings.QUEUE_BULK):
                conn.default_channel.queue_purge(queue)
    except Exception as error:  # the broker may be away: nothing of ours is waiting there then
        print(f"(own queues not purged: {type(error).__name__})")


if __name__ == "__main__":
    main()
