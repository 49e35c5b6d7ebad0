"""How the report's tables are shown: the column specs of :mod:`econ.present.columns` as
Streamlit column settings, each table with its CSV and Excel downloads."""

from __future__ import annotations

from typing import Any, Final, Literal

import polars as pl
import streamlit as st

from econ.present import columns as spec
from ui import exports

_STREAMLIT_FORMATS: Final[dict[str, str]] = {
    "money": "$%,.0f",
    "money_cents": "$%,.2f",
    "price": "$%.4f",
    "percent": "%.1f%%",
    "ratio": "%.1fx",
    "months": "%.1f",
    "count": "%,d",
    "number": "%,.1f",
    "parameter": "%.3f",
}
"""One printf format per column kind (percentages arrive as percent from ``for_display``)."""


def column_config(table: spec.Table) -> dict[str, Any]:
    """Streamlit's settings for each column of ``table``: its label, help and number format."""
    config: dict[str, Any] = {}
    for column in table:
        number_format = _STREAMLIT_FORMATS.get(column.kind)
        config[column.name] = (
            st.column_config.TextColumn(column.label, help=column.help)
            if number_format is None
            else st.column_config.NumberColumn(column.label, help=column.help, format=number_format)
        )
    return config


def show(
    frame: pl.DataFrame,
    table: spec.Table,
    *,
    name: str,
    segment_by: str | None = None,
    height: int | Literal["auto"] = "auto",
) -> None:
    """Show ``frame`` as ``table`` reads it, with a download of the same rows as CSV and Excel
    (``name`` says what the file holds: "segment-ltv", "feature-margins")."""
    by = {} if segment_by is None else {"segment_by": segment_by}
    st.dataframe(
        spec.for_display(frame, table, **by),
        column_config=column_config(table),
        hide_index=True,
        width="stretch",
        height=height,
        placeholder="—",
    )
    exports.table_downloads(frame, table, name=name, segment_by=segment_by)


_MONEY: Final = "dollar"
_PERCENT: Final = "percent"


def _money(label: str, help: str | None = None) -> Any:
    return st.column_config.NumberColumn(label, format=_MONEY, help=help)


def _percent(label: str, help: str | None = None) -> Any:
    return st.column_config.NumberColumn(label, format=_PERCENT, help=help)


SEGMENT_COLUMNS: Final[dict[str, Any]] = {
    "segment": st.column_config.TextColumn("Segment"),
    "customers": st.column_config.NumberColumn("Customers", format="localized"),
    "arpa_usd": _money("ARPA", "Average MRR per active customer-month"),
    "inference_usd": _money("Inference", "Inference cost per customer-month"),
    "gross_profit_usd": _money(
        "Gross profit", "ARPA − inference − AI infra − support − CS, per customer-month"
    ),
    "gross_margin": _percent("Margin"),
    "churn": _percent("Churn / mo"),
    "ltv_traditional_usd": _money("Traditional LTV", "(ARPA − hosting − support − CS) ÷ churn"),
    "ltv_compute_adjusted_usd": _money("Compute-adj. LTV", "Gross profit ÷ churn"),
    "cac_usd": _money("CAC"),
    "ltv_cac": st.column_config.NumberColumn(
        "LTV:CAC", format="%.1fx", help="Compute-adjusted LTV ÷ CAC; 3:1 is the usual bar"
    ),
    "payback_months": st.column_config.NumberColumn(
        "Payback (mo)", format="%.1f", help="CAC ÷ monthly gross profit"
    ),
}

FEATURE_COLUMNS: Final[dict[str, Any]] = {
    "feature_id": st.column_config.TextColumn("Feature"),
    "calls": st.column_config.NumberColumn("Calls", format="localized"),
    "cost_per_call_usd": st.column_config.NumberColumn("Cost / call", format="$%.4f"),
    "cost_usd": _money("Cost"),
    "revenue_usd": _money("Revenue"),
    "gross_profit_usd": _money("Gross profit"),
    "gross_margin": _percent("Margin"),
    "category": st.column_config.TextColumn("Category"),
    "status": st.column_config.TextColumn("Status"),
}

LOSS_MAKER_COLUMNS: Final[dict[str, Any]] = {
    "customer_id": st.column_config.TextColumn("Customer"),
    "segment": st.column_config.TextColumn("Segment (latest)"),
    "customer_months": st.column_config.NumberColumn("Months"),
    "revenue_usd": _money("Revenue"),
    "inference_usd": _money("Inference"),
    "gross_profit_usd": _money("Gross profit"),
    "monthly_gross_profit_usd": _money("Per month"),
}

PLAN_COMPARISON_COLUMNS: Final[dict[str, Any]] = {
    "plan": st.column_config.TextColumn("Plan"),
    "customers": st.column_config.NumberColumn("Customers", format="localized"),
    "revenue_current_usd": _money("Revenue now"),
    "revenue_simulated_usd": _money("Revenue simulated"),
    "gross_profit_current_usd": _money("Gross profit now"),
    "gross_profit_simulated_usd": _money("Gross profit simulated"),
    "gross_margin_current": _percent("Margin now"),
    "gross_margin_simulated": _percent("Margin simulated"),
    "ltv_compute_adjusted_current_usd": _money("LTV now"),
    "ltv_compute_adjusted_simulated_usd": _money("LTV simulated"),
}

SEGMENT_COMPARISON_COLUMNS: Final[dict[str, Any]] = {
    "segment": st.column_config.TextColumn("Segment"),
    "customers": st.column_config.NumberColumn("Customers", format="localized"),
    "arpa_current_usd": _money("ARPA now"),
    "arpa_simulated_usd": _money("ARPA simulated"),
    "gross_margin_current": _percent("Margin now"),
    "gross_margin_simulated": _percent("Margin simulated"),
    "ltv_compute_adjusted_current_usd": _money("LTV now"),
    "ltv_compute_adjusted_simulated_usd": _money("LTV simulated"),
    "lost_share": _percent(
        "Expected to leave", help="Customers expected to leave at their new bill"
    ),
    "ltv_compute_adjusted_after_response_usd": _money(
        "LTV after response", help="The simulated LTV × the share expected to stay"
    ),
    "ltv_cac_current": st.column_config.NumberColumn("LTV:CAC now", format="%.1fx"),
    "ltv_cac_simulated": st.column_config.NumberColumn("LTV:CAC simulated", format="%.1fx"),
}

BILL_COLUMNS: Final[dict[str, Any]] = {
    "customer_id": st.column_config.TextColumn("Customer"),
    "segment": st.column_config.TextColumn("Segment"),
    "plan": st.column_config.TextColumn("Plan"),
    "bill_current_usd": _money("Bill now (window)"),
    "bill_simulated_usd": _money("Simulated"),
    "change_usd": _money("Change"),
    "change_share": _percent("Change %"),
}
