"""End to end in a real browser: Playwright drives Debian's Chromium against `streamlit run`.

Moves a slider, watches the number change, copies the share link, opens it in a fresh browser
context and sees the same numbers; opens hostile links and data and sees no request leave the
server; saves a screenshot of every page under ``test-output/screenshots/`` for a person to
look at.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from locations import ROOT
from markup import EVIL_HOST, HOSTILE, REVENUE_NAME, USAGE_NAME, hostile_dataset

import econ
from bench.browser import CHROMIUM, VIEWPORT, chromium, server
from econ.present import views
from econ.scenario.link import decode_link, encode_link
from ui.text import WORD_JOINER

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-output" / "screenshots"
SUMMARY_TITLE = "Summary"
WAIT_MS = 60_000
STARTER_59 = econ.Scenario(
    price_book=econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=59.0)})
)

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium); "
        "the browser test never downloads a browser of its own",
        allow_module_level=True,
    )
pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def app_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data directory of the app the browser tests drive (datasets, saved scenarios)."""
    return tmp_path_factory.mktemp("econ-data")


@pytest.fixture(scope="module")
def app_url(app_data_dir: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free local port, as the benchmark starts it."""
    with server(str(app_data_dir)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


def settled(page: object) -> None:
    """Wait until the app has finished its run: no 'running' indicator, no skeletons."""
    page.wait_for_selector("[data-testid='stApp']", timeout=WAIT_MS)  # type: ignore[attr-defined]
    page.wait_for_selector("h1", timeout=WAIT_MS)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        """() => !document.querySelector("[data-testid='stStatusWidget']")
              && !document.querySelector("[data-testid='stSkeleton']")
              && document.querySelector("[data-testid='stSidebar'] [data-testid='stCode']")""",
        timeout=WAIT_MS,
    )
    page.wait_for_timeout(600)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector(\"[data-testid='stStatusWidget']\")", timeout=WAIT_MS
    )


def metric(page: object, label: str) -> str:
    box = page.locator("[data-testid='stMetric']", has_text=label).first  # type: ignore[attr-defined]
    return str(box.locator("[data-testid='stMetricValue']").inner_text()).strip()


def churn_slider(page: object) -> object:
    """The blended churn slider's range input (its value is the slider's value)."""
    block = page.locator("[data-testid='stSlider']", has_text="All customers — ").first  # type: ignore[attr-defined]
    return block.locator("input[type=range]")


def share_link(page: object) -> str:
    code = page.locator("[data-testid='stSidebar'] [data-testid='stCode'] code").first  # type: ignore[attr-defined]
    return str(code.inner_text()).strip()


def test_slider_moves_numbers_and_the_link_reproduces_them(app_url: str, browser: object) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{app_url}/?page=segment-ltv")
    settled(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    before = metric(page, "Compute-adjusted LTV (blended)")
    slider = churn_slider(page)
    start = slider.input_value()
    slider.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        """([label, old]) => {
            const boxes = [...document.querySelectorAll("[data-testid='stMetric']")];
            const box = boxes.find(b => b.innerText.includes(label));
            return box && !box.innerText.includes(old);
        }""",
        arg=["Compute-adjusted LTV (blended)", before],
        timeout=WAIT_MS,
    )
    settled(page)
    after = metric(page, "Compute-adjusted LTV (blended)")
    moved_to = churn_slider(page).input_value()
    assert after != before
    assert float(moved_to) > float(start)
    page.screenshot(path=str(SCREENSHOTS / "segment-ltv-after-slider.png"))

    link = share_link(page)
    assert link.startswith(f"{app_url}/?v=1&data=sample&s=")
    assert link.endswith("&page=segment-ltv")
    in_address_bar = decode_link(dict(parse_qsl(urlsplit(page.url).query)))
    in_share_link = decode_link(dict(parse_qsl(urlsplit(link).query)))
    assert in_address_bar.scenario == in_share_link.scenario  # the address bar works too
    assert in_share_link.scenario is not None and in_share_link.scenario.churn is not None

    fresh = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    other = fresh.new_page()
    other.goto(link)
    settled(other)
    assert metric(other, "Compute-adjusted LTV (blended)") == after
    assert metric(other, "LTV:CAC (blended)") == metric(page, "LTV:CAC (blended)")
    assert churn_slider(other).input_value() == moved_to
    other.screenshot(path=str(SCREENSHOTS / "segment-ltv-from-link.png"))
    fresh.close()
    context.close()


def test_choosing_what_counts_as_ai_revenue(app_url: str, browser: object) -> None:
    """A reader opens the AI revenue tab, picks the attributed basis, and sees the figures move
    and the plan uplift they count; the Summary then says which revenue it used."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{app_url}/?page=segment-ltv")
    settled(page)
    before = metric(page, "Compute-adjusted LTV (blended)")
    page.get_by_role("tab", name="AI revenue").click()
    page.get_by_text("AI-attributed: an AI plan's uplift over its base plan").click()
    page.wait_for_function(
        "() => document.body.innerText.includes('Business $799 − $199 (Pro)')", timeout=WAIT_MS
    )
    settled(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert metric(page, "Compute-adjusted LTV (blended)") != before
    page.screenshot(path=str(SCREENSHOTS / "segment-ltv-ai-revenue.png"), full_page=False)
    link = share_link(page)
    summary = context.new_page()
    summary.goto(link.replace("page=segment-ltv", "page=summary"))
    settled(summary)
    assert summary.get_by_text("AI revenue counted: AI-attributed revenue").count() >= 1
    context.close()


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("summary", SUMMARY_TITLE),
        ("data", "Data"),
        ("segment-ltv", "Compute-adjusted LTV by segment"),
        ("feature-margins", "Gross margin per AI feature"),
        ("tiers-pricing", "Tiers & pricing"),
        ("ai-scorecard", "AI scorecard"),
        ("company-by-month", "Company by month"),
        ("customer-pnl", "Customer P&L"),
        ("compare", "Compare scenarios"),
        ("projection-12-months", "Projection"),
        ("methods", "Methods"),
    ],
)
def test_every_page_in_the_browser(app_url: str, browser: object, path: str, title: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{app_url}/?page={path}")
    settled(page)
    assert page.locator("h1").first.inner_text().strip() == title
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
    if path not in {"summary", "data", "methods", "customer-pnl", "compare"}:  # nothing chosen
        assert page.locator("[data-testid='stVegaLiteChart'], .vega-embed").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / f"{path}.png"), full_page=True)
    context.close()


