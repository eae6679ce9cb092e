from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import ApplicationError
from okrs.selectors import key_result_list
from products.pages import Column, Crud
from products.selectors import product_access
from workspaces.models import Capability
from workspaces.selectors import workspace_access

from .filters import InitiativeFilter
from .forms import InitiativeForm, InitiativeMoveForm, ReleaseForm, RescheduleForm, ShareLinkForm, ThemeForm
from .models import Horizon, Initiative, Release, RoadmapShareLink, Theme
from .selectors import board as board_selectors
from .selectors import columns as column_selectors
from .selectors.initiatives import initiative_items_page, initiative_list, initiative_progress_of
from .selectors.releases import release_contents, release_counts, release_list
from .selectors.share_links import share_link_for_token, share_link_list
from .selectors.themes import theme_list
from .selectors.timeline import ZOOMS
from .selectors.timeline_pages import TIMELINE_PAGE, page_number, portfolio_page, timeline_page
from .services import board as board_services
from .services import share_links as share_link_services
from .services.initiatives import initiative_create, initiative_delete, initiative_update
from .services.releases import release_baseline_set, release_create, release_update


class ThemeCrud(Crud):
    model, form_class, namespace, name, url_segment = Theme, ThemeForm, "roadmap", "theme", "themes"
    capability = Capability.EDIT_STRATEGY
    columns = [
        Column("Name", "name", link=True),
        Column("Colour", "color", css="swatch"),
        Column("Order", "order", css="num"),
        Column("Initiatives", "initiative_count", css="num"),
    ]
    detail_fields = ["name", "description", "color", "order"]
    empty_hint = "Themes group initiatives by the big problems you are solving, like “Faster checkout”."

    def get_queryset(self, access):
        return theme_list(product=access.product)


class ReleaseCrud(Crud):
    model, form_class, namespace, name, url_segment = Release, ReleaseForm, "roadmap", "release", "releases"
    columns = [
        Column("Name", "name", link=True),
        Column("Target date", "target_date"),
        Column("Status", "status"),
        Column("Initiatives", "initiative_count", css="num"),
        Column("Items", "item_count", css="num"),
    ]
    detail_fields = ["name", "goal", "target_date", "status"]
    empty_hint = "A release plan says which features ship when. Add the next release and its goal."

    def get_queryset(self, access):
        return release_list(product=access.product)

    def list_rows(self, access, objects):
        counts = release_counts(product=access.product)
        for release in objects:
            release.initiative_count, release.item_count = counts.get(release.pk, (0, 0))
        return super().list_rows(access, objects)

    detail_template = "roadmap/release_detail.html"

    def detail_extra(self, request, access, obj) -> dict:
        return release_contents(release=obj, workspace_id=access.workspace.pk, params=request.GET)

    def perform_create(self, *, access, instance, data, m2m, actor):
        return release_create(instance=instance, actor=actor)

    def perform_update(self, *, access, obj, data, m2m, actor):
        return release_update(release=obj, data=data, actor=actor)


class InitiativeCrud(Crud):
    model, form_class, namespace, name, url_segment = (
        Initiative,
        InitiativeForm,
        "roadmap",
        "initiative",
        "initiatives",
    )
    filterset_class = InitiativeFilter
    list_template = "roadmap/initiative_list.html"
    columns = [
        Column("Title", "title", link=True),
        Column("Theme", "theme"),
        Column("Horizon", "horizon"),
        Column("Status", "status"),
        Column("Start", "start_date"),
        Column("End", "end_date"),
        Column("Release", "release"),
        Column("Outcome", lambda i: "linked" if i.has_outcome else "none", css="outcome"),
        Column("Impact", lambda i: i.customer_impact if i.evidence_count else "—", css="num"),
    ]
    detail_template = "roadmap/initiative_detail.html"
    empty_hint = "Initiatives are roadmap items. Tie each one to a key result or KPI it should move."

    def perform_create(self, *, access, instance, data, m2m, actor):
        return initiative_create(instance=instance, actor=actor, m2m=m2m)

    def perform_update(self, *, access, obj, data, m2m, actor):
        return initiative_update(initiative=obj, data=data, m2m=m2m)

    def perform_delete(self, *, access, obj, actor):
        initiative_delete(initiative=obj, actor=actor)

    def get_queryset(self, access):
        key_results = key_result_list(workspace=access.workspace)
        return initiative_list(product=access.product).prefetch_related(
            Prefetch("key_results", queryset=key_results), "kpis", "depends_on", "blocks"
        )

    def detail_extra(self, request, access, obj) -> dict:
        return {
            "progress": initiative_progress_of(initiative=obj),
            **initiative_items_page(initiative=obj, params=request.GET),
            "late_dependencies": board_selectors.late_dependencies(obj),
        }


