"""Sign-in end to end: a real OpenID Connect provider, the app, and Chromium.

``oidc-provider-mock`` runs on a free localhost port as the identity provider; the app is
started with a secrets file whose ``[auth]`` table points at it. Three people, each in a
browser context of their own: Alice signs in through the provider's page, uploads a small
dataset and shares it with Bob by email; Bob opens her link and sees its numbers; Carol opens
it and gets the refusal page, which names Alice and holds no number, file name or feature
name, nor does anything the server sent her browser. Alice makes a link with an expiry that
Carol can open; a tampered and an expired key are refused; Alice stops sharing with Bob and
revokes the link, and both are refused from then on; the audit trail on her Data page lists
each step. Without ``[auth]`` the app says it is open. Screenshots go to
``test-output/screenshots/auth-*.png``.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from builders import FIRST_REVENUE, FIRST_USAGE
from locations import ROOT

from bench.browser import CHROMIUM, VIEWPORT, chromium, free_port, server, stop
from econ.storage.access import AccessStore, link_secret, sign_link, verify_link
from ui.text import WORD_JOINER

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Response, WebSocket

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium); "
        "the browser test never downloads a browser of its own",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")

SCREENSHOTS = ROOT / "test-output" / "screenshots"
WAIT_MS = 60_000
START_SECONDS = 60

# What the app's pages say (ui/auth.py, ui/sharing.py).
SIGN_IN = "Sign in"
SIGN_OUT = "Sign out"
OPEN_NOTICE = "No sign-in: anyone who can reach this server can see its data"
REFUSED = "You don't have access to this dataset"
WHO_CAN_SEE = "Who can see this dataset"
MODE_PEOPLE = "Named people or email domains"
PEOPLE = "People (email addresses)"
SAVE_ACCESS = "Save who can see it"
LINK_DAYS = "Days it works"
CREATE_LINK = "Create a link"
REVOKE = "Revoke"
AUDIT = "Audit trail"


@dataclass(frozen=True)
class Person:
    """Someone the mock provider signs in: the subject typed on its page and the claims it
    puts in the ID token."""

    sub: str
    email: str
    name: str

    def claims(self) -> str:
        return json.dumps({"sub": self.sub, "email": self.email, "name": self.name})


ALICE = Person("u-alice-7f3c", "alice@owner.example", "Alice Owner")
BOB = Person("u-bob-21d9", "bob@partner.example", "Bob Reader")
CAROL = Person("u-carol-88e0", "carol@elsewhere.example", "Carol Outsider")

USAGE_FILE = "first_usage.parquet"
REVENUE_FILE = "first_revenue.parquet"
SECRETS_OF_THE_DATASET = (
    "chat_assistant",
    "deep_research",
    "Chat assistant",
    "Deep research",
    "first_usage",
    "first_revenue",
    "acme",
    "bolt",
    "cove",
    "Starter",
)
"""What the upload holds and nobody refused may see: its feature names (as ids and as the
pages write them), its file names, its customers and its plans (the bundled sample has other
customers, and a refusal page draws no sample either, so none of these has a reason to reach
the browser)."""


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """``oidc-provider-mock`` on a free local port, the three people predefined; its URL.

    It runs as a process of its own: the provider imports Authlib's deprecated JOSE module,
    and the warnings it raises would be errors in the test process (filterwarnings=error)."""
    port = free_port()
    people = [arg for person in (ALICE, BOB, CAROL) for arg in ("--user-claims", person.claims())]
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-W",
                "ignore",
                "-m",
                "oidc_provider_mock",
                "--host=127.0.0.1",
                f"--port={port}",
                *people,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + START_SECONDS
            while True:
                try:
                    with urllib.request.urlopen(
                        f"{url}/.well-known/openid-configuration", timeout=2
                    ) as got:
                        assert json.load(got)["issuer"] == url
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        pytest.fail(f"the OpenID provider did not start:\n{log.read()[-2000:]}")
                    time.sleep(0.1)
            yield url
        finally:
            stop(process)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("econ-data-auth")


@pytest.fixture(scope="module")
def app_url(
    provider: str, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The app with sign-in on: a secrets file whose ``[auth]`` table names the provider (the
    redirect URI's port is the app's own, which Streamlit fills in)."""
    secrets_file = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "econ-browser-test"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    with server(str(data_dir), secrets=secrets_file) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


