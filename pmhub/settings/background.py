"""Celery, background jobs and webhooks; the line PMHub logs at start about what it runs on."""

from celery.schedules import crontab
from kombu import Queue

from .base import DATABASES, DEBUG, SECRET_KEY, SECRET_KEY_FILE, TIME_ZONE, env

# Celery: with no broker configured, tasks run in-process at once (eagerly).
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE

# Queues by latency. "interactive": what a user waits to see (scores, webhooks, notifications, rollups
# after a check-in, the sweepers); "bulk": long runs (re-prioritisation, imports, clustering, nightly
# recomputes), so that a 100,000-item re-score never delays a webhook. A task is routed by its name
# (glob patterns allowed): a new task is routed by adding its name here; an unlisted one goes to
# "interactive". Workers take both queues unless started with -Q (docker-compose and deploy/k8s run
# one pool per queue). CELERY_QUEUE_PREFIX gives a benchmark or a second installation sharing a
# broker queues of its own.
CELERY_QUEUE_PREFIX = env("CELERY_QUEUE_PREFIX", default="")
QUEUE_INTERACTIVE = f"{CELERY_QUEUE_PREFIX}interactive"
QUEUE_BULK = f"{CELERY_QUEUE_PREFIX}bulk"
TASK_QUEUES_BY_NAME = {
    "prioritization.tasks.item_custom_score_recompute": QUEUE_INTERACTIVE,
    "integrations.tasks.*": QUEUE_INTERACTIVE,
    "notifications.tasks.*": QUEUE_INTERACTIVE,
    "okrs.tasks.okr_rollup": QUEUE_INTERACTIVE,
    "okrs.tasks.kpi_rollup": QUEUE_INTERACTIVE,
    "core.tasks.*": QUEUE_INTERACTIVE,
    "jobs.tasks.*": QUEUE_INTERACTIVE,
    "prioritization.tasks.product_reprioritise": QUEUE_BULK,
    "okrs.tasks.okr_recompute_job": QUEUE_BULK,
    "okrs.tasks.okr_nightly_rollup": QUEUE_BULK,
    "okrs.tasks.okr_rollup_and_snapshot": QUEUE_BULK,
    "transfer.tasks.*": QUEUE_BULK,
    "discovery.tasks.*": QUEUE_BULK,
}
CELERY_TASK_DEFAULT_QUEUE = QUEUE_INTERACTIVE
CELERY_TASK_QUEUES = [Queue(QUEUE_INTERACTIVE), Queue(QUEUE_BULK)]
CELERY_TASK_ROUTES = {name: {"queue": queue} for name, queue in TASK_QUEUES_BY_NAME.items()}

# Background jobs. JOB_TIME_LIMIT is the time the longest job is allowed: a task gets a soft limit
# there (it fails with a reason) and a hard one a minute later, and the broker hands a message to
# another worker only once its first delivery has surely ended (Redis' visibility timeout, one
# hour by default, is how long a killed worker's job waited). A running job that shows no sign of
# life for JOB_HEARTBEAT_TIMEOUT seconds, or a pending one nobody picked up within
# JOB_PENDING_TIMEOUT, is sent again (at most JOB_MAX_REQUEUES times) or failed by the sweeper,
# which beat runs every JOB_SWEEP_INTERVAL seconds.
JOB_TIME_LIMIT = env.int("JOB_TIME_LIMIT", default=30 * 60)
JOB_HEARTBEAT_TIMEOUT = env.int("JOB_HEARTBEAT_TIMEOUT", default=5 * 60)
JOB_PENDING_TIMEOUT = env.int("JOB_PENDING_TIMEOUT", default=15 * 60)
JOB_MAX_REQUEUES = env.int("JOB_MAX_REQUEUES", default=2)
JOB_SWEEP_INTERVAL = env.float("JOB_SWEEP_INTERVAL", default=60.0)
CELERY_TASK_SOFT_TIME_LIMIT = JOB_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = JOB_TIME_LIMIT + 60

