"""Analysis of notes: sentiment and embedding stored after commit by a task, suggestions, themes, fallback."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMessage
from discovery.analysis import vector_from_bytes
from discovery.models import FeedbackNote, FeedbackTheme
from discovery.services import analysis
from discovery.services.notes import note_create
from discovery.services.themes import themes_compute
from tests import factories as f
from tests.conftest import wait_for


def _note(product, text, **kw):
    return note_create(instance=FeedbackNote(product=product, text=text, **kw), actor=None)


def test_a_new_note_is_analysed_by_a_task_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        note = _note(world.product, "This is awful: refunds take weeks and support never answers.")
        assert OutboxMessage.objects.filter(task="discovery.tasks.notes_analyse").count() == 1
        assert FeedbackNote.objects.get(pk=note.pk).analysed_at is None  # nothing ran inside the transaction
    assert len(callbacks) >= 1
    for callback in callbacks:
        callback()
    note.refresh_from_db()
    assert note.sentiment_label == "negative" and -1 <= note.sentiment_score < 0
    assert vector_from_bytes(note.embedding).shape == (384,)


def test_editing_the_text_analyses_again(world, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = (
            api("contributor")
            .post(
                "/api/v1/feedback/",
                {"product": world.product.pk, "text": "I love the new dashboard, great work!"},
                format="json",
            )
            .json()
        )
    assert FeedbackNote.objects.get(pk=created["id"]).sentiment_label == "positive"
    with django_capture_on_commit_callbacks(execute=True):
        api("contributor").patch(f"/api/v1/feedback/{created['id']}/", {"text": "Terrible, it crashes."}, format="json")
    assert FeedbackNote.objects.get(pk=created["id"]).sentiment_label == "negative"


def test_suggestions_rank_the_matching_item_first_and_flag_duplicates(world, api, django_capture_on_commit_callbacks):
    refunds = f.BacklogItemFactory(product=world.product, title="Refund orders in bulk")
    f.BacklogItemFactory(product=world.product, title="Dark mode for the mobile app")
    f.BacklogItemFactory(product=world.product, title="Export invoices to PDF")
    f.IdeaFactory(product=world.product, title="Two-factor login with an authenticator app")
    with django_capture_on_commit_callbacks(execute=True):
        note = _note(world.product, "Refund orders in bulk")
    body = api("viewer").get(f"/api/v1/feedback/{note.pk}/suggestions/").json()
    assert body["available"] is True
    assert body["items"][0]["id"] == refunds.pk and body["items"][0]["duplicate"] is True
    assert not any(s["duplicate"] for s in body["items"][1:])
    assert len(body["items"]) == 3 and len(body["ideas"]) == 1


def test_without_the_model_suggestions_are_off_with_the_reason(world, api, monkeypatch):
    monkeypatch.setattr(analysis, "embeddings_status", lambda: (False, "the model file is missing"))
    f.BacklogItemFactory(product=world.product, title="Refunds")
    note = f.FeedbackNoteFactory(product=world.product)
    body = api("viewer").get(f"/api/v1/feedback/{note.pk}/suggestions/").json()
    assert body == {"available": False, "reason": "the model file is missing", "items": [], "ideas": []}
    url = reverse("discovery:note_suggestions", kwargs={"product_id": world.product.pk, "pk": note.pk})
    assert "Suggestions are off: the model file is missing" in world.client("viewer").get(url).content.decode()


def test_themes_cluster_a_period_with_size_sentiment_and_notes(world, django_capture_on_commit_callbacks):
    texts = [
        "Refunds take weeks to arrive",
        "Refund processing is far too slow",
        "Waiting ages for my refund",
        "Please add a dark mode",
        "Dark theme would be easier on my eyes",
        "A night mode for the app please",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for text in texts:
            _note(world.product, text)
    today = timezone.localdate()
    done, _ = themes_compute(product_id=world.product.pk, start=today - timedelta(days=30), end=today)
    assert done
    themes = list(FeedbackTheme.objects.filter(product=world.product))
    assert sum(t.size for t in themes) == len(texts)
    assert all(t.label and t.notes.count() == t.size for t in themes)
    url = reverse("discovery:themes", kwargs={"product_id": world.product.pk})
    page = world.client("viewer").get(
        url, {"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat()}
    )
    assert themes[0].label in page.content.decode()


@pytest.mark.worker
def test_a_real_worker_analyses_a_note(celery_worker):
    product = f.ProductFactory()
    note = _note(product, "The checkout is fantastic, thank you!")
    assert wait_for(lambda: FeedbackNote.objects.get(pk=note.pk).analysed_at)
    note.refresh_from_db()
    assert note.sentiment_label == "positive" and note.embedding
