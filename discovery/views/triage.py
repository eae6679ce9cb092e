"""The triage inbox (keyboard-driven), linking passages to work, target search and suggestions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from backlog.models import BacklogItem
from core.exceptions import validation_error_dict
from products.selectors import product_access
from roadmap.models import Initiative
from workspaces.models import Capability
from workspaces.pages import page_context

from ..filters import NoteFilter
from ..forms import InsightForm
from ..models import FeedbackNote, Idea, Insight, NoteState
from ..selectors.lists import note_list, search_targets, unprocessed_counts
from ..services.analysis import analysis_status, note_suggestions
from ..services.insights import insight_create, insight_delete
from .records import next_url

EDIT = Capability.EDIT_ITEMS
TRIAGE_PAGE = 50
TARGETS = {"item": BacklogItem, "initiative": Initiative, "idea": Idea}


@login_required
def triage(request, product_id: int):
    """New notes one by one: j/k to move, select a passage, / to search a target, Enter to link, e to process."""
    access = product_access(user=request.user, product_id=product_id)
    data = request.GET.copy()
    data.setdefault("state", NoteState.NEW)
    filterset = NoteFilter(data, queryset=note_list(product=access.product).order_by("created_at", "id"), access=access)
    notes = filterset.qs if filterset.is_valid() else FeedbackNote.objects.none()
    page = Paginator(notes, TRIAGE_PAGE).get_page(request.GET.get("page"))
    counts = unprocessed_counts(workspace=access.workspace)
    products = [(p, counts.get(p.pk, 0)) for p in access.workspace.products.order_by("name")]
    available, reason = analysis_status()
    return render(
        request,
        "discovery/triage.html",
        page_context(
            access,
            edit=EDIT,
            page=page,
            filterset=filterset,
            products=products,
            unprocessed=counts.get(access.product.pk, 0),
            analysis_available=available,
            analysis_reason=reason,
            insight_form=InsightForm(),
        ),
    )


@login_required
def target_search(request, product_id: int):
    """Search-as-you-type for the link box: items (by title or key), initiatives and ideas."""
    access = product_access(user=request.user, product_id=product_id)
    query = request.GET.get("q", "").strip()[:100]
    found = (
        search_targets(product=access.product, query=query) if query else {"items": [], "initiatives": [], "ideas": []}
    )
    key = access.product.key
    results = [
        {"target": f"item:{i['id']}", "label": f"{key}-{i['number']} {i['title']}", "kind": "Item"}
        for i in found["items"]
    ]
    results += [
        {"target": f"initiative:{i['id']}", "label": i["title"], "kind": "Initiative"} for i in found["initiatives"]
    ]
    results += [{"target": f"idea:{i['id']}", "label": i["title"], "kind": "Idea"} for i in found["ideas"]]
    return render(request, "discovery/_partials/target_results.html", {"results": results, "query": query})


@login_required
def note_suggestions_fragment(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    note = get_object_or_404(FeedbackNote.objects.filter(product=access.product), pk=pk)
    return render(
        request,
        "discovery/_partials/suggestions.html",
        {
            "suggestions": note_suggestions(note=note),
            "product": access.product,
            "note": note,
            "can_edit": access.can(EDIT),
        },
    )


@login_required
@require_POST
def insight_link(request, product_id: int, pk: int):
    """Link a passage of the note to a target; JSON for the inbox's script, a redirect for a plain form."""
    access = product_access(user=request.user, product_id=product_id)
    note = get_object_or_404(FeedbackNote.objects.filter(product=access.product).select_related("product"), pk=pk)
    access.require(EDIT)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = InsightForm(request.POST)
    errors = None
    if form.is_valid():
        kind, target_id = form.cleaned_data["target"]
        target = TARGETS[kind].objects.filter(product=access.product, pk=target_id).first()
        if target is None:
            errors = {"target": [f"No such {kind} in this product."]}
        else:
            try:
                insight = insight_create(
                    instance=Insight(
                        note=note,
                        passage=form.cleaned_data["passage"],
                        importance=form.cleaned_data["importance"],
                        **{kind: target},
                    ),
                    actor=request.user,
                )
            except ValidationError as error:
                errors = validation_error_dict(error)
    else:
        errors = form.errors.get_json_data()
        errors = {k: [e["message"] for e in v] for k, v in errors.items()}
    if wants_json:
        if errors:
            return JsonResponse({"detail": "Not linked.", "errors": errors}, status=400)
        return JsonResponse({"id": insight.pk, "target": str(insight.target), "importance": insight.importance})
    if errors:
        messages.error(request, " ".join(m for v in errors.values() for m in v))
    else:
        messages.success(request, f"Linked to “{insight.target}”.")
    return redirect(next_url(request) or reverse("discovery:note_detail", kwargs={"product_id": product_id, "pk": pk}))


@login_required
@require_POST
def insight_unlink(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    insight = get_object_or_404(
        Insight.objects.filter(note__product=access.product).select_related("note__product"), pk=pk
    )
    access.require(EDIT)
    note_id = insight.note_id
    insight_delete(insight=insight)
    messages.success(request, "Insight removed.")
    return redirect(
        next_url(request) or reverse("discovery:note_detail", kwargs={"product_id": product_id, "pk": note_id})
    )
