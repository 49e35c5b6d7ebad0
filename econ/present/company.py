"""The company month by month: revenue, inference cost, margins and customers for every month of
the window, each measure's change against the month and the quarter before, inference cost per
customer-month by feature, and the months where a feature's cost outgrew its revenue.

Every month's figures are sums over its active customer-months (README, Definitions), and the
five measures the Summary's cards show are computed by the same code (:mod:`econ.present.kpis`):

- **Revenue**, **inference cost**: Σ MRR and Σ inference cost of the month's customer-months.
- **Gross profit**: :func:`econ.measures.gross_profit`, revenue − inference − AI infra − support
  − CS (article 001's compute-adjusted gross profit); **gross margin** is it ÷ revenue
  (:func:`econ.measures.gross_margin`) and **inference share** inference ÷ revenue
  (:func:`econ.measures.inference_share`; article 001: above 10% the compute-adjusted view
  matters). Both are undefined in a month without revenue.
- **Customers**: the month's active customer-months, one per paying customer.
- **New customers**: customers whose first active month of the window is this month.
  **Returning customers**: active this month, not the month before, but in an earlier month of
  the window (a customer back from a pause is returning, not new). **Churned customers**:
  active the month before and not this month (a pause counts as churn in the month it starts,
  as the segment table's churn counts it). Whether the customers of the window's first month
  were new, back or continuing is not in the window, so the first month's three counts are
  undefined. From the second month on, customers = the month before's + new + returning −
  churned. These are the counting rules of :mod:`econ.model.retention.cohorts`, per customer.

**Changes** follow the review cadence of article 002 (feature margins monthly, pricing
quarterly), by :func:`econ.present.kpis.change`: MoM is the last month against the one before,
QoQ the last three months against the three before (undefined with fewer than six months);
money and counts change relatively, (new − old) ÷ old (undefined from 0), a margin or share in
points, a quarter's margin or share being the ratio of its sums.

**Inference cost per customer-month by feature**: a feature's inference cost in the month ÷
every active customer-month of that month (not only those that used it), so the features of a
month add up to the month's inference cost per customer-month.

**Compute spiral** (article 000: "as usage grows, inference costs explode before pricing
catches up"; article 002's monthly review looks for features whose usage grows faster than
pricing captures its cost): a feature in a month where its inference cost grew (by more than
half a cent) from the month before, and grew faster than the revenue allocated to it
(:func:`econ.model.features.feature_table`'s allocation): cost growth − revenue growth
(:func:`econ.measures.spiral_gap`) above :data:`SPIRAL_GAP_MIN`. A fall in revenue counts as a
negative growth, so a cost that grows while revenue falls is a spiral month; a month where the
cost fell is not, whatever revenue did. Only months whose previous month had cost and revenue
are compared: without either the growth is undefined.

Undefined values are ``None`` (null in a frame), never NaN or infinity, each with its reason in
``null_reasons``; they read "—".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import polars as pl

from econ import formats
from econ import measures as m
from econ import schema as s
from econ.model.customer_months import CustomerMonths, Window
from econ.model.customer_months.runs import month_index
from econ.model.report import Report, records
from econ.present import kpis as k
from econ.present.kpis import Kpi, KpiKind, window_text
from econ.present.views import feature_trend

NEW: Final = "new_customers"
RETURNING: Final = "returning_customers"
CHURNED: Final = "churned_customers"
FLOWS: Final = (NEW, RETURNING, CHURNED)
"""The month's customer movements, undefined in the window's first month."""

GROSS_PROFIT: Final = "Gross profit"
NEW_CUSTOMERS: Final = "New customers"
RETURNING_CUSTOMERS: Final = "Returning customers"
CHURNED_CUSTOMERS: Final = "Churned customers"

SPIRAL_GAP_MIN: Final = 0.0005
"""A cost growth must beat the revenue growth by more than this (0.05 points) to be called out:
a smaller gap reads "0.0 pp" at the one decimal a change is shown to, and two growths equal
but for rounding are not a spiral."""

INFERENCE_SHARE_LINE: Final = m.INFERENCE_SHARE_HIGH
"""The inference share above which the compute-adjusted view matters (article 001): the line the
margin chart draws."""

MONTHS_SCHEMA: Final = pl.Schema(
    {
        s.MONTH: pl.Date(),
        "revenue_usd": pl.Float64(),
        "inference_usd": pl.Float64(),
        "burdens_usd": pl.Float64(),
        "inference_share": pl.Float64(),
        "gross_profit_usd": pl.Float64(),
        "gross_margin": pl.Float64(),
        "customers": pl.Int64(),
        NEW: pl.Int64(),
        RETURNING: pl.Int64(),
        CHURNED: pl.Int64(),
        "null_reasons": pl.List(pl.String()),
    }
)
"""One row per month of the window, sorted (see the module docstring for each figure)."""

_SUMS: Final = ("revenue_usd", "inference_usd", "burdens_usd", "customers", *FLOWS)
"""The columns a quarter sums; its ratios are recomputed from them."""

CHANGES_SCHEMA: Final = pl.Schema(
    {
        "measure": pl.String(),
        "column": pl.String(),
        "kind": pl.String(),
        "latest": pl.Float64(),
        "mom": pl.Float64(),
        "qoq": pl.Float64(),
        "null_reasons": pl.List(pl.String()),
    }
)
"""One row per measure: its value in the window's last month and its MoM and QoQ change."""

