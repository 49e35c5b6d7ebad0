"""A shared link opened in a real browser: from the address entered to the first number drawn.

``browser_link`` stores a dataset and ingests it into the rollup cache, as its upload did, then,
``count`` times, starts ``streamlit run app.py`` afresh, warms it with the same page of the
bundled sample (the imports and one-off costs of the page paid, as on a server that has been
up a while) and opens the link to the dataset in a new browser context: no cookies, no cached
code, and nothing of the dataset in the server's memory, so the server reads it back from the
rollup cache. A server of its own for each repeat is what keeps the dataset out of its memory:
the app holds datasets in ``st.cache_resource``, which only the developer menu's "Clear caches"
empties (for every session at once), and a new process also holds nothing else of it.

Each open is timed from just before the browser is given the address until the first metric
value with a digit in it is visible (the reader's first number), and until the page is settled
(no run in progress, the share link drawn in the sidebar, still so after a short pause). The
stages on the way (see :data:`STAGES`) say where the time goes: the browser loading Streamlit's
code, the connection, or the script's run. Two more opens of the same link on the same server
split it further: in another new context (the dataset now in the server's memory: the
difference is what the dataset's first read and computations cost the server), and in the
warm-up's context (the app's code in the browser's cache too: what a returning visitor waits).

Debian's Chromium (``/usr/bin/chromium``) is driven through Playwright, as the browser tests
do; no browser is ever downloaded.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, WebSocket

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 2600}
PAGE = "segment-ltv"
"""The page the link opens: Segment LTV, the page of compute-adjusted LTV, the app's subject,
and the one whose link the share-link tests and the AppTest re-open figure use."""
WAIT_MS = 120_000
STILL_MS = 600
"""How long a settled page must stay settled (as the browser tests wait)."""
START_SECONDS = 120
STAGES = (
    "html",
    "loaded",
    "websocket",
    "first_message",
    "scripts",
    "last_message",
    "first_number",
    "settled",
)
"""What each open records, in seconds from just before the address is given: the HTML page
received and loaded, the app's websocket opened and its first message, the last JavaScript file
and the last websocket message received before the first number, the number, the page settled."""

FIRST_NUMBER = """() => [...document.querySelectorAll("[data-testid='stMetricValue']")]
    .some(e => /[0-9]/.test(e.innerText) && e.getBoundingClientRect().height > 0)"""
SETTLED = """() => !document.querySelector("[data-testid='stStatusWidget']")
    && !document.querySelector("[data-testid='stSkeleton']")
    && document.querySelector("[data-testid='stSidebar'] [data-testid='stCode']")"""
NAVIGATION = """first => {
    const n = performance.getEntriesByType("navigation")[0];
    const scripts = performance.getEntriesByType("resource")
        .filter(r => r.name.endsWith(".js") && r.responseEnd <= first * 1000);
    return {
        html: n.responseEnd / 1000,
        loaded: n.loadEventEnd / 1000,
        scripts: Math.max(0, ...scripts.map(r => r.responseEnd)) / 1000,
    };
}"""
"""From the browser's own clock (from the start of navigation): the HTML page received, its
load event, and the last JavaScript file (Streamlit loads most of its code only once an element
needs it) received before the first number was drawn."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ingest(usage: str, revenue: str, data_dir: str) -> tuple[str, float]:
    """Store the dataset and load it once, as the app reads data, so that its rollup is cached
    (the bundled sample's too: the server is warmed with it); return its id and how long a
    second load (from the rollup cache, in this process) takes."""
    import econ
    from bench.tasks import stored_upload
    from econ.scenario.link import SAMPLE_DATASET

    store, dataset_id = stored_upload(usage, revenue, data_dir)
    options = econ.IngestOptions(on_invalid="drop")  # the app's reading (ui.session)
    store.load(SAMPLE_DATASET, options)
    store.load(dataset_id, options)
    start = time.perf_counter()
    store.load(dataset_id, options)
    return dataset_id, time.perf_counter() - start


def rollup_entries(data_dir: str) -> set[str]:
    from econ.storage.store import DatasetStore

    return {path.name for path in DatasetStore(Path(data_dir)).rollups.iterdir()}


@contextmanager
def server(data_dir: str, secrets: Path | None = None) -> Iterator[str]:
    """``streamlit run app.py`` on a free local port, as the browser tests start it (but
    watching no files); its URL once it answers. Stopped (by its process id) on the way out.
    With ``secrets``, the app reads that secrets file instead of ``.streamlit/secrets.toml``
    (the sign-in tests' ``[auth]`` table)."""
    port = free_port()
    read_secrets = [] if secrets is None else [f"--secrets.files={secrets}"]
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.headless=true",
                "--server.address=127.0.0.1",
                f"--server.port={port}",
                "--browser.gatherUsageStats=false",
                # An edit to the project's files while it runs would otherwise put up a
                # "File change" prompt in the status area, and the page would never settle.
                "--server.fileWatcherType=none",
                *read_secrets,
            ],
            cwd=ROOT,
            env={**os.environ, "ECON_DATA_DIR": data_dir},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for_health(url, process, log)
            yield url
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a server this module or a test started: asked to stop, then killed after 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright  # only the browser runs need Playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def wait_for_health(url: str, process: subprocess.Popen[bytes], log: IO[str]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"streamlit did not start:\n{log.read()[-2000:]}") from None
            time.sleep(0.2)


