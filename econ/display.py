"""Text for people: number formats and the plain-text report the CLI prints."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

from econ.report import Report

NULL_TEXT = "—"


def money(value: float | None, *, cents: bool = True) -> str:
    if value is None:
        return NULL_TEXT
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.{2 if cents else 0}f}"


def percent(value: float | None, *, digits: int = 1) -> str:
    return NULL_TEXT if value is None else f"{value * 100:.{digits}f}%"


def ratio(value: float | None) -> str:
    return NULL_TEXT if value is None else f"{value:.1f}x"


def months(value: float | None) -> str:
    return NULL_TEXT if value is None else f"{value:.1f}"


def count(value: int | None) -> str:
    return NULL_TEXT if value is None else f"{value:,}"


def per_call(value: float | None) -> str:
    """Per-call costs are often fractions of a cent: keep four significant digits."""
    return NULL_TEXT if value is None else f"${value:.4g}"


_SEGMENT_COLUMNS: dict[str, tuple[str, Callable[..., str]]] = {
    "segment": ("segment", str),
    "customers": ("customers", count),
    "customer_months": ("cust-months", count),
    "arpa_usd": ("ARPA", money),
    "inference_usd": ("inference", money),
    "gross_profit_usd": ("gross profit", money),
    "gross_margin": ("margin", percent),
    "churn": ("churn/mo", lambda v: percent(v, digits=2)),
    "ltv_traditional_usd": ("LTV trad.", lambda v: money(v, cents=False)),
    "ltv_compute_adjusted_usd": ("LTV compute-adj.", lambda v: money(v, cents=False)),
    "cac_usd": ("CAC", lambda v: money(v, cents=False)),
    "ltv_cac": ("LTV:CAC", ratio),
    "payback_months": ("payback (mo)", months),
}

_FEATURE_COLUMNS: dict[str, tuple[str, Callable[..., str]]] = {
    "feature_id": ("feature", str),
    "calls": ("calls", count),
    "cost_per_call_usd": ("cost/call", per_call),
    "cost_usd": ("cost", money),
    "revenue_usd": ("revenue", money),
    "gross_profit_usd": ("gross profit", money),
    "gross_margin": ("margin", percent),
    "category": ("category", str),
    "status": ("status", lambda v: v or NULL_TEXT),
}


def formatted(
    frame: pl.DataFrame, columns: Mapping[str, tuple[str, Callable[..., str]]]
) -> pl.DataFrame:
    """A text-only copy of ``frame`` with readable headers and number formats."""
    return pl.DataFrame(
        {
            header: [fmt(value) for value in frame[name].to_list()]
            for name, (header, fmt) in columns.items()
        }
    )


def _table(frame: pl.DataFrame) -> str:
    with pl.Config(
        tbl_formatting="ASCII_MARKDOWN",
        tbl_hide_column_data_types=True,
        tbl_hide_dataframe_shape=True,
        tbl_rows=-1,
        tbl_cols=-1,
        fmt_str_lengths=200,
        tbl_width_chars=400,
        tbl_cell_alignment="RIGHT",
    ):
        return str(frame)


def report_text(report: Report) -> str:
    """The report as plain text: a summary line, the segment and feature tables, warnings."""
    t = report.totals
    lines = [
        f"Window {t.first_month} to {t.last_month}: {t.customers:,} paying customers, "
        f"{t.customer_months:,} customer-months, revenue {money(t.revenue_usd)}, "
        f"inference {money(t.inference_usd)} ({percent(t.inference_share)} of revenue), "
        f"gross margin {percent(t.gross_margin)}.",
        f"Unbilled usage (trials, churned or unknown customers): "
        f"{money(t.unbilled_inference_usd)} over {t.unbilled_calls:,} calls.",
        "",
        f"Segments by {report.scenario.segment_by} (per customer-month; blended row 'all' last)",
        _table(formatted(report.segments, _SEGMENT_COLUMNS)),
        "",
        f"Feature margins ({report.scenario.allocation.method} allocation; "
        f"margin-stack order). Allocated revenue {money(t.allocated_revenue_usd)}, "
        f"unallocated {money(t.unallocated_revenue_usd)}.",
        _table(formatted(report.features, _FEATURE_COLUMNS)),
    ]
    segments_by_reason: dict[str, list[str]] = {}
    for row in report.segments.iter_rows(named=True):
        for reason in row["null_reasons"]:
            segments_by_reason.setdefault(reason, []).append(row["segment"])
    if segments_by_reason:
        lines += ["", "Why some figures are blank (—):"]
        lines += [
            f"  - {reason} (segments: {', '.join(names)})"
            for reason, names in segments_by_reason.items()
        ]
    if report.warnings:
        lines += ["", "Warnings:", *(f"  - {warning}" for warning in report.warnings)]
    return "\n".join(lines)
