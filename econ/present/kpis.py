"""The Summary's KPI cards: five monthly series of the window with their latest value and its
change against the month and the quarter before.

Each month's figures are sums over its active customer-months (see the README's Definitions),
and every ratio is computed by its one definition in :mod:`econ.measures`:

- **Revenue**: Σ MRR of the month's customer-months.
- **Inference cost**: Σ inference cost of the month's customer-months.
- **Gross margin**: :func:`econ.measures.gross_margin` of :func:`econ.measures.gross_profit`
  (revenue − inference − AI infra, support and CS from the scenario's COGS) over revenue
  (article 001's compute-adjusted gross profit).
- **Inference share**: :func:`econ.measures.inference_share`, inference ÷ revenue (article 001:
  above 10% the compute-adjusted view matters).
- **Customers**: active customer-months of the month, one per paying customer.

Changes follow the review cadence of article 002 (feature margins reviewed monthly, pricing
quarterly): **MoM** is the last month against the month before, **QoQ** the last three months
against the three before (undefined with fewer than six months). A dollar or count change is
relative, (new − old) ÷ old (:func:`econ.measures.share`, undefined when the old value is not
above 0); a margin or share change is the difference in points, and a quarter's margin or share
is the ratio of its sums (Σ gross profit ÷ Σ revenue), not the mean of its months. Undefined is
``None``, never NaN or infinity, and reads "—".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import polars as pl

from econ import formats
from econ import measures as m
from econ import schema as s
from econ.model.customer_months import COUNTED_REVENUE_USD, INFERENCE_USD, CustomerMonths, Window

KpiKind = Literal["usd", "percent", "count"]

QUARTER: Final = 3
"""Months in a quarter: QoQ compares the last three months with the three before."""

MONTHLY_SCHEMA: Final = pl.Schema(
    {
        s.MONTH: pl.Date(),
        "revenue_usd": pl.Float64(),
        "inference_usd": pl.Float64(),
        "burdens_usd": pl.Float64(),
        "customers": pl.Int64(),
    }
)
"""One row per month of the window: the sums every KPI is computed from."""

REVENUE: Final = "Revenue"
INFERENCE: Final = "Inference cost"
GROSS_MARGIN: Final = "Gross margin"
INFERENCE_SHARE: Final = "Inference share"
CUSTOMERS: Final = "Customers"


@dataclass(frozen=True, slots=True)
class Kpi:
    """One KPI card.

    Attributes:
        name: what it measures ("Revenue", "Inference cost", "Gross margin", "Inference share",
            "Customers").
        kind: ``usd``, ``percent`` (a fraction) or ``count``.
        series: ``month`` (Date), ``value`` (Float64, null when undefined), one row per month
            of the window, sorted by month.
        latest: the value of the window's last month.
        mom: the change against the month before: relative (a fraction) for ``usd`` and
            ``count``, in points (a fraction) for ``percent``; ``None`` when undefined.
        qoq: the last three months against the three before, the same way.
        rising_is_good: whether a rise is good news (revenue, margin, customers) or bad
            (inference cost, inference share): how a card colours its change.
    """

    name: str
    kind: KpiKind
    series: pl.DataFrame
    latest: float | None
    mom: float | None
    qoq: float | None
    rising_is_good: bool = True

    @property
    def value_text(self) -> str:
        """The latest value as a card shows it: "$277,053", "78.8%", "1,802"."""
        return value_text(self.latest, self.kind)

    @property
    def mom_text(self) -> str:
        """ "+4.2% MoM", "−0.9 pp MoM", "no change MoM", or "—" when undefined."""
        return change_text(self.mom, self.kind, "MoM")

    @property
    def qoq_text(self) -> str:
        """ "+12.5% QoQ", "−0.9 pp QoQ", "no change QoQ", or "—" when undefined."""
        return change_text(self.qoq, self.kind, "QoQ")

    @property
    def chart_values(self) -> list[float]:
        """The series' defined values in month order, for a chart that cannot draw a gap
        (a month without revenue has no margin or share)."""
        return [float(value) for value in self.series["value"] if value is not None]

    def direction(self, change: float | None) -> Literal["up", "down", "off"]:
        """Which way an arrow beside ``change`` points ("off": no change, or undefined)."""
        if change is None or _is_zero(change, self.kind):
            return "off"
        return "up" if change > 0 else "down"

    def tone(self, change: float | None) -> Literal["good", "bad", "neutral"]:
        """Whether ``change`` is good news for this KPI."""
        direction = self.direction(change)
        if direction == "off":
            return "neutral"
        return "good" if (direction == "up") == self.rising_is_good else "bad"


def value_text(value: float | None, kind: KpiKind) -> str:
    """A KPI value in :mod:`econ.formats`: money as a headline figure, a percentage to one
    decimal, a count with thousands separators; "—" when undefined."""
    if kind == "usd":
        return formats.headline(value)
    if kind == "percent":
        return formats.percent(value)
    return formats.count(None if value is None else round(value))


def _is_zero(change: float, kind: KpiKind) -> bool:
    """A change that reads as 0.0 (% or pp) at one decimal is no change."""
    del kind  # both kinds are shown in hundredths of the fraction, to one decimal
    return round(abs(change) * 100, 1) == 0


def change_text(change: float | None, kind: KpiKind, period: str) -> str:
    """A change with its sign and period: relative for ``usd`` and ``count`` ("+4.2% MoM"),
    in percentage points for ``percent`` (:func:`econ.formats.points`: "−0.9 pp QoQ"); "no
    change MoM" when it rounds to zero; "—" when undefined. A negative change takes the minus
    sign (−), as every change in :mod:`econ.formats` does."""
    if change is None:
        return formats.NULL_TEXT
    if _is_zero(change, kind):
        return f"{formats.NO_CHANGE} {period}"
    if kind == "percent":
        return f"{formats.points(change)} {period}"
    sign = "+" if change > 0 else formats.MINUS
    return f"{sign}{formats.percent(abs(change))} {period}"


def monthly_totals(cms: CustomerMonths) -> pl.DataFrame:
    """:data:`MONTHLY_SCHEMA`: every month of the window (a month without an active
    customer-month has zero sums), sorted by month."""
    frame = cms.frame
    sums = frame.group_by(s.MONTH).agg(
        pl.col(COUNTED_REVENUE_USD).sum().cast(pl.Float64).alias("revenue_usd"),
        pl.col(INFERENCE_USD).sum().cast(pl.Float64).alias("inference_usd"),
        m.compute_burdens().sum().cast(pl.Float64).alias("burdens_usd"),
        pl.len().cast(pl.Int64).alias("customers"),
    )
    months = window_months(cms.window).to_frame()
    return (
        months.join(sums, on=s.MONTH, how="left")
        .with_columns(pl.exclude(s.MONTH).fill_null(0))
        .select(MONTHLY_SCHEMA.names())
        .cast(MONTHLY_SCHEMA)
        .sort(s.MONTH)
    )


def window_text(window: Window) -> str:
    """The months a window covers: "Aug 2025 – Oct 2026", or "Jan 2026" for one month."""
    first, last = f"{window.first:%b %Y}", f"{window.last:%b %Y}"
    return first if first == last else f"{first} \u2013 {last}"


def window_months(window: Window) -> pl.Series:
    """The first of every month of ``window``, in order."""
    return pl.date_range(window.first, window.last, interval="1mo", eager=True).alias(s.MONTH)


def with_ratios(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (rows of ``revenue_usd``, ``inference_usd`` and ``burdens_usd`` sums) with the
    gross profit, gross margin and inference share of each row, by their one definitions (a
    month's, or a quarter's from its sums)."""
    revenue, inference = pl.col("revenue_usd"), pl.col("inference_usd")
    profit = m.gross_profit(revenue, inference, pl.col("burdens_usd"))
    return frame.with_columns(
        profit.alias("gross_profit_usd"),
        m.gross_margin(profit, revenue).alias("gross_margin"),
        m.inference_share(inference, revenue).alias("inference_share"),
    )