IDLE = """() => !document.querySelector("[data-testid='stStatusWidget']")
    && !document.querySelector("[data-testid='stSkeleton']")
    && document.querySelector("[data-testid='stMain'] h1, [data-testid='stMain'] p")"""
"""The app is not running its script, and has drawn something."""


def idle(page: Page) -> None:
    """Wait until the app has finished its run (no 'running' indicator, no skeleton), and is
    still so a moment later."""
    page.wait_for_selector("[data-testid='stApp']", timeout=WAIT_MS)
    for _ in range(2):
        page.wait_for_function(IDLE, timeout=WAIT_MS)
        page.wait_for_timeout(600)


def settled(page: Page) -> None:
    """A page of the app with a dataset open: idle, with the sidebar's share link drawn."""
    idle(page)
    page.wait_for_selector(
        "[data-testid='stSidebar'] [data-testid='stCode']", timeout=WAIT_MS, state="attached"
    )
    idle(page)
    assert page.locator("[data-testid='stException']").count() == 0


def main_text(page: Page) -> str:
    """The page's main area as a reader sees it (without the word joiners the app puts in
    user-controlled text)."""
    text = str(page.locator("[data-testid='stMain']").first.inner_text())
    return text.replace(WORD_JOINER, "")


def wait_for_text(page: Page, text: str) -> None:
    page.wait_for_function(
        "([text, joiner]) => document.querySelector(\"[data-testid='stMain']\")"
        "?.innerText.replaceAll(joiner, '').includes(text)",
        arg=[text, WORD_JOINER],
        timeout=WAIT_MS,
    )


def numbers_shown(page: Page) -> list[str]:
    """The page's metrics in dollars or percent (the figures a reader sees, each distinctive
    enough to search for in what a server sent)."""
    values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    return [
        value.strip()
        for value in values
        if re.search(r"[0-9]", value) and re.search(r"[$%]", value)
    ]


def share_link(page: Page) -> str:
    code = page.locator("[data-testid='stSidebar'] [data-testid='stCode'] code").first
    return str(code.inner_text()).strip()


def with_query(link: str, **changes: str) -> str:
    parts = urlsplit(link)
    query = dict(parse_qsl(parts.query)) | changes
    return urlunsplit(parts._replace(query=urlencode(query)))


