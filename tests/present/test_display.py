"""The plain-text report the command line prints, word for word, on the tiny report of
:mod:`tiny_report` (segmented by channel, with a CAC of $100), computed by hand:

- sales (b): 2 customer-months at $300 with $705 of inference: $352.50 each, a gross profit of
  −$52.50 (−17.5%); b never leaves, so churn is 0 and its lifetimes are unbounded.
- web (a, c): $250 over 3 customer-months ($83.33) with $42 of inference ($14.00): $69.33
  (83.2%). c leaves after January: $50 of the $150 at risk, churn 33.33%; traditional LTV
  83.33 ÷ ⅓ = $250, compute-adjusted 69.33 ÷ ⅓ = $208, LTV:CAC 2.1x, payback 100 ÷ 69.33 = 1.4.
- all: $850 ÷ 5 = $170.00 with $149.40 of inference: $20.60 (12.1%); churn $50 of $450 =
  11.11%; LTVs 170 × 9 = $1,530 and 20.6 × 9 = $185, LTV:CAC 1.9x, payback 100 ÷ 20.6 = 4.9.
- write: $47 over 220 calls ($0.2136 a call) against $400 (88.2%, above core's 75% ceiling);
  research: $700 over 20 calls ($35) against $450 (−55.6%).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from tiny_report import tiny_report

import econ
from econ.present import display

SEGMENTS = """\
Segments by channel (per customer-month; blended row 'all' last)
| segment | customers | cust-months |    ARPA | inference | gross profit | margin | churn/mo \
| LTV trad. | LTV compute-adj. |  CAC | LTV:CAC | payback (mo) |
|---------|-----------|-------------|---------|-----------|--------------|--------|----------\
|-----------|------------------|------|---------|--------------|
|   sales |         1 |           2 | $300.00 |   $352.50 |      -$52.50 | -17.5% |    0.00% \
|         — |                — | $100 |       — |            — |
|     web |         2 |           3 |  $83.33 |    $14.00 |       $69.33 |  83.2% |   33.33% \
|      $250 |             $208 | $100 |    2.1x |          1.4 |
|     all |         3 |           5 | $170.00 |   $149.40 |       $20.60 |  12.1% |   11.11% \
|    $1,530 |             $185 | $100 |    1.9x |          4.9 |"""

FEATURES = """\
Feature margins (usage allocation; margin-stack order). Allocated revenue $850.00, \
unallocated $0.00.
|  feature | calls | cost/call |    cost | revenue | gross profit | margin | category \
|     status |
|----------|-------|-----------|---------|---------|--------------|--------|----------\
|------------|
|    write |   220 |   $0.2136 |  $47.00 | $400.00 |      $353.00 |  88.2% |     core \
| above_band |
| research |    20 |       $35 | $700.00 | $450.00 |     -$250.00 | -55.6% |     core \
|   negative |"""

BLANKS = """\
Why some figures are blank (—):
  - ltv_revenue_usd: churn is 0, so the lifetime is unbounded (segments: sales)
  - ltv_traditional_usd: churn is 0, so the lifetime is unbounded (segments: sales)
  - ltv_compute_adjusted_usd: churn is 0, so the lifetime is unbounded (segments: sales)
  - ltv_cac: needs both LTV and CAC (segments: sales)
  - ltv_cac_traditional: needs both LTV and CAC (segments: sales)
  - payback_months: gross profit is not positive, so CAC is never paid back (segments: sales)"""


RETENTION = "\n".join(
    [
        "Retention (shifted-beta-geometric per segment; future gross profit discounted at 10.0% "
        "a year; LTV:CAC uses the simple LTV)",
        "| segment | cohorts |  α |  β | LTV simple | LTV sBG | value of the base |",
        "|---------|---------|----|----|------------|---------|-------------------|",
        "|   sales |       1 |  — |  — |          — |       — |                 — |",
        "|     web |       1 |  — |  — |       $208 |       — |                 — |",
        "|     all |       1 |  — |  — |       $185 |       — |                 — |",
        "  - discounted_lifetime_months, ltv_sbg_usd, residual_value_usd: sbg fit: too little "
        "data: the sBG needs a cohort observed for at least two periods with customers at risk, "
        "so that retention can be seen to change with tenure (segments: sales, web, all)",
    ]
)
"""Two months are one period of retention: no fit, said once for the three figures it blanks;
the simple LTVs are the segment table's."""