theme_crud = ThemeCrud()
release_crud = ReleaseCrud()
initiative_crud = InitiativeCrud()


# ---- board, timeline and shared links -----------------------------------------------------------


def _page_context(access, **extra) -> dict:
    return {
        "access": access,
        "perms": access.perms,
        "product": access.product,
        "workspace": access.workspace,
        "can_edit": access.can(Capability.EDIT_STRATEGY),
        **extra,
    }


def _board_columns(request, product) -> list:
    """The three columns of the board, each its first page, or the page after `<horizon>_after` (the
    "Show more" link without JavaScript), or down to the card `<horizon>_through` (the cards "Show more"
    appended, kept by reloads and live updates), with the links of "Show more" and "Back to the top"."""
    columns = column_selectors.board_columns(
        product=product,
        after={value: request.GET.get(f"{value}_after") for value in Horizon.values},
        through={value: request.GET.get(f"{value}_through") for value in Horizon.values},
    )
    for column in columns:
        query = request.GET.copy()
        query.pop(f"{column.horizon}_through", None)
        query[f"{column.horizon}_after"] = column.next_cursor
        column.more_url = f"?{query.urlencode()}"
        query.pop(f"{column.horizon}_after")
        column.first_url = f"?{query.urlencode()}" if query else request.path
    return columns


def _board_context(request, access, **extra) -> dict:
    extra.setdefault("columns", _board_columns(request, access.product))
    if access.can(Capability.EDIT_STRATEGY):
        extra.setdefault("share_links", share_link_list(product=access.product))
        extra.setdefault("share_form", ShareLinkForm())
    return _page_context(access, page_size=column_selectors.BOARD_PAGE, **extra)


@login_required
def roadmap_board(request, product_id: int):
    """Now / next / later: drag initiatives between columns and within one to order them. Each column
    shows its first BOARD_PAGE cards and its count; "Show more" loads the next ones (roadmap_column)."""
    access = product_access(user=request.user, product_id=product_id)
    return render(request, "roadmap/board.html", _board_context(request, access))


@login_required
@require_GET
def roadmap_column(request, product_id: int, horizon: str):
    """The next cards of one column after the card `after` (htmx appends them and its new "Show more");
    without htmx, the board showing that column from there."""
    access = product_access(user=request.user, product_id=product_id)
    if horizon not in Horizon.values:
        raise Http404("No such column.")
    after = request.GET.get("after", "")
    if not request.headers.get("HX-Request"):
        query = f"?{horizon}_after={after}" if column_selectors.parse_cursor(after) else ""
        return redirect(reverse("roadmap:board", kwargs={"product_id": access.product.pk}) + query)
    column = column_selectors.column_page(product=access.product, horizon=horizon, after=after)
    column_selectors.decorate(column.initiatives, products=[access.product])
    column.more_url = f"{reverse('roadmap:board', kwargs={'product_id': access.product.pk})}?{horizon}_after="
    column.more_url += column.next_cursor
    context = _page_context(access, col=column, page_size=column_selectors.BOARD_PAGE)
    return render(request, "roadmap/_partials/board_column_page.html", context)


def _timeline_context(timeline, paging) -> dict:
    return {"timeline": timeline, "paging": paging, "zooms": ZOOMS, "page_size": TIMELINE_PAGE}


def _zoom(request) -> str:
    return request.GET.get("zoom") if request.GET.get("zoom") in ZOOMS else "quarter"


@login_required
def roadmap_timeline(request, product_id: int):
    """Quarters across, a lane per theme: drag a bar to reschedule or change its theme, resize to change
    its end. TIMELINE_PAGE bars a page, in lane order (see selectors/timeline_pages.py)."""
    access = product_access(user=request.user, product_id=product_id)
    timeline, paging = timeline_page(
        product=access.product, page=page_number(request.GET.get("page")), zoom=_zoom(request)
    )
    return render(request, "roadmap/timeline.html", _page_context(access, **_timeline_context(timeline, paging)))


@login_required
def portfolio(request, workspace_id: int):
    """Every product's roadmap of the workspace on one timeline, with dependencies across products."""
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    timeline, paging = portfolio_page(
        workspace=access.workspace, page=page_number(request.GET.get("page")), zoom=_zoom(request)
    )
    context = {"access": access, "perms": access.perms, "workspace": access.workspace, "can_edit": False}
    return render(request, "roadmap/portfolio.html", {**context, **_timeline_context(timeline, paging), "shared": True})


