from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.events import webhook_events
from core.exceptions import ApplicationError
from workspaces.models import Capability
from workspaces.selectors import workspace_access

from . import selectors, services
from .forms import ApiTokenForm


@never_cache
@login_required
def token_list(request):
    """The user's API tokens; a new token's value is shown on this response only."""
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_token = services.api_token_create(user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            for field, messages_ in error.extra.items():
                for message in messages_:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"Token “{token.name}” created. Copy it now: it will not be shown again.")
            form = ApiTokenForm()
    tokens = selectors.api_tokens_of(user=request.user)
    return render(request, "integrations/token_list.html", {"form": form, "tokens": tokens, "new_token": new_token})


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = selectors.api_token_get_for_owner(user=request.user, token_id=pk)
    services.api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("integrations:token_list")


@never_cache
@login_required
def webhook_list(request, workspace_id: int):
    """Workspace admins see the subscriptions, the latest deliveries (status, code, duration) and
    the events a subscription may name."""
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    access.require(Capability.MANAGE_WORKSPACE)
    context = {
        "access": access,
        "perms": access.perms,
        "workspace": access.workspace,
        "webhooks": selectors.webhooks_of(workspace=access.workspace),
        "deliveries": selectors.deliveries_of(workspace=access.workspace),
        "events": webhook_events(),
    }
    return render(request, "integrations/webhook_list.html", context)
