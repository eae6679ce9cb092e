"""Writes of ideas: propose, moderate, vote, promote to a backlog item or an initiative keeping the evidence."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from backlog.models import BacklogItem, ItemKind
from backlog.services.items import item_create
from core.exceptions import ApplicationError
from core.services import instance_create, instance_update
from roadmap.models import Initiative
from roadmap.services.initiatives import initiative_create

from ..events import IDEA_CREATED, IDEA_DELETED, IDEA_PROMOTED, IDEA_UPDATED, IDEA_VOTED
from ..models import Customer, Idea, IdeaStatus, IdeaVote, Insight
from .common import announce
from .evidence import evidence_refresh


def _payload(idea: Idea) -> dict:
    return {"product": idea.product_id, "title": idea.title, "status": idea.status, "votes": idea.vote_count}


@transaction.atomic
def idea_create(*, instance: Idea, actor) -> Idea:
    idea = instance_create(instance=instance, actor=actor)
    announce(IDEA_CREATED, workspace_id=idea.product.workspace_id, obj=idea, **_payload(idea))
    return idea


@transaction.atomic
def idea_update(*, idea: Idea, data: dict, actor) -> Idea:
    if data.get("status") == IdeaStatus.PROMOTED and idea.status != IdeaStatus.PROMOTED:
        raise ValidationError({"status": "Promote an idea with the promote action: it makes the item or initiative."})
    if idea.status == IdeaStatus.PROMOTED and data.get("status", idea.status) != IdeaStatus.PROMOTED:
        raise ValidationError({"status": "A promoted idea stays promoted."})
    idea, changed = instance_update(instance=idea, data=data)
    if changed:
        announce(IDEA_UPDATED, workspace_id=idea.product.workspace_id, obj=idea, changed=changed, **_payload(idea))
    return idea


@transaction.atomic
def idea_moderate(*, idea: Idea, status: str, actor) -> Idea:
    """Approve (open), decline or mark as spam a portal submission."""
    if status not in (IdeaStatus.OPEN, IdeaStatus.DECLINED, IdeaStatus.SPAM):
        raise ValidationError({"status": "Approve, decline or mark as spam."})
    return idea_update(idea=idea, data={"status": status}, actor=actor)


@transaction.atomic
def idea_delete(*, idea: Idea) -> None:
    pk, workspace_id, payload = idea.pk, idea.product.workspace_id, _payload(idea)
    idea.delete()
    idea.pk = pk
    announce(IDEA_DELETED, workspace_id=workspace_id, obj=idea, **payload)


@transaction.atomic
def idea_vote(*, idea: Idea, identity: str, customer: Customer | None = None) -> bool:
    """Count one vote per identity (a member's id or a visitor's email); False when they had voted already."""
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if idea.status not in (IdeaStatus.OPEN, IdeaStatus.PROMOTED):
        raise ApplicationError("This idea is not open for votes.")
    if customer is not None and customer.workspace_id != idea.product.workspace_id:
        raise ValidationError({"customer": "The customer belongs to another workspace."})
    try:
        with transaction.atomic():
            IdeaVote.objects.create(idea=idea, voter_key=IdeaVote.key_for(identity), customer=customer)
    except IntegrityError:
        return False
    idea.vote_count = idea.votes.count()
    idea.save(update_fields=["vote_count"])
    workspace_id = idea.product.workspace_id
    announce(IDEA_VOTED, workspace_id=workspace_id, obj=idea, **_payload(idea))
    evidence_refresh(
        workspace_id=workspace_id, item_ids={idea.promoted_item_id}, initiative_ids={idea.promoted_initiative_id}
    )
    return True


@transaction.atomic
def idea_promote(*, idea: Idea, to: str, actor):
    """Make the idea a backlog item (to="item") or an initiative (to="initiative"); its insights and votes
    become evidence of the new object."""
    idea = Idea.objects.select_for_update().select_related("product").get(pk=idea.pk)
    if idea.status == IdeaStatus.PROMOTED:
        raise ApplicationError("This idea was promoted already.")
    if idea.status in (IdeaStatus.PENDING, IdeaStatus.SPAM):
        raise ApplicationError("Approve the idea before promoting it.")
    if to == "item":
        target = item_create(
            instance=BacklogItem(
                product=idea.product, kind=ItemKind.FEATURE, title=idea.title, description=idea.problem
            ),
            actor=actor,
        )
        Insight.objects.filter(idea=idea).update(idea=None, item=target)
        data = {"promoted_item": target}
    elif to == "initiative":
        target = initiative_create(
            instance=Initiative(product=idea.product, title=idea.title, description=idea.problem), actor=actor
        )
        Insight.objects.filter(idea=idea).update(idea=None, initiative=target)
        data = {"promoted_initiative": target}
    else:
        raise ValidationError({"to": 'Promote to "item" or "initiative".'})
    idea, _ = instance_update(instance=idea, data={**data, "status": IdeaStatus.PROMOTED})
    workspace_id = idea.product.workspace_id
    announce(IDEA_PROMOTED, workspace_id=workspace_id, obj=idea, to=to, target=target.pk, **_payload(idea))
    evidence_refresh(
        workspace_id=workspace_id, item_ids={idea.promoted_item_id}, initiative_ids={idea.promoted_initiative_id}
    )
    return target