CELERY_BEAT_SCHEDULE: dict = {
    # Recompute every OKR figure and store the day's snapshot (trends need one point a day).
    "okrs-nightly-rollup": {"task": "okrs.tasks.okr_nightly_rollup", "schedule": crontab(hour=2, minute=15)},
    # Send what the transactional outbox still holds (the broker was down when the write committed).
    "outbox-sweep": {"task": "core.tasks.outbox_sweep", "schedule": env.int("OUTBOX_SWEEP_SECONDS", default=15)},
    # Re-run or fail the jobs whose worker died, and the ones no worker picked up.
    "jobs-sweep-stale": {"task": "jobs.tasks.jobs_sweep_stale", "schedule": JOB_SWEEP_INTERVAL},
    # The daily email digest of notifications not mailed at once (the time is the workspace's TIME_ZONE).
    "notifications-daily-digest": {
        "task": "notifications.tasks.notifications_daily_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    # The weekly "what changed on the roadmap" email to each product's stakeholders.
    "notifications-weekly-stakeholder-update": {
        "task": "notifications.tasks.stakeholder_updates_weekly",
        "schedule": crontab(day_of_week="mon", hour=7, minute=30),
    },
    # Delete for good what has been in the trash for more than 30 days.
    "trash-purge": {"task": "collaboration.tasks.trash_purge_old", "schedule": crontab(minute=40)},
    # Ask for the outcome reviews of shipped work whose chosen day has come.
    "delivery-outcome-reviews-due": {
        "task": "delivery.tasks.outcome_reviews_due",
        "schedule": crontab(hour=6, minute=30),
    },
}
# Delivery: how long after shipping an outcome review is asked for, and the forecasts' history window.
OUTCOME_REVIEW_DELAY_DAYS = env.int("OUTCOME_REVIEW_DELAY_DAYS", default=30)
FORECAST_WINDOW_DAYS = env.int("FORECAST_WINDOW_DAYS", default=90)

# Links in emails (notifications, digests, unsubscribe) start with SITE_URL: the address users reach PMHub at.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Live updates: with LIVE_REDIS_URL (redis://…) writes are pushed to pages over Server-Sent Events when
# PMHub runs under an ASGI server (uvicorn pmhub.asgi:application); without it, or under WSGI, pages poll.
LIVE_REDIS_URL = env("LIVE_REDIS_URL", default="")
LIVE_STREAM_LENGTH = env.int("LIVE_STREAM_LENGTH", default=500)  # messages kept per workspace for catch-up
LIVE_POLL_SECONDS = env.int("LIVE_POLL_SECONDS", default=3)  # the polling fallback's interval
LIVE_HEARTBEAT_SECONDS = env.int("LIVE_HEARTBEAT_SECONDS", default=15)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message a worker took but never acknowledged (it died) is handed out again after this.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
    # A broker that is down answers quickly: a write's relay gives up at once and leaves the message to the sweeper.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# A webhook retry waits at most this long: less than the visibility timeout, so that a worker holding
# a delayed retry never sees it handed to another worker as well.
WEBHOOK_RETRY_MAX_SECONDS = min(env.int("WEBHOOK_RETRY_MAX_SECONDS", default=20 * 60), CELERY_TASK_TIME_LIMIT)

WEBHOOK_ALLOW_PRIVATE_TARGETS = env("WEBHOOK_ALLOW_PRIVATE_TARGETS")
WEBHOOK_PAUSE_AFTER_FAILURES = env.int("WEBHOOK_PAUSE_AFTER_FAILURES", default=10)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)

_db_engine = DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
STARTUP_NOTE = (
    f"PMHub: DEBUG {'on' if DEBUG else 'off (set DEBUG=true for the debug pages)'}; database={_db_engine}"
    + ("" if env("SECRET_KEY") == SECRET_KEY else f"; secret key kept in {SECRET_KEY_FILE}")
    + ("; no persistent database connections" if DATABASES["default"].get("CONN_MAX_AGE") == 0 else "")
    + "; "
    + (
        "Celery broker not set (CELERY_BROKER_URL): tasks run in-process, eagerly."
        if CELERY_TASK_ALWAYS_EAGER
        else "Celery broker configured: tasks are sent to workers."
    )
)

# Discovery: abuse limits of the public ideas portal (per client address) and of the inbound feedback endpoint.
IDEAS_PORTAL_SUBMITS_PER_HOUR = env.int("IDEAS_PORTAL_SUBMITS_PER_HOUR", default=5)
IDEAS_PORTAL_VOTES_PER_HOUR = env.int("IDEAS_PORTAL_VOTES_PER_HOUR", default=30)
INBOUND_FEEDBACK_PER_MINUTE = env.int("INBOUND_FEEDBACK_PER_MINUTE", default=120)
