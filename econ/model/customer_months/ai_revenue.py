"""The revenue unit economics count: each customer-month's AI revenue under the scenario's basis.

Article 001 ("What Revenue Goes into the Compute-adjusted LTV Formula?") separates three
buckets: use **direct** AI revenue when available, **attributed** AI revenue when defensible, and
track **influenced** revenue separately. :class:`econ.scenario.ai.AiRevenue` says which the
report counts; this module turns it into one column of the customer-month frame,
:data:`COUNTED_REVENUE_USD`, which every revenue figure of the economics (segment LTV, feature
margins, recommendations, the company by month, the projection) uses in place of MRR; a
customer's bill in the pricing simulator stays its MRR. Whether a customer-month is active, and
the revenue churn rate, stay on MRR too: a customer is a customer while they pay anything, and a
standard-plan customer who uses AI without paying for it is a cost the report must show, not a
customer it may leave out.

- ``all``: MRR (at the scenario's plan prices).
- ``direct``: the revenue table's ``ai_revenue_usd``, at most the month's MRR.
- ``attributed``: on an AI plan's months, the plan's uplift over its base plan, at most the
  month's MRR (:func:`uplifts`); other plans' months count $0 of AI revenue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import polars as pl

from econ import formats
from econ import measures as m
from econ import schema as s
from econ.errors import ScenarioError
from econ.scenario.ai import AiRevenue, AiRevenueBasis

COUNTED_REVENUE_USD: Final = "counted_revenue_usd"
"""A customer-month's AI revenue under the scenario's basis: the revenue its unit economics
count (all of its MRR under the default basis)."""

BASIS_TEXT: Final[Mapping[str, str]] = {
    "all": "all revenue, as for an AI-native product",
    "direct": "direct AI revenue (the revenue table's ai_revenue_usd)",
    "attributed": "AI-attributed revenue (each AI plan's uplift over its base plan)",
}
"""What each basis counts, in words, for the pages and the CLI."""


@dataclass(frozen=True)
class Uplifts:
    """Each AI plan's attributed uplift per customer-month and what it was worked out from.

    Attributes:
        amounts: ``{AI plan: dollars per customer-month}`` (plans without one count $0).
        sources: ``{AI plan: "$275 − $200 (standard)"}`` or ``"$75 as given"``: how each amount
            came about, for the pages' notes.
        warnings: plans the data lacks, or an AI plan not priced above its base.
    """

    amounts: Mapping[str, float]
    sources: Mapping[str, str]
    warnings: tuple[str, ...]


def uplifts(ai_revenue: AiRevenue, list_prices: Mapping[str, float]) -> Uplifts:
    """Each AI plan's uplift: the dollars given for it, else its list price minus its base
    plan's (article 001: "if your standard plan is $200 per month and your AI plan is $275 per
    month, the $75 uplift may be treated as AI-attributed revenue").

    ``list_prices`` is each plan's price per customer-month (:func:`list_prices`, or a simulated
    price book's). A plan or base missing from it gets no uplift, and an AI plan priced at or
    below its base gets none either; both are said in ``warnings``, never filled in.
    """
    amounts: dict[str, float] = {}
    sources: dict[str, str] = {}
    warnings: list[str] = []
    for plan, base in sorted(ai_revenue.uplift_over.items()):
        if plan in ai_revenue.uplift_usd:
            continue
        missing = [name for name in (plan, base) if name not in list_prices]
        if missing:
            warnings.append(
                f"AI revenue: the uplift of {plan!r} over {base!r} cannot be worked out, "
                f"{' and '.join(map(repr, missing))} not being a plan of the revenue table in "
                f"the window; {plan!r} counts no AI revenue"
            )
            continue
        price, base_price = list_prices[plan], list_prices[base]
        uplift = m.attributed_uplift(price, base_price)
        if uplift is None:
            warnings.append(
                f"AI revenue: {plan!r} ({formats.money(price)}) is not priced above its base "
                f"{base!r} ({formats.money(base_price)}), so it has no uplift and counts no AI "
                "revenue"
            )
            continue
        amounts[plan] = uplift
        sources[plan] = f"{_price(price)} − {_price(base_price)} ({base})"
    for plan, amount in sorted(ai_revenue.uplift_usd.items()):
        amounts[plan] = amount
        sources[plan] = f"{_price(amount)} as given"
    return Uplifts(amounts, sources, tuple(warnings))


def _price(value: float) -> str:
    """A plan price as a reader writes it: $275, or $27.50."""
    return formats.money(value, cents=value != round(value))


def list_prices(revenue: pl.DataFrame, prices: Mapping[str, float]) -> dict[str, float]:
    """Each plan's price per customer-month: the scenario's price where it sets one, else the
    MRR its active customer-months (MRR above 0) most often record (the higher on a tie).

    ``revenue`` holds ``plan`` and ``mrr_usd`` rows (those of the window)."""
    recorded = (
        revenue.filter(pl.col(s.MRR_USD) > 0)
        .group_by(s.PLAN, s.MRR_USD)
        .len()
        .sort(s.PLAN, "len", s.MRR_USD, descending=[False, True, True])
        .unique(s.PLAN, keep="first", maintain_order=True)
    )
    found = dict(zip(recorded[s.PLAN].to_list(), recorded[s.MRR_USD].to_list(), strict=True))
    return {**found, **{plan: price for plan, price in prices.items() if plan in found}}


def counted_revenue(
    basis: AiRevenueBasis, base: pl.Expr, amounts: Mapping[str, float] | None = None
) -> pl.Expr:
    """The AI revenue of a customer-month whose subscription revenue is ``base`` (its MRR, or
    a simulated plan price) under ``basis``: all of it, its direct AI revenue, or its plan's
    uplift, each at most ``base``. ``amounts`` are the uplifts (:func:`uplifts`) for the
    attributed basis; a plan without one counts $0."""
    if basis == "all":
        return base
    if basis == "direct":
        return pl.min_horizontal(pl.col(s.AI_REVENUE_USD).fill_null(0.0), base)
    uplift = pl.col(s.PLAN).replace_strict(
        dict(amounts or {}), default=0.0, return_dtype=pl.Float64
    )
    return pl.min_horizontal(uplift, base)


def check_basis(ai_revenue: AiRevenue, columns: list[str], revenue_name: str) -> None:
    """Refuse the direct basis on a revenue table without ``ai_revenue_usd``."""
    if ai_revenue.basis == "direct" and s.AI_REVENUE_USD not in columns:
        raise ScenarioError(
            f"ai_revenue.basis 'direct' needs direct AI revenue, and {revenue_name} has no "
            f"{s.AI_REVENUE_USD} column: add one (AI add-ons, seats, credits, overage per "
            "customer-month), tag a billing export's AI lines when importing it (ai_lines), or "
            "choose the 'all' or 'attributed' basis"
        )


def basis_sentence(ai_revenue: AiRevenue, found: Uplifts | None = None) -> str:
    """What the report counts as AI revenue, in one sentence (with each AI plan's uplift)."""
    text = f"AI revenue counted: {BASIS_TEXT[ai_revenue.basis]}"
    if ai_revenue.basis == "attributed" and found is not None:
        parts = [f"{plan} {found.sources[plan]}" for plan in sorted(found.amounts)]
        text += ": " + ("; ".join(parts) if parts else "no AI plan has an uplift")
    return text + "."
