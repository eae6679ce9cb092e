"""Every page a member can reach carries the Content-Security-Policy and passes it: no inline
style (attribute or element), no inline script, no inline event handler.

The pages are found by following the links (and htmx URLs) of the demo workspace as its admin,
one page per URL shape, plus what a signed-out visitor sees (sign-in, a shared roadmap, a 404,
the API docs). JSON data blocks (`json_script`) are data, not script, and are allowed.
"""

import io
import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from pmhub.demo_data import DEMO_PASSWORD
from products.models import Product

LINK = re.compile(r"""(?:href|hx-get)="(/[^"#]*)""")
INLINE_STYLE = re.compile(r"""<[^>]*\sstyle\s*=""", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"""<[^>]*\son[a-z]+\s*=""", re.IGNORECASE)
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
SKIP = ("/admin/", "/api/", "/static/", "/accounts/logout/")


def shape(url: str) -> str:
    """A page's shape: ids and keys replaced, query values dropped (one visit per shape)."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+/", "/N/", parts.path)
    return path + "?" + ",".join(sorted(key for key, _ in parse_qsl(parts.query)))


def inline_code(html: str) -> list[str]:
    found = [match.group(0)[:120] for match in INLINE_STYLE.finditer(html)]
    found += [match.group(0)[:120] for match in INLINE_HANDLER.finditer(html)]
    found += [match.group(0) for match in STYLE_ELEMENT.finditer(html)]
    for match in SCRIPT.finditer(html):
        attributes = match.group(1)
        if "src=" not in attributes and 'type="application/json"' not in attributes:
            found.append(match.group(0))
    return found


def check(response, url: str, problems: list[str]) -> None:
    if "text/html" not in response.get("Content-Type", ""):
        return
    policy = response.get("Content-Security-Policy", "")
    if "script-src 'self'" not in policy or "style-src 'self'" not in policy or "unsafe-inline" in policy:
        problems.append(f"{url}: policy {policy!r}")
    problems.extend(f"{url}: {code}" for code in inline_code(response.content.decode()))


def test_every_page_of_the_demo_and_what_visitors_see_pass_the_policy(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    admin = Client()
    assert admin.post(reverse("login"), {"username": "admin", "password": DEMO_PASSWORD}).status_code == 302
    product = Product.objects.order_by("pk").first()
    admin.post(reverse("prioritization:reprioritise", kwargs={"product_id": product.pk}))  # a job to show
    created = admin.post(reverse("roadmap:share_link_create", kwargs={"product_id": product.pk}), {"label": "Board"})
    shared_path = urlsplit(created.context["new_share_url"]).path
    problems: list[str] = []

    seen: set[str] = set()
    queue = deque(["/", reverse("prioritization:job_status", kwargs={"product_id": product.pk})])
    visited = 0
    while queue and visited < 400:
        url = queue.popleft()
        if shape(url) in seen or url.startswith(SKIP):
            continue
        seen.add(shape(url))
        response = admin.get(url, headers={"HX-Request": "true"} if "/status/" in url else {})
        visited += 1
        assert response.status_code < 500, url
        if response.status_code in (301, 302):
            queue.append(response.url)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            check(response, url, problems)
            queue.extend(LINK.findall(response.content.decode().replace("&amp;", "&")))
    assert visited > 60  # boards, timelines, lists, details, forms, dashboards, partials

    visitor = Client()
    for url in (reverse("login"), shared_path, "/no/such/page/", reverse("api-docs")):
        response = visitor.get(url)
        assert response.status_code in (200, 404), url
        check(response, url, problems)
    assert problems == []


def test_the_checker_finds_inline_code():
    """The walk above would see what it looks for."""
    assert inline_code('<span class="a" style="width:3%">') and inline_code("<b onclick='x()'>")
    assert inline_code("<script>alert(1)</script>") and inline_code("<style>p{}</style>")
    assert inline_code('<script src="/static/js/app.js" defer></script><p data-vars="pct:3%">') == []
    assert inline_code('<script id="kpi-data" type="application/json">[]</script>') == []
