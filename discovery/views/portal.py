"""The public ideas portal of a product, and its settings page.

Abuse is bounded three ways: a honeypot field (bots fill it; the submission is dropped silently),
rate limits per client address and per portal (cache counters), and size caps on every field.
Submissions wait for moderation before anyone else sees them.
"""

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from products.selectors import product_access
from workspaces.models import Capability, Membership

from ..forms import PortalForm, PortalIdeaForm, PortalVoteForm
from ..models import Idea, IdeasPortal, IdeaStatus
from ..services.portal import portal_idea_submit, portal_save, portal_vote

SUBMITS_PER_HOUR = django_settings.IDEAS_PORTAL_SUBMITS_PER_HOUR
VOTES_PER_HOUR = django_settings.IDEAS_PORTAL_VOTES_PER_HOUR
PORTAL_SUBMITS_PER_HOUR = 200  # for one portal, from everyone
PORTAL_IDEAS_SHOWN = 100


def _over_limit(key: str, limit: int) -> bool:
    cache.add(key, 0, 3600)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 3600)
        return False


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "")[:64]


def _portal(request, slug: str) -> IdeasPortal:
    portal = get_object_or_404(IdeasPortal.objects.select_related("product__workspace"), slug=slug[:40], is_open=True)
    if portal.requires_sign_in:
        member = (
            request.user.is_authenticated
            and Membership.objects.filter(workspace_id=portal.product.workspace_id, user=request.user).exists()
        )
        if not member:
            raise Http404
    return portal


def _render(request, portal, *, form=None, vote_form=None, status=200):
    ideas = Idea.objects.filter(product=portal.product, status__in=[IdeaStatus.OPEN, IdeaStatus.PROMOTED]).only(
        "id", "title", "problem", "vote_count", "status"
    )[:PORTAL_IDEAS_SHOWN]
    return render(
        request,
        "discovery/portal.html",
        {
            "portal": portal,
            "ideas": ideas,
            "form": form or PortalIdeaForm(),
            "vote_form": vote_form or PortalVoteForm(),
        },
        status=status,
    )


def portal_page(request, slug: str):
    portal = _portal(request, slug)
    if request.method != "POST":
        return _render(request, portal)
    form = PortalIdeaForm(request.POST)
    if _over_limit(f"portal-submit:{portal.pk}:{_client(request)}", SUBMITS_PER_HOUR) or _over_limit(
        f"portal-submit:{portal.pk}", PORTAL_SUBMITS_PER_HOUR
    ):
        form.add_error(None, "Too many ideas from here this hour. Please try again later.")
        return _render(request, portal, form=form, status=429)
    if not form.is_valid():
        return _render(request, portal, form=form, status=400)
    if form.cleaned_data["website"]:  # the honeypot: answer like a success, keep nothing
        messages.success(request, "Thank you! Your idea will appear once a moderator has read it.")
        return redirect("discovery:portal", slug=slug)
    portal_idea_submit(
        portal=portal,
        title=form.cleaned_data["title"],
        problem=form.cleaned_data["problem"],
        email=form.cleaned_data["email"],
        actor=request.user,
    )
    messages.success(request, "Thank you! Your idea will appear once a moderator has read it.")
    return redirect("discovery:portal", slug=slug)


@require_POST
def portal_vote_view(request, slug: str, idea_id: int):
    portal = _portal(request, slug)
    idea = get_object_or_404(
        Idea.objects.filter(product=portal.product, status__in=[IdeaStatus.OPEN, IdeaStatus.PROMOTED]), pk=idea_id
    )
    form = PortalVoteForm(request.POST)
    if _over_limit(f"portal-vote:{portal.pk}:{_client(request)}", VOTES_PER_HOUR):
        form.add_error(None, "Too many votes from here this hour. Please try again later.")
        return _render(request, portal, vote_form=form, status=429)
    if not form.is_valid():
        return _render(request, portal, vote_form=form, status=400)
    if not form.cleaned_data["website"]:
        try:
            counted = portal_vote(portal=portal, idea=idea, email=form.cleaned_data["email"])
        except (ApplicationError, ValidationError):
            counted = False
        messages.success(request, "Vote counted. Thank you!" if counted else "You had voted for this idea already.")
    return redirect("discovery:portal", slug=slug)


@login_required
def portal_settings(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    portal = IdeasPortal.objects.filter(product=access.product).first()
    form = PortalForm(request.POST or None, instance=portal or IdeasPortal(product=access.product))
    if request.method == "POST":
        access.require(Capability.EDIT_STRATEGY)
        if form.is_valid():
            portal_save(product=access.product, data={n: form.cleaned_data[n] for n in form.fields}, actor=request.user)
            messages.success(request, "Ideas portal saved.")
            return redirect(request.path)
    pending = Idea.objects.filter(product=access.product, status=IdeaStatus.PENDING).count()
    return render(
        request,
        "discovery/portal_settings.html",
        {
            "access": access,
            "perms": access.perms,
            "product": access.product,
            "workspace": access.workspace,
            "portal": portal,
            "form": form,
            "pending": pending,
            "can_edit": access.can(Capability.EDIT_STRATEGY),
        },
    )
