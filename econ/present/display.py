"""Text for people: number formats and the plain-text report the CLI prints."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Final

import polars as pl

from econ.decisions.freemium import FreeTier
from econ.decisions.model_swap import swap_line
from econ.decisions.pricing import Simulation
from econ.decisions.recommend import Recommendation
from econ.formats import NULL_TEXT, count, money, months, per_call, percent, ratio
from econ.measures import RECOMMENDATIONS_PRINTED
from econ.model.report import Report
from econ.present.facts import null_reasons, reasons_by_cause
from econ.present.response import response_summary
from econ.present.summary import ai_revenue_text, unset_assumptions

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


_BIDI_CONTROLS: Final = frozenset(
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def terminal_safe(text: str) -> str:
    """Text for a terminal: control characters (an escape sequence that clears the screen or
    writes a hyperlink, from an id in a file) and bidirectional overrides are shown as escapes,
    not obeyed; line breaks and tabs stay."""
    return "".join(
        char
        if char in "\n\t" or not (unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS)
        else char.encode("unicode_escape").decode("ascii")
        for char in text
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


_RECOMMENDATION_COLUMNS: dict[str, tuple[str, Callable[..., str]]] = {
    "kind": ("kind", str),
    "title": ("recommendation", str),
    "revenue_change_usd": ("revenue/mo", money),
    "cost_change_usd": ("cost/mo", money),
    "gross_profit_change_usd": ("gross profit/mo", money),
    "customers_affected": ("customers", count),
}

_PLAN_COLUMNS: dict[str, tuple[str, Callable[..., str]]] = {
    "plan": ("plan", str),
    "customers": ("customers", count),
    "revenue_current_usd": ("revenue/mo now", money),
    "revenue_simulated_usd": ("revenue/mo simulated", money),
    "gross_margin_current": ("margin now", percent),
    "gross_margin_simulated": ("margin simulated", percent),
    "ltv_compute_adjusted_current_usd": ("LTV now", lambda v: money(v, cents=False)),
    "ltv_compute_adjusted_simulated_usd": ("LTV simulated", lambda v: money(v, cents=False)),
}


_PARTS_COLUMNS: dict[str, tuple[str, Callable[..., str]]] = {
    "plan": ("plan", str),
    "bill_current_usd": ("bill/mo now", money),
    "base_usd": ("base", money),
    "seats_usd": ("seats", money),
    "per_use_usd": ("per use", money),
    "tiers_usd": ("tiers", money),
    "outcomes_usd": ("outcomes", money),
    "commitment_usd": ("commitment", money),
    "fair_use_usd": ("fair use", money),
    "discounts_usd": ("discounts", money),
    "bill_simulated_usd": ("bill/mo simulated", money),
    "deferred_usd": ("deferred credit", money),
}


_RETENTION_COLUMNS: dict[str, tuple[str, Callable[..., str]]] = {
    "segment": ("segment", str),
    "cohorts": ("cohorts", count),
    "alpha": ("α", lambda v: NULL_TEXT if v is None else f"{v:.3g}"),
    "beta": ("β", lambda v: NULL_TEXT if v is None else f"{v:.3g}"),
    "ltv_simple_usd": ("LTV simple", lambda v: money(v, cents=False)),
    "ltv_sbg_usd": ("LTV sBG", lambda v: money(v, cents=False)),
    "residual_value_usd": ("value of the base", lambda v: money(v, cents=False)),
}


def retention_text(report: Report) -> str:
    """The sBG fit and the modelled LTV per segment, with the discount rate they use."""
    rate = report.scenario.retention
    lines = [
        f"Retention (shifted-beta-geometric per segment; future gross profit discounted at "
        f"{percent(rate.discount_rate)} a year; LTV:CAC uses the {rate.ltv_method} LTV)",
        _table(formatted(report.retention, _RETENTION_COLUMNS)),
    ]
    lines += [
        f"  - {', '.join(figures)}: {why} (segments: {', '.join(names)})"
        for (why, names), figures in reasons_by_cause(null_reasons(report.retention)).items()
    ]
    return "\n".join(lines)


def recommendations_text(
    recommendations: Sequence[Recommendation], *, limit: int = RECOMMENDATIONS_PRINTED
) -> str:
    """The top recommendations as a table (monthly impacts, biggest first)."""
    if not recommendations:
        return "No recommendations: every feature meets its target on every plan."
    rows = pl.DataFrame(
        {
            "kind": [r.kind for r in recommendations[:limit]],
            "title": [r.title for r in recommendations[:limit]],
            "revenue_change_usd": [r.revenue_change_usd for r in recommendations[:limit]],
            "cost_change_usd": [r.cost_change_usd for r in recommendations[:limit]],
            "gross_profit_change_usd": [r.gross_profit_change_usd for r in recommendations[:limit]],
            "customers_affected": [r.customers_affected for r in recommendations[:limit]],
        }
    )
    more = len(recommendations) - limit
    return _table(formatted(rows, _RECOMMENDATION_COLUMNS)) + (
        f"\n(+{more} more in --format json)" if more > 0 else ""
    )


def simulation_text(simulation: Simulation) -> str:
    """The simulated price book against current pricing, per month."""
    totals = {row["measure"]: row for row in simulation.totals.iter_rows(named=True)}
    revenue, profit = totals["revenue_usd"], totals["gross_profit_usd"]
    margin = totals["gross_margin"]
    bills = simulation.bills
    return "\n".join(
        [
            f"Revenue {money(revenue['current'])} → {money(revenue['simulated'])} a month, "
            f"gross profit {money(profit['current'])} → {money(profit['simulated'])}, "
            f"gross margin {percent(margin['current'])} → {percent(margin['simulated'])}.",
            f"{bills.paying_more:,} of {bills.customers:,} customers would pay more "
            f"({money(bills.increase_usd)} over the window), {bills.paying_less:,} less; "
            f"{bills.at_risk:,} see their bill rise by more than "
            f"{percent(bills.at_risk_threshold, digits=0)} (churn risk).",
            *(f"Model swap: {swap_line(swap)}." for swap in simulation.model_swaps),
            _table(formatted(simulation.plans, _PLAN_COLUMNS)),
            "What each part of the bill adds, per month:",
            _table(formatted(simulation.parts, _PARTS_COLUMNS)),
            *(f"Note: {note}." for note in simulation.notes),
            f"If customers respond: {response_summary(simulation.response)}",
        ]
    )


def free_tier_text(tier: FreeTier) -> str:
    """The free tier: its cost, conversion and cost per converted customer, capped too."""
    if tier.customers == 0:
        return f"Free tier: {'; '.join(tier.reasons)}."
    rate = (
        f"{percent(tier.conversion_rate)} ({tier.rate_source}"
        + (
            f"; observed {percent(tier.observed_conversion)}"
            if tier.rate_source == "scenario"
            else f": {tier.converted:,} of {tier.customers:,} later paid"
        )
        + ")"
    )
    lines = [
        f"Free tier: {tier.customers:,} customers over {tier.customer_months:,} customer-months "
        f"cost {money(tier.cost_per_month_usd)} a month of inference "
        f"({money(tier.cost_usd)} over the window); conversion to paid {rate}; "
        f"cost per converted customer {money(tier.cost_per_conversion_usd)}, "
        f"repaid in {months(tier.payback_months)} months of a paying customer's gross profit.",
    ]
    if tier.usage_cap_calls is not None:
        lines.append(
            f"With a cap of {count(round(tier.usage_cap_calls))} calls a month: "
            f"{count(tier.capped_calls)} of {count(tier.calls)} calls served, cost "
            f"{money(tier.capped_cost_usd)} over the window, "
            f"{money(tier.capped_cost_per_conversion_usd)} per converted customer, repaid in "
            f"{months(tier.capped_payback_months)} months."
        )
    if tier.no_customer_cost_usd:
        lines.append(
            f"Calls without a customer cost {money(tier.no_customer_cost_usd)} more (not counted)."
        )
    lines += [f"  - {reason}" for reason in tier.reasons]
    return "\n".join(lines)


def report_text(
    report: Report,
    recommendations: Sequence[Recommendation] = (),
    simulation: Simulation | None = None,
    reading_notes: Sequence[str] = (),
    free: FreeTier | None = None,
) -> str:
    """The report as plain text: a summary line, the segment and feature tables, the
    recommendations, the simulated price book (when it changes anything), and warnings."""
    t = report.totals
    revenue = "revenue" if report.scenario.ai_revenue.basis == "all" else "AI revenue counted"
    lines = [
        f"Window {t.first_month} to {t.last_month}: {t.customers:,} paying customers, "
        f"{t.customer_months:,} customer-months, {revenue} {money(t.revenue_usd)}, "
        f"inference {money(t.inference_usd)} ({percent(t.inference_share)} of revenue), "
        f"gross margin {percent(t.gross_margin)}.",
        f"Unbilled usage (trials, churned or unknown customers): "
        f"{money(t.unbilled_inference_usd)} over {t.unbilled_calls:,} calls.",
        ai_revenue_text(report),
        "",
        f"Segments by {report.scenario.segment_by} (per customer-month; blended row 'all' last)",
        _table(formatted(report.segments, _SEGMENT_COLUMNS)),
        "",
        f"Feature margins ({report.scenario.allocation.method} allocation; "
        f"margin-stack order). Allocated revenue {money(t.allocated_revenue_usd)}, "
        f"unallocated {money(t.unallocated_revenue_usd)}.",
        _table(formatted(report.features, _FEATURE_COLUMNS)),
    ]
    segments_by_reason = null_reasons(report.segments)
    if segments_by_reason:
        lines += ["", "Why some figures are blank (—):"]
        lines += [
            f"  - {reason} (segments: {', '.join(names)})"
            for reason, names in segments_by_reason.items()
        ]
    lines += ["", retention_text(report)]
    lines += [
        "",
        "Recommendations (monthly impact on the window's history, biggest first)",
        recommendations_text(recommendations),
    ]
    if simulation is not None and not report.scenario.price_book.is_current_pricing:
        lines += ["", "Simulated price book against current pricing", simulation_text(simulation)]
    if free is not None:
        lines += ["", free_tier_text(free)]
    unset = unset_assumptions(report.scenario, report)
    if unset:
        lines += ["", "Assumptions not set:", *(f"  - {note}" for note in unset)]
    if reading_notes:
        lines += ["", "How the files were read:", *(f"  - {note}" for note in reading_notes)]
    if report.warnings:
        lines += ["", "Warnings:", *(f"  - {warning}" for warning in report.warnings)]
    return "\n".join(lines)