def test_importing_exports_in_the_browser(app_url: str, browser: object) -> None:
    """A Langfuse JSON Lines export and Stripe invoices (basil) as a user drops them in."""
    fixtures = ROOT / "tests" / "fixtures" / "imports"
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{app_url}/?page=data")
    settled(page)
    inputs = page.locator("[data-testid='stMain'] [data-testid='stFileUploaderDropzoneInput']")
    inputs.nth(0).set_input_files(str(fixtures / "langfuse_ui_observations.jsonl"))
    inputs.nth(1).set_input_files(str(fixtures / "stripe_invoices_basil.json"))
    page.get_by_role("button", name="Load these files").wait_for(timeout=WAIT_MS)
    settled(page)
    page.screenshot(path=str(SCREENSHOTS / "data-import-step.png"))
    page.get_by_role("button", name="Load these files").click()
    page.get_by_text("Showing your data").wait_for(timeout=WAIT_MS)
    settled(page)
    assert page.get_by_text("Langfuse observations").count() >= 1
    # Calls with no customer are counted and said; the fine-tune's price is asked for.
    assert page.get_by_text("name no customer").count() >= 1
    assert page.get_by_text("No price is known for").count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "data-after-import.png"), full_page=True)
    context.close()


def record_requests(context: object, app_url: str) -> list[str]:
    """Every request the context's pages make; any not to the app's own server is stopped."""
    local = urlsplit(app_url).netloc
    seen: list[str] = []

    def handle(route: object, request: object) -> None:
        url = str(request.url)  # type: ignore[attr-defined]
        seen.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.netloc == local:
            route.continue_()  # type: ignore[attr-defined]
        else:
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", handle)  # type: ignore[attr-defined]
    return seen


def assert_nothing_hostile(page: object, requests: list[str], app_url: str) -> str:
    """No request left the app's server, nothing on the page links to or loads from the
    hostile host; returns the page's text (word joiners removed) for what it should show."""
    local = urlsplit(app_url).netloc
    foreign = [
        url
        for url in requests
        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != local
    ]
    assert not foreign, foreign
    hostile = page.locator(  # type: ignore[attr-defined]
        f"a[href*='{EVIL_HOST}'], img[src*='{EVIL_HOST}'], [src*='{EVIL_HOST}'], "
        f"[href*='{EVIL_HOST}'], a[href^='javascript'], img, iframe, object, embed"
    )
    # Streamlit draws no <img> of its own on these pages: any image came from the text.
    assert hostile.count() == 0, [hostile.nth(i).evaluate("e => e.outerHTML") for i in range(3)]
    assert page.locator("[data-testid='stException']").count() == 0  # type: ignore[attr-defined]
    text = str(page.locator("body").text_content())  # type: ignore[attr-defined]
    return text.replace(WORD_JOINER, "")


