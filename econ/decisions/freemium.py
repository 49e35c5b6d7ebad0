"""The free tier: what usage nobody pays for costs, and what that buys in paying customers.

Freemium (a free tier to attract users, paid tiers for more: article 003's "freemium with
upsells") is paid for by the free users' inference. Here the free tier is the ledger's usage in
the window outside the active customer-months: customers on a $0 plan and customers without a
revenue row, the app's "unbilled usage" (calls without any customer are counted apart: they
have no customer to convert).

- **free-tier cost** = Σ inference of free customer-months over the window;
- **conversion rate** = the price book's :class:`~econ.scenario.levers.Freemium`
  ``conversion_rate``, else the observed one: free customers of the window who pay in a later
  month ÷ free customers;
- **cost per converted customer** = free-tier cost ÷ (free customers × conversion rate)
  (:func:`econ.measures.cost_per_conversion`);
- **payback** = cost per converted customer ÷ the gross profit of a paying customer-month: the
  months of a converted customer's profit that repay the free tier;
- **usage cap**: each free customer-month's calls held to the cap, its cost scaled by
  :func:`econ.measures.capped_share` (same cost per call); the cost per converted customer
  is shown again at the capped cost, the conversion rate unchanged (the data cannot say how a
  cap moves conversion: that is the user's call).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.inputs.dataset import Dataset
from econ.model.report import Report, clean, records

NO_REVENUE_ROW: Final = "(no revenue row)"
"""The plan shown for free customer-months the revenue table has no row for."""

FREE_PLANS_SCHEMA: Final = pl.Schema(
    {
        s.PLAN: pl.String(),
        "customers": pl.UInt32(),
        "customer_months": pl.UInt32(),
        "calls": pl.Int64(),
        "cost_usd": pl.Float64(),
    }
)
"""Per plan of the free customer-months (:data:`NO_REVENUE_ROW` for none), costliest first."""

RateSource = Literal["scenario", "observed"]


@dataclass(frozen=True)
class FreeTier:
    """The free tier over the report's window.

    Attributes:
        months: months in the window.
        customers, customer_months, calls, cost_usd: the free tier's customers (distinct),
            customer-months, calls and inference over the window.
        by_plan: the same per plan (:data:`FREE_PLANS_SCHEMA`).
        no_customer_cost_usd: inference of calls without a customer (not in the figures above).
        converted: free customers who paid in a later month.
        observed_conversion: ``converted`` ÷ ``customers``; ``None`` without free customers.
        conversion_rate: the rate the costs per converted customer use; ``rate_source`` says
            whether the scenario set it or it was observed.
        cost_per_conversion_usd: free-tier cost ÷ (free customers × conversion rate).
        paid_profit_per_month_usd: gross profit of a paying customer-month (after inference
            and burdens), the window's average.
        payback_months: ``cost_per_conversion_usd`` ÷ ``paid_profit_per_month_usd``.
        usage_cap_calls: the price book's monthly cap on a free customer's calls.
        capped_calls, capped_cost_usd, capped_cost_per_conversion_usd, capped_payback_months:
            the same under the cap (``None`` without one).
        reasons: why a figure above is ``None``.
    """

    months: int
    customers: int
    customer_months: int
    calls: int
    cost_usd: float
    by_plan: pl.DataFrame
    no_customer_cost_usd: float
    converted: int
    observed_conversion: float | None
    conversion_rate: float | None
    rate_source: RateSource | None
    cost_per_conversion_usd: float | None
    paid_profit_per_month_usd: float | None
    payback_months: float | None
    usage_cap_calls: float | None = None
    capped_calls: int | None = None
    capped_cost_usd: float | None = None
    capped_cost_per_conversion_usd: float | None = None
    capped_payback_months: float | None = None
    reasons: tuple[str, ...] = field(default=())

    @property
    def cost_per_month_usd(self) -> float:
        return self.cost_usd / self.months

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, pl.DataFrame):
                out[name] = records(value)
            elif isinstance(value, tuple):
                out[name] = list(value)
            else:
                out[name] = clean(value)
        out["cost_per_month_usd"] = clean(self.cost_per_month_usd)
        return out


def free_tier(data: Dataset, report: Report) -> FreeTier:
    """The free tier of the report's window, at its price book's
    :class:`~econ.scenario.levers.Freemium` settings (see the module docstring)."""
    cms = report.customer_months
    window = cms.window
    settings = report.scenario.price_book.freemium
    keys = [s.CUSTOMER_ID, s.MONTH]
    per_cm = (
        data.usage.lazy()
        .filter(window.contains())
        .group_by(keys)
        .agg(pl.col(s.CALLS).sum(), pl.col(s.COST_USD).sum())
        .join(cms.frame.lazy().select(keys), on=keys, how="anti")
        .join(data.revenue.lazy().select(*keys, s.PLAN), on=keys, how="left")
        .with_columns(pl.col(s.PLAN).fill_null(NO_REVENUE_ROW))
        .collect()
    )
    nobody = per_cm.filter(pl.col(s.CUSTOMER_ID) == s.UNKNOWN_CUSTOMER)
    free = per_cm.filter(pl.col(s.CUSTOMER_ID) != s.UNKNOWN_CUSTOMER)
    customers = free[s.CUSTOMER_ID].n_unique()
    cost = float(free[s.COST_USD].sum())
    converted = _converted(free, data.revenue)
    observed = converted / customers if customers else None
    rate = settings.conversion_rate if settings.conversion_rate is not None else observed
    source: RateSource | None = (
        "scenario" if settings.conversion_rate is not None else "observed" if rate else None
    )
    per_conversion = m.cost_per_conversion(cost, customers, rate) if rate else None
    profit = _paid_profit_per_month(report)
    reasons = _reasons(customers, rate, settings.conversion_rate, profit)
    tier = FreeTier(
        months=window.months,
        customers=customers,
        customer_months=free.height,
        calls=int(free[s.CALLS].sum()),
        cost_usd=cost,
        by_plan=_by_plan(free),
        no_customer_cost_usd=float(nobody[s.COST_USD].sum()),
        converted=converted,
        observed_conversion=observed,
        conversion_rate=rate,
        rate_source=source,
        cost_per_conversion_usd=per_conversion,
        paid_profit_per_month_usd=profit,
        payback_months=_payback(per_conversion, profit),
        reasons=reasons,
    )
    cap = settings.usage_cap_calls
    if cap is None:
        return tier
    share = m.capped_share(pl.col(s.CALLS), cap)
    capped = free.select(
        (pl.col(s.CALLS) * share).sum().alias("calls"),
        (pl.col(s.COST_USD) * share).sum().alias("cost"),
    ).row(0)
    capped_cost = float(capped[1] or 0.0)
    capped_per_conversion = m.cost_per_conversion(capped_cost, customers, rate) if rate else None
    return replace(
        tier,
        usage_cap_calls=cap,
        capped_calls=round(float(capped[0] or 0.0)),
        capped_cost_usd=capped_cost,
        capped_cost_per_conversion_usd=capped_per_conversion,
        capped_payback_months=_payback(capped_per_conversion, profit),
    )


def _converted(free: pl.DataFrame, revenue: pl.DataFrame) -> int:
    """Free customers with a paid month (MRR above 0) after their first free month."""
    first_free = free.group_by(s.CUSTOMER_ID).agg(pl.col(s.MONTH).min().alias("_first"))
    paid = revenue.filter(pl.col(s.MRR_USD) > 0).select(s.CUSTOMER_ID, s.MONTH)
    return (
        paid.join(first_free, on=s.CUSTOMER_ID, how="inner")
        .filter(pl.col(s.MONTH) > pl.col("_first"))[s.CUSTOMER_ID]
        .n_unique()
    )


def _reasons(
    customers: int, rate: float | None, given: float | None, profit: float | None
) -> tuple[str, ...]:
    if customers == 0:
        return ("no free customers in the window: every customer-month with usage was paid",)
    reasons = []
    if not rate and given is None:
        reasons.append(
            "no free customer of the window paid in a later month, so no conversion rate was "
            "observed: set one to see the cost per converted customer"
        )
    if profit is not None and profit <= 0:
        reasons.append(
            "a paying customer-month makes no gross profit on average, so no payback: the "
            "free tier is never repaid"
        )
    return tuple(reasons)


def _paid_profit_per_month(report: Report) -> float | None:
    """The window's gross profit per paying customer-month (its totals' own figures)."""
    totals = report.totals
    if totals.customer_months == 0:
        return None
    return totals.gross_profit_usd / totals.customer_months


def _payback(cost: float | None, profit: float | None) -> float | None:
    """Months of a paying customer's gross profit that repay ``cost``; ``None`` when either
    is unknown or a paying month makes no profit."""
    if cost is None or profit is None or profit <= 0:
        return None
    return cost / profit


def _by_plan(free: pl.DataFrame) -> pl.DataFrame:
    return (
        free.group_by(s.PLAN)
        .agg(
            pl.col(s.CUSTOMER_ID).n_unique().cast(pl.UInt32).alias("customers"),
            pl.len().cast(pl.UInt32).alias("customer_months"),
            pl.col(s.CALLS).sum().cast(pl.Int64).alias("calls"),
            pl.col(s.COST_USD).sum().alias("cost_usd"),
        )
        .sort("cost_usd", s.PLAN, descending=[True, False])
        .select(FREE_PLANS_SCHEMA.names())
        .cast(FREE_PLANS_SCHEMA)
    )
