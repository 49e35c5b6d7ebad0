"""What every recommendation is made of: the :class:`Recommendation` type, the :class:`Context`
each family of levers reads (the report and the window's per-month totals), and
:func:`recommendation`, which adds the id, the company's gross margin before and after, the
customers affected and, for a change that raises bills, how much of its impact survives the
price book's customer response (:mod:`econ.decisions.response`): the customers whose bill rises
by a share x leave with probability p = min(1, e × max(0, x − τ)) and take their whole
simulated gross profit with them, so the impact after the response is the impact − Σ p × each
such customer's simulated gross profit, per month.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.decisions.response import Losses, losses, with_leave_probability
from econ.formats import money, percent
from econ.inputs.prepare import CUSTOMER_CODE
from econ.model.customer_months import COUNTED_REVENUE_USD, INFERENCE_USD, per_customer
from econ.model.features import feature_table
from econ.model.report import Report, clean
from econ.scenario.levers import Patch

Kind = Literal[
    "gate",
    "allowance",
    "graduated",
    "remove",
    "fair_use",
    "ltv_cac",
    "route",
    "optimize",
    "price_signal",
]


@dataclass(frozen=True)
class Recommendation:
    """One proposed change, with its evidence, arithmetic and monthly impact.

    Dollar figures are per month: the window's totals divided by its number of months. Impacts
    are each measured alone against current pricing, not stacked.

    A change that raises bills also says what the customers expected to leave at their new bill
    take with them (the price book's customer response): ``customers_expected_lost`` (Σ p),
    ``revenue_lost_to_response_usd`` and ``gross_profit_lost_to_response_usd`` (Σ p × each
    one's simulated revenue or gross profit, per month). Zero for a change that raises no bill.
    """

    id: str
    kind: Kind
    title: str
    feature: str | None
    plan: str | None
    segment: str | None
    evidence: Mapping[str, Any]
    change: Mapping[str, Any]
    revenue_change_usd: float
    cost_change_usd: float
    gross_margin_before: float | None
    gross_margin_after: float | None
    customers_affected: int
    revenue_share_affected: float | None
    arithmetic: tuple[str, ...]
    patch: Patch | None
    customers_expected_lost: float = 0.0
    revenue_lost_to_response_usd: float = 0.0
    gross_profit_lost_to_response_usd: float = 0.0

    @property
    def gross_profit_change_usd(self) -> float:
        return self.revenue_change_usd - self.cost_change_usd

    @property
    def revenue_change_after_response_usd(self) -> float:
        """The revenue change once the customers expected to leave have left."""
        return self.revenue_change_usd - self.revenue_lost_to_response_usd

    @property
    def gross_profit_change_after_response_usd(self) -> float:
        """How much of the gross-profit impact survives the customer response (more than the
        impact when those who leave were losing money)."""
        return self.gross_profit_change_usd - self.gross_profit_lost_to_response_usd

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["gross_profit_change_usd"] = self.gross_profit_change_usd
        data["revenue_change_after_response_usd"] = self.revenue_change_after_response_usd
        data["gross_profit_change_after_response_usd"] = self.gross_profit_change_after_response_usd
        data["patch"] = asdict(self.patch) if self.patch else None
        cleaned: dict[str, Any] = _cleaned(data)
        return cleaned


def _cleaned(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(item) for item in value]
    return clean(value)


@dataclass(frozen=True)
class Context:
    """The report, and what every family of levers reads from it, computed once."""

    report: Report
    months: int
    revenue: float  # per month
    gross_profit: float  # per month
    plans: pl.DataFrame  # plan, customer_months, revenue, price (ascending)
    plan_features: pl.DataFrame
    usage: pl.DataFrame  # per cm × feature: customer id and code, month, plan, calls, cost, MRR
    customers: pl.DataFrame  # per customer, window sums: revenue_usd, inference_usd, burdens_usd
    feature_users: pl.DataFrame  # per feature: customer_codes (once each), users (with calls)
    model_usage: pl.DataFrame | None = None  # the dataset's tokens per feature × month × model

    def customers_of(self, feature: str) -> pl.Series:
        """The codes of the customers with a usage row of ``feature``, once each."""
        rows = self.feature_users.filter(pl.col(s.FEATURE_ID) == feature)["customer_codes"]
        return rows.explode() if rows.len() else pl.Series(CUSTOMER_CODE, [], pl.UInt32)


def context_of(report: Report, model_usage: pl.DataFrame | None = None) -> Context:
    """The window's revenue and compute-adjusted gross profit per month, the plans from the
    cheapest up, the feature table per plan, the usage every lever filters and each feature's
    customers (one pass over the usage, not one per feature); with the dataset's per-model token
    summary (:mod:`econ.inputs.model_usage`), from which a route to a named model derives its
    relative cost."""
    cms = report.customer_months
    months = cms.window.months
    frame = cms.frame
    revenue = float(frame[COUNTED_REVENUE_USD].sum())
    inference = float(frame[INFERENCE_USD].sum())
    burdens = float(frame.select(m.compute_burdens().sum()).item())
    gross_profit = m.gross_profit(revenue, inference, burdens)
    plans = (
        frame.group_by(s.PLAN)
        .agg(pl.len().alias("customer_months"), pl.col(s.MRR_USD).sum().alias("revenue"))
        .with_columns((pl.col("revenue") / pl.col("customer_months")).alias("price"))
        .sort("price", s.PLAN)
    )
    plan_features, _ = feature_table(cms, report.scenario, by=[s.PLAN])
    customers = per_customer(
        frame,
        {
            "revenue_usd": pl.col(COUNTED_REVENUE_USD),
            "inference_usd": pl.col(INFERENCE_USD),
            "burdens_usd": m.compute_burdens(),
        },
        latest=(),
    ).drop("customer_months")
    code = pl.col(CUSTOMER_CODE)
    feature_users = cms.usage.group_by(s.FEATURE_ID).agg(
        code.unique().alias("customer_codes"),
        code.filter(pl.col(s.CALLS) > 0).n_unique().alias("users"),
    )
    return Context(
        report=report,
        months=months,
        revenue=revenue / months,
        gross_profit=gross_profit / months,
        plans=plans,
        plan_features=plan_features,
        usage=cms.usage.select(
            s.CUSTOMER_ID,
            s.MONTH,
            s.PLAN,
            s.FEATURE_ID,
            s.CALLS,
            s.COST_USD,
            s.MRR_USD,
            CUSTOMER_CODE,
        ),
        customers=customers,
        feature_users=feature_users,
        model_usage=model_usage,
    )


def _margins(
    context: Context, revenue_change: float, cost_change: float
) -> tuple[float | None, float | None]:
    """The company's gross margin per month before the change, and after it."""
    before = m.gross_margin(context.gross_profit, context.revenue)
    revenue_after = context.revenue + revenue_change
    profit_after = context.gross_profit + revenue_change - cost_change
    return before, m.gross_margin(profit_after, revenue_after)


def _affected(context: Context, customer_codes: pl.Series) -> tuple[int, float | None]:
    """How many customers (given by their ``_customer_code``, a customer any number of times),
    and what share of the window's revenue they bring."""
    frame = context.report.customer_months.frame
    theirs = frame.select(s.MRR_USD, CUSTOMER_CODE).filter(
        pl.col(CUSTOMER_CODE).is_in(customer_codes.implode())
    )
    total = float(frame[s.MRR_USD].sum())
    return customer_codes.n_unique(), m.share(float(theirs[s.MRR_USD].sum()), total)


BILL_RISES_SCHEMA: Final = pl.Schema(
    {
        s.CUSTOMER_ID: pl.String(),
        "revenue_change_usd": pl.Float64(),
        "cost_change_usd": pl.Float64(),
    }
)
"""What a change adds to a customer's bill and cost over the window (a customer may have several
rows: one per customer-month it reaches)."""


def response_to(context: Context, rises: pl.DataFrame) -> Losses:
    """What the customers whose bills ``rises`` (:data:`BILL_RISES_SCHEMA`) raises would take
    with them if they left as the price book's response says, over the window.

    Each customer's bill change x is its window's bill after the change against before, to the
    cent, as the simulator reports it; its simulated revenue and inference are today's plus the
    change's, its burdens today's.
    """
    per = rises.group_by(s.CUSTOMER_ID).agg(
        pl.col("revenue_change_usd").sum(), pl.col("cost_change_usd").sum()
    )
    before = pl.col("revenue_usd").round(2)
    after = (pl.col("revenue_usd") + pl.col("revenue_change_usd")).round(2)
    frame = (
        context.customers.join(per, on=s.CUSTOMER_ID)
        .with_columns(m.share(after - before, before).alias("change_share"))
        .with_columns(
            pl.col("revenue_usd") + pl.col("revenue_change_usd"),
            pl.col("inference_usd") + pl.col("cost_change_usd"),
        )
    )
    return losses(with_leave_probability(frame, context.report.scenario.price_book))


def _response_line(context: Context, rises: pl.DataFrame, lost: Losses, impact: float) -> str:
    """The sentence saying how much of the impact survives the customer response."""
    book = context.report.scenario.price_book
    e, tolerated = book.churn_elasticity, book.tolerated_increase
    reached = rises[s.CUSTOMER_ID].n_unique()
    if lost.customers == 0:
        return (
            f"No customer billed more is expected to leave (churn elasticity {e:g}, rises up to "
            f"{percent(tolerated, digits=0)} tolerated): all of the impact survives."
        )
    rule = (
        f"min(1, {e:g} × x)"
        if tolerated == 0
        else f"min(1, {e:g} × max(0, x − {percent(tolerated, digits=0)}))"
    )
    lost_profit = lost.gross_profit_usd / context.months
    survives = impact - lost_profit
    share = m.share(survives, impact)
    return (
        f"If a customer whose bill rises by a share x leaves with probability {rule}, "
        f"{lost.customers:,.1f} of the {reached:,} customers billed more are expected to leave, "
        f"taking {money(lost_profit)} a month of gross profit: {money(survives)} a month "
        + (f"({percent(share, digits=0)} of the impact) " if share is not None else "")
        + "survives."
    )


def recommendation(
    context: Context,
    *,
    kind: Kind,
    title: str,
    revenue_change: float,
    cost_change: float,
    customer_codes: pl.Series,
    evidence: Mapping[str, Any],
    change: Mapping[str, Any],
    arithmetic: list[str],
    patch: Patch | None,
    feature: str | None = None,
    plan: str | None = None,
    segment: str | None = None,
    bill_rises: pl.DataFrame | None = None,
) -> Recommendation:
    """A recommendation with its id, the margins before and after, and whom it affects (the
    ``customer_codes`` of the customers it reaches); with ``bill_rises``
    (:data:`BILL_RISES_SCHEMA`), what survives the customer response."""
    before, after = _margins(context, revenue_change, cost_change)
    count, share = _affected(context, customer_codes)
    lost = Losses(customers=0.0, revenue_usd=0.0, inference_usd=0.0, burdens_usd=0.0)
    if bill_rises is not None and bill_rises.height:
        lost = response_to(context, bill_rises)
        line = _response_line(context, bill_rises, lost, revenue_change - cost_change)
        arithmetic = [*arithmetic, line]
    return Recommendation(
        id=":".join(part for part in (kind, plan, segment, feature) if part),
        kind=kind,
        title=title,
        feature=feature,
        plan=plan,
        segment=segment,
        evidence=evidence,
        change=change,
        revenue_change_usd=revenue_change,
        cost_change_usd=cost_change,
        gross_margin_before=before,
        gross_margin_after=after,
        customers_affected=count,
        revenue_share_affected=share,
        arithmetic=tuple(arithmetic),
        patch=patch,
        customers_expected_lost=lost.customers,
        revenue_lost_to_response_usd=lost.revenue_usd / context.months,
        gross_profit_lost_to_response_usd=lost.gross_profit_usd / context.months,
    )
