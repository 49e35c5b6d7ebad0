"""Customer response: who would leave when the simulated price book raises their bill.

The simulator (:mod:`econ.decisions.pricing`) keeps every customer; this module says how many
would have left, and what they take with them. For each customer active in the window:

- x = (simulated bill − current bill) ÷ current bill over the window: the bill change the
  simulator reports, to the cent;
- **leave probability** p = min(1, e × max(0, x − τ)), with e the price book's
  ``churn_elasticity`` and τ its ``tolerated_increase`` (:func:`leave_probability`). A bill that
  falls, stays or rises by at most τ loses no one; beyond τ each further point of rise adds e
  points of probability, up to certainty.

A customer who leaves is counted as gone for the whole window: its simulated revenue, inference
and burdens all go with it (the conservative reading, leaving when the prices change). Per month
(window sums ÷ the window's months):

- **expected customers lost** L = Σ p;
- **revenue at risk** = the simulated bills of the customers with p > 0;
- **after the response**: revenue = simulated revenue − Σ p × each customer's simulated revenue;
  inference and the burdens (AI infra, support, CS) likewise; gross profit = revenue − inference
  − burdens (:func:`econ.measures.gross_profit`) and gross margin = gross profit ÷ revenue
  (:func:`econ.measures.gross_margin`). Their change is against current pricing, as the
  simulator's is. It is each customer's simulated figures weighted by its probability of
  staying, 1 − p;
- **compute-adjusted LTV after the response** of a segment S = simulated LTV × (1 − ℓ_S), with
  ℓ_S = Σ p over S's customers ÷ S's customers, the expected share of S lost. It is the expected
  value of one of today's customers of S: nothing further if it leaves at the change, the
  simulated LTV if it stays. It falls as e or the rises grow; a segment with a negative LTV
  destroys less value, since fewer of its customers stay to lose money.

A price book that raises no bill, or e = 0, gives p = 0 for everyone and the simulator's figures
exactly. For a pure rise, revenue, customers and |LTV| after the response are at most the
no-response figures; gross profit may be higher, when the customers who leave were losing money.

The default e = 0.5 is an assumption to set, not an estimate from the data: a 20% rise loses one
customer in ten of those it reaches. With e < 1 a rise still brings in more expected revenue from
each customer it reaches, (1 + x)(1 − e x) > 1 for x < 1/e − 1 (rises up to 100% at 0.5), as
moderate SaaS price rises usually do. Calibrate it from your own price changes: the share of
customers who left after a rise, divided by the rise. The form is the linear reading of a price
elasticity of demand (Marshall, *Principles of Economics*, 1890, book III, ch. IV) applied to
staying a customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, overload

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.model.customer_months import (
    COUNTED_REVENUE_USD,
    INFERENCE_USD,
    SEGMENT,
    CustomerMonths,
    per_customer,
)
from econ.model.report import clean, records
from econ.scenario.assumptions import ALL
from econ.scenario.levers import PriceBook

CHANGE_SHARE: Final = "change_share"
LEAVE_PROBABILITY: Final = "leave_probability"

RESPONSE_TOTALS_SCHEMA: Final = pl.Schema(
    {
        "measure": pl.String(),
        "current": pl.Float64(),
        "simulated": pl.Float64(),
        "after_response": pl.Float64(),
        "change": pl.Float64(),
        "change_after_response": pl.Float64(),
    }
)
"""Per month: revenue, inference, gross profit, gross margin and customers, current, simulated
without a response, and after it; with the change from current of each."""

RESPONSE_SEGMENT_SCHEMA: Final = pl.Schema(
    {
        "segment": pl.String(),
        "customers": pl.Int64(),
        "expected_lost": pl.Float64(),
        "lost_share": pl.Float64(),
        "ltv_compute_adjusted_simulated_usd": pl.Float64(),
        "ltv_compute_adjusted_after_response_usd": pl.Float64(),
    }
)
"""Per segment (blended ``all`` last): customers expected to leave, their share, and the
simulated compute-adjusted LTV without and with the response."""

CUSTOMER_RESPONSE_SCHEMA: Final = pl.Schema(
    {
        s.CUSTOMER_ID: pl.String(),
        CHANGE_SHARE: pl.Float64(),
        LEAVE_PROBABILITY: pl.Float64(),
        "revenue_usd": pl.Float64(),
        "inference_usd": pl.Float64(),
        "burdens_usd": pl.Float64(),
    }
)
"""Per customer: its bill change, its leave probability, and its simulated revenue, inference
and burdens over the window (what it takes with it if it leaves)."""


@overload
def leave_probability(change_share: float, elasticity: float, tolerated: float) -> float: ...
@overload
def leave_probability(change_share: pl.Expr, elasticity: float, tolerated: float) -> pl.Expr: ...
def leave_probability(
    change_share: float | pl.Expr, elasticity: float, tolerated: float
) -> float | pl.Expr:
    """Probability that a customer whose bill changes by the share x leaves:
    p = min(1, e × max(0, x − τ)).

    The linear reading of a price elasticity of demand (Marshall, *Principles of Economics*,
    1890, book III, ch. IV) applied to staying a customer; e and τ are assumptions to set (see
    the module docstring). Monotone: never lower for a larger rise or a larger e.
    """
    if isinstance(change_share, pl.Expr):
        return ((change_share - tolerated).clip(lower_bound=0.0) * elasticity).clip(upper_bound=1.0)
    return min(1.0, elasticity * max(0.0, change_share - tolerated))


def with_leave_probability(bills: pl.DataFrame, book: PriceBook) -> pl.DataFrame:
    """``bills`` with a ``leave_probability`` column from its ``change_share`` column (an
    undefined change, a customer with no current bill, is no rise)."""
    share = pl.col(CHANGE_SHARE).fill_null(0.0)
    probability = leave_probability(share, book.churn_elasticity, book.tolerated_increase)
    return bills.with_columns(probability.alias(LEAVE_PROBABILITY))


@dataclass(frozen=True)
class Losses:
    """What the customers expected to leave take with them over the window (window sums).

    Attributes:
        customers: Σ p.
        revenue_usd, inference_usd, burdens_usd: Σ p × each customer's simulated figure.
    """

    customers: float
    revenue_usd: float
    inference_usd: float
    burdens_usd: float

    @property
    def gross_profit_usd(self) -> float:
        """The gross profit they take: revenue − inference − burdens."""
        return m.gross_profit(self.revenue_usd, self.inference_usd, self.burdens_usd)


def losses(customers: pl.DataFrame) -> Losses:
    """Σ p and Σ p × revenue, inference and burdens, of a frame with ``leave_probability``,
    ``revenue_usd``, ``inference_usd`` and ``burdens_usd`` per customer."""
    p = pl.col(LEAVE_PROBABILITY)
    sums = customers.select(
        p.sum().alias("customers"),
        *((p * pl.col(name)).sum().alias(name) for name in _FIGURES),
    ).row(0, named=True)
    return Losses(**{key: float(value) for key, value in sums.items()})


_FIGURES: Final = ("revenue_usd", "inference_usd", "burdens_usd")
_MEASURES: Final = ("revenue_usd", "inference_usd", "gross_profit_usd", "gross_margin", "customers")


@dataclass(frozen=True)
class Response:
    """The simulation with customers responding to their bill changes (see the module).

    Attributes:
        elasticity, tolerated_increase: the price book's response settings.
        customers: customers active in the window.
        leaving: customers with a positive leave probability.
        expected_lost: the expected number who leave, Σ p.
        revenue_at_risk_usd: per month, the simulated bills of the ``leaving`` customers.
        revenue_lost_usd, gross_profit_lost_usd: per month, what the expected leavers take.
        revenue_change_usd, gross_profit_change_usd: per month, after the response against
            current pricing.
        totals: :data:`RESPONSE_TOTALS_SCHEMA`.
        segments: :data:`RESPONSE_SEGMENT_SCHEMA`.
        by_customer: :data:`CUSTOMER_RESPONSE_SCHEMA`, most likely to leave first.
    """

    elasticity: float
    tolerated_increase: float
    customers: int
    leaving: int
    expected_lost: float
    revenue_at_risk_usd: float
    revenue_lost_usd: float
    gross_profit_lost_usd: float
    revenue_change_usd: float
    gross_profit_change_usd: float
    totals: pl.DataFrame
    segments: pl.DataFrame
    by_customer: pl.DataFrame

    def to_dict(self) -> dict[str, Any]:
        frames = {"totals", "segments", "by_customer"}
        data = {
            key: clean(getattr(self, key)) for key in self.__dataclass_fields__ if key not in frames
        }
        return data | {"totals": records(self.totals), "segments": records(self.segments)}


def respond(
    current: CustomerMonths,
    simulated: CustomerMonths,
    bills: pl.DataFrame,
    segments: pl.DataFrame,
    book: PriceBook,
) -> Response:
    """The response to a simulation: ``bills`` is its per-customer bill table (``customer_id``,
    ``change_share``) and ``segments`` its segment comparison
    (``segment``, ``ltv_compute_adjusted_simulated_usd``, in order)."""
    months = current.window.months
    by_customer = _by_customer(simulated, bills, book)
    lost = losses(by_customer)
    leaving = by_customer.filter(pl.col(LEAVE_PROBABILITY) > 0)
    totals = _totals(_sums(current.frame), _sums(simulated.frame), lost, months)
    change = {row[0]: row[5] for row in totals.rows()}
    return Response(
        elasticity=book.churn_elasticity,
        tolerated_increase=book.tolerated_increase,
        customers=by_customer.height,
        leaving=leaving.height,
        expected_lost=lost.customers,
        revenue_at_risk_usd=float(leaving["revenue_usd"].sum()) / months,
        revenue_lost_usd=lost.revenue_usd / months,
        gross_profit_lost_usd=lost.gross_profit_usd / months,
        revenue_change_usd=change["revenue_usd"],
        gross_profit_change_usd=change["gross_profit_usd"],
        totals=totals,
        segments=_segments(current, by_customer, segments),
        by_customer=by_customer.sort(LEAVE_PROBABILITY, s.CUSTOMER_ID, descending=[True, False]),
    )


def _by_customer(simulated: CustomerMonths, bills: pl.DataFrame, book: PriceBook) -> pl.DataFrame:
    """Each customer's leave probability and simulated window figures."""
    figures = per_customer(
        simulated.frame,
        {
            "revenue_usd": pl.col(COUNTED_REVENUE_USD),
            "inference_usd": pl.col(INFERENCE_USD),
            "burdens_usd": m.compute_burdens(),
        },
        latest=(),
    ).select(s.CUSTOMER_ID, *_FIGURES)
    probabilities = with_leave_probability(bills.select(s.CUSTOMER_ID, CHANGE_SHARE), book)
    return probabilities.join(figures, on=s.CUSTOMER_ID, how="left").select(
        CUSTOMER_RESPONSE_SCHEMA.names()
    )