FEATURE_COSTS_SCHEMA: Final = pl.Schema(
    {
        s.MONTH: pl.Date(),
        s.FEATURE_ID: pl.String(),
        "feature": pl.String(),
        "cost_usd": pl.Float64(),
        "revenue_usd": pl.Float64(),
        "customer_months": pl.Int64(),
        "cost_per_customer_month_usd": pl.Float64(),
        "cost_per_customer_month_mom": pl.Float64(),
        "cost_growth": pl.Float64(),
        "revenue_growth": pl.Float64(),
        "growth_gap": pl.Float64(),
        "spiral": pl.Boolean(),
        "null_reasons": pl.List(pl.String()),
    }
)
"""One row per feature × month of the window (a month without the feature's usage has $0),
sorted by feature then month; ``feature`` is its name in words."""

SPIRAL_SCHEMA: Final = pl.Schema(
    {
        s.MONTH: pl.Date(),
        s.FEATURE_ID: pl.String(),
        "feature": pl.String(),
        "cost_before_usd": pl.Float64(),
        "cost_usd": pl.Float64(),
        "revenue_before_usd": pl.Float64(),
        "revenue_usd": pl.Float64(),
        "cost_growth": pl.Float64(),
        "revenue_growth": pl.Float64(),
        "growth_gap": pl.Float64(),
    }
)
"""The spiral months, sorted by month, then by gap (largest first), then by feature."""

_MEASURES: Final[tuple[tuple[str, str, KpiKind, bool], ...]] = (
    (k.REVENUE, "revenue_usd", "usd", True),
    (k.INFERENCE, "inference_usd", "usd", False),
    (k.INFERENCE_SHARE, "inference_share", "percent", False),
    (GROSS_PROFIT, "gross_profit_usd", "usd", True),
    (k.GROSS_MARGIN, "gross_margin", "percent", True),
    (k.CUSTOMERS, "customers", "count", True),
    (NEW_CUSTOMERS, NEW, "count", True),
    (RETURNING_CUSTOMERS, RETURNING, "count", True),
    (CHURNED_CUSTOMERS, CHURNED, "count", False),
)
"""Each measure: its name, its column of :data:`MONTHS_SCHEMA`, its kind, and whether a rise is
good news."""