def sign_in(browser: Browser, app_url: str, provider: str, person: Person) -> BrowserContext:
    """A new browser context in which ``person`` has signed in through the provider's page."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(app_url)
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(f"{provider}/**", timeout=WAIT_MS)
    page.locator("input[name=sub]").fill(person.sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(f"{app_url}/**", timeout=WAIT_MS)
    settled(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text(person.name, exact=False).first.wait_for(timeout=WAIT_MS)
    assert sidebar.get_by_role("button", name=SIGN_OUT).count() == 1
    page.close()
    return context


@dataclass
class Received:
    """Everything the server sent one page: the app's websocket messages and its HTTP
    responses (whose bodies are read once the page is idle)."""

    frames: list[bytes] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        def on_websocket(stream: WebSocket) -> None:
            stream.on("framereceived", self._frame)

        page.on("websocket", on_websocket)
        page.on("response", self._response)

    def _response(self, response: Response) -> None:
        self.responses.append(response)

    def _frame(self, payload: str | bytes) -> None:
        self.frames.append(payload.encode() if isinstance(payload, str) else payload)

    def everything(self) -> list[bytes]:
        """The websocket messages and the bodies of the responses that could carry data: the
        page and what it fetched (Streamlit's scripts, styles, fonts and icons are the same
        files for everyone)."""
        bodies: list[bytes] = []
        for response in self.responses:
            if response.request.resource_type not in ("document", "fetch", "xhr", "other"):
                continue
            if 300 <= response.status < 400:
                continue  # a redirect has no body to read
            try:
                bodies.append(response.body())
            except sync_api.Error:
                continue  # a body the browser did not keep
        return self.frames + bodies


def holds(chunk: bytes | str, word: str) -> bool:
    """Whether ``word`` is in ``chunk`` as a word of its own (so that "cove" is not found in
    "discover"), in text or in a message's bytes, also when the app escaped it for Markdown
    (``chat\\_assistant``, ``$248\\.00``, word joiners; see ``ui.text.plain``)."""
    raw = chunk.encode() if isinstance(chunk, str) else chunk
    raw = re.sub(rb"\\(?=[!-/:-@\[-`{-~])", b"", raw.replace(WORD_JOINER.encode(), b""))
    found = rb"(?<![A-Za-z0-9_])" + re.escape(word.encode()) + rb"(?![A-Za-z0-9_])"
    return re.search(found, raw) is not None


def open_watched(context: BrowserContext, link: str) -> tuple[Page, Received]:
    page = context.new_page()
    received = Received()
    received.watch(page)
    page.goto(link)
    idle(page)
    return page, received


def assert_refused(page: Page, received: Received, owner: Person, seen: list[str]) -> None:
    """The refusal page: it names the owner, and neither it nor anything the server sent
    this page holds a figure, a file name, a feature, a customer or a plan of the dataset."""
    text = main_text(page)
    assert REFUSED in text, text
    assert owner.name in text, text
    # No number at all (an expired link's refusal says when it expired: that date aside).
    assert not re.search(r"[0-9]", re.sub(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?", "", text))
    for kind in ("stMetric", "stDataFrame", "stTable", "stVegaLiteChart", "stFileUploader"):
        assert page.locator(f"[data-testid='{kind}']").count() == 0, kind
    assert page.locator("[data-testid='stException']").count() == 0
    body = str(page.locator("body").inner_text())
    assert received.frames, "no message from the app reached the page"
    sent = received.everything()
    for secret in (*SECRETS_OF_THE_DATASET, *seen):
        assert not holds(body, secret), secret
        assert not any(holds(chunk, secret) for chunk in sent), secret


def upload_first_dataset(context: BrowserContext, app_url: str, folder: Path) -> str:
    """Alice's upload through the Data page, as a new user does it; the share link to it."""
    usage, revenue = folder / USAGE_FILE, folder / REVENUE_FILE
    FIRST_USAGE.write_parquet(usage)
    FIRST_REVENUE.write_parquet(revenue)
    page = context.new_page()
    page.goto(f"{app_url}/?page=data")
    settled(page)
    inputs = page.locator("[data-testid='stMain'] [data-testid='stFileUploaderDropzoneInput']")
    inputs.nth(0).set_input_files(str(usage))
    inputs.nth(1).set_input_files(str(revenue))
    page.get_by_role("button", name="Load these files").wait_for(timeout=WAIT_MS)
    settled(page)
    page.get_by_role("button", name="Load these files").click()
    page.get_by_text("Showing your data").wait_for(timeout=WAIT_MS)
    settled(page)
    page.get_by_text(WHO_CAN_SEE).first.wait_for(timeout=WAIT_MS)
    assert page.get_by_text("only you can see this dataset").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "auth-owner-data.png"), full_page=True)
    link = share_link(page)
    page.close()
    return link


def owners_data_page(context: BrowserContext, link: str) -> Page:
    page = context.new_page()
    page.goto(with_query(link, page="data"))
    settled(page)
    page.get_by_text(WHO_CAN_SEE).first.wait_for(timeout=WAIT_MS)
    return page


def share_with(context: BrowserContext, link: str, people: str, shot: str) -> None:
    """On the owner's Data page: named people, ``people`` the list, saved."""
    page = owners_data_page(context, link)
    page.locator("[data-testid='stRadio'] label", has_text=MODE_PEOPLE).first.click()
    idle(page)
    box = page.get_by_label(PEOPLE, exact=True).first
    box.fill(people)
    box.blur()
    idle(page)
    page.get_by_role("button", name=SAVE_ACCESS).click()
    wait_for_text(page, f"Saved: you and {people} can see this dataset.")
    idle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(SCREENSHOTS / f"auth-{shot}.png"), full_page=True)
    page.close()


def create_expiring_link(context: BrowserContext, link: str, days: int) -> str:
    """On the owner's Data page: a link for ``days`` days; the link shown with its key."""
    page = owners_data_page(context, link)
    days_box = page.get_by_label(LINK_DAYS, exact=True).first
    days_box.fill(str(days))
    days_box.press("Enter")
    idle(page)
    page.get_by_role("button", name=CREATE_LINK).click()
    shown = page.locator("[data-testid='stMain'] [data-testid='stCode'] code", has_text="key=")
    shown.first.wait_for(timeout=WAIT_MS)
    idle(page)
    made = str(shown.first.inner_text()).strip()
    page.screenshot(path=str(SCREENSHOTS / "auth-owner-link.png"), full_page=True)
    page.close()
    return made