def _sums(frame: pl.DataFrame) -> tuple[float, float, float, int]:
    """The window's revenue, inference and burdens, and its customers."""
    return (
        float(frame[COUNTED_REVENUE_USD].sum()),
        float(frame[INFERENCE_USD].sum()),
        float(frame.select(m.compute_burdens().sum()).item()),
        frame[s.CUSTOMER_ID].n_unique(),
    )


def _figures(
    revenue: float, inference: float, burdens: float, customers: float, months: int
) -> list[float | None]:
    """Per month as the simulator's totals are computed, then the customers."""
    profit = m.gross_profit(revenue, inference, burdens)
    return [
        revenue / months,
        inference / months,
        profit / months,
        m.gross_margin(profit, revenue),
        customers,
    ]


def _totals(
    current: tuple[float, float, float, int],
    simulated: tuple[float, float, float, int],
    lost: Losses,
    months: int,
) -> pl.DataFrame:
    revenue, inference, burdens, customers = simulated
    after = (
        revenue - lost.revenue_usd,
        inference - lost.inference_usd,
        burdens - lost.burdens_usd,
        customers - lost.customers,
    )
    frame = pl.DataFrame(
        {
            "measure": list(_MEASURES),
            "current": _figures(*current, months),
            "simulated": _figures(*simulated, months),
            "after_response": _figures(*after, months),
        },
        schema={name: RESPONSE_TOTALS_SCHEMA[name] for name in RESPONSE_TOTALS_SCHEMA.names()[:4]},
    )
    return frame.with_columns(
        (pl.col("simulated") - pl.col("current")).alias("change"),
        (pl.col("after_response") - pl.col("current")).alias("change_after_response"),
    )