PAGE_PATHS = [
    "data",
    "summary",
    "segment-ltv",
    "feature-margins",
    "tiers-pricing",
    "projection-12-months",
    "methods",
]


def test_a_hostile_link_and_a_hostile_dataset_stay_text(
    app_url: str, browser: object, tmp_path: Path
) -> None:
    """A share link whose parameters and an upload whose ids are Markdown links, images and
    HTML: no request leaves the server, no link or image appears, the text is shown."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    requests = record_requests(context, app_url)
    page = context.new_page()

    version = "![x](http://evil.example/x.png) [Log in again](http://evil.example/phish)"
    page.goto(f"{app_url}/?{urlencode({'v': version})}")
    settled(page)
    assert version in assert_nothing_hostile(page, requests, app_url)
    page.screenshot(path=str(SCREENSHOTS / "hostile-link.png"))

    scenario = econ.sample_scenario().replace(
        prices={HOSTILE[0]: 10.0}, cogs=econ.Cogs(support_usd={"light": 1.0, HOSTILE[1]: 2.0})
    )
    link = encode_link("sample", scenario, "segment-ltv")
    page.goto(f"{app_url}/?{urlencode(link)}")
    settled(page)
    page.get_by_role("tab", name="Cost burdens").click()
    assert HOSTILE[1] in assert_nothing_hostile(page, requests, app_url)  # a segment's burden
    page.screenshot(path=str(SCREENSHOTS / "hostile-link-scenario.png"))

    usage, revenue = hostile_dataset()
    usage.write_parquet(tmp_path / USAGE_NAME)
    revenue.write_parquet(tmp_path / REVENUE_NAME)
    page.goto(f"{app_url}/?page=data")
    settled(page)
    inputs = page.locator("[data-testid='stMain'] [data-testid='stFileUploaderDropzoneInput']")
    inputs.nth(0).set_input_files(str(tmp_path / USAGE_NAME))
    inputs.nth(1).set_input_files(str(tmp_path / REVENUE_NAME))
    page.get_by_role("button", name="Load these files").wait_for(timeout=WAIT_MS)
    settled(page)
    page.get_by_role("button", name="Load these files").click()
    page.get_by_text("Showing your data").wait_for(timeout=WAIT_MS)
    settled(page)
    query = urlsplit(page.url).query
    for path in PAGE_PATHS:
        if path != "data":
            page.goto(f"{app_url}/?{query}&page={path}")
            settled(page)
        text = assert_nothing_hostile(page, requests, app_url)
        if path in ("data", "tiers-pricing"):
            assert HOSTILE[0] in text and HOSTILE[6] in text  # plans
        if path == "tiers-pricing":
            assert all(feature in text for feature in HOSTILE)
        page.screenshot(path=str(SCREENSHOTS / f"hostile-data-{path}.png"), full_page=True)
    context.close()


EXECUTIVE_VIEWPORT = {"width": 1440, "height": 900}
"""What an executive's laptop shows: the Summary must be read in this one screen."""


def test_the_summary_opens_first_and_the_board_pack_downloads(
    app_url: str, browser: object, tmp_path: Path
) -> None:
    """A link to the app lands on the Summary; the sidebar's board pack downloads as a PDF
    whose pages are saved as pictures for a person to look at."""
    pdfium = pytest.importorskip("pypdfium2")
    pypdf = pytest.importorskip("pypdf")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=EXECUTIVE_VIEWPORT, accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(app_url)
    settled(page)
    assert page.locator("h1").first.inner_text().strip() == SUMMARY_TITLE
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stMetric']").count() >= 5
    page.screenshot(path=str(SCREENSHOTS / "summary-first-screen.png"))
    page.screenshot(path=str(SCREENSHOTS / "summary.png"), full_page=True)

    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_role("button", name="Prepare HTML and PDF").click()
    pdf_button = sidebar.get_by_role("button", name="Download PDF")
    pdf_button.wait_for(timeout=WAIT_MS)
    with page.expect_download(timeout=WAIT_MS) as download:
        pdf_button.click()
    got = download.value
    assert got.suggested_filename.startswith("board-pack_sample_")
    assert got.suggested_filename.endswith(".pdf")
    saved = tmp_path / got.suggested_filename
    got.save_as(str(saved))
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(str(saved)).pages)
    for expected in ["board pack", "sample", "LTV:CAC"]:
        assert expected in text
    document = pdfium.PdfDocument(str(saved))
    assert len(document) >= 4
    for number in range(len(document)):
        image = document[number].render(scale=1.5).to_pil()
        image.save(SCREENSHOTS / f"board-pack-page-{number + 1}.png")
    document.close()
    context.close()


