"""Every page each demo role can reach, checked in the browser: a page no journey visits is
still checked.

The demo council (the fuzz test's world: the demo's staff and residents, open, draft and public
surveys, a drawn sample, imports and jobs) runs on its own live server. As each demo role
(anonymous, resident, officer, organiser, admin) the crawl follows every same-origin link,
breadth first, GET only: never sign-out, downloads, the feed, external links or anchors. URLs
that differ only in their ids (or tokens, or query values) share a pattern, and at most
``PER_PATTERN`` URLs of a pattern are visited, which bounds the time.

On every HTML page: the status is below 400 (a 403 or 404 page is allowed, and checked like any
other), there is exactly one level-one heading, axe finds no violations, and on a 390 px wide
phone the page does not scroll sideways (a wide table scrolls inside its own region). Every
problem is collected and reported together, one line per URL and problem.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select
from werkzeug.serving import make_server

from core.config import TestConfig
from core.extensions import db
from core.models import User
from surveys.models import Survey
from tests.conftest import migrate_to_head
from tests.e2e.conftest import _AXE, QuietHandler
from tests.integration.fuzz.world import World, seed_world
from wsgi import create_app

ROLES = ("anonymous", "resident", "officer", "organiser", "admin")
PER_PATTERN = 2
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SKIP_SUFFIXES = (".csv", ".xlsx", ".sav", ".txt", ".ics", ".json", ".xml", ".atom", ".pdf",
                 ".zip")
SKIP_PATHS = ("/sign-out", "/static/", "/feed", "/healthz")
MISSING = "/no-such-page"  # the 404 page is checked like any other
LONG_WORD = "Kirkbylonsdaleandwhittingtonneighbourhoodforumconsultation"
LONG_EMAIL = "resident.with.a.rather.long.email.address.for.the.crawl@burnley.example"
ID = re.compile(r"(?<=/)\d+(?=/|$)")
TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_.-]{20,}(?=/|$)")

# The elements sticking out past the right edge of a phone's screen, or whose text does (the
# innermost ones, which are the cause; not those inside a box that scrolls), for the report.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const right = e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 ? box.left + Math.max(box.width, e.scrollWidth) : 0;
  };
  const wide = [...document.body.querySelectorAll('*')].filter(
    e => right(e) > width + 1 && !scrolls(e));
  const innermost = wide.filter(e => !wide.some(other => other !== e && e.contains(other)));
  return innermost.slice(0, 3).map(e => {
    const classes = [...e.classList].slice(0, 2).map(c => '.' + c).join('');
    const text = (e.innerText || '').trim().slice(0, 30);
    return `${e.tagName.toLowerCase()}${classes} (${Math.round(right(e))} px`
      + (text ? `, "${text}"` : '') + ')';
  });
}"""