def _segments(
    current: CustomerMonths, by_customer: pl.DataFrame, segments: pl.DataFrame
) -> pl.DataFrame:
    """ℓ_S per segment (and the blended row), and the LTV after the response."""
    p = by_customer.select(s.CUSTOMER_ID, LEAVE_PROBABILITY)
    members = (
        current.frame.select(s.CUSTOMER_ID, pl.col(SEGMENT).cast(pl.String))
        .unique()
        .join(p, on=s.CUSTOMER_ID)
    )
    per_segment = members.group_by(SEGMENT).agg(
        pl.len().cast(pl.Int64).alias("customers"),
        pl.col(LEAVE_PROBABILITY).sum().alias("expected_lost"),
    )
    blended = p.select(
        pl.lit(ALL).alias(SEGMENT),
        pl.len().cast(pl.Int64).alias("customers"),
        pl.col(LEAVE_PROBABILITY).sum().alias("expected_lost"),
    )
    ltv = pl.col("ltv_compute_adjusted_simulated_usd")
    return (
        segments.select("segment", "ltv_compute_adjusted_simulated_usd")
        .join(
            pl.concat(
                [per_segment.rename({SEGMENT: "segment"}), blended.rename({SEGMENT: "segment"})]
            ),
            on="segment",
            how="left",
            maintain_order="left",
        )
        .with_columns(
            pl.col("customers").fill_null(0),
            pl.col("expected_lost").fill_null(0.0),
        )
        .with_columns(m.share(pl.col("expected_lost"), pl.col("customers")).alias("lost_share"))
        .with_columns(
            (ltv * (1 - pl.col("lost_share").fill_null(0.0))).alias(
                "ltv_compute_adjusted_after_response_usd"
            )
        )
        .select(RESPONSE_SEGMENT_SCHEMA.names())
    )
