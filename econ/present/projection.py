"""The Projection page's frames and figures: the 12-month projection of
:mod:`econ.decisions.projection` shaped for its charts, its table and its headline numbers, and
the edit of its one control (the acquisition rate).

Every frame returned is explicitly sorted (see :mod:`econ.present.views`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.decisions.pricing import Simulation
from econ.decisions.projection import (
    PRICINGS,
    Projection,
    RetentionCurve,
    project,
    sbg_fits,
    sbg_retention,
)
from econ.model.report import Report
from econ.present.labels import feature_label, segment_label
from econ.scenario.assumptions import ALL

PRICING_LABELS: Final = {"current": "Current pricing", "simulated": "Simulated price book"}
"""How each pricing is named on the page, in the order the charts list them."""

MOST_LINES: Final = 10
"""The most segments the customer chart draws a line for (besides the total)."""

TABLE_SCHEMA: Final = pl.Schema(
    {
        "month": pl.String(),
        "segment": pl.String(),
        "customers": pl.Float64(),
        "revenue_current_usd": pl.Float64(),
        "revenue_simulated_usd": pl.Float64(),
        "inference_current_usd": pl.Float64(),
        "inference_simulated_usd": pl.Float64(),
        "gross_profit_current_usd": pl.Float64(),
        "gross_profit_simulated_usd": pl.Float64(),
        "gross_margin_current": pl.Float64(),
        "gross_margin_simulated": pl.Float64(),
    }
)
"""The page's table: per month (``YYYY-MM``) and segment, both pricings side by side."""


def projection_of(report: Report, simulation: Simulation) -> Projection:
    """The projection the page shows: retention from the segments' fitted shifted-beta-geometric
    curves when the scenario's LTV method is ``sbg``, else from their monthly churn."""
    return project(report, simulation, retention=_retention(report))


def _retention(report: Report) -> dict[str, RetentionCurve] | None:
    """The segments' fitted sBG curves under the ``sbg`` LTV method, else None (churn)."""
    if report.scenario.retention.ltv_method != "sbg":
        return None
    return sbg_retention(sbg_fits(report))


