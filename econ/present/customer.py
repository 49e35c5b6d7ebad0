"""One customer's P&L: its months, its plan and segment history, what its features cost against
its plan's median, its compute-adjusted LTV and payback, and what the scenario's price book would
have billed it.

Everything comes from the report's active customer-months (:attr:`econ.Report.customer_months`):
the customer's rows of its frame give revenue, inference and burdens per month, and its rows of
the usage give calls and cost per feature. So the customer's months add up to its rows of the
segment economics, and the P&Ls of all customers add up to the report's totals.

Each figure is computed by its one definition in :mod:`econ.measures`:

- gross profit and margin per month and over the window (article 001: revenue − inference −
  AI infra − support − CS);
- compute-adjusted LTV = the customer's mean monthly gross profit ÷ the monthly revenue churn of
  the segment of its latest month, the churn the segment table uses (article 001 computes LTV
  per customer from gross profit per customer and a churn rate; the segment's rate stands in
  for the customer's, which one customer's history cannot estimate). It is the simple LTV
  whatever the scenario's LTV method: one customer has no cohort to fit;
- CAC payback = its segment's CAC ÷ its mean monthly gross profit, and LTV:CAC against 3:1
  (article 001 sets both beside the LTV);
- per feature (article 002's cost ledger): its calls and cost, cost per active month, and the
  ratio of that cost to the median of the customers of its latest plan (article 002: customers
  who use a feature more than the plan's average are the ones it loses money on).

A blank figure is ``None`` (a null in a frame) and :attr:`CustomerPnl.reasons` says why.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Final

import polars as pl

from econ import formats
from econ import measures as m
from econ import schema as s
from econ.decisions.pricing import Simulation
from econ.errors import UnknownNameError
from econ.model.customer_months import COUNTED_REVENUE_USD, INFERENCE_USD, SEGMENT, CustomerMonths
from econ.model.customer_months.runs import month_index
from econ.model.report import Report, clean, records
from econ.present import columns as spec
from econ.present.display import terminal_safe
from econ.present.labels import feature_label, segment_label, words
from econ.present.views import distinct_labels

CLOSE_IDS: Final = 5
"""How many close customer ids an unknown id's message names."""

SIMULATED_BILL: Final = "simulated_bill_usd"
"""The column of :attr:`CustomerPnl.months` holding what the price book would have billed."""

MONTHS_SCHEMA: Final = pl.Schema(
    {
        s.MONTH: pl.Date(),
        s.PLAN: pl.String(),
        SEGMENT: pl.String(),
        s.CALLS: pl.Int64(),
        "revenue_usd": pl.Float64(),
        INFERENCE_USD: pl.Float64(),
        "burdens_usd": pl.Float64(),
        "gross_profit_usd": pl.Float64(),
        "gross_margin": pl.Float64(),
    }
)
"""One row per active customer-month, by month: revenue is the month's MRR, burdens are AI
infra + support + CS (:func:`econ.measures.compute_burdens`). With a simulation whose price book
changes anything, :data:`SIMULATED_BILL` follows."""

HISTORY_SCHEMA: Final = pl.Schema(
    {
        "from_month": pl.Date(),
        "to_month": pl.Date(),
        "months": pl.Int64(),
        s.PLAN: pl.String(),
        SEGMENT: pl.String(),
    }
)
"""The customer's runs of consecutive active months on one plan in one segment: a plan change,
a new segment or a gap (months without an active customer-month) starts a new run."""

FEATURES_SCHEMA: Final = pl.Schema(
    {
        s.FEATURE_ID: pl.String(),
        "feature": pl.String(),
        s.CALLS: pl.Int64(),
        "cost_usd": pl.Float64(),
        "cost_per_month_usd": pl.Float64(),
        "plan_median_usd": pl.Float64(),
        "ratio_to_median": pl.Float64(),
        "inference_share": pl.Float64(),
    }
)
"""Per feature the customer used, costliest first: calls and cost over the window, cost per
active month (÷ every active month of the customer), the median of the same among the customers
of its latest plan (their cost of the feature in their months on that plan ÷ those months, $0
for a customer who never used it), the ratio of the two, and the feature's share of the
customer's inference. ``feature`` is the feature's name in words."""

