"""`{% item_row %}` and `{% plan_card %}`: a backlog row (`<tr>`) and a sprint planning card (`<li>`),
written in Python rather than by a template include.

A backlog page shows 100 rows of up to a dozen cells each. As a template, a row cost a quarter of a
millisecond (an `{% if %}…{% elif %}` per cell and column), a quarter of the page's time at 100,000
items; written here it costs a tenth of that. The HTML is the template's own, value for value: every
value is localised and escaped as `{{ value }}` does (`localize`, `conditional_escape`), and the
filters are Django's (`floatformat`, `pluralize`). `tests/backlog/test_item_row_html.py` renders rows
and cards through these functions and through the templates they replaced, and compares them. Sprint
planning shows up to 200 backlog cards and the sprint's: as a template each cost 0.14 ms.

Used by the list (`backlog/item_list.html`) and the single-row answers of edit in place and the
property popover (`backlog/_partials/item_row.html`), so a row is written in one place.
"""

from django import template
from django.template.defaultfilters import floatformat, pluralize
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.links import pk_url
from customfields.templatetags.custom_values import custom_value

register = template.Library()

DASH = "—"


def _v(value) -> str:
    """As `{{ value }}` renders it: localised, then escaped (unless already safe)."""
    return conditional_escape(localize(value))


def _or_dash(value) -> str:
    return DASH if value is None else _v(value)


def _cell(name: str, item) -> str:
    """The `<td>` of column `name` ('' for a name the table does not know)."""
    if name == "kind":
        return f'<td><span class="kind {_v(item.kind)}">{_v(item.get_kind_display())}</span></td>'
    if name == "status":
        return (
            f'<td data-prop="status"><span class="badge {_v(item.status)}">{_v(item.get_status_display())}</span></td>'
        )
    if name == "points":
        return f'<td class="num" data-prop="story_points">{_or_dash(item.story_points)}</td>'
    if name == "rice":
        return f'<td class="num">{_or_dash(item.rice_score)}</td>'
    if name == "wsjf":
        return f'<td class="num">{_or_dash(item.wsjf_score)}</td>'
    if name == "impact":
        if not item.evidence_count:
            return f'<td class="num">{DASH}</td>'
        impact = _v(floatformat(item.customer_impact, "-2"))
        return f'<td class="num">{impact} <span class="muted">({_v(item.evidence_count)})</span></td>'
    if name == "moscow":
        if not item.moscow:
            return f'<td data-prop="moscow">{DASH}</td>'
        return (
            f'<td data-prop="moscow"><span class="moscow {_v(item.moscow)}">{_v(item.get_moscow_display())}</span></td>'
        )
    if name == "sprint":
        return f'<td data-prop="sprint">{_or_dash(item.sprint_name)}</td>'
    if name == "owner":
        return f'<td data-prop="owner">{_v(item.owner_username) if item.owner_username else DASH}</td>'
    if name[:3] == "cf_":
        return f'<td data-prop="{_v(name)}">{_v(custom_value(item, name[3:]))}</td>'
    if name == "criteria":
        if not getattr(item, "criteria_count", 0):
            return f'<td class="num">{DASH}</td>'
        return f'<td class="num">{_v(item.criteria_met)}/{_v(item.criteria_count)}</td>'
    return ""


def item_row_html(row: dict, *, product, cols, cols_param: str, can_edit: bool, can_rank: bool, saved_now=False) -> str:
    """One row of the backlog table: `row` as listing.row_builder makes it (the item, read by
    backlog.selectors.items.item_rows, and its links)."""
    item = row["obj"]
    pk, key = _v(item.pk), _v(item.key)
    flash = " flash" if saved_now else ""
    head = (
        f'<tr id="item-{pk}" class="item-row kind-{_v(item.kind)}{flash}" data-item-id="{pk}" data-item-key="{key}" '
        f'data-move-url="{_v(row["move_url"])}"'
    )
    if can_edit:
        head += f' data-props-url="{_v(row["props_url"])}" data-version="{_v(item.version)}"'
    parts = [head, ">\n"]
    if can_edit:
        parts.append(
            f'  <td class="select"><input type="checkbox" name="ids" value="{pk}" form="bulk-form" '
            f'aria-label="Select {key}"></td>\n'
        )
    if can_rank:
        parts.append(
            f'  <td class="handle"><button type="button" class="drag-handle" data-move-handle aria-label="Reorder '
            f'{key}: drag, or press Arrow Up or Arrow Down; Home or End for top or bottom">⠿</button></td>\n'
        )
    parts.append(f'  <td class="key">{key}</td>\n')
    parts.append(f'  <td class="title-cell"><a href="{_v(row["url"])}" data-title-link>{_v(item.title)}</a>\n')
    n = getattr(item, "child_count", 0)
    if n:
        what = f"stor{pluralize(n, 'y,ies')}" if item.kind == "epic" else f"child item{pluralize(n)}"
        parts.append(f'    <span class="child-count">{_v(n)} {what}</span>\n')
    if item.parent_id:
        parts.append(f'    <span class="child-count">in {_v(product.key)}-{_v(item.parent_number)}</span>\n')
    if item.status == "rejected" and item.rejection_reason:
        parts.append(f'    <p class="reason">Rejected: {_v(item.rejection_reason)}</p>\n')
    parts.append("  </td>\n")
    parts += [f"  {_cell(name, item)}\n" for name in cols]
    if can_edit:
        parts.append(
            f'  <td class="row-actions"><button type="button" class="btn small" '
            f'hx-get="{_v(row["inline_url"])}?columns={_v(cols_param)}" hx-target="closest tr" hx-swap="outerHTML" '
            f'aria-label="Edit {key} here">Edit</button></td>\n'
        )
    parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above went through _v (escaped)


