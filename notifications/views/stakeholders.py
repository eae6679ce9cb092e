"""Stakeholder updates: members subscribe to a product's weekly roadmap email; share-link readers follow by email."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from products.selectors import product_access
from roadmap.selectors.share_links import share_link_for_token

from ..selectors.stakeholders import is_subscribed
from ..services.stakeholders import (
    stakeholder_confirm,
    stakeholder_follow,
    stakeholder_subscribe_member,
    stakeholder_unsubscribe,
    stakeholder_unsubscribe_member,
)


@login_required
@require_http_methods(["GET", "POST"])
def product_updates(request, product_id: int):
    """Any member may subscribe to the weekly update of a product they can see (executives are who it is for)."""
    access = product_access(user=request.user, product_id=product_id)
    product = access.product
    if request.method == "POST":
        if request.POST.get("subscribe") == "1":
            try:
                stakeholder_subscribe_member(user=request.user, product=product)
                messages.success(request, "Subscribed: the roadmap update comes every Monday.")
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        else:
            stakeholder_unsubscribe_member(user=request.user, product=product)
            messages.success(request, "Unsubscribed from the weekly roadmap update.")
        return redirect("notifications:product_updates", product_id=product.pk)
    subscribed = is_subscribed(user=request.user, product=product)
    return render(
        request,
        "notifications/product_updates.html",
        {"product": product, "access": access, "perms": access.perms, "subscribed": subscribed},
    )


class FollowForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Your email address")


@require_POST
def shared_follow(request, token: str):
    """A reader of a share link asks for the weekly update; a confirm link goes to the address."""
    link = share_link_for_token(token=token)
    if link is None:
        raise Http404("This link does not exist or was revoked.")
    form = FollowForm(request.POST)
    if form.is_valid():
        try:
            stakeholder_follow(share_link=link, email=form.cleaned_data["email"])
        except ValidationError as error:
            form.add_error("email", error)
    response = render(
        request,
        "notifications/follow_result.html",
        {"form": form, "product_name": link.product.name, "ok": form.is_valid() and not form.errors},
        status=200 if not form.errors else 400,
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    if request.method == "GET":
        return render(request, "notifications/stakeholder_token.html", {"mode": "confirm"})
    subscription = stakeholder_confirm(token=token)
    if subscription is None:
        return render(request, "notifications/stakeholder_token.html", {"mode": "invalid"}, status=404)
    return render(
        request, "notifications/stakeholder_token.html", {"mode": "confirmed", "product": subscription.product}
    )


@csrf_exempt  # the signed token is the authority; mail clients post here with one click (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    if request.method == "GET":
        return render(request, "notifications/stakeholder_token.html", {"mode": "unsubscribe"})
    if not stakeholder_unsubscribe(token=token):
        return render(request, "notifications/stakeholder_token.html", {"mode": "invalid"}, status=404)
    return render(request, "notifications/stakeholder_token.html", {"mode": "unsubscribed"})
