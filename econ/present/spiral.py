"""The compute spiral as a trend: per feature and per acquisition cohort, whether inference cost
per customer-month has been growing faster than the revenue it earns over the last N months,
since when, and where the margin goes if both trends continue.

Reference article 000: "as usage grows, inference costs explode before pricing catches up".
The month-by-month view (:func:`econ.present.company.feature_costs`) says in which months a
feature's cost outgrew its revenue; this one fits the trend over the scenario's
``retention.trend_months`` (N, 6 by default) last months of the window.

- **Groups.** Each feature: its inference cost and the revenue allocated to it
  (:func:`econ.present.views.feature_trend`) per active customer-month of the company (every
  customer-month, as :func:`econ.present.company.feature_costs` divides). Each **acquisition
  cohort**: the customers whose first active month of the window falls in the same calendar
  quarter (pooled per quarter, so a month with few new customers does not make a cohort of
  its own; the window's first quarter also holds the customers already paying before the
  window), with its inference cost and MRR per active customer-month of its own customers.
- **Growth.** Over the last N months, the log-linear least-squares trend ln u = a + b t
  (t = 0 in the window's last month; months at $0 left out, as the log of 0 is undefined), by
  the projection's fit (:func:`econ.decisions.projection.log_linear_trend`, growth capped at
  ±25% a month); the monthly growth is e^b − 1, for cost and for revenue alike. Undefined with
  fewer than 2 months of cost (or of revenue) in the last N.
- **Spiral.** The cost grows (above 0) and faster than the revenue: cost growth − revenue
  growth (:func:`econ.measures.spiral_gap`) above
  :data:`econ.present.company.SPIRAL_GAP_MIN`. A falling revenue is a negative growth.
- **Started.** For a spiral: the first month of the latest run of consecutive months, ending in
  the last N months, in which the cost per customer-month rose and grew faster than the revenue
  per customer-month month over month (by more than the same gap); the run may begin before the
  last N months. Undefined when no month of the last N is such a month.
- **Margins.** The margin after inference, (revenue − cost) ÷ revenue, of the two trends'
  levels in the window's last month (``margin_now``), and 6 and 12 months ahead if both trends
  continue (:func:`econ.measures.trend_margin`); undefined without a revenue trend.
- **At stake.** The gross profit a month lost in 6 months if the trend continues, against a
  cost that only kept pace with its revenue, at the last month's customer-months of the group:
  customer-months × c₀ ((1 + g_c)⁶ − (1 + g_r)⁶), c₀ the cost trend's level in the last month;
  equally, the margin's fall over the 6 months × the revenue per customer-month then × the
  customer-months. The Summary's compute-spiral finding is ranked by it
  (:mod:`econ.present.findings`).

Undefined values are ``None`` (null in a frame) with their reason in ``null_reasons``; they read
"—".
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass
from typing import Any, Final, Literal

import polars as pl

from econ import formats
from econ import measures as m
from econ import schema as s
from econ.decisions.projection import log_linear_trend
from econ.model.customer_months import COUNTED_REVENUE_USD, INFERENCE_USD
from econ.model.customer_months.runs import index_of
from econ.model.report import Report, records
from econ.present.company import SPIRAL_GAP_MIN, feature_costs, monthly_figures, signed_percent

Group = Literal["feature", "cohort"]

AHEAD: Final = (6, 12)
"""The months ahead the margin is projected."""

TRENDS_SCHEMA: Final = pl.Schema(
    {
        "group": pl.String(),
        "key": pl.String(),
        "name": pl.String(),
        "months_fitted": pl.Int64(),
        "cost_per_customer_month_usd": pl.Float64(),
        "revenue_per_customer_month_usd": pl.Float64(),
        "cost_growth": pl.Float64(),
        "revenue_growth": pl.Float64(),
        "growth_gap": pl.Float64(),
        "spiral": pl.Boolean(),
        "started": pl.Date(),
        "margin_now": pl.Float64(),
        "margin_6": pl.Float64(),
        "margin_12": pl.Float64(),
        "customer_months": pl.Int64(),
        "at_stake_usd": pl.Float64(),
        "null_reasons": pl.List(pl.String()),
    }
)
"""One row per feature, then per cohort: ``group`` is ``feature`` or ``cohort``, ``key`` the
feature id or the cohort's quarter ("2026-Q1"), ``name`` its name in words; the cost and revenue
per customer-month are the trends' levels in the window's last month; ``customer_months`` the
group's active customer-months in that month; ``at_stake_usd`` the gross profit a month lost in
6 months (spirals only). Features first, spirals first by dollars at stake, then by key."""


@dataclass(frozen=True)
class SpiralTrends:
    """The compute spiral as a trend (see the module docstring).

    Attributes:
        months: N, the months the trends are fitted on (fewer when the window is shorter).
        trends: :data:`TRENDS_SCHEMA`.
    """

    months: int
    trends: pl.DataFrame

    @property
    def spirals(self) -> pl.DataFrame:
        """The rows in a spiral, in :attr:`trends`' order."""
        return self.trends.filter(pl.col("spiral"))

    def sentences(self) -> tuple[str, ...]:
        """Each spiral in words (:func:`spiral_trend_sentence`). Names are the user's: escape
        them for Markdown."""
        return tuple(spiral_trend_sentence(row) for row in self.spirals.iter_rows(named=True))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``months``, ``trends`` and ``sentences``."""
        return {
            "months": self.months,
            "trends": records(self.trends),
            "sentences": list(self.sentences()),
        }


def spiral_trends(report: Report, months: int | None = None) -> SpiralTrends:
    """Per feature and per acquisition cohort, the spiral trend over the window's last
    ``months`` months (by default the scenario's ``retention.trend_months``)."""
    n = report.scenario.retention.trend_months if months is None else months
    if n < 2:
        raise ValueError(f"a trend needs at least 2 months, got {n}")
    cms = report.customer_months
    figures = monthly_figures(cms)
    costs = feature_costs(report, figures)
    features = costs.select(
        pl.lit("feature").alias("group"),
        pl.col(s.FEATURE_ID).alias("key"),
        pl.col("feature").alias("name"),
        s.MONTH,
        "customer_months",
        "cost_usd",
        "revenue_usd",
    )
    cohorts = _cohort_months(report)
    last = index_of(cms.window.last)
    rows = [
        _trend_row(label, points, last, n)
        for label, points in _series(pl.concat([features, cohorts])).items()
    ]
    frame = pl.DataFrame(rows, schema=TRENDS_SCHEMA, orient="row")
    order = pl.col("group").replace_strict({"feature": 0, "cohort": 1}, return_dtype=pl.Int64)
    return SpiralTrends(
        months=min(n, cms.window.months),
        trends=frame.with_columns(order.alias("_group"), (~pl.col("spiral")).alias("_calm"))
        .sort(
            "_group",
            "_calm",
            "at_stake_usd",
            "key",
            descending=[False, False, True, False],
            nulls_last=True,
        )
        .drop("_group", "_calm"),
    )


def cohort_of(first: dt.date) -> str:
    """A customer's acquisition cohort: the calendar quarter of its first active month,
    "2026-Q1"."""
    return f"{first.year}-Q{(first.month - 1) // 3 + 1}"


def _cohort_months(report: Report) -> pl.DataFrame:
    """Per cohort and month of the window: its active customer-months, inference cost and MRR
    (the same columns as the feature rows; a month without its customers has 0)."""
    frame = report.customer_months.frame
    firsts = frame.group_by(s.CUSTOMER_ID).agg(pl.col(s.MONTH).min().alias("_first"))
    quarter = pl.format("{}-Q{}", pl.col("_first").dt.year(), pl.col("_first").dt.quarter()).alias(
        "key"
    )
    sums = (
        frame.join(firsts, on=s.CUSTOMER_ID)
        .group_by(quarter, s.MONTH)
        .agg(
            pl.len().cast(pl.Int64).alias("customer_months"),
            pl.col(INFERENCE_USD).sum().cast(pl.Float64).alias("cost_usd"),
            pl.col(COUNTED_REVENUE_USD).sum().cast(pl.Float64).alias("revenue_usd"),
        )
    )
    grid = (
        sums.select("key")
        .unique()
        .join(
            pl.date_range(*_bounds(report), interval="1mo", eager=True).to_frame(s.MONTH),
            how="cross",
        )
    )
    return (
        grid.join(sums, on=["key", s.MONTH], how="left")
        .with_columns(
            pl.col("customer_months").fill_null(0), pl.col("cost_usd", "revenue_usd").fill_null(0.0)
        )
        .select(
            pl.lit("cohort").alias("group"),
            "key",
            pl.format("Customers acquired {}", pl.col("key")).alias("name"),
            s.MONTH,
            "customer_months",
            "cost_usd",
            "revenue_usd",
        )
    )


def _bounds(report: Report) -> tuple[dt.date, dt.date]:
    window = report.customer_months.window
    return window.first, window.last


Point = tuple[int, int, float | None, float | None]
"""A month of a group: its month index, customer-months, cost and revenue per customer-month
(None without a customer-month)."""


def _series(frame: pl.DataFrame) -> dict[tuple[str, str, str], list[Point]]:
    """Each group's months in order, as :data:`Point`."""
    out: dict[tuple[str, str, str], list[Point]] = {}
    for group, key, name, month, count, cost, revenue in frame.sort(
        "group", "key", s.MONTH
    ).iter_rows():
        per_cm = count if count else None
        out.setdefault((group, key, name), []).append(
            (
                index_of(month),
                int(count),
                m.share(float(cost), float(per_cm)) if per_cm else None,
                m.share(float(revenue), float(per_cm)) if per_cm else None,
            )
        )
    return out


def _fitted(points: list[tuple[int, float]], last: int) -> tuple[float, float, int] | None:
    """The trend (level at the last month, capped monthly growth, months fitted) of the positive
    values, None with fewer than 2 of them."""
    kept = [(index, value) for index, value in points if value > 0]
    if len(kept) < 2:
        return None
    fit = log_linear_trend(
        [float(index - last) for index, _ in kept], [math.log(value) for _, value in kept]
    )
    return float(fit["cost_per_cm_usd"]), float(fit["monthly_growth"]), int(fit["months_fitted"])


def _mom_spiral(before: Point, now: Point) -> bool:
    """Whether the cost per customer-month rose and grew faster than the revenue per
    customer-month (by more than :data:`SPIRAL_GAP_MIN`) from ``before`` to ``now``."""
    cost_before, revenue_before, cost, revenue = before[2], before[3], now[2], now[3]
    if cost_before is None or revenue_before is None or cost is None or revenue is None:
        return False
    gap = m.spiral_gap(
        m.share(cost - cost_before, cost_before), m.share(revenue - revenue_before, revenue_before)
    )
    return cost > cost_before and gap is not None and gap > SPIRAL_GAP_MIN


def started(points: list[Point], first_recent: int) -> int | None:
    """The month index where the latest run of month-over-month spiral months ending at or after
    ``first_recent`` begins (module docstring), None without one."""
    flags = [
        (now[0], now[0] - before[0] == 1 and _mom_spiral(before, now))
        for before, now in itertools.pairwise(points)
    ]
    end = next(
        (i for i in range(len(flags) - 1, -1, -1) if flags[i][1] and flags[i][0] >= first_recent),
        None,
    )
    if end is None:
        return None
    start = end
    while start > 0 and flags[start - 1][1]:
        start -= 1
    return flags[start][0]


def _month_of(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def _trend_row(
    label: tuple[str, str, str], points: list[Point], last: int, n: int
) -> dict[str, Any]:
    """One row of :data:`TRENDS_SCHEMA` for the group ``label`` (group, key, name)."""
    group, key, name = label
    first_recent = last - n + 1
    recent = [p for p in points if p[0] >= first_recent]
    cost = _fitted([(p[0], p[2]) for p in recent if p[2] is not None], last)
    revenue = _fitted([(p[0], p[3]) for p in recent if p[3] is not None], last)
    reasons: list[str] = []
    if cost is None:
        reasons.append(f"cost growth: fewer than 2 months with inference cost in the last {n}")
    if revenue is None:
        reasons.append(f"revenue growth: fewer than 2 months with revenue in the last {n}")
    cost_growth = cost[1] if cost else None
    revenue_growth = revenue[1] if revenue else None
    gap = m.spiral_gap(cost_growth, revenue_growth)
    spiral = (
        cost_growth is not None and cost_growth > 0 and gap is not None and gap > SPIRAL_GAP_MIN
    )
    margins: dict[str, float | None] = {"margin_now": None, "margin_6": None, "margin_12": None}
    at_stake = None
    if cost and revenue:
        for column, months in (("margin_now", 0), *((f"margin_{h}", h) for h in AHEAD)):
            margins[column] = m.trend_margin(cost[0], revenue[0], cost[1], revenue[1], months)
    else:
        reasons.append("margins: need both a cost and a revenue trend")
    count = points[-1][1] if points else 0
    if spiral and cost and revenue:
        h = AHEAD[0]
        at_stake = count * cost[0] * ((1 + cost[1]) ** h - (1 + revenue[1]) ** h)
    begun = started(points, first_recent) if spiral else None
    if spiral and begun is None:
        reasons.append(
            f"started: no month of the last {n} had cost outgrowing revenue month over month"
        )
    return {
        "group": group,
        "key": key,
        "name": name,
        "months_fitted": cost[2] if cost else len([p for p in recent if p[2]]),
        "cost_per_customer_month_usd": cost[0] if cost else None,
        "revenue_per_customer_month_usd": revenue[0] if revenue else None,
        "cost_growth": cost_growth,
        "revenue_growth": revenue_growth,
        "growth_gap": gap,
        "spiral": spiral,
        "started": _month_of(begun) if begun is not None else None,
        **margins,
        "customer_months": count,
        "at_stake_usd": at_stake,
        "null_reasons": reasons,
    }


def table_rows(trends: pl.DataFrame) -> pl.DataFrame:
    """:data:`TRENDS_SCHEMA` as its table shows it: the month the spiral started as ``YYYY-MM``
    text (blank when it is no spiral or its start is undefined)."""
    return trends.with_columns(pl.col("started").dt.strftime("%Y-%m"))


def _margin(value: float | None) -> str:
    """A margin to the whole percent, with a typographic minus ("−30%"); "—" when undefined."""
    if value is None:
        return formats.NULL_TEXT
    return formats.percent(value, digits=0).replace("-", formats.MINUS)


def spiral_trend_sentence(row: dict[str, Any]) -> str:
    """One spiral of :data:`TRENDS_SCHEMA` in words: "Deep research: cost per customer-month
    +8.1% a month against revenue +0.2% since 2026-03; its margin heads from 35% to 5% in 6
    months and −30% in 12"."""
    since = f" since {row['started']:%Y-%m}" if row["started"] is not None else ""
    head = (
        f"{row['name']}: cost per customer-month {signed_percent(row['cost_growth'])} a month "
        f"against revenue "
    )
    revenue = row["revenue_growth"]
    head += "undefined" if revenue is None else signed_percent(revenue)
    if row["margin_now"] is None:
        return head + since
    return (
        f"{head}{since}; its margin heads from {_margin(row['margin_now'])} to "
        f"{_margin(row['margin_6'])} in 6 months and {_margin(row['margin_12'])} in 12"
    )
