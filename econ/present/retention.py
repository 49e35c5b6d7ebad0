"""The Retention section of the Segment LTV page, shaped: the cohort heat map, survival curves
observed against the fitted sBG, the per-segment table of fits and lifetime values, and the
edits of its two controls (the discount rate and the LTV method).

Pure polars: no streamlit, no altair (the charts are drawn by :mod:`econ_pack.retention_charts`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import polars as pl

from econ.model.customer_months import COHORT, CustomerMonths
from econ.model.report import Report
from econ.model.retention.cohorts import TENURE, cohort_table, monthly_grr_nrr
from econ.model.retention.sbg import SbgFit
from econ.model.retention.value import SBG_FALLBACK, fit_curves, fits, fits_of
from econ.present.labels import segment_label
from econ.scenario.assumptions import ALL, LtvMethod

OBSERVED: Final = "observed"
FITTED: Final = "fitted sBG"
"""The two series of the survival chart."""

LTV_METHOD_LABELS: Final[dict[LtvMethod, str]] = {
    "simple": "Simple: gross profit ÷ churn",
    "sbg": "sBG: gross profit × discounted expected lifetime",
}
"""How the LTV-method control names each method (the scenario's ``retention.ltv_method``)."""

TABLE_COLUMNS: Final = (
    "segment",
    "customers",
    "alpha",
    "beta",
    "log_likelihood",
    "first_month_churn",
    "discounted_lifetime_months",
    "ltv_simple_usd",
    "ltv_sbg_usd",
    "base_customers",
    "residual_value_usd",
)
"""The columns of the per-segment table, in order (of
:data:`~econ.model.retention.value.RETENTION_SCHEMA`)."""

HEATMAP_SCHEMA: Final = pl.Schema(
    {
        "cohort": pl.String(),
        TENURE: pl.Int64(),
        "customers": pl.Int64(),
        "alive": pl.Int64(),
        "logo_retention": pl.Float64(),
    }
)
CURVE_SCHEMA: Final = pl.Schema(
    {
        "segment": pl.String(),
        TENURE: pl.Int64(),
        "series": pl.String(),
        "share": pl.Float64(),
    }
)


RATES_SCHEMA: Final = pl.Schema({"month": pl.Date(), "measure": pl.String(), "rate": pl.Float64()})
"""Monthly GRR and NRR in long form for a line chart: ``measure`` is ``"GRR"`` or ``"NRR"``."""


@dataclass(frozen=True)
class RetentionView:
    """What the Retention section shows.

    Attributes:
        table: the per-segment fits and values (:data:`TABLE_COLUMNS`), blended row last.
        heatmap: logo retention per cohort (``"YYYY-MM"``, oldest first) × tenure
            (:data:`HEATMAP_SCHEMA`), every segment pooled.
        curves: share alive per segment × tenure, ``series`` :data:`OBSERVED` or :data:`FITTED`
            (:data:`CURVE_SCHEMA` and the segment's ``label``, :func:`labelled_curves`); a
            segment without a fit has only its observed series.
        rates: monthly GRR and NRR (:data:`RATES_SCHEMA`), months without a start left out.
        segments: the segment names in the table's order (the curves' color order).
        reasons: each reason a figure is blank → the segments it applies to.
        discount_percent: the scenario's annual discount rate, in percent.
        ltv_method: the scenario's LTV method.
    """

    table: pl.DataFrame
    heatmap: pl.DataFrame
    curves: pl.DataFrame
    rates: pl.DataFrame
    segments: list[str]
    reasons: dict[str, list[str]]
    discount_percent: float
    ltv_method: LtvMethod


@dataclass(frozen=True)
class RetentionCharts:
    """The parts of the Retention section that depend on the customer-months and their fits
    alone (not on the discount rate or the LTV method), so the app keeps them per
    customer-months: the pooled cohort heat map, the survival curves, monthly GRR and NRR."""

    heatmap: pl.DataFrame
    curves: pl.DataFrame
    rates: pl.DataFrame


def retention_charts(cms: CustomerMonths, fitted: Mapping[str, SbgFit]) -> RetentionCharts:
    """:class:`RetentionCharts` of these customer-months and their fits (one per segment name,
    the blended one last, as :func:`segment_fits` gives them)."""
    fits_frame = pl.DataFrame(
        {
            "segment": list(fitted),
            "alpha": [fit.alpha for fit in fitted.values()],
            "beta": [fit.beta for fit in fitted.values()],
        },
        schema={"segment": pl.String, "alpha": pl.Float64, "beta": pl.Float64},
    )
    return RetentionCharts(
        heatmap=heatmap(cohort_table(cms)),
        curves=survival_curves(fit_curves(cms, fits_frame)),
        rates=rates(monthly_grr_nrr(cms)),
    )


def retention_view(
    report: Report, table: pl.DataFrame | None = None, charts: RetentionCharts | None = None
) -> RetentionView:
    """The Retention section of a report: fits per segment on its customer-months, values at
    its scenario's discount rate (see :mod:`econ.model.retention.value`). ``table`` is the
    report's :attr:`~econ.model.report.Report.retention` and ``charts`` its
    :func:`retention_charts` when already computed (the app keeps both)."""
    cms, scenario = report.customer_months, report.scenario
    if table is None:
        table = report.retention
    if charts is None:
        charts = retention_charts(cms, fits_of(table))
    return RetentionView(
        table=table.select(TABLE_COLUMNS),
        heatmap=charts.heatmap,
        curves=labelled_curves(charts.curves, scenario.segment_by),
        rates=charts.rates,
        segments=table["segment"].to_list(),
        reasons=_reasons(table),
        discount_percent=round(scenario.retention.discount_rate * 100, 2),
        ltv_method=scenario.retention.ltv_method,
    )


def rates(monthly: pl.DataFrame) -> pl.DataFrame:
    """:func:`~econ.model.retention.cohorts.monthly_grr_nrr` as :data:`RATES_SCHEMA`: one row
    per month (its first day, oldest first) and measure; a month with no MRR at its start has
    no rate and is left out."""
    return (
        monthly.sort("month")
        .select(
            pl.col("month").cast(pl.Date),
            pl.col("grr").alias("GRR"),
            pl.col("nrr").alias("NRR"),
        )
        .unpivot(index="month", on=["GRR", "NRR"], variable_name="measure", value_name="rate")
        .filter(pl.col("rate").is_not_null())
        .sort("month", "measure")
        .select(RATES_SCHEMA.names())
    )


def segment_fits(cms: CustomerMonths) -> dict[str, SbgFit]:
    """The sBG fit of every segment of these customer-months and of all customers together
    (what a report's :attr:`~econ.model.report.Report.retention` needs), for the app to keep
    per customer-months."""
    names = sorted(cms.segment_sums["segment"].unique().to_list())
    return fits(cms, [*names, ALL])


def method_notes(report: Report) -> list[str]:
    """The report's warnings about the LTV method: the segments whose LTV:CAC and payback stay
    on the simple LTV because their sBG fit is undefined."""
    return [warning for warning in report.warnings if warning.startswith(SBG_FALLBACK)]


def segment_heatmap(report: Report, segment: str) -> pl.DataFrame:
    """The cohort heat map of the customers acquired in ``segment`` (:data:`HEATMAP_SCHEMA`);
    the blended name (``"all"``) gives every customer's."""
    if segment == ALL:
        return heatmap(cohort_table(report.customer_months))
    by_segment = cohort_table(report.customer_months, by_segment=True)
    return heatmap(by_segment.filter(pl.col("segment") == segment))


def heatmap(cohorts: pl.DataFrame) -> pl.DataFrame:
    """Logo retention per cohort × tenure (:data:`HEATMAP_SCHEMA`) from a pooled
    :func:`~econ.model.retention.cohorts.cohort_table`, oldest cohort first, the cohort as its
    month in words (``"Jan 2026"``)."""
    return (
        cohorts.sort(COHORT, TENURE)
        .select(
            pl.col(COHORT).dt.strftime("%b %Y").alias("cohort"),
            TENURE,
            "customers",
            "alive",
            "logo_retention",
        )
        .cast(dict(HEATMAP_SCHEMA))  # type: ignore[arg-type]
    )


def survival_curves(curves: pl.DataFrame) -> pl.DataFrame:
    """:func:`~econ.model.retention.value.fit_curves` in long form for a line chart
    (:data:`CURVE_SCHEMA`): one row per segment × tenure × series, null shares left out."""
    long = curves.unpivot(
        index=["segment", TENURE], on=["observed", "fitted"], variable_name="series"
    ).with_columns(pl.col("series").replace_strict({"observed": OBSERVED, "fitted": FITTED}))
    return (
        long.rename({"value": "share"})
        .filter(pl.col("share").is_not_null())
        .select(CURVE_SCHEMA.names())
        .cast(dict(CURVE_SCHEMA))  # type: ignore[arg-type]
    )


def labelled_curves(curves: pl.DataFrame, segment_by: str) -> pl.DataFrame:
    """:data:`CURVE_SCHEMA` plus ``label``, each segment's name in words
    (:func:`econ.present.labels.segment_label`: the blended row reads "All customers")."""
    names = {
        name: segment_label(name, segment_by)
        for name in curves["segment"].unique().drop_nulls().to_list()
    }
    return curves.with_columns(
        pl.col("segment").replace_strict(names, default=None, return_dtype=pl.String).alias("label")
    )


def _reasons(table: pl.DataFrame) -> dict[str, list[str]]:
    """Each null reason of the table → the segments it applies to, in table order."""
    found: dict[str, list[str]] = {}
    for segment, reasons in table.select("segment", "null_reasons").iter_rows():
        for reason in reasons or []:
            found.setdefault(reason, []).append(segment)
    return found
