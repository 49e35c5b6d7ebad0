"""The "What counts as AI revenue" controls of the Segment LTV page (article 001's buckets).

The basis is one of three: all revenue, the revenue table's direct AI revenue column, or each
AI plan's uplift over its base plan. Under the attributed basis each plan gets a base plan to be
priced over, or an uplift in dollars. Below the controls, every bucket side by side, and the
one the page's figures count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import streamlit as st

import econ
from econ import formats
from econ import schema as s
from econ.present import ai_revenue, views
from econ.present import columns as spec
from econ.scenario import edits
from ui import controls, layout, tables
from ui.session import Current
from ui.text import plain

_BASIS_OPTIONS: Final[Mapping[econ.AiRevenueBasis, str]] = {
    "all": "All revenue (AI-native product)",
    "direct": "Direct AI revenue (add-ons, seats, credits, overage)",
    "attributed": "AI-attributed: an AI plan's uplift over its base plan",
}
_NOT_AI: Final = "— not an AI plan —"


def _basis(
    scenario: econ.Scenario, basis: econ.AiRevenueBasis, plans: tuple[str, ...]
) -> econ.Scenario:
    return edits.with_ai_basis(scenario, basis, plans)


def _base(scenario: econ.Scenario, base: str, plan: str) -> econ.Scenario:
    return edits.with_ai_uplift_base(scenario, plan, None if base == _NOT_AI else base)


def _uplift(scenario: econ.Scenario, amount: float | None, plan: str) -> econ.Scenario:
    return edits.with_ai_uplift_usd(scenario, plan, amount)


def section(now: Current) -> None:
    """The basis control, the AI plans under the attributed basis, and what is counted (the
    buckets table is :func:`buckets`, further down the page)."""
    scenario, report, data = now.scenario, now.report, now.data
    current = scenario.ai_revenue
    observed = views.observed_prices(data, report.customer_months.window)
    plans = tuple(sorted(observed, key=lambda plan: (observed[plan], plan)))
    has_direct = s.AI_REVENUE_USD in data.revenue.columns
    options = [basis for basis in _BASIS_OPTIONS if basis != "direct" or has_direct]
    st.caption(
        "Article 001: use direct AI revenue when you have it, AI-attributed revenue when the "
        "allocation is defensible, and track AI-influenced revenue separately. Every revenue "
        "figure (segment LTV, feature margins, recommendations, the company by month) uses the "
        "basis chosen here; a customer-month counts as active, and churn is measured, on its "
        "whole MRR."
    )
    st.radio(
        "What counts as AI revenue",
        options,
        format_func=lambda basis: _BASIS_OPTIONS[basis],
        **controls.bind("ai_basis", current.basis, _basis, plans),
    )
    if not has_direct:
        st.caption(
            f"Direct AI revenue needs an `{s.AI_REVENUE_USD}` column in the revenue table "
            "(dollars of each customer-month's MRR that pay for AI), or a billing export "
            "whose AI lines are tagged when it is imported (AI revenue lines)."
        )
    if current.basis == "attributed":
        _ai_plans(scenario, plans, observed)
        # Beside the plans, what their uplifts come to (also said above the assumptions).
        st.markdown(plain(ai_revenue.ai_revenue_buckets(report).sentence))


def buckets(now: Current) -> None:
    """Article 001's buckets side by side, the counted one marked."""
    found = ai_revenue.ai_revenue_buckets(now.report)
    st.subheader("AI revenue: direct, attributed and influenced")
    st.caption(
        "Every bucket the data and the assumptions allow, over the window's paying "
        "customer-months. LTV, feature margins and recommendations count one of the first "
        "three (set under Assumptions → AI revenue); AI-influenced revenue is tracked, never "
        "counted."
    )
    tables.show(ai_revenue.table_rows(found), spec.AI_REVENUE_BUCKETS, name="ai-revenue-buckets")


def _ai_plans(
    scenario: econ.Scenario, plans: tuple[str, ...], observed: Mapping[str, float]
) -> None:
    """Per plan: the plan it is priced over, or its uplift in dollars."""
    current = scenario.ai_revenue
    st.caption(
        "An AI plan's uplift is its price minus the price of the plan it extends (a $275 AI "
        "plan over a $200 standard plan attributes $75 a customer-month to AI). Give its base "
        "plan, or type the uplift when the base is not a plan of yours. Other plans count no "
        "AI revenue; their inference still counts as cost."
    )
    for plan in layout.capped(plans, "plans"):
        name, over, amount = st.columns([2, 3, 2], vertical_alignment="bottom")
        name.markdown(f"**{plain(plan)}** · {formats.money(observed[plan])} a month")
        bases = [_NOT_AI, *(other for other in plans if other != plan)]
        over.selectbox(
            f"{plain(plan)} is priced over",
            bases,
            **controls.bind(f"ai_base:{plan}", current.uplift_over.get(plan, _NOT_AI), _base, plan),
        )
        amount.number_input(
            "or its uplift, $ a month",
            min_value=0.0,
            step=5.0,
            value=None,
            format="%.2f",
            placeholder="from the prices",
            **controls.bind(f"ai_uplift:{plan}", current.uplift_usd.get(plan), _uplift, plan),
        )
