"""Pages of customers, feedback notes and ideas (list, detail, forms), built on the shared Crud pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from products.pages import Column, Crud
from products.selectors import product_access
from workspaces.models import Capability

from ..filters import CustomerFilter, IdeaFilter, NoteFilter
from ..forms import CustomerForm, IdeaForm, InsightForm, NoteForm
from ..models import Customer, FeedbackNote, Idea, IdeaStatus
from ..selectors.lists import customer_list, idea_list, insights_of_note, note_list
from ..services import customers as customer_services
from ..services import ideas as idea_services
from ..services import notes as note_services
from ..services.analysis import analysis_status

EDIT = Capability.EDIT_ITEMS


def next_url(request) -> str | None:
    """Where a form asks to go back to, when it is a page of this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


def _sentiment(note) -> str:
    if not note.sentiment_label:
        return "—"
    return f"{note.get_sentiment_label_display()} ({note.sentiment_score:+.2f})"


class CustomerCrud(Crud):
    model, form_class, namespace, name, url_segment = Customer, CustomerForm, "discovery", "customer", "customers"
    scope = "workspace"
    capability = EDIT
    filterset_class = CustomerFilter
    columns = [
        Column("Name", "name", link=True),
        Column("Kind", "kind"),
        Column("Segment", "segment"),
        Column("Plan", "plan"),
        Column("Revenue", "revenue", css="num"),
        Column("Seats", "seats", css="num"),
        Column("Notes", "note_count", css="num"),
    ]
    detail_fields = ["name", "kind", "email_domain", "email", "segment", "plan", "revenue", "seats"]
    detail_template = "discovery/customer_detail.html"
    empty_hint = "Customers are who the feedback comes from: add them, import a CSV, or let feedback create them."

    def get_queryset(self, access):
        return customer_list(workspace=access.workspace)

    def detail_extra(self, request, access, obj) -> dict:
        notes = FeedbackNote.objects.filter(customer=obj).select_related("product").defer("embedding")[:20]
        return {"notes": notes}

    def perform_create(self, *, access, instance, data, m2m, actor):
        return customer_services.customer_create(instance=instance, actor=actor)

    def perform_update(self, *, access, obj, data, m2m, actor):
        return customer_services.customer_update(customer=obj, data=data, actor=actor)

    def perform_delete(self, *, access, obj, actor):
        customer_services.customer_delete(customer=obj)


class NoteCrud(Crud):
    model, form_class, namespace, name, url_segment = FeedbackNote, NoteForm, "discovery", "note", "feedback"
    capability = EDIT
    filterset_class = NoteFilter
    list_template = "discovery/note_list.html"
    detail_template = "discovery/note_detail.html"
    columns = [
        Column("Note", lambda n: n.title or n.text[:80], link=True),
        Column("Source", "source"),
        Column("Customer", "customer"),
        Column("State", "state"),
        Column("Sentiment", _sentiment),
        Column("Insights", "insight_count", css="num"),
        Column("Received", lambda n: n.received_on or n.created_at.date()),
    ]
    empty_hint = "Feedback notes are the raw voice of the customer: paste a ticket, an interview or a review."

    def get_queryset(self, access):
        return note_list(product=access.product)

    def detail_extra(self, request, access, obj) -> dict:
        available, reason = analysis_status()
        return {
            "insights": insights_of_note(note=obj),
            "insight_form": InsightForm(),
            "analysis_available": available,
            "analysis_reason": reason,
        }

    def perform_create(self, *, access, instance, data, m2m, actor):
        return note_services.note_create(instance=instance, actor=actor)

    def perform_update(self, *, access, obj, data, m2m, actor):
        return note_services.note_update(note=obj, data=data, actor=actor)

    def perform_delete(self, *, access, obj, actor):
        note_services.note_delete(note=obj)


class IdeaCrud(Crud):
    model, form_class, namespace, name, url_segment = Idea, IdeaForm, "discovery", "idea", "ideas"
    capability = EDIT
    filterset_class = IdeaFilter
    detail_template = "discovery/idea_detail.html"
    list_template = "discovery/idea_list.html"
    columns = [
        Column("Title", "title", link=True),
        Column("Status", "status"),
        Column("Votes", "vote_count", css="num"),
        Column("Insights", "insight_count", css="num"),
        Column("Proposer", "proposer"),
    ]
    detail_fields = ["title", "problem", "proposer", "status"]
    empty_hint = "Ideas are candidate work not yet on the backlog; the ideas portal collects them from customers."

    def get_queryset(self, access):
        return idea_list(product=access.product)

    def detail_extra(self, request, access, obj) -> dict:
        return {
            "insights": obj.insights.select_related("note__customer").order_by("-created_at")[:50],
            "can_promote_initiative": access.can(Capability.EDIT_STRATEGY),
        }

    def perform_create(self, *, access, instance, data, m2m, actor):
        return idea_services.idea_create(instance=instance, actor=actor)

    def perform_update(self, *, access, obj, data, m2m, actor):
        return idea_services.idea_update(idea=obj, data=data, actor=actor)

    def perform_delete(self, *, access, obj, actor):
        idea_services.idea_delete(idea=obj)


customer_crud = CustomerCrud()
note_crud = NoteCrud()
idea_crud = IdeaCrud()


@login_required
@require_POST
def note_state(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    note = get_object_or_404(FeedbackNote.objects.filter(product=access.product), pk=pk)
    access.require(EDIT)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        note = note_services.note_set_state(note=note, state=request.POST.get("state", ""), actor=request.user)
    except ValidationError as error:
        if wants_json:
            return JsonResponse({"detail": " ".join(error.messages)}, status=400)
        messages.error(request, " ".join(error.messages))
    if wants_json:
        return JsonResponse({"id": note.pk, "state": note.state})
    return redirect(next_url(request) or note_crud.url("detail", access, note))


@login_required
@require_POST
def idea_promote(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    idea = get_object_or_404(Idea.objects.filter(product=access.product), pk=pk)
    to = request.POST.get("to", "")
    access.require(Capability.EDIT_STRATEGY if to == "initiative" else EDIT)
    try:
        target = idea_services.idea_promote(idea=idea, to=to, actor=request.user)
    except (ValidationError, ApplicationError) as error:
        messages.error(request, getattr(error, "message", None) or " ".join(error.messages))
        return redirect(idea_crud.url("detail", access, idea))
    messages.success(request, f"“{idea.title}” is now {'a backlog item' if to == 'item' else 'an initiative'}.")
    view = "backlog:item_detail" if to == "item" else "roadmap:initiative_detail"
    return redirect(view, product_id=product_id, pk=target.pk)


@login_required
@require_POST
def idea_moderate(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    idea = get_object_or_404(Idea.objects.filter(product=access.product), pk=pk)
    access.require(EDIT)
    try:
        idea_services.idea_moderate(idea=idea, status=request.POST.get("status", ""), actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(next_url(request) or idea_crud.url("list", access) + f"?status={IdeaStatus.PENDING}")