@pytest.fixture(scope="module")
def report() -> econ.Report:
    return tiny_report(econ.Scenario(segment_by="channel", cac_usd=100.0))


def recommendation(rank: int) -> econ.Recommendation:
    """A made-up recommendation worth $10 × ``rank`` a month more revenue and $1 × ``rank``
    more cost, reaching ``rank`` customers."""
    return econ.Recommendation(
        id=f"gate:{rank}",
        kind="gate",
        title=f"Change {rank}",
        feature=None,
        plan=None,
        segment=None,
        evidence={},
        change={},
        revenue_change_usd=10.0 * rank,
        cost_change_usd=1.0 * rank,
        gross_margin_before=None,
        gross_margin_after=None,
        customers_affected=rank,
        revenue_share_affected=None,
        arithmetic=(),
        patch=None,
    )


def test_the_whole_report(report: econ.Report) -> None:
    text = display.report_text(report, reading_notes=["Read as the econ contract."])
    assert text == "\n".join(
        [
            "Window 2026-01 to 2026-02: 3 paying customers, 5 customer-months, revenue $850.00, "
            "inference $747.00 (87.9% of revenue), gross margin 12.1%.",
            "Unbilled usage (trials, churned or unknown customers): $1.00 over 5 calls.",
            "AI revenue counted: all revenue, as for an AI-native product. To count only direct "
            "or attributed AI revenue, choose it on the Segment LTV page (AI revenue), or "
            "ai_revenue in a scenario file.",
            "",
            SEGMENTS,
            "",
            FEATURES,
            "",
            BLANKS,
            "",
            RETENTION,
            "",
            "Recommendations (monthly impact on the window's history, biggest first)",
            "No recommendations: every feature meets its target on every plan.",
            "",
            "Assumptions not set:",
            "  - AI infrastructure, support and customer-success costs are $0 a customer-month, "
            "so gross margin counts inference alone: set them on the Segment LTV page (Cost "
            "burdens), or cogs in a scenario file.",
            "",
            "How the files were read:",
            "  - Read as the econ contract.",
        ]
    )


def test_recommendations_up_to_the_printed_limit() -> None:
    ranked = [recommendation(rank) for rank in range(14, 0, -1)]
    lines = display.recommendations_text(ranked).splitlines()
    assert lines[:3] == [
        "| kind | recommendation | revenue/mo | cost/mo | gross profit/mo | customers |",
        "|------|----------------|------------|---------|-----------------|-----------|",
        "| gate |      Change 14 |    $140.00 |  $14.00 |         $126.00 |        14 |",
    ]
    assert lines[-2:] == [
        "| gate |       Change 3 |     $30.00 |   $3.00 |          $27.00 |         3 |",
        "(+2 more in --format json)",
    ]
    assert len(lines) == 2 + 12 + 1


def test_recommendations_with_a_limit_of_their_own() -> None:
    text = display.recommendations_text([recommendation(2), recommendation(1)], limit=5)
    assert text == "\n".join(
        [
            "| kind | recommendation | revenue/mo | cost/mo | gross profit/mo | customers |",
            "|------|----------------|------------|---------|-----------------|-----------|",
            "| gate |       Change 2 |     $20.00 |   $2.00 |          $18.00 |         2 |",
            "| gate |       Change 1 |     $10.00 |   $1.00 |           $9.00 |         1 |",
        ]
    )


def test_warnings_close_the_report(report: econ.Report) -> None:
    warned = replace(report, warnings=("Amounts read as cents.",))
    assert display.report_text(warned).endswith("\n\nWarnings:\n  - Amounts read as cents.")


@pytest.fixture(scope="module")
def priced() -> econ.Report:
    book = econ.PriceBook(plans={"Business": econ.PlanPrice(base_usd=400.0)})
    return tiny_report(econ.Scenario(segment_by="channel", cac_usd=100.0, price_book=book))


@pytest.fixture(scope="module")
def simulation(priced: econ.Report) -> econ.Simulation:
    return econ.simulate(priced)


