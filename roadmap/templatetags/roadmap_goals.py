"""Template tags the goal pages (okrs) use to show the roadmap's side: what serves a key result."""

from django import template

from ..selectors.serving import key_result_serving as serving_of

register = template.Library()


@register.inclusion_tag("roadmap/_key_result_serving.html")
def key_result_serving(key_result):
    """The initiatives and backlog items serving a key result, with their progress."""
    return {"key_result": key_result, "serving": serving_of(key_result=key_result)}