FIRST_PAGES = [
    "summary",
    "segment-ltv",
    "feature-margins",
    "tiers-pricing",
    "ai-scorecard",
    "company-by-month",
    "customer-pnl&customer=acme",
    "projection-12-months",
]


def test_a_first_small_upload_in_the_browser(
    app_url: str, app_data_dir: Path, browser: object, tmp_path: Path
) -> None:
    """3 customers, 2 features, 3 months, uploaded as a new user would: every page renders its
    charts, and each is saved as a picture."""
    from builders import FIRST_REVENUE, FIRST_USAGE

    usage, revenue = tmp_path / "first_usage.parquet", tmp_path / "first_revenue.parquet"
    FIRST_USAGE.write_parquet(usage)
    FIRST_REVENUE.write_parquet(revenue)
    # Streamlit scrolls inside its own container, so a tall window is what shows a whole page.
    tall = {"width": EXECUTIVE_VIEWPORT["width"], "height": 3200}
    context = browser.new_context(viewport=tall, accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{app_url}/?page=data")
    settled(page)
    inputs = page.locator("[data-testid='stMain'] [data-testid='stFileUploaderDropzoneInput']")
    inputs.nth(0).set_input_files(str(usage))
    inputs.nth(1).set_input_files(str(revenue))
    page.get_by_role("button", name="Load these files").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Load these files").click()
    page.get_by_text("Showing your data").wait_for(timeout=WAIT_MS)
    settled(page)
    link = share_link(page)
    for path in FIRST_PAGES:
        page.goto(link.replace("page=data", f"page={path}"))
        settled(page)
        assert page.locator("[data-testid='stException']").count() == 0, path
        assert page.get_by_text("bundled sample").count() == 0, path
        if path != "summary":
            assert page.locator("[data-testid='stVegaLiteChart'], .vega-embed").count() >= 1
        shot = path.split("&")[0]
        page.screenshot(path=str(SCREENSHOTS / f"first-upload-{shot}.png"), full_page=True)
    # The segment table as a spreadsheet, named for what it holds, the upload and the day.
    page.goto(link.replace("page=data", "page=segment-ltv"))
    settled(page)
    page.get_by_role("button", name="Download table").first.click()
    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_role("button", name="Excel").first.click()
    got = download.value
    assert got.suggested_filename.startswith("segment-ltv_first_usage_")
    assert got.suggested_filename.endswith(".xlsx")
    saved = tmp_path / got.suggested_filename
    got.save_as(str(saved))
    with zipfile.ZipFile(saved) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
    assert ">Compute-adjusted LTV ($)<" in strings and ">All customers<" in strings
    # Two options saved for this upload, compared.
    dataset_id = dict(parse_qsl(urlsplit(link).query))["data"]
    store = econ.ScenarioStore(app_data_dir)
    ids = [
        store.save(dataset_id, name, scenario).scenario_id
        for name, scenario in (("Today", econ.Scenario()), ("Starter at $59", STARTER_59))
    ]
    page.goto(link.replace("page=data", f"page=compare&compare={'.'.join(ids)}"))
    settled(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Starter at $59").count() >= 1
    assert page.locator("[data-testid='stVegaLiteChart'], .vega-embed").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "first-upload-compare.png"), full_page=True)
    context.close()


ON_CUSTOMER_PNL = (
    "() => [...document.querySelectorAll('h1')].some(h => h.innerText.includes('Customer P&L'))"
)