COST_BY_FEATURE_SCHEMA: Final = pl.Schema(
    {
        s.MONTH: pl.Date(),
        s.FEATURE_ID: pl.String(),
        "feature": pl.String(),
        "cost_usd": pl.Float64(),
    }
)
"""Inference cost per month and feature (long form, for a stacked chart), by month then
feature."""


@dataclass(frozen=True)
class CustomerTotals:
    """The customer's figures over the window (its active months only).

    Attributes:
        active_months: its active customer-months in the window.
        calls: calls made in them.
        revenue_usd, inference_usd, burdens_usd, gross_profit_usd: sums over them.
        gross_margin: gross profit ÷ revenue.
        inference_share: inference ÷ revenue.
        monthly_revenue_usd, monthly_gross_profit_usd: the means per active month.
        bill_simulated_usd: what the scenario's price book would have billed over the same
            months (None without a simulation, or when the price book changes nothing).
        bill_change_usd: the simulated bill − the revenue (None as above).
    """

    active_months: int
    calls: int
    revenue_usd: float
    inference_usd: float
    burdens_usd: float
    gross_profit_usd: float
    gross_margin: float | None
    inference_share: float | None
    monthly_revenue_usd: float
    monthly_gross_profit_usd: float
    bill_simulated_usd: float | None = None
    bill_change_usd: float | None = None