_COLUMNS: Final[tuple[tuple[str, str, KpiKind, bool], ...]] = (
    (REVENUE, "revenue_usd", "usd", True),
    (INFERENCE, "inference_usd", "usd", False),
    (GROSS_MARGIN, "gross_margin", "percent", True),
    (INFERENCE_SHARE, "inference_share", "percent", False),
    (CUSTOMERS, "customers", "count", True),
)
"""Each card: its name, the column of :func:`with_ratios`' frame it reads, its kind, and whether a
rise is good news."""


def kpis_of(monthly: pl.DataFrame) -> tuple[Kpi, ...]:
    """The five KPI cards from :data:`MONTHLY_SCHEMA` rows (sorted here by month)."""
    ordered = monthly.sort(s.MONTH)
    frame, quarters = with_ratios(ordered), with_ratios(quarter_sums(ordered))
    return tuple(
        kpi_of(frame, quarters, name, column, kind, rising_is_good=good)
        for name, column, kind, good in _COLUMNS
    )


def kpi_of(
    frame: pl.DataFrame,
    quarters: pl.DataFrame,
    name: str,
    column: str,
    kind: KpiKind,
    *,
    rising_is_good: bool = True,
) -> Kpi:
    """One card from ``frame``'s ``column`` (one row per month, sorted by month): its series,
    its last value, its change against the month before, and the change of ``quarters``'
    ``column`` (:func:`quarter_sums`, a ratio recomputed from the sums) from row 0 to row 1."""
    return Kpi(
        name=name,
        kind=kind,
        series=frame.select(s.MONTH, pl.col(column).cast(pl.Float64).alias("value")),
        latest=_at(frame, column, -1),
        mom=change(_at(frame, column, -2), _at(frame, column, -1), kind),
        qoq=change(_at(quarters, column, 0), _at(quarters, column, 1), kind),
        rising_is_good=rising_is_good,
    )


