"""The triage inbox, driven by the keyboard alone: move between notes, quote a passage, link it, process."""

from django.urls import reverse

from discovery.models import FeedbackNote, Insight, NoteState
from tests import factories as f

from .conftest import screenshot

SELECT_WORDS = """([noteId, words]) => {
  const box = document.querySelector(`[data-note="${noteId}"] [data-note-text]`);
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(words);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + words.length);
      const selection = document.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    }
  }
  return false;
}"""


def test_triage_a_note_with_the_keyboard(world, signed_in):
    item = f.BacklogItemFactory(product=world.product, title="Refund orders in bulk")
    f.BacklogItemFactory(product=world.product, title="Dark mode")
    first = f.FeedbackNoteFactory(
        product=world.product, title="Call with Initech", text="We refund forty orders a day, one by one."
    )
    second = f.FeedbackNoteFactory(product=world.product, title="Survey answer", text="The app looks dated.")
    page = signed_in(world.users["product_owner"])
    page.goto(reverse("discovery:triage", kwargs={"product_id": world.product.pk}))

    current = page.locator(".triage-note.is-current")
    assert current.get_attribute("data-note") == str(first.pk)
    page.keyboard.press("j")
    assert current.get_attribute("data-note") == str(second.pk)
    page.keyboard.press("k")
    assert current.get_attribute("data-note") == str(first.pk)

    assert page.evaluate(SELECT_WORDS, [first.pk, "forty orders a day"])
    page.wait_for_function("() => document.querySelector('#triage-passage').value === 'forty orders a day'")
    page.keyboard.press("3")  # critical
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.id") == "triage-search"
    page.keyboard.type("bulk")
    page.locator(f'[data-results] [data-pick-target="item:{item.pk}"]').wait_for()
    screenshot(page, "triage")
    with page.expect_response(lambda r: "/link/" in r.url and r.status == 200):
        page.keyboard.press("Enter")
    page.locator(f'[data-note="{first.pk}"] [data-linked]', has_text="1 linked").wait_for()

    page.keyboard.press("Escape")
    with page.expect_response(lambda r: "/state/" in r.url and r.status == 200):
        page.keyboard.press("e")
    page.locator("[data-unprocessed]", has_text="1 new").wait_for()
    assert current.get_attribute("data-note") == str(second.pk)  # on to the next note

    insight = Insight.objects.get(note=first)
    assert (insight.item_id, insight.passage, insight.importance) == (item.pk, "forty orders a day", "critical")
    first = FeedbackNote.objects.get(pk=first.pk)
    assert (first.state, first.processed_by) == (NoteState.PROCESSED, world.users["product_owner"])
    item.refresh_from_db()
    assert item.evidence_count == 1 and item.customer_impact == 3
