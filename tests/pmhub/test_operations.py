"""What an operator relies on: health checks, compose file, safe production settings, the demo data."""

import io
from pathlib import Path

import yaml
from django.core.management import call_command
from django.urls import reverse

from backlog.models import AcceptanceCriterion, BacklogItem, Sprint
from okrs.models import KPI, KeyResult, Measurement, Objective
from products.models import Product, Vision
from roadmap.models import Initiative, Theme
from workspaces.models import Membership, Workspace

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_the_database_and_the_broker(db, client, settings):
    response = client.get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok" and body["database"] == "ok"
    assert "broker" in body


def test_healthz_says_when_the_broker_is_down(db, client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


def test_compose_defines_the_services_with_the_shared_environment():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker-interactive", "worker-bulk", "beat", "postgres", "redis"} <= set(services)
    assert "uvicorn pmhub.asgi:application" in services["web"]["command"]  # ASGI: live updates over SSE
    assert services["web"]["environment"]["LIVE_REDIS_URL"].startswith("redis://")
    for queue in ("interactive", "bulk"):  # one worker pool per queue (CELERY_TASK_ROUTES)
        assert f"celery -A pmhub worker -Q {queue}" in services[f"worker-{queue}"]["command"]
    assert "celery -A pmhub beat" in services["beat"]["command"]
    for name in ("web", "worker-interactive", "worker-bulk", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and env["CELERY_BROKER_URL"].startswith("redis://")
    assert "/healthz" in str(services["web"]["healthcheck"]["test"])


def test_compose_needs_a_secret_and_keeps_the_demo_to_its_profile():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name in ("web", "worker-interactive", "worker-bulk", "beat"):
        env = services[name]["environment"]
        # `${VAR:?message}`: compose stops with the message when SECRET_KEY is unset or empty.
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
        assert env["DEBUG"] == "${DEBUG:-false}"
        assert env["SESSION_COOKIE_SECURE"] == "${SESSION_COOKIE_SECURE:-true}"
        assert env["CSRF_COOKIE_SECURE"] == "${CSRF_COOKIE_SECURE:-true}"
        assert "seed_demo" not in services[name]["command"]
    demo = [name for name, service in services.items() if "seed_demo" in service.get("command", "")]
    assert demo == ["demo"] and services["demo"]["profiles"] == ["demo"]
    assert services["demo"]["depends_on"] == {"web": {"condition": "service_healthy"}}  # migrated first


def test_no_debug_page_in_production_mode(db, client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Traceback" not in response.content and b"URLconf" not in response.content


def test_seed_demo_builds_a_realistic_workspace_and_is_idempotent(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    counts = {
        model.__name__: model.objects.count()
        for model in (
            Workspace,
            Membership,
            Product,
            Vision,
            Theme,
            Initiative,
            BacklogItem,
            AcceptanceCriterion,
            Sprint,
            Objective,
            KeyResult,
            KPI,
            Measurement,
        )
    }
    assert counts["Workspace"] == 1 and counts["Membership"] == 6
    assert counts["Product"] == 2 and counts["Vision"] == 2
    assert counts["Theme"] >= 4 and counts["Initiative"] == 12
    assert 70 <= counts["BacklogItem"] <= 160  # each epic's stories written as a team would
    assert BacklogItem.objects.filter(title="Pay with a saved card without re-entering the CVC").exists()
    assert counts["Sprint"] >= 3 and counts["AcceptanceCriterion"] > 80
    assert counts["KPI"] >= 2 and counts["Measurement"] >= 52 * counts["KPI"]
    assert BacklogItem.objects.filter(kind="epic").exists() and BacklogItem.objects.filter(kind="bug").exists()
    assert BacklogItem.objects.exclude(rice_score=None).count() > 50  # scored by the task
    call_command("seed_demo", stdout=io.StringIO())
    again = {
        model.__name__: model.objects.count()
        for model in (
            Workspace,
            Membership,
            Product,
            Vision,
            Theme,
            Initiative,
            BacklogItem,
            AcceptanceCriterion,
            Sprint,
            Objective,
            KeyResult,
            KPI,
            Measurement,
        )
    }
    assert again == counts


def test_every_demo_user_signs_in_with_the_printed_password(db, client, capsys):
    from pmhub.management.commands.seed_demo import DEMO_PASSWORD

    call_command("seed_demo")
    printed = capsys.readouterr().out
    assert f"Password for every demo user: {DEMO_PASSWORD}" in printed
    for username in ["admin", "pm", "po", "dev", "exec", "viewer"]:
        assert username in printed
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and client.session.get("_auth_user_id"), username
        client.post(reverse("logout"))