@contextmanager
def new_context(browser: Browser) -> Iterator[BrowserContext]:
    """A browser context of its own: no cookies, no cached assets."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    try:
        yield context
    finally:
        context.close()


def open_page(context: BrowserContext, url: str, dataset_id: str | None = None) -> dict[str, float]:
    """Open ``url`` in a new page of ``context``; seconds from just before the address is given
    to each stage. With ``dataset_id``, fail unless the page shows that dataset."""
    page = context.new_page()
    try:
        marks: dict[str, float] = {}
        frames: list[float] = []

        def on_websocket(stream: WebSocket) -> None:
            if stream.url.endswith("/_stcore/stream"):
                marks.setdefault("websocket", time.perf_counter())
                stream.on("framereceived", lambda _: frames.append(time.perf_counter()))

        page.on("websocket", on_websocket)
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        wait_for(page, FIRST_NUMBER)
        marks["first_number"] = time.perf_counter()
        while True:  # settled, and still settled a moment later (a rerun may follow a run)
            wait_for(page, SETTLED)
            marks["settled"] = time.perf_counter()
            page.wait_for_timeout(STILL_MS)
            if page.evaluate(SETTLED):
                break
        if page.locator("[data-testid='stException']").count():
            raise RuntimeError(f"the page shows an exception: {url}")
        if dataset_id is not None and f"data={dataset_id}" not in page.url:
            raise RuntimeError(f"the link did not open its dataset (now at {page.url})")
        first = marks["first_number"] - start
        browser_side = page.evaluate(NAVIGATION, first)
    finally:
        page.close()
    before = [frame for frame in frames if frame <= marks["first_number"]]
    if not before:
        raise RuntimeError(f"no websocket message seen before the first number: {url}")
    marks |= {"first_message": before[0], "last_message": before[-1]}
    times = {name: mark - start for name, mark in marks.items()}
    return times | {name: float(value) for name, value in browser_side.items()}


def wait_for(page: Page, condition: str) -> None:
    """Wait until ``condition`` holds in the page; if it does not in time, say what the page
    shows instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function(condition, timeout=WAIT_MS)
    except PlaywrightTimeoutError:
        status = page.locator("[data-testid='stStatusWidget']")
        shown = page.locator("[data-testid='stMain']")
        raise RuntimeError(
            f"{page.url} did not get there in {WAIT_MS // 1000} s; status: "
            f"{status.first.inner_text() if status.count() else 'none'!r}; page: "
            f"{shown.first.inner_text()[:500] if shown.count() else 'none'!r}"
        ) from None


def browser_link(
    usage: str, revenue: str, data_dir: str, count: str, page: str = PAGE
) -> dict[str, Any]:
    """Median seconds from opening a shared link to an ingested dataset until its first number
    is drawn, over ``count`` opens, each on a server that has not held the dataset in memory."""
    from econ.inputs.sample import sample_scenario
    from econ.scenario.link import encode_link

    if not CHROMIUM.exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    dataset_id, read_back = ingest(usage, revenue, data_dir)
    cached = rollup_entries(data_dir)
    query = urlencode(encode_link(dataset_id, sample_scenario(), page))
    runs: dict[str, list[dict[str, float]]] = {"cold": [], "in_memory": [], "assets_cached": []}
    with chromium() as browser:
        for _ in range(int(count)):
            with server(data_dir) as url, new_context(browser) as visitor:
                # The sample on the same page: imports and one-off costs paid, this
                # visitor's browser holds the app's code, nothing of the dataset is read.
                open_page(visitor, f"{url}/?page={page}")
                link = f"{url}/?{query}"
                with new_context(browser) as context:
                    runs["cold"].append(open_page(context, link, dataset_id))
                with new_context(browser) as context:
                    runs["in_memory"].append(open_page(context, link, dataset_id))
                runs["assets_cached"].append(open_page(visitor, link, dataset_id))
    if rollup_entries(data_dir) != cached:
        raise RuntimeError("the app did not find the dataset in the rollup cache")

    def stages(kind: str) -> dict[str, float]:
        return {stage: statistics.median(run[stage] for run in runs[kind]) for stage in STAGES}

    cold = stages("cold")
    return {
        "seconds": cold["first_number"],
        "settled": cold["settled"],
        "runs": [run["first_number"] for run in runs["cold"]],
        "stages": cold,
        "in_memory": stages("in_memory"),
        "assets_cached": stages("assets_cached"),
        "read_back": read_back,
        "page": page,
    }
