"""Writes of customers; matching a sender's email to a customer by domain."""

from django.db import transaction

from core.services import instance_create, instance_update

from ..events import CUSTOMER_CREATED, CUSTOMER_DELETED, CUSTOMER_UPDATED
from ..models import Customer, CustomerKind, Insight
from .common import announce
from .evidence import evidence_refresh

WEIGHT_INPUTS = {"revenue", "seats"}


def _affected(customer_ids) -> tuple[set[int], set[int]]:
    links = Insight.objects.filter(note__customer_id__in=customer_ids).values_list("item_id", "initiative_id")
    return {i for i, _ in links if i}, {j for _, j in links if j}


@transaction.atomic
def customer_create(*, instance: Customer, actor) -> Customer:
    customer = instance_create(instance=instance, actor=actor)
    announce(CUSTOMER_CREATED, workspace_id=customer.workspace_id, obj=customer, name=customer.name)
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, data: dict, actor) -> Customer:
    customer, changed = instance_update(instance=customer, data=data)
    if changed:
        announce(CUSTOMER_UPDATED, workspace_id=customer.workspace_id, obj=customer, changed=changed)
    if WEIGHT_INPUTS.intersection(changed):
        items, initiatives = _affected([customer.pk])
        evidence_refresh(workspace_id=customer.workspace_id, item_ids=items, initiative_ids=initiatives)
    return customer


@transaction.atomic
def customer_delete(*, customer: Customer) -> None:
    items, initiatives = _affected([customer.pk])
    pk, workspace_id = customer.pk, customer.workspace_id
    customer.delete()
    customer.pk = pk
    announce(CUSTOMER_DELETED, workspace_id=workspace_id, obj=customer)
    evidence_refresh(workspace_id=workspace_id, item_ids=items, initiative_ids=initiatives)


def email_domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().strip(">").lower() if "@" in address else ""


def customer_for_email(*, workspace_id: int, address: str, name: str = "", actor=None, create: bool = True):
    """The customer whose email or email domain matches `address`; a new person for an unknown domain when
    `create` (feedback from someone new), else None. Caller holds the transaction."""
    address = address.strip().lower()
    domain = email_domain_of(address)
    if not domain:
        return None
    match = (
        Customer.objects.filter(workspace_id=workspace_id, email__iexact=address).first()
        or Customer.objects.filter(workspace_id=workspace_id, email_domain=domain).order_by("kind", "id").first()
    )
    if match is not None or not create:
        return match
    label = (name or address)[:200]
    existing = Customer.objects.filter(workspace_id=workspace_id, name=label).first()
    if existing is not None:
        return existing
    return customer_create(
        instance=Customer(workspace_id=workspace_id, kind=CustomerKind.PERSON, name=label, email=address[:254]),
        actor=actor,
    )
