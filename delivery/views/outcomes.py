"""Outcome review pages: the workspace's reviews, one review (record the verdict, move its date), and the
summary fragment on the product page and the executive dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from core.exceptions import ApplicationError
from products.selectors import product_access
from workspaces.models import Capability
from workspaces.pages import page_context
from workspaces.selectors import workspace_access

from ..forms import OutcomeRecordForm, OutcomeRescheduleForm
from ..selectors.outcomes import business_cases_of, outcome_summary, review_get
from ..selectors.outcomes import review_list as reviews_of
from ..services.outcomes import outcome_comparison, outcome_review_record, outcome_review_reschedule


@login_required
def review_list(request, workspace_id: int):
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    reviews = reviews_of(workspace=access.workspace).order_by("status", "due_on", "id")[:500]
    summary = outcome_summary(workspace=access.workspace)
    return render(request, "delivery/review_list.html", page_context(access, reviews=reviews, summary=summary))


@login_required
def review_detail(request, workspace_id: int, pk: int):
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    review = review_get(workspace=access.workspace, pk=pk)
    record_form = OutcomeRecordForm(initial={"verdict": review.verdict, "learning": review.learning})
    reschedule_form = OutcomeRescheduleForm(initial={"due_on": review.due_on})
    status = 200
    if request.method == "POST":
        access.require(Capability.EDIT_STRATEGY)
        url = reverse("delivery:review_detail", kwargs={"workspace_id": access.workspace.pk, "pk": review.pk})
        try:
            if "due_on" in request.POST:
                reschedule_form = OutcomeRescheduleForm(request.POST)
                if reschedule_form.is_valid():
                    outcome_review_reschedule(review=review, due_on=reschedule_form.cleaned_data["due_on"])
                    messages.success(request, "The review's date is set.")
                    return redirect(url)
            else:
                record_form = OutcomeRecordForm(request.POST)
                if record_form.is_valid():
                    outcome_review_record(review=review, actor=request.user, **record_form.cleaned_data)
                    messages.success(request, "Outcome review recorded.")
                    return redirect(url)
        except (ValidationError, ApplicationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
        status = 400
    context = page_context(
        access,
        review=review,
        comparison=outcome_comparison(review=review),
        business_cases=business_cases_of(review=review),
        record_form=record_form,
        reschedule_form=reschedule_form,
        can_edit=access.can(Capability.EDIT_STRATEGY),
    )
    return render(request, "delivery/review_detail.html", context, status=status)


@login_required
def outcome_summary_fragment(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    summary = outcome_summary(workspace=access.workspace, product=access.product)
    return render(request, "delivery/_partials/outcome_summary.html", page_context(access, summary=summary))


@login_required
def workspace_outcome_summary_fragment(request, workspace_id: int):
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    summary = outcome_summary(workspace=access.workspace)
    return render(request, "delivery/_partials/outcome_summary.html", page_context(access, summary=summary))