def test_a_comparison_link_in_a_fresh_browser_and_a_drill_to_a_pnl(
    app_url: str, app_data_dir: Path, browser: object
) -> None:
    """Three options saved, compared on one screen, the comparison's link sent to someone who
    opens it in a browser of their own, and a loss-maker drilled into its P&L."""
    today = econ.sample_scenario()
    options = [
        ("Today", today),
        ("Starter at $59", today.replace(price_book=STARTER_59.price_book)),
        (
            "Fair use on Pro",
            today.replace(
                price_book=econ.PriceBook(plans={"Pro": econ.PlanPrice(fair_use_usd=40.0)})
            ),
        ),
    ]
    store = econ.ScenarioStore(app_data_dir)
    ids = [store.save("sample", name, scenario).scenario_id for name, scenario in options]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{app_url}/?v=1&data=sample&page=compare&compare={'.'.join(ids)}")
    settled(page)
    assert page.locator("h1").first.inner_text().strip() == "Compare scenarios"
    assert page.locator("[data-testid='stException']").count() == 0
    winner = page.get_by_text("Fair use on Pro makes the most gross profit").first
    winner.wait_for(timeout=WAIT_MS)
    assert page.locator("[data-testid='stVegaLiteChart'], .vega-embed").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "compare.png"), full_page=True)
    link = share_link(page)
    assert dict(parse_qsl(urlsplit(link).query))["compare"] == ".".join(ids)
    context.close()

    fresh = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    other = fresh.new_page()
    other.goto(link)
    settled(other)
    assert other.locator("[data-testid='stException']").count() == 0
    assert other.get_by_text("Fair use on Pro makes the most gross profit").count() >= 1
    other.screenshot(path=str(SCREENSHOTS / "compare-from-link.png"), full_page=True)
    # the customers most affected open their P&L
    other.get_by_role("button", name="Open P&L").first.click()
    other.wait_for_function(ON_CUSTOMER_PNL, timeout=WAIT_MS)
    settled(other)
    assert other.locator("[data-testid='stException']").count() == 0
    assert "customer=" in share_link(other)
    other.screenshot(path=str(SCREENSHOTS / "customer-from-compare.png"), full_page=True)
    # and a loss-maker on Segment LTV opens its own
    other.goto(f"{app_url}/?page=segment-ltv")
    settled(other)
    other.get_by_role("button", name="Open P&L").first.click()
    other.wait_for_function(ON_CUSTOMER_PNL, timeout=WAIT_MS)
    settled(other)
    chosen = dict(parse_qsl(urlsplit(share_link(other)).query))["customer"]
    losers = econ.analyze_dataset(econ.load_dataset(*econ.sample_paths()), today)
    profit = views.customer_profits(losers.customer_months)
    assert chosen in profit.filter(profit["gross_profit_usd"] < 0)["customer_id"].to_list()
    assert other.locator("[data-testid='stVegaLiteChart'], .vega-embed").count() >= 2
    other.screenshot(path=str(SCREENSHOTS / "customer-from-loss-maker.png"), full_page=True)
    fresh.close()


def test_every_pricing_model_from_a_link(app_url: str, browser: object) -> None:
    """A link carrying seats, tiers, outcomes, a commitment, a discount and the free tier's
    settings opens the Tiers & pricing page with each part of the simulated bill shown."""
    tiers = econ.Tiers(
        bands=(
            econ.TierBand(up_to=20, unit_usd=0.0),
            econ.TierBand(up_to=100, unit_usd=0.4),
            econ.TierBand(unit_usd=0.3),
        )
    )
    book = econ.PriceBook(
        plans={
            "Pro": econ.PlanPrice(seat_usd=25.0, min_seats=3, tiers={"deep_research": tiers}),
            "Business": econ.PlanPrice(commitment_usd=2_000.0, breakage=0.5),
        },
        discounts=(econ.Discount(share=0.1, min_bill_usd=1_000.0),),
        freemium=econ.Freemium(conversion_rate=0.05, usage_cap_calls=200.0),
    )
    query = urlencode(encode_link("sample", econ.Scenario(price_book=book), "tiers-pricing"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{app_url}/?{query}")
    settled(page)
    assert page.locator("h1").first.inner_text().strip() == "Tiers & pricing"
    assert page.locator("[data-testid='stException']").count() == 0
    # The sample's revenue table has no seat counts: the page says Pro is billed its minimum.
    assert page.get_by_text("minimum of 3 seats", exact=False).count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "tiers-pricing-models.png"), full_page=True)
    page.get_by_role("tab", name="What each part of the bill adds").click()
    page.wait_for_timeout(800)
    page.screenshot(path=str(SCREENSHOTS / "tiers-pricing-parts.png"), full_page=True)
    page.get_by_role("tab", name="Free tier").click()
    page.wait_for_timeout(800)
    assert page.get_by_text("Per converted customer", exact=False).count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "tiers-pricing-free-tier.png"), full_page=True)
    page.get_by_role("tab", name="Price book").click()
    page.get_by_label("Plan").first.click()
    page.get_by_role("option", name="Pro").click()
    settled(page)
    page.get_by_text("More pricing models for this plan", exact=False).click()
    page.wait_for_timeout(800)
    assert (
        page.get_by_text("Apply the tiers", exact=False).count()
        + page.get_by_text("Applied to the simulation", exact=False).count()
        >= 1
    )
    page.screenshot(path=str(SCREENSHOTS / "tiers-pricing-book.png"), full_page=True)
    context.close()