@dataclass(frozen=True)
class CustomerPnl:
    """One customer's P&L over the report's window (see the module docstring).

    Attributes:
        customer_id: the customer.
        segment_by: how the report segments customers (to name ``segment`` in words).
        plan, segment: the plan and segment of its latest active month.
        window: the report's window, ``"2026-01 to 2026-03"``.
        months: :data:`MONTHS_SCHEMA` rows (and :data:`SIMULATED_BILL` when repriced).
        history: :data:`HISTORY_SCHEMA` rows, oldest first.
        features: :data:`FEATURES_SCHEMA` rows, costliest first.
        cost_by_feature: :data:`COST_BY_FEATURE_SCHEMA` rows.
        every_feature: every feature of the report (a chart gives each its one colour).
        totals: the sums and means over its active months.
        churn: its segment's monthly revenue churn (the segment table's ``churn``).
        cac_usd: its segment's CAC.
        ltv_compute_adjusted_usd: mean monthly gross profit ÷ churn.
        ltv_cac: that LTV ÷ CAC.
        payback_months: CAC ÷ mean monthly gross profit.
        reasons: why each blank figure is blank, by its name (``"payback_months"``).
    """

    customer_id: str
    segment_by: str
    plan: str
    segment: str
    window: str
    months: pl.DataFrame
    history: pl.DataFrame
    features: pl.DataFrame
    cost_by_feature: pl.DataFrame
    every_feature: tuple[str, ...]
    totals: CustomerTotals
    churn: float | None
    cac_usd: float | None
    ltv_compute_adjusted_usd: float | None
    ltv_cac: float | None
    payback_months: float | None
    reasons: Mapping[str, str] = field(default_factory=dict)

    @property
    def repriced(self) -> bool:
        """Whether the scenario's price book changes anything (the simulated bill is shown)."""
        return SIMULATED_BILL in self.months.columns

    @property
    def segment_name(self) -> str:
        """The latest segment in words ("Power users")."""
        return segment_label(self.segment, self.segment_by)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (dates as ISO text, blanks as null, never NaN or infinity)."""
        return {
            "customer_id": self.customer_id,
            "segment_by": self.segment_by,
            "plan": self.plan,
            "segment": self.segment,
            "window": self.window,
            "totals": {key: clean(value) for key, value in asdict(self.totals).items()},
            "churn": clean(self.churn),
            "cac_usd": clean(self.cac_usd),
            "ltv_compute_adjusted_usd": clean(self.ltv_compute_adjusted_usd),
            "ltv_cac": clean(self.ltv_cac),
            "payback_months": clean(self.payback_months),
            "months": records(self.months),
            "history": records(self.history),
            "features": records(self.features.drop("feature")),
            "cost_by_feature": records(self.cost_by_feature.drop("feature")),
            "reasons": dict(self.reasons),
        }


def customer_pnl(
    report: Report, customer_id: str, simulation: Simulation | None = None
) -> CustomerPnl:
    """``customer_id``'s P&L over the report's window; with ``simulation`` (of this report), what
    its price book would have billed each month, when it changes anything.

    Raises :class:`~econ.errors.UnknownNameError` when the customer has no active month in the
    window, naming up to :data:`CLOSE_IDS` ids close to the one asked for.
    """
    cms = report.customer_months
    rows = _rows_of(cms.frame, customer_id)
    if rows.height == 0:
        raise UnknownNameError(_unknown(cms.frame, customer_id, cms.window.label))
    reasons: dict[str, str] = {}
    months = _months(rows)
    repriced = simulation is not None and not report.scenario.price_book.is_current_pricing
    if simulation is not None and repriced:
        months = _with_simulated_bill(months, simulation, customer_id)
    else:
        reasons["bill_simulated_usd"] = (
            "the scenario's price book changes nothing"
            if simulation is not None
            else "no price book was simulated"
        )
    latest = months.row(-1, named=True)
    plan, segment = str(latest[s.PLAN]), str(latest[SEGMENT])
    usage = _rows_of(cms.usage, customer_id)
    totals = _totals(months)
    features = _features(usage, cms, plan, totals, reasons)
    value = _lifetime(report, segment, totals.monthly_gross_profit_usd, reasons)
    return CustomerPnl(
        customer_id=customer_id,
        segment_by=report.scenario.segment_by,
        plan=plan,
        segment=segment,
        window=cms.window.label,
        months=months,
        history=_history(months),
        features=features,
        cost_by_feature=_cost_by_feature(usage),
        every_feature=tuple(sorted(report.features[s.FEATURE_ID].to_list())),
        totals=totals,
        reasons=reasons,
        **value,
    )


def _rows_of(frame: pl.DataFrame, customer_id: str) -> pl.DataFrame:
    return frame.filter(pl.col(s.CUSTOMER_ID) == customer_id)


def _unknown(frame: pl.DataFrame, customer_id: str, window: str) -> str:
    """Why there is no P&L, naming the closest ids (or a few ids, when none is close)."""
    ids = frame[s.CUSTOMER_ID].unique().sort().to_list()
    if not ids:
        return f"no customer has an active month in {window}"
    close = difflib.get_close_matches(customer_id, ids, n=CLOSE_IDS)
    named = ", ".join(repr(each) for each in (close or ids[:CLOSE_IDS]))
    missing = f"no customer {customer_id!r} has an active month in {window}"
    return (
        f"{missing}; did you mean {named}?" if close else f"{missing}; customers include {named}."
    )


def _months(rows: pl.DataFrame) -> pl.DataFrame:
    revenue, inference, burdens = (pl.col(n) for n in ("revenue_usd", INFERENCE_USD, "burdens_usd"))
    profit = pl.col("gross_profit_usd")
    return (
        rows.select(
            s.MONTH,
            pl.col(s.PLAN).cast(pl.String),
            pl.col(SEGMENT).cast(pl.String),
            pl.col(s.CALLS).cast(pl.Int64),
            pl.col(COUNTED_REVENUE_USD).alias("revenue_usd"),
            pl.col(INFERENCE_USD),
            m.compute_burdens().alias("burdens_usd"),
        )
        .with_columns(m.gross_profit(revenue, inference, burdens).alias("gross_profit_usd"))
        .with_columns(m.gross_margin(profit, revenue).alias("gross_margin"))
        .sort(s.MONTH)
        .select(MONTHS_SCHEMA.names())
        .cast(dict(MONTHS_SCHEMA))  # type: ignore[arg-type]
    )


def _with_simulated_bill(
    months: pl.DataFrame, simulation: Simulation, customer_id: str
) -> pl.DataFrame:
    simulated = _rows_of(simulation.simulated.frame, customer_id).select(
        s.MONTH, pl.col(s.MRR_USD).alias(SIMULATED_BILL)
    )
    return months.join(simulated, on=s.MONTH, how="left").sort(s.MONTH)


def _totals(months: pl.DataFrame) -> CustomerTotals:
    sums = months.select(
        pl.len().alias("months"),
        pl.col(s.CALLS).sum(),
        pl.col("revenue_usd", INFERENCE_USD, "burdens_usd").sum(),
        *([pl.col(SIMULATED_BILL).sum()] if SIMULATED_BILL in months.columns else []),
    ).row(0, named=True)
    revenue, inference = float(sums["revenue_usd"]), float(sums[INFERENCE_USD])
    burdens = float(sums["burdens_usd"])
    profit = m.gross_profit(revenue, inference, burdens)
    count = int(sums["months"])
    bill = sums.get(SIMULATED_BILL)
    return CustomerTotals(
        active_months=count,
        calls=int(sums[s.CALLS]),
        revenue_usd=revenue,
        inference_usd=inference,
        burdens_usd=burdens,
        gross_profit_usd=profit,
        gross_margin=m.gross_margin(profit, revenue),
        inference_share=m.inference_share(inference, revenue),
        monthly_revenue_usd=revenue / count,
        monthly_gross_profit_usd=profit / count,
        bill_simulated_usd=None if bill is None else float(bill),
        bill_change_usd=None if bill is None else float(bill) - revenue,
    )


def _history(months: pl.DataFrame) -> pl.DataFrame:
    plan, segment, index = pl.col(s.PLAN), pl.col(SEGMENT), month_index()
    starts = (
        (plan != plan.shift(1)) | (segment != segment.shift(1)) | (index - index.shift(1) != 1)
    ).fill_null(True)
    return (
        months.with_columns(starts.cum_sum().alias("_run"))
        .group_by("_run")
        .agg(
            pl.col(s.MONTH).min().alias("from_month"),
            pl.col(s.MONTH).max().alias("to_month"),
            pl.len().cast(pl.Int64).alias("months"),
            plan.first(),
            segment.first(),
        )
        .sort("_run")
        .select(HISTORY_SCHEMA.names())
    )


def _named(frame: pl.DataFrame) -> pl.Expr:
    names = distinct_labels(frame[s.FEATURE_ID].to_list(), feature_label)
    return pl.col(s.FEATURE_ID).replace_strict(names, return_dtype=pl.String).alias("feature")


def _cost_by_feature(usage: pl.DataFrame) -> pl.DataFrame:
    return (
        usage.group_by(s.MONTH, s.FEATURE_ID)
        .agg(pl.col(s.COST_USD).sum())
        .with_columns(_named(usage))
        .select(COST_BY_FEATURE_SCHEMA.names())
        .cast(dict(COST_BY_FEATURE_SCHEMA))  # type: ignore[arg-type]
        .sort(s.MONTH, s.FEATURE_ID)
    )


def _features(
    usage: pl.DataFrame,
    cms: CustomerMonths,
    plan: str,
    totals: CustomerTotals,
    reasons: dict[str, str],
) -> pl.DataFrame:
    """Per feature of ``usage`` (the customer's), against the median customer of ``plan``."""
    own = usage.group_by(s.FEATURE_ID).agg(pl.col(s.CALLS).sum(), pl.col(s.COST_USD).sum())
    medians = _plan_medians(cms.frame, cms.usage, plan, own[s.FEATURE_ID].to_list())
    per_month = pl.col(s.COST_USD) / totals.active_months
    table = (
        own.join(medians, on=s.FEATURE_ID, how="left")
        .with_columns(per_month.alias("cost_per_month_usd"), _named(own))
        .with_columns(
            m.share(pl.col("cost_per_month_usd"), pl.col("plan_median_usd")).alias(
                "ratio_to_median"
            ),
            m.share(pl.col(s.COST_USD), pl.lit(totals.inference_usd)).alias("inference_share"),
        )
        .select(FEATURES_SCHEMA.names())
        .cast(dict(FEATURES_SCHEMA))  # type: ignore[arg-type]
        .sort(s.COST_USD, s.FEATURE_ID, descending=[True, False])
    )
    if table["ratio_to_median"].null_count():
        reasons["ratio_to_median"] = (
            f"blank where the median customer on {words(plan)} does not use the feature "
            "($0 a month)"
        )
    return table


def _plan_medians(
    frame: pl.DataFrame, every_usage: pl.DataFrame, plan: str, features: Sequence[str]
) -> pl.DataFrame:
    """``feature_id, plan_median_usd``: per feature, the median over the customers with a month
    on ``plan`` of their cost of it per month on the plan ($0 for those who never used it)."""
    on_plan = (
        frame.filter(pl.col(s.PLAN) == plan).group_by(s.CUSTOMER_ID).agg(pl.len().alias("_months"))
    )
    costs = (
        every_usage.filter(pl.col(s.PLAN) == plan, pl.col(s.FEATURE_ID).is_in(list(features)))
        .group_by(s.CUSTOMER_ID, s.FEATURE_ID)
        .agg(pl.col(s.COST_USD).sum())
    )
    wanted = pl.DataFrame({s.FEATURE_ID: list(features)}, schema={s.FEATURE_ID: pl.String})
    return (
        on_plan.join(wanted, how="cross")
        .join(costs, on=[s.CUSTOMER_ID, s.FEATURE_ID], how="left")
        .group_by(s.FEATURE_ID)
        .agg((pl.col(s.COST_USD).fill_null(0.0) / pl.col("_months")).median())
        .select(s.FEATURE_ID, pl.col(s.COST_USD).cast(pl.Float64).alias("plan_median_usd"))
    )


def _lifetime(
    report: Report, segment: str, monthly_profit: float, reasons: dict[str, str]
) -> dict[str, float | None]:
    """Churn and CAC of ``segment`` (its row of the segment table), and the customer's LTV,
    LTV:CAC and payback from them, each blank with its reason."""
    row = report.segment(segment)
    given = {
        reason.split(": ", 1)[0]: reason.split(": ", 1)[1]
        for reason in row["null_reasons"]
        if ": " in reason
    }
    name = segment_label(segment, report.scenario.segment_by)
    churn, cac = row["churn"], row["cac_usd"]
    if churn is None:
        reasons["churn"] = f"{name}: {given.get('churn', 'churn is undefined')}"
    if cac is None:
        reasons["cac_usd"] = f"{name}: {given.get('cac_usd', 'no CAC given')}"
    ltv, why = m.lifetime_value(monthly_profit, churn)
    if why:
        reasons["ltv_compute_adjusted_usd"] = f"{why} (segment {name})"
    ratio, why = m.ltv_cac(ltv, cac)
    if why:
        reasons["ltv_cac"] = why
    payback, why = m.payback_months(cac, monthly_profit)
    if why:
        reasons["payback_months"] = why
    figures = {
        "churn": churn,
        "cac_usd": cac,
        "ltv_compute_adjusted_usd": ltv,
        "ltv_cac": ratio,
        "payback_months": payback,
    }
    for figure, number in figures.items():
        if number is not None and not math.isfinite(number):  # a CAC of 1e-308, say
            figures[figure] = None
            reasons[figure] = "too large to represent (check the inputs)"
    return figures


def for_table(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its month columns as ``YYYY-MM`` text, the way the app's tables show
    months (a date column would show as a timestamp)."""
    dates = [name for name, dtype in frame.schema.items() if dtype == pl.Date]
    return frame.with_columns(pl.col(name).dt.strftime("%Y-%m") for name in dates)


FIGURE_LABELS: Final = {
    "churn": "Churn of its segment",
    "cac_usd": "CAC",
    "ltv_compute_adjusted_usd": "Compute-adjusted LTV",
    "ltv_cac": "LTV:CAC",
    "payback_months": "CAC payback",
    "ratio_to_median": "× plan median",
    "bill_simulated_usd": "Simulated bill",
}
"""What a reader calls each figure :attr:`CustomerPnl.reasons` can name."""


def blank_figures(pnl: CustomerPnl) -> list[str]:
    """Why each blank figure is blank, one sentence each ("CAC payback: needs a CAC"); the
    simulated bill, blank whenever no price book changes anything, is left out."""
    return [
        f"{FIGURE_LABELS.get(name, name)}: {why}"
        for name, why in pnl.reasons.items()
        if name != "bill_simulated_usd"
    ]


# -- text for the command line ------------------------------------------------------------------


def customer_text(pnl: CustomerPnl) -> str:
    """The P&L as plain text for a terminal: a headline, its plan and segment history, the
    months, the features against the plan's median, and why any figure is blank."""
    t = pnl.totals
    payback = (
        formats.NULL_TEXT
        if pnl.payback_months is None
        else f"{formats.months(pnl.payback_months)} months"
    )
    lines = [
        f"Customer {pnl.customer_id}, {pnl.window}: "
        f"{formats.count_of(t.active_months, 'active month')}, now on {words(pnl.plan)} "
        f"({pnl.segment_name}).",
        f"Revenue {formats.money(t.revenue_usd)}, inference {formats.money(t.inference_usd)} "
        f"({formats.percent(t.inference_share)} of revenue), AI infra + support + CS "
        f"{formats.money(t.burdens_usd)}: gross profit {formats.money(t.gross_profit_usd)} "
        f"(margin {formats.percent(t.gross_margin)}), {formats.money(t.monthly_gross_profit_usd)} "
        "a month.",
        f"Compute-adjusted LTV {formats.money(pnl.ltv_compute_adjusted_usd, cents=False)} "
        f"(its segment's churn {formats.percent(pnl.churn, digits=2)} a month); CAC "
        f"{formats.money(pnl.cac_usd, cents=False)}, LTV:CAC {formats.ratio(pnl.ltv_cac)}, "
        f"payback {payback}.",
    ]
    if t.bill_simulated_usd is not None:
        lines.append(
            f"The scenario's price book would have billed {formats.money(t.bill_simulated_usd)} "
            f"over these months ({formats.money_change(t.bill_change_usd)})."
        )
    sections = (
        ("Plan and segment history", pnl.history, spec.CUSTOMER_HISTORY),
        ("Months", pnl.months, spec.CUSTOMER_MONTHS),
        (
            f"Features against the median customer on {words(pnl.plan)}",
            pnl.features,
            spec.CUSTOMER_FEATURES,
        ),
    )
    for title, frame, table in sections:
        lines += ["", title, aligned(spec.as_text(frame, table, segment_by=pnl.segment_by))]
    blanks = blank_figures(pnl)
    if blanks:
        lines += ["", "Blank figures:", *(f"  - {sentence}" for sentence in blanks)]
    return terminal_safe("\n".join(lines))


def aligned(frame: pl.DataFrame) -> str:
    """A text frame as columns: headers, then rows; the first column left-aligned, the others
    right-aligned (they hold numbers), two spaces apart."""
    if frame.width == 0:
        return ""
    cells = [frame.columns, *(list(map(str, row)) for row in frame.iter_rows())]
    widths = [max(len(row[i]) for row in cells) for i in range(frame.width)]

    def line(row: Sequence[str]) -> str:
        parts = [
            text.ljust(width) if i == 0 else text.rjust(width)
            for i, (text, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return "\n".join(line(row) for row in cells) if frame.height else line(frame.columns)