def _initiative_for_edit(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    initiative = get_object_or_404(Initiative.objects.filter(product=access.product), pk=pk)
    access.require(Capability.EDIT_STRATEGY)
    return access, initiative


def _error_json(error, status=400) -> JsonResponse:
    if isinstance(error, ValidationError):
        errors = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
        return JsonResponse(
            {"detail": " ".join(m for ms in errors.values() for m in ms), "errors": errors}, status=status
        )
    return JsonResponse({"detail": error.message, "errors": error.extra}, status=status)


@login_required
@require_POST
def initiative_move(request, product_id: int, pk: int):
    access, initiative = _initiative_for_edit(request, product_id, pk)
    form = InitiativeMoveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"detail": "That move was not understood.", "errors": form.errors}, status=400)
    anchors = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    try:
        initiative = board_services.initiative_move(initiative=initiative, actor=request.user, **anchors)
    except board_services.StaleInitiativeError as error:
        return _error_json(error, status=409)
    except (ValidationError, ApplicationError) as error:
        return _error_json(error)
    return JsonResponse({"id": initiative.pk, "horizon": initiative.horizon, "version": initiative.version})


@login_required
@require_POST
def initiative_reschedule(request, product_id: int, pk: int):
    access, initiative = _initiative_for_edit(request, product_id, pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"detail": "Check the dates.", "errors": form.errors}, status=400)
    data = form.cleaned_data
    theme = board_services.KEEP
    if "theme" in request.POST:
        theme = None
        if data["theme"]:
            theme = (
                Theme.objects.filter(product=access.product, pk=data["theme"]).first()
                if data["theme"].isdigit()
                else None
            )
            if theme is None:
                return JsonResponse(
                    {"detail": "Pick a theme of this product.", "errors": {"theme": ["Unknown theme."]}}, status=400
                )
    try:
        initiative = board_services.initiative_reschedule(
            initiative=initiative,
            actor=request.user,
            start_date=data["start_date"],
            end_date=data["end_date"],
            theme=theme,
            version=data["version"],
        )
    except ApplicationError as error:
        return _error_json(error, status=409)
    except ValidationError as error:
        return _error_json(error)
    return JsonResponse(
        {
            "id": initiative.pk,
            "start_date": initiative.start_date and initiative.start_date.isoformat(),
            "end_date": initiative.end_date and initiative.end_date.isoformat(),
            "theme": initiative.theme_id,
            "version": initiative.version,
        }
    )


@login_required
@require_POST
def share_link_create(request, product_id: int):
    access = product_access(user=request.user, product_id=product_id)
    access.require(Capability.EDIT_STRATEGY)
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The label is too long.")
        return redirect("roadmap:board", product_id=access.product.pk)
    link, token = share_link_services.share_link_create(
        product=access.product, actor=request.user, label=form.cleaned_data["label"]
    )
    url = request.build_absolute_uri(reverse("roadmap:shared", kwargs={"token": token}))
    return render(request, "roadmap/board.html", _board_context(request, access, new_share_url=url))


@login_required
@require_POST
def share_link_revoke(request, product_id: int, pk: int):
    access = product_access(user=request.user, product_id=product_id)
    link = get_object_or_404(RoadmapShareLink.objects.filter(product=access.product), pk=pk)
    access.require(Capability.EDIT_STRATEGY)
    share_link_services.share_link_revoke(link=link, actor=request.user)
    messages.success(request, f"“{link}” revoked: the link no longer works.")
    return redirect(reverse("roadmap:board", kwargs={"product_id": access.product.pk}) + "#share")


def shared_roadmap(request, token: str):
    """The read-only roadmap behind a share link: no account needed, no internal notes, printable."""
    link = share_link_for_token(token=token)
    if link is None:
        raise Http404("This link does not exist or was revoked.")
    product = link.product
    timeline, paging = timeline_page(product=product, page=page_number(request.GET.get("page")))
    response = render(
        request,
        "roadmap/shared.html",
        {
            "shared_product": product,
            "columns": _board_columns(request, product),
            **_timeline_context(timeline, paging),
            "page_size": column_selectors.BOARD_PAGE,
            "shared": True,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_POST
def release_baseline(request, product_id: int, pk: int):
    """Record the release's scope now as the baseline its scope change is measured from."""
    access = product_access(user=request.user, product_id=product_id)
    release = get_object_or_404(release_list(product=access.product), pk=pk)
    access.require(Capability.EDIT_STRATEGY)
    release = release_baseline_set(release=release, actor=request.user)
    messages.success(request, f"Baseline set: {release.baseline_items} items, {release.baseline_points} points.")
    return redirect(release_crud.url("detail", access, release))
