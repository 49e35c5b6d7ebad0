"""The facts the app's pages state, shaped from a dataset or a report.

Counting, filtering, ordering and the rules that choose a sentence happen here, where they are
tested, so a page only lays them out. Pure polars: no streamlit, no altair.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import polars as pl

from econ import schema as s
from econ.inputs.dataset import Dataset
from econ.inputs.imports import title_of
from econ.inputs.imports.currencies import converted_anything
from econ.measures import (
    HALF_CENT,
    INFERENCE_SHARE_HIGH,
    RECOMMENDATIONS_SHOWN,
    compute_adjustment_matters,
)
from econ.model.customer_months import CustomerMonths
from econ.model.report import Totals
from econ.present import labels
from econ.present.columns import Table
from econ.scenario.assumptions import ALL

Shown = TypeVar("Shown")

BLENDED: Final = ALL
"""The segment name of the blended row: every customer together."""

PREVIEW_ROWS: Final = 200
"""Rows of each input the Data page previews."""


# The Data page.


@dataclass(frozen=True)
class DatasetSummary:
    """What the Data page says is in a dataset.

    Everything here comes from the revenue table and what reading found, never from the ledger
    rollup: a dataset re-opened from the rollup cache reads the rollup in the background (no
    report needs it), and the summary is shown without waiting for it.

    Attributes:
        usage_rows: ledger rows used.
        customers, months: distinct customers and months of the revenue table.
        first_month, last_month: the revenue table's first and last month.
        plans: the revenue table's plans, sorted.
        segment_columns: the revenue table's segment dimensions, in file order.
        dropped_rows: distinct input row numbers left out for breaking a rule.
        usage_layout, revenue_layout: the titles of the layouts the inputs were read as.
    """

    usage_rows: int
    customers: int
    months: int
    first_month: dt.date
    last_month: dt.date
    plans: tuple[str, ...]
    segment_columns: tuple[str, ...]
    dropped_rows: int
    usage_layout: str
    revenue_layout: str


def dataset_summary(data: Dataset) -> DatasetSummary:
    """The summary of ``data`` (see :class:`DatasetSummary`); the rollup stays unread."""
    revenue = data.revenue
    first, last = data.prepared.months
    return DatasetSummary(
        usage_rows=data.usage_rows,
        customers=revenue[s.CUSTOMER_ID].n_unique(),
        months=revenue[s.MONTH].n_unique(),
        first_month=first,
        last_month=last,
        plans=tuple(sorted(revenue[s.PLAN].unique().to_list())),
        segment_columns=data.segment_columns,
        dropped_rows=data.dropped["row"].n_unique(),
        usage_layout=title_of(data.usage_format),
        revenue_layout=title_of(data.revenue_format),
    )


def seats_and_users(data: Dataset) -> str:
    """What the Data page says about seat counts (the revenue table's ``seats``) and users (the
    ledger's ``user_id``): how many revenue rows have each, or that the inputs give none. Read
    from the revenue table and the prepared tables only (the rollup stays unread)."""
    rows = data.revenue.height
    if s.SEATS in data.revenue.columns:
        known = rows - data.revenue[s.SEATS].null_count()
        seats = f"Seats: known for {known:,} of {rows:,} customer-months"
        total = int(data.revenue.select(pl.col(s.SEATS).sum()).item())
        seats += f" ({total:,} seat-months in all)." if known else "."
    else:
        seats = "Seats: the revenue table gives none (a seats column, or a billing quantity)."
    usage = data.prepared.revenue_usage
    if data.users is not None and s.USERS in usage.columns:
        active = int((usage[s.USERS] > 0).sum())
        most = int(usage.select(pl.col(s.USERS).max().fill_null(0)).item())
        users = (
            f" Users: the ledger names them; {active:,} of {rows:,} customer-months have at "
            f"least one (at most {most:,} in a month)."
        )
    else:
        users = " Users: the ledger has no user_id column."
    return seats + users


def feature_count(data: Dataset) -> int:
    """Distinct features in the ledger rollup, trials and unknown customers included.

    This reads the rollup (waiting for it when it is loaded in the background), so a page draws
    it after everything that does not need it.
    """
    return data.usage[s.FEATURE_ID].n_unique()


def rollup_preview(usage: pl.DataFrame) -> pl.DataFrame:
    """The first :data:`PREVIEW_ROWS` rollup rows by customer, feature and month: the rollup
    itself is in no particular order."""
    keys = [s.CUSTOMER_ID, s.FEATURE_ID, s.MONTH]
    return usage.bottom_k(PREVIEW_ROWS, by=keys).sort(keys)


def inference_note(share: float | None) -> str:
    """How the sentence "Inference is x% of revenue" ends: whether compute-adjusted LTV
    matters here (:func:`econ.measures.compute_adjustment_matters`)."""
    if compute_adjustment_matters(share) is True:
        return ", so compute-adjusted LTV matters here."
    return f"; below about {INFERENCE_SHARE_HIGH:.0%} the compute-adjusted view changes little."


# The Segment LTV page.


def segmentations(data: Dataset) -> list[str]:
    """What customers can be segmented by: usage tier, plan, then the segment columns."""
    return [s.USAGE_TIER, s.PLAN, *data.segment_columns]


def segmentation_label(column: str) -> str:
    """How a segmentation is named in the app."""
    if column == s.USAGE_TIER:
        return "Usage tier (light / core / power)"
    return column.replace("_", " ").capitalize()


def segment_names(segments: pl.DataFrame) -> list[str]:
    """The segments of a segment table in its order, without the blended row."""
    return [name for name in segments["segment"].to_list() if name != BLENDED]


def blended_row(segments: pl.DataFrame) -> dict[str, Any]:
    """The blended row of a table with a ``segment`` column (a report's or a simulation's)."""
    return segments.filter(pl.col("segment") == BLENDED).row(0, named=True)


def churn_marker(source: str | None) -> str:
    """What the caption under a churn slider adds after the data's estimate: whether the rate
    shown is the user's, or (for the blended row) follows the segments' rates."""
    if source == "scenario":
        return " · **overridden**"
    if source == "segments":
        return " · **follows the segments' rates**"
    return ""


def null_reasons(segments: pl.DataFrame) -> dict[str, list[str]]:
    """Why figures are blank: each reason in ``null_reasons`` (in order of first appearance)
    with the segments it applies to, each named once, in table order."""
    where: dict[str, list[str]] = {}
    for row in segments.select("segment", "null_reasons").iter_rows(named=True):
        for reason in dict.fromkeys(row["null_reasons"]):
            where.setdefault(reason, []).append(row["segment"])
    return where


FIGURE_NAMES: Final[dict[str, str]] = {
    "ltv_revenue_usd": "Revenue LTV",
    "ltv_cac_traditional": "Traditional LTV:CAC",
}
"""Names of the figures a reason may blank that no table shows as a column."""


def reasons_by_cause(
    reasons: dict[str, list[str]],
) -> dict[tuple[str, tuple[str, ...]], list[str]]:
    """``"figure: why"`` reasons (from :func:`null_reasons`) gathered by their cause and
    segments, so one missing fit is one line naming every figure it leaves blank: (why, the
    segments) → the figures' column names."""
    causes: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for reason, where in reasons.items():
        figure, _, why = reason.partition(": ")
        causes.setdefault((why or figure, tuple(where)), [])
        if why:
            causes[(why, tuple(where))].append(figure)
    return causes


def blank_figures(
    table: pl.DataFrame, columns: Table, *, segment_by: str = s.USAGE_TIER
) -> list[str]:
    """Why figures of ``table`` are blank, one sentence per cause, in words: "Traditional LTV,
    Compute-adjusted LTV: churn is 0, so the lifetime is unbounded (Core users, Power users)".

    Reasons read ``"figure: why"`` (see ``null_reasons``); the figures one cause blanks for the
    same segments are named together, each by its column label."""
    names = {column.name: column.label for column in columns} | FIGURE_NAMES
    causes = {
        cause: [names.get(figure, labels.words(figure)) for figure in figures]
        for cause, figures in reasons_by_cause(null_reasons(table)).items()
    }
    sentences = []
    for (why, named), figures in causes.items():
        segments = ", ".join(labels.segment_label(name, segment_by) for name in named)
        lead = f"{', '.join(dict.fromkeys(figures))}: " if figures else ""
        sentences.append(f"{lead}{why} ({segments})")
    return sentences


def counted_twice(segments: pl.DataFrame) -> int:
    """How many more customers the segment rows count than the blended row: a customer who
    changed plan (or tier) during the window counts once in each segment it was in."""
    per_segment = segments.filter(pl.col("segment") != ALL)["customers"].sum()
    everyone = segments.filter(pl.col("segment") == ALL)["customers"].sum()
    return max(0, int(per_segment) - int(everyone))


# The Feature margins page.


@dataclass(frozen=True)
class FeatureLosses:
    """The features that lose money.

    Attributes:
        losers: the feature rows with negative gross profit, in the table's order.
        features: how many features the table has.
        loss_usd: their combined loss over the window (a positive number, or 0).
    """

    losers: pl.DataFrame
    features: int
    loss_usd: float


def feature_losses(features: pl.DataFrame) -> FeatureLosses:
    """The money-losing rows of a feature table (:data:`econ.model.features.FEATURE_SCHEMA`)."""
    losers = features.filter(pl.col("gross_profit_usd") < 0)
    return FeatureLosses(
        losers=losers,
        features=features.height,
        loss_usd=-float(losers["gross_profit_usd"].sum()),
    )


def usage_shares(features: pl.DataFrame) -> dict[str, float]:
    """Each feature's usage-weighted share of revenue in percent (one decimal; 0 when
    undefined): where custom weights start."""
    return {
        row["feature_id"]: round((row["revenue_share"] or 0.0) * 100, 1)
        for row in features.select("feature_id", "revenue_share").iter_rows(named=True)
    }


def unallocated_revenue(totals: Totals) -> float | None:
    """Revenue of customer-months without any AI call, when it is at least half a cent."""
    amount = totals.unallocated_revenue_usd
    return amount if amount > HALF_CENT else None


def category_label(category: s.Category) -> str:
    """A feature category with its target margin band: ``value-add (70%–85%)``."""
    band = s.CATEGORY_BANDS[category]
    return f"{category.replace('_', '-')} ({band.low:.0%}–{band.high:.0%})"


# The Tiers & pricing page.


def plans_by_price(cms: CustomerMonths) -> list[str]:
    """The plans of the active customer-months, cheapest first: by mean MRR per
    customer-month, then by name."""
    return (
        cms.frame.group_by(s.PLAN)
        .agg(pl.col(s.MRR_USD).mean())
        .sort(s.MRR_USD, s.PLAN)[s.PLAN]
        .to_list()
    )


def shown_recommendations(recommendations: Sequence[Shown], *, show_all: bool) -> Sequence[Shown]:
    """The recommendations a page lists: the first :data:`RECOMMENDATIONS_SHOWN`, or all."""
    return recommendations if show_all else recommendations[:RECOMMENDATIONS_SHOWN]


def currency_conversion(data: Dataset) -> pl.DataFrame | None:
    """What reading converted to the reporting currency, as the Data page shows it: per side,
    original currency and (for per-month rates) month, the amount in that currency, the rate
    and the amount in the reporting currency; ``None`` when everything was in US dollars."""
    table = data.currency_conversion
    reporting = data.reporting_currency
    if not converted_anything(table, reporting):
        return None
    return table.select(
        pl.col("side").alias("Side"),
        pl.col(s.CURRENCY).str.to_uppercase().alias("Currency"),
        pl.col(s.MONTH).dt.strftime("%Y-%m").fill_null("every month").alias("Month"),
        pl.col("amount").round(2).alias("Amount (in its currency)"),
        pl.col("rate").alias(f"Rate ({reporting.upper()} per unit)"),
        pl.col("converted").round(2).alias(f"In {reporting.upper()}"),
    )