def kpis(cms: CustomerMonths) -> tuple[Kpi, ...]:
    """The five KPI cards of a report's customer-months (see the module docstring)."""
    return kpis_of(monthly_totals(cms))


def quarter_sums(monthly: pl.DataFrame) -> pl.DataFrame:
    """Every column of ``monthly`` (one row per month, sorted by month) but the month, summed
    over the three months before the last three (row 0) and over the last three (row 1); no
    rows with fewer than six months. A quarter with an undefined month (a null) has an
    undefined sum."""
    sums = [name for name in monthly.columns if name != s.MONTH]
    if monthly.height < 2 * QUARTER:
        return monthly.select(sums).clear()
    last_six = monthly.tail(2 * QUARTER).with_row_index("_row")
    return (
        last_six.group_by((pl.col("_row") // QUARTER).alias("_quarter"))
        .agg(pl.when(pl.col(name).null_count() == 0).then(pl.col(name).sum()) for name in sums)
        .sort("_quarter")
        .select(sums)
    )


def _at(frame: pl.DataFrame, column: str, index: int) -> float | None:
    """``frame[column][index]`` as a float, or ``None`` when out of range or null."""
    if not -frame.height <= index < frame.height:
        return None
    value = frame[column][index]
    return None if value is None else float(value)


def change(old: float | None, new: float | None, kind: KpiKind) -> float | None:
    """The change from ``old`` to ``new``: in points for a ``percent`` KPI, else relative,
    (new − old) ÷ old by :func:`econ.measures.share` (undefined when old is not above 0)."""
    if old is None or new is None:
        return None
    if kind == "percent":
        return new - old
    return m.share(new - old, old)
