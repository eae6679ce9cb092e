"""One item's custom-scorecard score, kept up to date when the item's inputs change.

Backlog stores an item's RICE and WSJF scores in the write itself; the custom score also depends on
the product's scorecard, so it is kept here: backlog announces `item.saved` with the inputs that
changed, and the subscriber below re-scores that item in a task after commit.
"""

from decimal import Decimal

from backlog.models import BacklogItem
from core import outbox

from .. import scoring
from ..models import CriterionValue, CustomScore
from .derived import derived_values_sync
from .scorecard import criteria_for

# The item's own fields the custom score reads (besides its values on the scorecard's criteria): the
# customer impact is a criterion's value when the scorecard has a customer impact criterion.
CUSTOM_SCORE_INPUTS = frozenset({"effort", "customer_impact"})


def item_custom_score_recompute(*, item_id: int) -> Decimal | None:
    """Recompute one item's stored custom-scorecard score from its values and effort (idempotent)."""
    item = BacklogItem.objects.filter(pk=item_id).values("id", "product_id", "effort").first()
    if item is None:
        return None
    derived_values_sync(product_id=item["product_id"], item_ids=[item_id])
    criteria = criteria_for(product_id=item["product_id"])
    values = dict(CriterionValue.objects.filter(item_id=item_id).values_list("criterion_id", "value"))
    score = scoring.scorecard(criteria=criteria, values=values, effort=item["effort"]).value
    if score is None:
        CustomScore.objects.filter(item_id=item_id).delete()
    else:
        CustomScore.objects.update_or_create(
            item_id=item_id, defaults={"product_id": item["product_id"], "score": score}
        )
    return score


def custom_score_after_item_saved(*, event: str, workspace_id: int, data: dict) -> None:
    """Subscriber of core.events: an item whose custom-score inputs changed is re-scored after commit (outbox).

    Its custom fields count too (`item.updated`): a custom field criterion reads them."""
    changed = data.get("changed", ())
    if event == "item.updated" and "custom_fields" in changed:
        outbox.enqueue("prioritization.tasks.item_custom_score_recompute", item_id=data["id"])
        return
    if event != "item.saved" or not CUSTOM_SCORE_INPUTS.intersection(changed):
        return
    outbox.enqueue("prioritization.tasks.item_custom_score_recompute", item_id=data["id"])
