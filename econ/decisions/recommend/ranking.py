"""The entry point: every family's recommendations, ranked.

Recommendations are ranked by monthly gross-profit impact, largest first.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from econ.decisions.recommend.cost_levers import cost_levers
from econ.decisions.recommend.fair_use import fair_use
from econ.decisions.recommend.losing_features import losing_features
from econ.decisions.recommend.ltv_cac import ltv_cac
from econ.decisions.recommend.price_signals import price_signals
from econ.decisions.recommend.recommendation import Kind, Recommendation, context_of
from econ.decisions.recommend.tiers import graduated_tiers
from econ.model.report import Report

KIND_ORDER: Final[tuple[Kind, ...]] = (
    "gate",
    "allowance",
    "graduated",
    "remove",
    "fair_use",
    "route",
    "optimize",
    "ltv_cac",
    "price_signal",
)
"""How recommendations of equal impact are ordered: fixes to what a customer is sold first."""

FAMILIES: Final = (
    losing_features,
    graduated_tiers,
    fair_use,
    ltv_cac,
    cost_levers,
    price_signals,
)
"""Each family of levers: a function from the context to its recommendations."""


def recommend(report: Report, *, model_usage: pl.DataFrame | None = None) -> list[Recommendation]:
    """Every recommendation for the report's data and scenario, biggest impact first.

    ``model_usage`` is the dataset's per-model token summary
    (:attr:`econ.inputs.dataset.Dataset.model_usage`): a route to a named model derives its
    relative cost from it (:mod:`econ.decisions.model_swap`); without it the typed one is used.
    """
    context = context_of(report, model_usage)
    found = [rec for family in FAMILIES for rec in family(context)]
    return sorted(found, key=_rank)


def _rank(rec: Recommendation) -> tuple[float, int, str]:
    """Impact to the cent, largest first; then the kind's place in :data:`KIND_ORDER`; then id."""
    return (-round(rec.gross_profit_change_usd, 2), KIND_ORDER.index(rec.kind), rec.id)
