"""The customer response beside the simulation without one, shaped for the Tiers & pricing page:
a small table of the headline figures now, simulated with everyone staying, and after the
customers expected to leave have left; the sentence that explains it; and the per-segment LTV
after the response beside the simulated one.
The figures are :mod:`econ.decisions.response`'s.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from econ.decisions.pricing import Simulation
from econ.decisions.response import Response
from econ.formats import money, money_change, percent
from econ.scenario.assumptions import ALL

RESPONSE_TABLE_SCHEMA: Final = pl.Schema(
    {
        "figure": pl.String(),
        "now": pl.String(),
        "no_response": pl.String(),
        "after_response": pl.String(),
    }
)
"""One row per headline figure, each value as text (the rows mix dollars, shares and counts)."""

RESPONSE_TABLE_HEADERS: Final = {
    "figure": "Figure",
    "now": "Now",
    "no_response": "Simulated, everyone stays",
    "after_response": "After the response",
}
"""The response table's column headers, as the page shows them."""


def response_table(simulation: Simulation) -> pl.DataFrame:
    """Revenue, gross profit, gross margin, customers and the blended compute-adjusted LTV:
    now, simulated with no response, and after the response (:data:`RESPONSE_TABLE_SCHEMA`)."""
    totals = {row["measure"]: row for row in simulation.response.totals.iter_rows(named=True)}
    blended = simulation.response.segments.filter(pl.col("segment") == ALL).row(0, named=True)
    ltv_now = simulation.segments.filter(pl.col("segment") == ALL)[
        "ltv_compute_adjusted_current_usd"
    ].item()
    rows = [
        ("Revenue / month", *(money(totals["revenue_usd"][key]) for key in _COLUMNS)),
        (
            "Gross profit / month",
            *(money(totals["gross_profit_usd"][key]) for key in _COLUMNS),
        ),
        ("Gross margin", *(percent(totals["gross_margin"][key]) for key in _COLUMNS)),
        (
            "Customers",
            *(f"{totals['customers'][key]:,.0f}" for key in _COLUMNS[:2]),
            f"{totals['customers']['after_response']:,.1f}",
        ),
        (
            "Compute-adjusted LTV",
            money(ltv_now),
            money(blended["ltv_compute_adjusted_simulated_usd"]),
            money(blended["ltv_compute_adjusted_after_response_usd"]),
        ),
    ]
    return pl.DataFrame(rows, schema=RESPONSE_TABLE_SCHEMA, orient="row")


_COLUMNS: Final = ("current", "simulated", "after_response")


def response_summary(response: Response) -> str:
    """What the response does, in a sentence or two (plain text, no Markdown)."""
    rule = (
        f"a customer whose bill rises by a share x leaves with probability "
        f"min(1, {response.elasticity:g} × x)"
        if response.tolerated_increase == 0
        else f"a customer whose bill rises by a share x leaves with probability "
        f"min(1, {response.elasticity:g} × max(0, x − "
        f"{percent(response.tolerated_increase, digits=0)}))"
    )
    if response.leaving == 0:
        return f"No customer is expected to leave ({rule})."
    return (
        f"{response.leaving:,} of {response.customers:,} customers might leave ({rule}): "
        f"{money(response.revenue_at_risk_usd)} a month of simulated revenue is at "
        f"risk. {response.expected_lost:,.1f} are expected to leave, taking "
        f"{money(response.revenue_lost_usd)} of revenue and "
        f"{money(response.gross_profit_lost_usd)} of gross profit a month: against "
        f"current pricing, revenue changes by {_signed(response.revenue_change_usd)} and gross "
        f"profit by {_signed(response.gross_profit_change_usd)} a month."
    )


def _signed(value: float) -> str:
    """Money with its sign: +$1,234, −$1,234, or "no change"."""
    return money_change(value)


def segments_with_response(simulation: Simulation) -> pl.DataFrame:
    """The simulation's segment comparison with, per segment, the customers expected to leave,
    their share, and the compute-adjusted LTV after the response beside the others."""
    response = simulation.response.segments.select(
        "segment", "expected_lost", "lost_share", "ltv_compute_adjusted_after_response_usd"
    )
    return simulation.segments.join(response, on="segment", how="left", maintain_order="left")