def gross_profit_lines(projection: Projection) -> pl.DataFrame:
    """The company's projected gross profit per month at each pricing: ``month, pricing,
    gross_profit_usd, revenue_usd, gross_margin``, sorted by month and pricing (current first);
    ``pricing`` is its label (:data:`PRICING_LABELS`)."""
    order = {name: index for index, name in enumerate(PRICINGS)}
    return (
        projection.frame.filter(pl.col("segment") == ALL)
        .with_columns(pl.col("pricing").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
        .sort(s.MONTH, "_o")
        .select(
            s.MONTH,
            pl.col("pricing").replace_strict(PRICING_LABELS, return_dtype=pl.String),
            "gross_profit_usd",
            "revenue_usd",
            "gross_margin",
        )
    )


def customer_lines(
    projection: Projection, most: int = MOST_LINES, *, segment_by: str | None = None
) -> pl.DataFrame:
    """Projected customers per month in total and for the ``most`` segments with the most
    customers in the first projected month: ``month, segment, label, customers``, sorted by
    month and segment (the projection's order, ``all`` last). ``label`` is the segment's name
    in words for ``segment_by`` (:func:`econ.present.labels.segment_label`; the id without
    it)."""
    current = projection.frame.filter(pl.col("pricing") == "current")
    first = current.filter((pl.col(s.MONTH) == pl.col(s.MONTH).min()) & (pl.col("segment") != ALL))
    largest = first.sort("customers", "segment", descending=[True, False]).head(most)
    shown = [*largest["segment"].to_list(), ALL]
    lines = current.filter(pl.col("segment").is_in(shown))
    return lines.select(s.MONTH, "segment", _label(lines, segment_by), "customers")


def _label(frame: pl.DataFrame, segment_by: str | None) -> pl.Expr:
    """The ``label`` column: each segment's name in words, or its id without ``segment_by``."""
    if segment_by is None:
        return pl.col("segment").alias("label")
    names = {
        name: segment_label(name, segment_by)
        for name in frame["segment"].unique().drop_nulls().to_list()
    }
    return pl.col("segment").replace_strict(names, return_dtype=pl.String).alias("label")


def projection_table(projection: Projection, *, segment_by: str | None = None) -> pl.DataFrame:
    """Both pricings side by side per month and segment (:data:`TABLE_SCHEMA`), sorted by
    segment (``all`` first, then the projection's order) and month; with ``segment_by`` the
    segment reads as words (:func:`econ.present.labels.segment_label`)."""
    frame = projection.frame
    segments = frame["segment"].unique(maintain_order=True).to_list()
    order = {name: index for index, name in enumerate([ALL, *(n for n in segments if n != ALL)])}
    measures = ("revenue_usd", "inference_usd", "gross_profit_usd", "gross_margin")

    def tagged(pricing: str) -> list[pl.Expr]:
        """Each measure named for its pricing: ``revenue_usd`` → ``revenue_current_usd``."""
        return [
            pl.col(name).alias(
                f"{name[:-4]}_{pricing}_usd" if name.endswith("_usd") else f"{name}_{pricing}"
            )
            for name in measures
        ]

    current, simulated = (
        frame.filter(pl.col("pricing") == pricing).select(
            s.MONTH, "segment", "customers", *tagged(pricing)
        )
        for pricing in PRICINGS
    )
    return (
        current.join(simulated.drop("customers"), on=[s.MONTH, "segment"])
        .with_columns(pl.col("segment").replace_strict(order).alias("_o"))
        .sort("_o", s.MONTH)
        .with_columns(pl.col(s.MONTH).dt.strftime("%Y-%m"), _label(frame, segment_by))
        .with_columns(pl.col("label").alias("segment"))
        .select(TABLE_SCHEMA.names())
    )


@dataclass(frozen=True)
class Headline:
    """The page's headline figures.

    Attributes:
        first_month, last_month: the projected months.
        months: how many.
        gross_profit_current_usd, gross_profit_simulated_usd: Σ gross profit over them.
        change_usd: simulated − current.
        margin_first, margin_last: the company's gross margin at current pricing in the first
            and last projected month (the compute spiral, when it falls).
        customers_today: customers active in the window's last month.
        customers_last: expected customers in the last projected month.
    """

    first_month: dt.date
    last_month: dt.date
    months: int
    gross_profit_current_usd: float
    gross_profit_simulated_usd: float
    change_usd: float
    margin_first: float | None
    margin_last: float | None
    customers_today: int
    customers_last: float


def headline(projection: Projection) -> Headline:
    """Twelve months' gross profit at each pricing, and how margin and customers move."""
    total = projection.frame.filter(pl.col("segment") == ALL)
    current = total.filter(pl.col("pricing") == "current")
    simulated = total.filter(pl.col("pricing") == "simulated")
    profit = float(current["gross_profit_usd"].sum())
    simulated_profit = float(simulated["gross_profit_usd"].sum())
    return Headline(
        first_month=current[s.MONTH][0],
        last_month=current[s.MONTH][-1],
        months=current.height,
        gross_profit_current_usd=profit,
        gross_profit_simulated_usd=simulated_profit,
        change_usd=simulated_profit - profit,
        margin_first=m.gross_margin(current["gross_profit_usd"][0], current["revenue_usd"][0]),
        margin_last=m.gross_margin(current["gross_profit_usd"][-1], current["revenue_usd"][-1]),
        customers_today=projection.customers_today,
        customers_last=float(current["customers"][-1]),
    )


def notes_in_words(projection: Projection, segment_by: str = s.USAGE_TIER) -> list[str]:
    """The projection's notes with the features and segments they quote (``'deep_research'``,
    ``'web'``) named in words, as the rest of the page names them."""
    trends = projection.cost_trends
    names = {f"'{feature}'": feature_label(feature) for feature in trends[s.FEATURE_ID].unique()}
    names |= {
        f"'{segment}'": segment_label(segment, segment_by) for segment in trends["segment"].unique()
    }
    shown = []
    for note in projection.notes:
        worded = note
        for quoted, words in names.items():
            worded = worded.replace(quoted, words)
        shown.append(worded)
    return shown