def revoke_the_link(context: BrowserContext, link: str) -> None:
    page = owners_data_page(context, link)
    buttons = page.get_by_role("button", name=REVOKE, exact=True)
    assert buttons.count() == 1
    buttons.first.click()
    wait_for_text(page, "Revoked the link")
    idle(page)
    page.close()


@dataclass
class Story:
    """What the steps of the sign-in test hand on to each other."""

    app_url: str
    provider: str
    browser: Browser
    data_dir: Path
    contexts: dict[str, BrowserContext] = field(default_factory=dict)
    link: str = ""
    dataset_id: str = ""
    seen: list[str] = field(default_factory=list)
    signed: str = ""

    def sign_in(self, person: Person) -> BrowserContext:
        context = sign_in(self.browser, self.app_url, self.provider, person)
        self.contexts[person.email] = context
        return context

    def anonymous(self) -> BrowserContext:
        return self.contexts.setdefault("anonymous", self.browser.new_context(viewport=VIEWPORT))

    def refused(self, context: BrowserContext, link: str, shot: str | None = None) -> None:
        page, received = open_watched(context, link)
        assert_refused(page, received, ALICE, self.seen)
        if shot is not None:
            page.screenshot(path=str(SCREENSHOTS / f"auth-{shot}.png"), full_page=True)
        page.close()

    def sees_numbers(self, context: BrowserContext, link: str, shot: str) -> list[str]:
        page = context.new_page()
        page.goto(with_query(link, page="summary"))
        settled(page)
        numbers = numbers_shown(page)
        assert len(numbers) >= 3, numbers
        assert page.get_by_text("bundled sample").count() == 0
        page.screenshot(path=str(SCREENSHOTS / f"auth-{shot}.png"), full_page=True)
        page.close()
        return numbers


def nobody_signed_in_sees_the_sign_in_page(story: Story) -> None:
    page = story.anonymous().new_page()
    page.goto(story.app_url)
    page.get_by_role("button", name=SIGN_IN).wait_for(timeout=WAIT_MS)
    idle(page)
    assert page.locator("[data-testid='stMetric']").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "auth-sign-in.png"))
    page.close()


def alice_uploads_and_shares_with_bob(story: Story, folder: Path) -> None:
    alice = story.sign_in(ALICE)
    story.link = upload_first_dataset(alice, story.app_url, folder)
    query = dict(parse_qsl(urlsplit(story.link).query))
    assert "key" not in query
    story.dataset_id = query["data"]
    share_with(alice, story.link, BOB.email, "owner-shares")


def bob_sees_the_numbers(story: Story) -> None:
    bob = story.sign_in(BOB)
    story.seen = story.sees_numbers(bob, story.link, "shared-reader")
    # What Carol must not see, found by the same search in what Bob's browser got.
    page, received = open_watched(bob, with_query(story.link, page="feature-margins"))
    settled(page)
    assert holds(main_text(page), "Deep research")
    assert any(holds(chunk, "Deep research") for chunk in received.everything())
    page.close()


def carol_is_refused(story: Story) -> None:
    """On every page a link can name, and on none: refused, nothing of the dataset sent. A
    visitor not signed in gets the sign-in page, and nothing of it either."""
    carol = story.sign_in(CAROL)
    for name in ("summary", "feature-margins", "data"):
        story.refused(
            carol, with_query(story.link, page=name), "refused" if name == "data" else None
        )
    story.refused(carol, story.link.split("&page=")[0])
    page, received = open_watched(story.anonymous(), story.link)
    page.get_by_role("button", name=SIGN_IN).wait_for(timeout=WAIT_MS)
    sent = [*received.everything(), str(page.locator("body").inner_text()).encode()]
    assert not any(holds(chunk, word) for chunk in sent for word in SECRETS_OF_THE_DATASET)
    assert not any(holds(chunk, number) for chunk in sent for number in story.seen)
    page.close()


def a_link_with_an_expiry_opens_for_anyone(story: Story) -> None:
    alice = story.contexts[ALICE.email]
    story.signed = create_expiring_link(alice, story.link, days=7)
    query = dict(parse_qsl(urlsplit(story.signed).query))
    assert query["data"] == story.dataset_id
    _, expires_at = verify_link(
        link_secret(story.data_dir), query["key"], story.dataset_id, int(time.time())
    )
    assert 6 * 86_400 < expires_at - time.time() <= 7 * 86_400
    assert (
        story.sees_numbers(story.contexts[CAROL.email], story.signed, "signed-link") == story.seen
    )
    assert (
        story.sees_numbers(story.anonymous(), story.signed, "signed-link-anonymous") == story.seen
    )


