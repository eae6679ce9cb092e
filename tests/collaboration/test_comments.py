"""Comments: safe Markdown, mentions among the workspace's members, edits and deletes by the author only,
threads one level deep, roles, and no comment of workspace A visible from workspace B (pages, API)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from collaboration.markdown import render_markdown
from collaboration.models import Comment
from collaboration.registry import kind_named
from collaboration.services.comments import comment_create
from core import events
from tests import factories as f
from tests.conftest import ROLES

ITEM = "backlog.backlogitem"
XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "![x](javascript:alert(1))",
    '<a href="https://e.com" onclick="alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<svg onload="alert(1)">',
    "`<b>code</b>` and <b>bold</b>",
    '[a](https://e.com "t\\" onmouseover=\\"alert(1)")',
]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


@pytest.mark.parametrize("source", XSS)
def test_markdown_never_lets_html_or_scripts_through(source):
    """What the author typed as HTML arrives as text; the elements that remain are harmless ones."""
    parser = _Elements()
    parser.feed(render_markdown(source))

    for tag, attrs in parser.elements:
        assert tag in {"p", "a", "code", "strong", "em"}, tag
        assert not [name for name in attrs if name.startswith("on") or name in ("style", "src")], attrs
        if tag == "a" and "href" in attrs:
            assert attrs["href"].split(":")[0].lower() in ("https", "http", "mailto"), attrs
            assert attrs["rel"] == "nofollow noopener noreferrer"


def test_markdown_renders_formatting_and_links_get_nofollow():
    html = render_markdown("**bold** _it_ `code`\n\n- a\n- b\n\n[PMHub](https://example.com)\n\n# Title")
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html and "<code>code</code>" in html
    assert "<li>a</li>" in html
    assert 'href="https://example.com"' in html and 'rel="nofollow noopener noreferrer"' in html
    assert "<h3>Title</h3>" in html  # a comment's headings sit under the page's own


def _thread_url(item):
    return reverse("collaboration:comments", kwargs={"label": ITEM, "target_id": item.pk})


def test_posting_a_comment_with_a_mention_records_it_and_announces_it(world):
    item = f.BacklogItemFactory(product=world.product)
    f.UserFactory(username="stranger")  # not a member: not mentioned
    heard = []
    events.subscribe(heard_event := lambda **kw: heard.append(kw))
    try:
        response = world.client("contributor").post(
            _thread_url(item), {"body": "@product_owner_user please look, cc @stranger"}, HTTP_HX_REQUEST="true"
        )
    finally:
        events._subscribers.remove(heard_event)

    assert response.status_code == 200
    comment = Comment.objects.get()
    assert list(comment.mentions.all()) == [world.users["product_owner"]]
    assert '<span class="mention">@product_owner_user</span>' in response.content.decode()
    created = [e for e in heard if e["event"] == "comment.created"]
    assert created == [
        {
            "event": "comment.created",
            "workspace_id": world.workspace.pk,
            "data": {
                "id": comment.pk,
                "target": {
                    "type": ITEM,
                    "id": item.pk,
                    "title": str(item),
                    "url": reverse("backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": item.pk}),
                },
                "parent": None,
                "author": world.users["contributor"].pk,
                "mentions": [world.users["product_owner"].pk],
                "url": reverse("backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": item.pk})
                + f"#comment-{comment.pk}",
            },
        }
    ]
    assert events.is_webhook_event("comment.created")


def test_only_the_author_edits_or_deletes_and_an_edit_is_marked(world):
    item = f.BacklogItemFactory(product=world.product)
    comment = comment_create(kind=kind_named(ITEM), target=item, body="First", author=world.users["contributor"])
    edit = reverse("collaboration:comment_edit", kwargs={"label": ITEM, "target_id": item.pk, "pk": comment.pk})
    delete = reverse("collaboration:comment_delete", kwargs={"label": ITEM, "target_id": item.pk, "pk": comment.pk})

    assert world.client("admin").post(edit, {"body": "Hijacked"}).status_code == 403
    assert world.client("admin").post(delete).status_code == 403
    response = world.client("contributor").post(edit, {"body": "Second"}, HTTP_HX_REQUEST="true")

    comment.refresh_from_db()
    assert comment.body == "Second" and comment.edited_at is not None
    assert "(edited)" in response.content.decode()
    assert world.client("contributor").post(delete).status_code == 302
    assert not Comment.objects.exists()


def test_threads_are_one_level_deep(world):
    item = f.BacklogItemFactory(product=world.product)
    top = comment_create(kind=kind_named(ITEM), target=item, body="Top", author=world.users["admin"])
    reply = comment_create(kind=kind_named(ITEM), target=item, body="Re", author=world.users["admin"], parent=top)
    client = world.client("viewer")

    world.client("contributor").post(_thread_url(item), {"body": "Re re", "parent": reply.pk})

    assert Comment.objects.get(body="Re re").parent_id == top.pk
    other = f.BacklogItemFactory(product=world.product)
    response = world.client("contributor").post(_thread_url(other), {"body": "Elsewhere", "parent": top.pk})
    assert response.status_code == 404  # a parent of another object
    assert client.get(_thread_url(item)).content.decode().count('class="comment"') == 3


@pytest.mark.parametrize("role", ROLES)
def test_every_member_but_a_viewer_comments(world, role):
    item = f.BacklogItemFactory(product=world.product)
    client = world.client(role)

    assert client.get(_thread_url(item)).status_code == 200
    response = client.post(_thread_url(item), {"body": "Hello"})

    assert response.status_code == (403 if role == "viewer" else 302)
    assert Comment.objects.exists() == (role != "viewer")


def test_bad_input_is_a_message_not_a_500_and_nothing_is_saved(world):
    item = f.BacklogItemFactory(product=world.product)
    client = world.client("admin")

    empty = client.post(_thread_url(item), {"body": "   "}, HTTP_HX_REQUEST="true")
    huge = client.post(_thread_url(item), {"body": "x" * 10_001}, HTTP_HX_REQUEST="true")

    assert empty.status_code == 200 and "errorlist" in empty.content.decode()
    assert huge.status_code == 200 and "errorlist" in huge.content.decode()
    assert client.post(_thread_url(item), {"body": "ok", "parent": "abc"}).status_code == 400
    assert not Comment.objects.exists()


def test_no_comment_of_another_workspace_is_visible(world, api):
    ours = f.BacklogItemFactory(product=world.product)
    theirs = f.BacklogItemFactory(product=world.other_product)
    comment_create(kind=kind_named(ITEM), target=ours, body="Our secret", author=world.users["admin"])
    comment_create(kind=kind_named(ITEM), target=theirs, body="Their note", author=world.outsider)
    outsider = world.client("outsider")

    assert outsider.get(_thread_url(ours)).status_code == 404
    assert outsider.post(_thread_url(ours), {"body": "Hi"}).status_code == 404
    assert [c["body"] for c in api("outsider").get("/api/v1/comments/").json()["results"]] == ["Their note"]
    listed = api("outsider").get("/api/v1/comments/", {"target_type": ITEM, "target_id": ours.pk}).json()
    assert listed["results"] == []
    response = api("outsider").post(
        "/api/v1/comments/", {"target_type": ITEM, "target_id": ours.pk, "body": "Hi"}, format="json"
    )
    assert response.status_code == 400
    mentions = reverse("collaboration:mentions", kwargs={"workspace_id": world.workspace.pk})
    assert outsider.get(mentions, {"q": "a"}).status_code == 404


def test_mention_suggestions_are_members_of_the_workspace(world):
    f.UserFactory(username="product_stranger")
    url = reverse("collaboration:mentions", kwargs={"workspace_id": world.workspace.pk})

    names = [r["username"] for r in world.client("viewer").get(url, {"q": "produ"}).json()["results"]]

    assert names == ["product_manager_user", "product_owner_user"]


def test_the_api_lets_the_author_edit_with_if_match(world, api):
    item = f.BacklogItemFactory(product=world.product)
    comment = comment_create(kind=kind_named(ITEM), target=item, body="One", author=world.users["product_owner"])
    url = f"/api/v1/comments/{comment.pk}/"

    assert api("admin").patch(url, {"body": "Two"}, format="json").status_code == 403
    stale = api("product_owner").patch(url, {"body": "Two"}, format="json", HTTP_IF_MATCH='"7"')
    fresh = api("product_owner").patch(url, {"body": "Two **bold**"}, format="json", HTTP_IF_MATCH='"1"')

    assert stale.status_code == 412
    assert fresh.status_code == 200 and fresh.json()["body_html"] == "<p>Two <strong>bold</strong></p>\n"
    assert fresh.json()["edited_at"] is not None
    moved = {"target_id": item.pk + 1000}  # a comment stays on its object
    assert api("product_owner").patch(url, moved, format="json").status_code == 400


def test_the_object_pages_include_the_comments_and_history_panels(world):
    item = f.BacklogItemFactory(product=world.product)
    page = world.client("viewer").get(
        reverse("backlog:item_detail", kwargs={"product_id": world.product.pk, "pk": item.pk})
    )
    html = page.content.decode()
    assert f'hx-get="{_thread_url(item)}"' in html
    assert reverse("collaboration:timeline", kwargs={"label": ITEM, "target_id": item.pk}) in html
