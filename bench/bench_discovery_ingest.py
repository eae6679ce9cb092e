"""Ingesting feedback notes through the API, next to a bare INSERT of the same rows, in a database of its own.

Figures printed:
- notes/s posting BENCH_NOTES (default 10,000) notes one by one to POST /api/v1/feedback/ (in-process
  WSGI through Django's test client, Bearer token): strict serializer, workspace checks, the service
  (full_clean, the one-workspace graph check, the feedback.created event and its webhook fan-out,
  one outbox row for the analysis task) and the response;
- the baseline: the same rows written by one bare parameterised INSERT each (executemany, one transaction).

The per-token throttle is lifted for the run (it would stop a client at 1,200 requests a minute), and the
outbox's relay to the broker is left out (the rows are recorded, then dropped with the database), so the
bench never puts messages on a broker it did not create. Run: `python -m bench discovery_ingest`.
"""

import os
import random
import time
from datetime import date, timedelta

import orjson
from django.conf import settings
from django.db import connection, transaction

NOTES = int(os.environ.get("BENCH_NOTES", "10000"))
SOURCES = ["support", "sales", "interview", "survey", "review", "email"]
WORDS = [
    *("refund", "export", "invoice", "slow", "crash", "login", "dark", "mode", "bulk", "faster", "report"),
    *("search", "filter", "mobile", "sync", "calendar", "integration", "billing", "seats", "audit", "onboarding"),
]


def _bodies(product_id: int, customer_ids: list[int]) -> list[dict]:
    rng = random.Random(11)
    start = date(2027, 1, 1)
    return [
        {
            "product": product_id,
            "title": f"Note {n}",
            "text": " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 80))),
            "source": rng.choice(SOURCES),
            "customer": rng.choice(customer_ids),
            "received_on": (start + timedelta(days=n % 300)).isoformat(),
            "tags": rng.sample(WORDS, 2),
        }
        for n in range(NOTES)
    ]


def _seed():
    from django.contrib.auth import get_user_model

    from discovery.models import Customer
    from integrations.services import api_token_create
    from products.models import Product
    from workspaces.models import Membership, Role, Workspace

    user = get_user_model().objects.create_user("bench", password="x")
    workspace = Workspace.objects.create(name="Bench", slug="bench")
    Membership.objects.create(workspace=workspace, user=user, role=Role.ADMIN)
    product = Product.objects.create(workspace=workspace, name="Bench", key="BEN")
    customers = Customer.objects.bulk_create(
        [Customer(workspace=workspace, name=f"Customer {n}", seats=10 + n) for n in range(100)]
    )
    _, token = api_token_create(user=user, name="bench")
    return user, product, [c.pk for c in customers], token


def _through_api(bodies: list[dict], token: str) -> float:
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    started = time.perf_counter()
    for body in bodies:
        response = client.post("/api/v1/feedback/", orjson.dumps(body), content_type="application/json")
        if response.status_code != 201:
            raise RuntimeError(f"{response.status_code}: {response.content[:300]!r}")
    return time.perf_counter() - started


def _bare_insert(bodies: list[dict], user_id: int) -> float:
    sql = (
        "INSERT INTO discovery_feedbacknote (created_at, updated_at, created_by_id, version, product_id, title, "
        "text, source, customer_id, captured_by_id, received_on, tags, link, external_id, state, sentiment_label) "
        "VALUES (now(), now(), %s, 1, %s, %s, %s, %s, %s, %s, %s, %s, '', '', 'new', '')"
    )
    rows = [
        (
            user_id,
            b["product"],
            b["title"],
            b["text"],
            b["source"],
            b["customer"],
            user_id,
            b["received_on"],
            orjson.dumps(b["tags"]).decode(),
        )
        for b in bodies
    ]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return time.perf_counter() - started


def main() -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        print("bench_discovery_ingest needs PostgreSQL: set DATABASE_URL=postgres://…")
        return
    from core import outbox
    from discovery.models import FeedbackNote
    from integrations.throttling import TokenRateThrottle

    old_name = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"bench_discovery_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    relay, allow = outbox.relay, TokenRateThrottle.allow_request
    outbox.relay = lambda **kwargs: 0
    TokenRateThrottle.allow_request = lambda self, request, view: True
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    try:
        user, product, customer_ids, token = _seed()
        bodies = _bodies(product.pk, customer_ids)
        api = _through_api(bodies, token)
        assert FeedbackNote.objects.count() == NOTES
        bare = _bare_insert(bodies, user.pk)
        assert FeedbackNote.objects.count() == 2 * NOTES
        print(f"API: {NOTES:,} notes in {api:6.1f} s = {NOTES / api:8,.0f} notes/s ({api / NOTES * 1000:.2f} ms each)")
        print(f"baseline: bare INSERT of the same rows in {bare:6.2f} s = {NOTES / bare:8,.0f} rows/s")
        print(f"API ÷ bare INSERT: {api / bare:.0f}× the time")
    finally:
        outbox.relay, TokenRateThrottle.allow_request = relay, allow
        connection.creation.destroy_test_db(old_name, verbosity=0)