def tampered_and_expired_keys_are_refused(story: Story) -> None:
    carol = story.contexts[CAROL.email]
    token = dict(parse_qsl(urlsplit(story.signed).query))["key"]
    changed = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    story.refused(carol, with_query(story.signed, key=changed), "tampered-link")
    secret = link_secret(story.data_dir)
    link_id, _ = verify_link(secret, token, story.dataset_id, int(time.time()))
    expired = sign_link(secret, story.dataset_id, link_id, int(time.time()) - 60)
    story.refused(carol, with_query(story.signed, key=expired), "expired-link")
    longer = sign_link(secret, story.dataset_id, link_id, int(time.time()) + 30 * 86_400)
    story.refused(carol, with_query(story.signed, key=longer))  # not the expiry it was made with


def revoked_access_is_refused(story: Story) -> None:
    """Alice shares with someone else instead of Bob, then revokes the link."""
    alice = story.contexts[ALICE.email]
    share_with(alice, story.link, "dana@partner.example", "owner-unshares")
    story.refused(
        story.contexts[BOB.email], with_query(story.link, page="summary"), "revoked-reader"
    )
    revoke_the_link(alice, story.link)
    story.refused(story.contexts[CAROL.email], story.signed)
    story.refused(story.anonymous(), story.signed, "revoked-link")


def the_audit_trail_lists_each_step(story: Story) -> None:
    page = owners_data_page(story.contexts[ALICE.email], story.link)
    page.get_by_text(AUDIT).first.scroll_into_view_if_needed()
    table = str(page.locator("[data-testid='stDataFrame']").last.text_content())
    for shown in ("revoked a link", "was refused", "changed who can see it", CAROL.email):
        assert shown in table, table
    page.screenshot(path=str(SCREENSHOTS / "auth-audit.png"), full_page=True)
    page.close()
    steps = [
        (event.who, event.action) for event in AccessStore(story.data_dir).events(story.dataset_id)
    ]
    assert steps[0] == (ALICE.email, "upload"), steps
    for step in [
        (BOB.email, "open"),
        (CAROL.email, "refused"),
        (ALICE.email, "access_changed"),
        (ALICE.email, "link_created"),
        (CAROL.email, "open_link"),
        (ALICE.email, "link_revoked"),
    ]:
        assert step in steps, (step, steps)
    assert any(who.startswith("link:") and action == "open_link" for who, action in steps), steps
    assert steps.count((CAROL.email, "refused")) >= 4 + 3 + 1, steps  # pages, keys, revoked
    assert steps.count((ALICE.email, "access_changed")) == 2, steps
    assert steps.index((BOB.email, "open")) < steps.index((ALICE.email, "link_revoked"))


def test_sign_in_share_refuse_link_revoke_and_audit(
    app_url: str, provider: str, data_dir: Path, browser: Browser, tmp_path: Path
) -> None:
    """The issue's story, step by step (each step a function above)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    story = Story(app_url, provider, browser, data_dir)
    try:
        nobody_signed_in_sees_the_sign_in_page(story)
        alice_uploads_and_shares_with_bob(story, tmp_path)
        bob_sees_the_numbers(story)
        carol_is_refused(story)
        a_link_with_an_expiry_opens_for_anyone(story)
        tampered_and_expired_keys_are_refused(story)
        revoked_access_is_refused(story)
        the_audit_trail_lists_each_step(story)
    finally:
        for context in story.contexts.values():
            context.close()


def test_without_auth_the_app_says_it_is_open(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No ``[auth]`` table (as ``make run``): no sign-in page, the sample's numbers, and the
    sidebar says that anyone who can reach the server can see its data."""
    with server(str(tmp_path_factory.mktemp("econ-data-open"))) as url:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(url)
        settled(page)
        sidebar = page.locator("[data-testid='stSidebar']")
        sidebar.get_by_text(OPEN_NOTICE, exact=False).first.wait_for(timeout=WAIT_MS)
        assert page.get_by_role("button", name=SIGN_IN).count() == 0
        assert numbers_shown(page)
        page.screenshot(path=str(SCREENSHOTS / "auth-open-server.png"))
        context.close()
