"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page a test opens fails the test on a JavaScript console error or an uncaught page error.
Set PMHUB_SCREENSHOTS=<dir> to keep screenshots of the main pages (1280 px and tablet width).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.asgi_server import asgi_base, live_settings  # noqa: F401 (fixtures: uvicorn, live updates)
from tests.conftest import skip_or_fail

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium():
    # One browser per module, not per session: a test module that runs its own Playwright
    # (like the dashboard's) cannot start while another sync Playwright is alive in this thread.
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread while the ORM calls of the tests are
    # synchronous. Set for these modules only: a leaked variable fails `check --deploy` elsewhere.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class JsErrors(list):
    def check(self):
        assert not self, f"JavaScript errors on the page: {list(self)}"


@pytest.fixture
def browser_page(chromium, live_server, transactional_db):
    """A fresh browser context and page; the test fails on any console error or page error."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(8000)
    page = context.new_page()
    errors = JsErrors()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"{error} {error.stack or ''}"))
    page.js_errors = errors
    yield page
    context.close()
    errors.check()


def sign_in(page, user, base_url: str) -> None:
    """Sign in without the form (the login test covers the form): reuse a Django session cookie."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


@pytest.fixture
def signed_in(browser_page, live_server):
    def as_user(user):
        sign_in(browser_page, user, live_server.url)
        return browser_page

    return as_user


def screenshot(page, name: str) -> None:
    folder = os.environ.get("PMHUB_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width in (1280, 820):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def drag(page, source, target, *, dx: float = 0, dy: float = 0, target_y: float = 0.3) -> None:
    """Drag with real mouse moves (SortableJS and the timeline listen to pointer events)."""
    box = source.bounding_box()
    start_x, start_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    page.mouse.move(start_x + 2, start_y + 4, steps=2)
    if target is not None:
        tbox = target.bounding_box()
        end_x, end_y = tbox["x"] + tbox["width"] / 2, tbox["y"] + tbox["height"] * target_y
    else:
        end_x, end_y = start_x + dx, start_y + dy
    page.mouse.move(end_x, end_y, steps=12)
    page.wait_for_timeout(150)
    page.mouse.up()


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser/ carries the `browser` marker, so `-m "not browser"` leaves them out.

    (A `pytestmark` in a conftest marks nothing: pytest reads it only from test modules.)
    """
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.browser)
