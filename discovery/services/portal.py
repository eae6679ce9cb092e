"""The ideas portal: a product's page where customers submit ideas (moderated) and vote."""

import secrets

from django.db import transaction

from core.services import instance_create, instance_update

from ..models import Idea, IdeasPortal, IdeaStatus
from .customers import customer_for_email
from .ideas import idea_create, idea_vote


@transaction.atomic
def portal_save(*, product, data: dict, actor) -> IdeasPortal:
    """Open (or change) the product's portal; its address is an unguessable slug made once."""
    portal = IdeasPortal.objects.select_for_update().filter(product=product).first()
    if portal is None:
        return instance_create(
            instance=IdeasPortal(product=product, slug=secrets.token_urlsafe(12), **data), actor=actor
        )
    return instance_update(instance=portal, data=data)[0]


@transaction.atomic
def portal_idea_submit(*, portal: IdeasPortal, title: str, problem: str, email: str, actor=None) -> Idea:
    """A visitor's idea waits for moderation; a known sender is linked to their customer (never created)."""
    product = portal.product
    proposer = customer_for_email(workspace_id=product.workspace_id, address=email, create=False)
    idea = Idea(product=product, title=title, problem=problem, proposer=proposer, status=IdeaStatus.PENDING)
    idea.proposer_email = email.strip().lower()
    return idea_create(instance=idea, actor=actor if actor is not None and actor.is_authenticated else None)


@transaction.atomic
def portal_vote(*, portal: IdeasPortal, idea: Idea, email: str) -> bool:
    """One vote per email address; a known sender's vote carries their customer's weight."""
    customer = customer_for_email(workspace_id=portal.product.workspace_id, address=email, create=False)
    return idea_vote(idea=idea, identity=f"email:{email}", customer=customer)