@dataclass
class DemoServer:
    url: str
    world: World
    timings: dict[str, tuple[int, float]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory,
                pytestconfig: pytest.Config) -> Iterator[DemoServer]:
    """The demo council on its own live server (the shared ``live_server`` is left alone).
    At the end the crawl's time is printed (it should stay well under 4 minutes)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('crawl') / 'crawl.sqlite'}"
    migrate_to_head(url)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        world = seed_world()
        with_long_words(world)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    demo = DemoServer(url=f"http://127.0.0.1:{server.server_port}", world=world)
    app.config["PUBLIC_BASE_URL"] = demo.url
    try:
        yield demo
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()
        if demo.timings:
            pages = sum(n for n, _ in demo.timings.values())
            seconds = sum(s for _, s in demo.timings.values())
            line = (f"crawl: {pages} pages as {len(demo.timings)} roles in {seconds:.0f} s ("
                    + ", ".join(f"{role} {n} in {s:.0f} s"
                                for role, (n, s) in demo.timings.items()) + ")")
            capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
            with capture.global_and_fixture_disabled():
                print("\n" + line)


def with_long_words(world: World) -> None:
    """A survey title and the demo resident's email address too long for a phone's width
    unless they wrap (the resident signs in with the new address)."""
    draft = db.session.scalar(select(Survey).where(Survey.title == "Parks survey"))
    draft.title = f"{LONG_WORD} survey"
    email, password = world.accounts["resident"]
    user = db.session.scalar(select(User).where(User.email == email))
    user.email = LONG_EMAIL
    db.session.commit()
    world.accounts["resident"] = (LONG_EMAIL, password)


def pattern(url: str) -> str:
    """The URL with its ids, tokens and query values replaced: URLs alike share a pattern."""
    parts = urlsplit(url)
    path = TOKEN.sub("{token}", ID.sub("{id}", parts.path))
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def followable(url: str, origin: str) -> str | None:
    """The URL to visit for a link (fragment dropped), or None when the crawl skips it."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path or "/"
    if path.endswith(SKIP_SUFFIXES) or path.startswith(SKIP_PATHS):
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return origin + path + (f"?{query}" if query else "")


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def check_page(page: Page, status: int) -> list[str]:
    """The problems with the page as it is now (desktop width), then at phone width."""
    problems = []
    if status >= 400 and not (status == 404 and page.url.endswith(MISSING)):
        problems.append(f"status {status}: a link this role is shown leads to an error")
    headings = page.locator("h1").count()
    if headings != 1:
        problems.append(f"{headings} level-one headings (there must be exactly 1)")
    results = _AXE.run(page)
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        problems.append(f"axe {violation['id']}: {violation['help']} ({'; '.join(targets)})")
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"{width} px wide on a {PHONE['width']} px phone: "
                        + "; ".join(page.evaluate(OVERFLOWING)))
    page.set_viewport_size(DESKTOP)
    return problems


def start_urls(role: str, world: World) -> list[str]:
    """Where the crawl starts: the home page, and the links that arrive by email or on a
    poster rather than from a page (a survey invitation, the public survey, a missing page)."""
    invitation, public_response = world.values["token"]
    if role == "anonymous":
        return ["/", MISSING, f"/surveys/p/{world.values['slug'][0]}",
                f"/surveys/r/{public_response}",
                *(f"/unsubscribe/{token}" for token in world.by_endpoint[
                    ("unsubscribe.stop_emails_page", "token")])]
    if role == "resident":
        return ["/", f"/surveys/r/{invitation}"]
    return ["/"]


def crawl(page: Page, origin: str, starts: list[str]) -> tuple[dict[str, list[str]], int]:
    """Visit every reachable page (at most PER_PATTERN a pattern); problems by URL."""
    queue = deque(origin + start for start in starts)
    queued = set(queue)
    per_pattern: dict[str, int] = {}
    problems: dict[str, list[str]] = {}
    visited = 0
    while queue:
        url = queue.popleft()
        key = pattern(url)
        if per_pattern.get(key, 0) >= PER_PATTERN:
            continue
        per_pattern[key] = per_pattern.get(key, 0) + 1
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited += 1
        page.wait_for_load_state("load")
        found = check_page(page, response.status)
        if found:
            problems[url.removeprefix(origin)] = found
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            link = followable(href, origin)
            if link and link not in queued:
                queued.add(link)
                queue.append(link)
    return problems, visited


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_is_accessible_and_fits_a_phone(
        role: str, browser: Browser, demo_server: DemoServer) -> None:
    started = time.perf_counter()
    context = browser.new_context(base_url=demo_server.url, viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    try:
        if role != "anonymous":
            sign_in(page, *demo_server.world.accounts[role])
        problems, visited = crawl(page, demo_server.url, start_urls(role, demo_server.world))
    finally:
        context.close()
    seconds = time.perf_counter() - started
    demo_server.timings[role] = (visited, seconds)
    report = "\n".join(f"{url}: {problem}" for url, found in problems.items()
                       for problem in found)
    assert visited > 1, f"the crawl as {role} found no pages"
    assert not problems, f"as {role}, {len(problems)} of {visited} pages have problems:\n{report}"