@register.simple_tag(takes_context=True)
def item_row(context) -> str:
    """The row of `row` in the context (as the list's loop and the single-row views set it)."""
    return item_row_html(
        context["row"],
        product=context["product"],
        cols=context.get("cols") or (),
        cols_param=context.get("cols_param") or "",
        can_edit=bool(context.get("can_edit")),
        can_rank=bool(context.get("can_rank")),
        saved_now=bool(context.get("saved_now")),
    )


def plan_card_html(item, *, where: str, product, sprint, can_plan: bool, csrf_token, links: dict) -> str:
    """One card of sprint planning, in the backlog column (`where="backlog"`) or the sprint's.
    `links` holds the item's page (`detail`, a function of its id: core.links.pk_url) and the plan's
    move endpoint (`move`)."""
    pk, key = _v(item.pk), _v(item.key)
    points = _v(item.story_points if item.story_points is not None else 0)
    parts = [
        f'<li class="plan-card" data-item-id="{pk}" data-item-key="{key}" data-points="{points}">\n',
        f'  <div class="plan-card-main"><span class="key">{key}</span> <a href="{_v(links["detail"](item.pk))}">'
        f"{_v(item.title)}</a></div>\n",
        f'  <div class="plan-card-meta"><span class="kind {_v(item.kind)}">{_v(item.get_kind_display())}</span> '
        f'<span class="badge {_v(item.status)}">{_v(item.get_status_display())}</span> '
        f'<span class="pts">{_v(item.story_points) if item.story_points is not None else "?"} pts</span>\n',
    ]
    if can_plan:
        token = ""
        if csrf_token and csrf_token != "NOTPROVIDED":  # as {% csrf_token %} writes it
            token = f'<input type="hidden" name="csrfmiddlewaretoken" value="{_v(csrf_token)}">'
        parts.append(
            f'  <form method="post" action="{_v(links["move"])}" class="plan-move">{token}'
            f'<input type="hidden" name="item" value="{pk}">\n'
        )
        if where == "backlog":
            parts.append(
                f'    <input type="hidden" name="target" value="sprint"><button class="btn small" '
                f'aria-label="Add {key} to {_v(sprint)}">Add <span aria-hidden="true">→</span></button>\n'
            )
        else:
            parts.append(
                f'    <input type="hidden" name="target" value="backlog"><button class="btn small" '
                f'aria-label="Remove {key} from {_v(sprint)} (back to the backlog)"><span aria-hidden="true">←</span> '
                "Remove</button>\n"
            )
        parts.append("  </form>")
    parts.append("</div>\n</li>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above went through _v (escaped)


@register.simple_tag(takes_context=True)
def plan_cards(context, items, where: str) -> str:
    """The cards of `items` in one column of sprint planning (backlog/sprint_plan.html)."""
    product, sprint = context["product"], context["sprint"]
    links = {
        "detail": pk_url("backlog:item_detail", {"product_id": product.pk}),
        "move": reverse("backlog:sprint_plan_item", kwargs={"product_id": product.pk, "pk": sprint.pk}),
    }
    can_plan, token = bool(context.get("can_plan")), context.get("csrf_token")
    return mark_safe(  # noqa: S308 - each card escapes its values
        "\n".join(
            plan_card_html(
                item, where=where, product=product, sprint=sprint, can_plan=can_plan, csrf_token=token, links=links
            )
            for item in items
        )
    )