NOT_COUNTED: Final = (
    "not counted in the window's first month (its earlier months are not in the window)"
)
NO_REVENUE: Final = "no revenue"
_UNDEFINED: Final[dict[str, str]] = {
    "gross_margin": NO_REVENUE,
    "inference_share": NO_REVENUE,
    **dict.fromkeys(FLOWS, NOT_COUNTED),
}
"""Why a measure can be undefined in a month (or a quarter)."""


@dataclass(frozen=True)
class CompanyMonths:
    """The company month by month (see the module docstring for every figure).

    Attributes:
        window: the months covered.
        months: :data:`MONTHS_SCHEMA`, one row per month of the window, sorted.
        kpis: one :class:`~econ.present.kpis.Kpi` per measure (Revenue, Inference cost,
            Inference share, Gross profit, Gross margin, Customers, New, Returning and Churned
            customers): its series, latest value, MoM and QoQ change, and which way is good.
        changes: :data:`CHANGES_SCHEMA`, the same as a frame, with why a change is undefined.
        feature_costs: :data:`FEATURE_COSTS_SCHEMA`.
        spiral: :data:`SPIRAL_SCHEMA`.
    """

    window: Window
    months: pl.DataFrame
    kpis: tuple[Kpi, ...]
    changes: pl.DataFrame
    feature_costs: pl.DataFrame
    spiral: pl.DataFrame

    @property
    def window_text(self) -> str:
        """The months covered: "Aug 2025 – Oct 2026"."""
        return window_text(self.window)

    def kpi(self, name: str) -> Kpi:
        """The measure called ``name`` ("Revenue", "New customers", …)."""
        return next(kpi for kpi in self.kpis if kpi.name == name)

    def qoq_caption(self, kpi: Kpi) -> str:
        """The QoQ line under a card: "+12.5% QoQ", or why it is blank: "— QoQ (needs 6
        months)", "— QoQ (from 0)", "— QoQ (undefined)"."""
        if kpi.qoq is not None:
            return kpi.qoq_text
        if self.months.height < 2 * k.QUARTER:
            return f"{formats.NULL_TEXT} QoQ (needs {2 * k.QUARTER} months)"
        column = next(column for name, column, _, _ in _MEASURES if name == kpi.name)
        rows = self.changes.filter(pl.col("column") == column)
        reasons = [r for r in rows["null_reasons"].explode().drop_nulls() if r.startswith("QoQ")]
        from_zero = any("0 in the quarter before" in reason for reason in reasons)
        return f"{formats.NULL_TEXT} QoQ ({'from 0' if from_zero else 'undefined'})"

    def spiral_sentences(self) -> tuple[str, ...]:
        """Each spiral month in words, in :attr:`spiral`'s order: "Deep research: cost +42.0%
        against revenue +3.1% in 2026-05". Feature names are the user's: escape them for
        Markdown."""
        return spiral_sentences(self.spiral)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``window`` (first and last month), ``months``, ``changes``,
        ``feature_costs``, ``spiral`` and ``spiral_callouts`` (the sentences)."""
        return {
            "window": {"first": f"{self.window.first:%Y-%m}", "last": f"{self.window.last:%Y-%m}"},
            "months": records(self.months),
            "changes": records(self.changes),
            "feature_costs": records(self.feature_costs),
            "spiral": records(self.spiral),
            "spiral_callouts": list(self.spiral_sentences()),
        }


def company_months(report: Report) -> CompanyMonths:
    """The company month by month of ``report`` (see the module docstring)."""
    cms = report.customer_months
    months = monthly_figures(cms)
    quarters = k.with_ratios(k.quarter_sums(months.select(s.MONTH, *_SUMS)))
    cards = tuple(
        k.kpi_of(months, quarters, name, column, kind, rising_is_good=good)
        for name, column, kind, good in _MEASURES
    )
    costs = feature_costs(report, months)
    return CompanyMonths(
        window=cms.window,
        months=months,
        kpis=cards,
        changes=changes_frame(cards, months, quarters),
        feature_costs=costs,
        spiral=spiral_months(costs),
    )


# -- the months -----------------------------------------------------------------------------------

_INDEX: Final = "_month_index"


def customer_flows(cms: CustomerMonths) -> pl.DataFrame:
    """Per month of the window: ``month``, ``new_customers``, ``returning_customers`` and
    ``churned_customers`` (Int64; null in the window's first month), sorted by month."""
    customer, index = pl.col(s.CUSTOMER_ID), pl.col(_INDEX)
    rows = (
        cms.frame.select(s.CUSTOMER_ID, s.MONTH)
        .unique()
        .sort(s.CUSTOMER_ID, s.MONTH)
        .with_columns(month_index().alias(_INDEX))
    )
    same = customer == customer.shift(1)
    follows = (same & (index - index.shift(1) == 1)).fill_null(False)
    stays = ((customer == customer.shift(-1)) & (index.shift(-1) - index == 1)).fill_null(False)
    flagged = rows.with_columns(
        customer.is_first_distinct().alias("_first"), follows.alias("_follows")
    )
    arrived = flagged.group_by(s.MONTH).agg(
        pl.col("_first").sum().cast(pl.Int64).alias(NEW),
        (~pl.col("_first") & ~pl.col("_follows")).sum().cast(pl.Int64).alias(RETURNING),
    )
    left = (
        rows.filter(~stays)
        .group_by(pl.col(s.MONTH).dt.offset_by("1mo"))
        .agg(pl.len().cast(pl.Int64).alias(CHURNED))
    )
    counted = pl.col(s.MONTH) > cms.window.first
    return (
        k.window_months(cms.window)
        .to_frame()
        .join(arrived, on=s.MONTH, how="left")
        .join(left, on=s.MONTH, how="left")
        .with_columns(
            pl.when(counted).then(pl.col(name).fill_null(0)).alias(name) for name in FLOWS
        )
        .select(s.MONTH, *FLOWS)
        .sort(s.MONTH)
    )


def monthly_figures(cms: CustomerMonths) -> pl.DataFrame:
    """:data:`MONTHS_SCHEMA`: the month's sums (:func:`econ.present.kpis.monthly_totals`), its
    ratios (:func:`econ.present.kpis.with_ratios`) and its customer movements
    (:func:`customer_flows`), with why a figure is undefined."""
    sums = k.monthly_totals(cms).join(customer_flows(cms), on=s.MONTH, how="left")
    first = pl.col(s.MONTH) == cms.window.first
    reasons = pl.concat_list(
        pl.when(pl.col("revenue_usd") <= 0).then(
            pl.lit(f"gross margin and inference share: {NO_REVENUE}")
        ),
        pl.when(first).then(pl.lit(f"new, returning and churned customers: {NOT_COUNTED}")),
    ).list.drop_nulls()
    return (
        k.with_ratios(sums)
        .with_columns(reasons.alias("null_reasons"))
        .select(MONTHS_SCHEMA.names())
        .cast(dict(MONTHS_SCHEMA))  # type: ignore[arg-type]
        .sort(s.MONTH)
    )


def changes_frame(
    cards: tuple[Kpi, ...], months: pl.DataFrame, quarters: pl.DataFrame
) -> pl.DataFrame:
    """:data:`CHANGES_SCHEMA` from the cards of :data:`_MEASURES`, with the reason each
    undefined value is undefined."""
    rows = []
    for (name, column, kind, _), card in zip(_MEASURES, cards, strict=True):
        rows.append(
            {
                "measure": name,
                "column": column,
                "kind": kind,
                "latest": card.latest,
                "mom": card.mom,
                "qoq": card.qoq,
                "null_reasons": _reasons(card, column, months, quarters),
            }
        )
    return pl.DataFrame(rows, schema=CHANGES_SCHEMA)


def _value(frame: pl.DataFrame, column: str, index: int) -> float | None:
    if not -frame.height <= index < frame.height:
        return None
    value = frame[column][index]
    return None if value is None else float(value)


def _reasons(card: Kpi, column: str, months: pl.DataFrame, quarters: pl.DataFrame) -> list[str]:
    why = _UNDEFINED.get(column, "undefined")
    reasons = []
    if card.latest is None:
        reasons.append(f"latest: {why} in the window's last month")
    if card.mom is None:
        old, new = _value(months, column, -2), _value(months, column, -1)
        reasons.append("MoM: " + _no_change(old, new, why, "month", months=months.height, need=2))
    if card.qoq is None:
        old, new = _value(quarters, column, 0), _value(quarters, column, 1)
        need = 2 * k.QUARTER
        reasons.append(
            "QoQ: " + _no_change(old, new, why, "quarter", months=months.height, need=need)
        )
    return reasons


def _no_change(
    old: float | None,
    new: float | None,
    why: str,
    period: str,
    *,
    months: int,
    need: int,
) -> str:
    """Why a change is undefined: too few months, an undefined end, or (with both ends known:
    only a relative change can be undefined then) a change from 0."""
    if months < need:
        return f"needs {need} months (the window has {months})"
    if old is None or new is None:
        return f"{why} in the {period} before or the last {period}"
    return f"0 in the {period} before, so no relative change"


# -- features -------------------------------------------------------------------------------------


def _before(column: str) -> pl.Expr:
    """``column``'s value the month before, for the same feature (rows are a full grid)."""
    return pl.col(column).shift(1).over(s.FEATURE_ID, order_by=s.MONTH)


def _growth(column: str) -> pl.Expr:
    """(this month − the month before) ÷ the month before (undefined from 0: by
    :func:`econ.measures.share`, as :func:`econ.present.kpis.change` does)."""
    before = _before(column)
    return m.share(pl.col(column) - before, before)


def feature_costs(report: Report, months: pl.DataFrame) -> pl.DataFrame:
    """:data:`FEATURE_COSTS_SCHEMA`: each feature's inference cost and allocated revenue per
    month (:func:`econ.present.views.feature_trend`, a month without its usage at $0), its cost
    per active customer-month of the month and that figure's MoM change, its cost and revenue
    growth over the month, their gap (:func:`econ.measures.spiral_gap`) and whether the month
    is a spiral month (module docstring). ``months`` is :func:`monthly_figures`."""
    trend = feature_trend(report)
    names = trend.select(s.FEATURE_ID, "feature").unique()
    grid = months.select(s.MONTH, pl.col("customers").alias("customer_months")).join(
        names, how="cross"
    )
    amounts = trend.select(s.MONTH, s.FEATURE_ID, "cost_usd", "revenue_usd")
    per_cm = m.share(pl.col("cost_usd"), pl.col("customer_months").cast(pl.Float64))
    full = (
        grid.join(amounts, on=[s.MONTH, s.FEATURE_ID], how="left")
        .with_columns(pl.col("cost_usd", "revenue_usd").fill_null(0.0))
        .with_columns(per_cm.alias("cost_per_customer_month_usd"))
        .with_columns(
            _growth("cost_per_customer_month_usd").alias("cost_per_customer_month_mom"),
            _growth("cost_usd").alias("cost_growth"),
            _growth("revenue_usd").alias("revenue_growth"),
            (pl.col("cost_usd") - _before("cost_usd")).alias("_cost_change"),
        )
        .with_columns(
            m.spiral_gap(pl.col("cost_growth"), pl.col("revenue_growth")).alias("growth_gap")
        )
    )
    spiral = (pl.col("_cost_change") > m.HALF_CENT) & (pl.col("growth_gap") > SPIRAL_GAP_MIN)
    return (
        full.with_columns(
            spiral.fill_null(False).alias("spiral"),
            _feature_reasons(months["month"].min()).alias("null_reasons"),
        )
        .select(FEATURE_COSTS_SCHEMA.names())
        .cast(dict(FEATURE_COSTS_SCHEMA))  # type: ignore[arg-type]
        .sort(s.FEATURE_ID, s.MONTH)
    )


def _feature_reasons(first: object) -> pl.Expr:
    """Why a feature-month's figures are undefined."""
    first_month = pl.col(s.MONTH) == pl.lit(first, dtype=pl.Date)
    later = ~first_month
    return pl.concat_list(
        pl.when(pl.col("customer_months") == 0).then(
            pl.lit("cost per customer-month: no active customer-month this month")
        ),
        pl.when(first_month).then(pl.lit("changes: the window's first month has none before")),
        pl.when(later & (_before("cost_per_customer_month_usd").fill_null(0.0) <= 0)).then(
            pl.lit("cost per customer-month MoM: none the month before")
        ),
        pl.when(later & (_before("cost_usd") <= 0)).then(
            pl.lit("cost growth: no cost the month before")
        ),
        pl.when(later & (_before("revenue_usd") <= 0)).then(
            pl.lit("revenue growth: no revenue allocated to it the month before")
        ),
    ).list.drop_nulls()


def spiral_months(costs: pl.DataFrame) -> pl.DataFrame:
    """:data:`SPIRAL_SCHEMA`: the spiral months of :func:`feature_costs`, with the cost and
    revenue of the month before."""
    return (
        costs.sort(s.FEATURE_ID, s.MONTH)
        .with_columns(
            _before("cost_usd").alias("cost_before_usd"),
            _before("revenue_usd").alias("revenue_before_usd"),
        )
        .filter(pl.col("spiral"))
        .select(SPIRAL_SCHEMA.names())
        .cast(dict(SPIRAL_SCHEMA))  # type: ignore[arg-type]
        .sort(s.MONTH, "growth_gap", s.FEATURE_ID, descending=[False, True, False])
    )


def signed_percent(value: float) -> str:
    """A growth with its sign, to one decimal: "+42.0%", "−3.1%"; "flat" when it rounds to
    zero."""
    if round(abs(value) * 100, 1) == 0:
        return "flat"
    sign = "+" if value > 0 else formats.MINUS
    return f"{sign}{formats.percent(abs(value))}"


def spiral_sentence(row: dict[str, Any]) -> str:
    """One spiral month of :data:`SPIRAL_SCHEMA` in words."""
    month: dt.date = row[s.MONTH]
    return (
        f"{row['feature']}: cost {signed_percent(row['cost_growth'])} against revenue "
        f"{signed_percent(row['revenue_growth'])} in {month:%Y-%m}"
    )


def spiral_sentences(spiral: pl.DataFrame) -> tuple[str, ...]:
    """Each row of :data:`SPIRAL_SCHEMA` in words (:func:`spiral_sentence`), in its order."""
    return tuple(spiral_sentence(row) for row in spiral.iter_rows(named=True))


NO_SPIRAL: Final = "No feature's inference cost grew faster than its revenue in any month."

MOST_CALLOUTS: Final = 8
"""Up to this many spiral months a page calls out one by one; beyond, the latest month's."""


def spiral_callouts(
    spiral: pl.DataFrame, most: int = MOST_CALLOUTS
) -> tuple[tuple[str, ...], pl.DataFrame]:
    """What a page calls out one by one, and the spiral months it lists in a table instead.

    Every spiral month when there are at most ``most``; else the latest spiral month's (largest
    gap first, at most ``most``), the monthly review's question (article 002), and the others
    in the table, in :data:`SPIRAL_SCHEMA`'s order."""
    if spiral.height <= most:
        return spiral_sentences(spiral), spiral.clear()
    latest = spiral[s.MONTH].max()
    shown = spiral.filter(pl.col(s.MONTH) == latest).head(most)
    rest = spiral.join(shown.select(s.MONTH, s.FEATURE_ID), on=[s.MONTH, s.FEATURE_ID], how="anti")
    ordered = rest.sort(s.MONTH, "growth_gap", s.FEATURE_ID, descending=[False, True, False])
    return spiral_sentences(shown), ordered


SPIRAL_BY_FEATURE_SCHEMA: Final = pl.Schema(
    {
        s.FEATURE_ID: pl.String(),
        "feature": pl.String(),
        "spiral_months": pl.Int64(),
        "compared_months": pl.Int64(),
        "in_last_month": pl.Boolean(),
    }
)
"""Per feature: in how many of the months it could be compared (a defined gap) its cost outgrew
its revenue, and whether the window's last month is one; most spiral months first."""


def spiral_by_feature(costs: pl.DataFrame) -> pl.DataFrame:
    """:data:`SPIRAL_BY_FEATURE_SCHEMA` from :func:`feature_costs`: only features with at least
    one spiral month."""
    last = pl.col(s.MONTH) == pl.col(s.MONTH).max()
    return (
        costs.group_by(s.FEATURE_ID, "feature")
        .agg(
            pl.col("spiral").sum().cast(pl.Int64).alias("spiral_months"),
            pl.col("growth_gap").is_not_null().sum().cast(pl.Int64).alias("compared_months"),
            pl.col("spiral").filter(last).any().alias("in_last_month"),
        )
        .filter(pl.col("spiral_months") > 0)
        .select(SPIRAL_BY_FEATURE_SCHEMA.names())
        .cast(dict(SPIRAL_BY_FEATURE_SCHEMA))  # type: ignore[arg-type]
        .sort("spiral_months", s.FEATURE_ID, descending=[True, False])
    )


MOST_LINES: Final = 10
"""The most features the cost-per-customer-month chart draws a line for."""


def largest_features(costs: pl.DataFrame, most: int = MOST_LINES) -> list[str]:
    """The ids of the ``most`` features with the most inference cost over the window (ties by
    id), in id order: the lines a chart has room for."""
    totals = (
        costs.group_by(s.FEATURE_ID)
        .agg(pl.col("cost_usd").sum())
        .sort("cost_usd", s.FEATURE_ID, descending=[True, False])
    )
    return sorted(totals[s.FEATURE_ID].head(most).to_list())


def spiral_by_feature_text(by_feature: pl.DataFrame) -> str:
    """One line: "Deep research 13 of 14 months, Chat assistant 11 of 14, …"."""
    parts = [
        f"{row['feature']} {row['spiral_months']} of {row['compared_months']}"
        for row in by_feature.iter_rows(named=True)
    ]
    if not parts:
        return ""
    parts[0] += " months"
    return ", ".join(parts)


def table_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (:attr:`CompanyMonths.months` or :attr:`CompanyMonths.spiral`) as its table
    shows it: the month as ``YYYY-MM`` text, as the projection table writes it."""
    return frame.with_columns(pl.col(s.MONTH).dt.strftime("%Y-%m"))


# -- chart-ready frames ---------------------------------------------------------------------------


def _long(months: pl.DataFrame, columns: dict[str, str], value: str) -> pl.DataFrame:
    """``months``' ``columns`` (column → label) stacked: ``month, measure, order, value``,
    sorted by measure order then month."""
    return pl.concat(
        [
            months.select(
                s.MONTH,
                pl.lit(label).alias("measure"),
                pl.lit(order, dtype=pl.Int64).alias("order"),
                pl.col(column).cast(pl.Float64).alias(value),
            )
            for order, (column, label) in enumerate(columns.items())
        ]
    ).sort("order", s.MONTH)


def money_lines(months: pl.DataFrame) -> pl.DataFrame:
    """Revenue and inference cost per month: ``month, measure, order, usd``."""
    return _long(months, {"revenue_usd": k.REVENUE, "inference_usd": k.INFERENCE}, "usd")


def ratio_lines(months: pl.DataFrame) -> pl.DataFrame:
    """Gross margin and inference share per month: ``month, measure, order, value`` (a
    fraction; null in a month without revenue)."""
    columns = {"gross_margin": k.GROSS_MARGIN, "inference_share": k.INFERENCE_SHARE}
    return _long(months, columns, "value")


FLOW_LABELS: Final = {NEW: "New", RETURNING: "Returning", CHURNED: "Churned"}


MONTH_LABEL: Final = "label"
"""A month as a chart with one band per month names it: "Jan 2026"."""


def _month_label() -> pl.Expr:
    return pl.col(s.MONTH).dt.strftime("%b %Y").alias(MONTH_LABEL)


def customer_line(months: pl.DataFrame) -> pl.DataFrame:
    """Active customers per month: ``month, label, customers``, sorted by month."""
    return months.select(s.MONTH, _month_label(), "customers").sort(s.MONTH)


def flow_bars(months: pl.DataFrame) -> pl.DataFrame:
    """New, returning and churned customers per month as bars: ``month, label, measure,
    order, customers`` (churned below zero), sorted by month then measure; the window's first
    month, where they are not counted, has no bars."""
    bars = _long(months, FLOW_LABELS, "customers").filter(pl.col("customers").is_not_null())
    churned = pl.col("measure") == FLOW_LABELS[CHURNED]
    return (
        bars.with_columns(
            _month_label(),
            pl.when(churned).then(-pl.col("customers")).otherwise(pl.col("customers")),
        )
        .select(s.MONTH, MONTH_LABEL, "measure", "order", "customers")
        .sort(s.MONTH, "order")
    )


# -- text -----------------------------------------------------------------------------------------

_TEXT_COLUMNS: Final[tuple[tuple[str, str, Callable[[Any], str]], ...]] = (
    (s.MONTH, "month", lambda value: f"{value:%Y-%m}"),
    ("revenue_usd", "revenue", formats.money),
    ("inference_usd", "inference", formats.money),
    ("inference_share", "inf. share", formats.percent),
    ("gross_profit_usd", "gross profit", formats.money),
    ("gross_margin", "margin", formats.percent),
    ("customers", "customers", formats.count),
    (NEW, "new", formats.count),
    (RETURNING, "back", formats.count),
    (CHURNED, "churned", formats.count),
)


def _aligned(rows: list[list[str]], *, left: int = 0) -> list[str]:
    """Rows of cells as lines, each column right-aligned to its widest cell (the first
    ``left`` columns left-aligned)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(width) if i < left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def company_text(c: CompanyMonths) -> str:
    """The company month by month as plain text (for the command line): the monthly table, each
    measure's latest value with its MoM and QoQ change, and the compute-spiral callouts."""
    table = [[header for _, header, _ in _TEXT_COLUMNS]]
    table += [
        [
            write(row[name]) if row[name] is not None else formats.NULL_TEXT
            for name, _, write in _TEXT_COLUMNS
        ]
        for row in c.months.iter_rows(named=True)
    ]
    latest = [[card.name, card.value_text, card.mom_text, card.qoq_text] for card in c.kpis]
    sentences = c.spiral_sentences()
    lines = [
        f"Company by month, {c.window_text}",
        "",
        *_aligned(table),
        "",
        f"{c.window.last:%B %Y} against the month and the quarter before (QoQ needs 6 months):",
        *(f"  {line}" for line in _aligned(latest, left=1)),
        "",
        "Compute spiral (a feature's inference cost growing faster than its revenue):",
        *(f"  - {sentence}" for sentence in sentences),
    ]
    by_feature = spiral_by_feature_text(spiral_by_feature(c.feature_costs))
    if by_feature:
        lines.append(f"  By feature: {by_feature}.")
    if not sentences:
        lines.append(f"  {NO_SPIRAL}")
    return "\n".join(lines) + "\n"