class TestSimulation:
    """Business priced at $400 instead of $300: revenue $425 → $525 a month (b's two months
    gain $100 each), gross profit $51.50 → $151.50, margin 12.1% → 303 ÷ 1,050 = 28.9%; b's bill
    rises by $200 (a third, above the 20% churn-risk threshold)."""

    def test_the_summary_lines(self, simulation: econ.Simulation) -> None:
        assert display.simulation_text(simulation).splitlines()[:2] == [
            "Revenue $425.00 → $525.00 a month, gross profit $51.50 → $151.50, gross margin "
            "12.1% → 28.9%.",
            "1 of 3 customers would pay more ($200.00 over the window), 0 less; 1 see their "
            "bill rise by more than 20% (churn risk).",
        ]

    def test_the_plan_table_now(self, simulation: econ.Simulation) -> None:
        lines = display.simulation_text(simulation).splitlines()
        parts_at = lines.index("What each part of the bill adds, per month:")
        table = lines[2:parts_at]
        assert table[0].split("|")[1:4] == ["     plan ", " customers ", " revenue/mo now "]
        assert [line.split("|")[1:4] for line in table[2:]] == [
            ["     Solo ", "         2 ", "        $125.00 "],
            [" Business ", "         1 ", "        $300.00 "],
        ]

    def test_the_parts_of_the_bill_follow(self, simulation: econ.Simulation) -> None:
        lines = display.simulation_text(simulation).splitlines()
        parts = lines[lines.index("What each part of the bill adds, per month:") + 1 :]
        assert parts[0].split("|")[1:4] == ["     plan ", " bill/mo now ", "    base "]
        # Business: a $300 bill, $400 simulated; Solo's two customers unchanged.
        assert [line.split("|")[1] for line in parts[2:4]] == ["     Solo ", " Business "]
        assert "$400.00" in parts[3]

    def test_the_response_closes_it(self, simulation: econ.Simulation) -> None:
        # b's bill rises by a third: it leaves with probability 0.5 × 1/3 ≈ 0.17.
        last = display.simulation_text(simulation).splitlines()[-1]
        assert last.startswith("If customers respond: 1 of 3 customers might leave")
        assert "0.2 are expected to leave" in last

    def test_the_plan_table_shows_simulated_revenue_and_margin(
        self, simulation: econ.Simulation
    ) -> None:
        table = "\n".join(display.simulation_text(simulation).splitlines()[2:])
        assert "$400.00" in table  # Business's simulated revenue a month
        assert "11.9%" in table  # its simulated margin: (400 − 352.50) ÷ 400

    def test_the_report_adds_it_only_when_the_book_changes_something(
        self, simulation: econ.Simulation, priced: econ.Report, report: econ.Report
    ) -> None:
        title = "\n\nSimulated price book against current pricing\n"
        with_book = display.report_text(priced, simulation=simulation)
        assert f"{title}{display.simulation_text(simulation)}" in with_book
        assert title not in display.report_text(report, simulation=simulation)


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("plain", "plain"),
        ("tab\there\nnew line", "tab\there\nnew line"),
        ("\x1b[2J cleared", "\\x1b[2J cleared"),
        ("\u202eevil", "\\u202eevil"),
    ],
)
def test_terminal_safe(text: str, safe: str) -> None:
    assert display.terminal_safe(text) == safe


def test_the_text_report_says_which_assumptions_are_not_set() -> None:
    text = display.report_text(tiny_report(econ.Scenario(segment_by="channel")))
    assert "Assumptions not set:\n  - No CAC is set" in text
    assert "gross margin counts inference alone" in text
    costed = econ.Scenario(segment_by="channel", cac_usd=100.0, cogs=econ.Cogs(support_usd=5.0))
    assert "Assumptions not set" not in display.report_text(tiny_report(costed))


def test_the_simulation_text_names_each_model_swap() -> None:
    book = econ.PriceBook(model_swaps={"write": "gpt-4o-mini"})
    simulation = econ.simulate(tiny_report(econ.Scenario(price_book=book)))
    text = display.simulation_text(simulation)
    # The tiny ledger logs no tokens, so nothing can be re-priced, and it says so.
    assert "Model swap: write → gpt-4o-mini: no derived multiplier (" in text
