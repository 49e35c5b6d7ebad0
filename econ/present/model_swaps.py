"""The Tiers & pricing page's model swap, shaped for drawing: which features and models can be
picked, a picked swap's figures and sentence, and the swaps the simulation applied.

The computation is :mod:`econ.decisions.model_swap` (a feature's recorded tokens re-priced at a
model's list rates, month by month, article 002's model routing); here it is put in words, each
feature named by its label. A blank figure is "—", and the sentence then says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from econ.decisions.model_swap import (
    ModelSwap,
    ModelUsageSource,
    swap_line,
    swap_model,
    swap_sentence,
    swap_targets,
    swappable_features,
    unavailable,
)
from econ.decisions.pricing import Simulation
from econ.errors import ScenarioError, UnknownNameError
from econ.formats import NULL_TEXT, money
from econ.model.customer_months import Window
from econ.present.labels import feature_label

__all__ = ["SwapPanel", "applied_lines", "swap_features", "swap_models", "swap_panel", "why_not"]


def why_not(data: ModelUsageSource) -> str | None:
    """Why no swap can be priced on this data, as a sentence (``None`` when one can)."""
    reason = unavailable(data)
    return None if reason is None else f"No swap can be priced here: {reason}."


def swap_features(data: ModelUsageSource) -> tuple[str, ...]:
    """The features a swap can re-price (their calls logged tokens), by id."""
    return swappable_features(data)


def swap_models(data: ModelUsageSource, current: str | None = None) -> tuple[str, ...]:
    """The models to pick from: the one the feature is swapped to now (if any), then the
    data's own models, then the ``genai-prices`` table's (:func:`swap_targets`)."""
    models = swap_targets(data)
    if current is None:
        return models
    return (current, *(name for name in models if name != current))


@dataclass(frozen=True)
class SwapPanel:
    """One picked swap, as the page shows it.

    Attributes:
        swap: the re-pricing (``None`` when it was refused: see ``problem``).
        problem: why it was refused (a model with no known price), else ``None``.
        recorded: the recorded cost of the calls with tokens over the window, as money.
        repriced: the same calls at the model's rates, as money ("—" when none).
        factor: the multiplier, three significant digits ("—" when none).
        sentence: the swap in words (:func:`econ.decisions.model_swap.swap_sentence`).
        applies: whether it has a multiplier to apply.
    """

    swap: ModelSwap | None
    problem: str | None
    recorded: str
    repriced: str
    factor: str
    sentence: str
    applies: bool


def swap_panel(
    data: ModelUsageSource,
    feature: str,
    model: str,
    window: Window | tuple[dt.date, dt.date] | None,
) -> SwapPanel:
    """The feature's calls in the window re-priced at the model, ready to draw; a model with no
    known price (or a feature the ledger lacks) is a problem to show, not an error."""
    try:
        swap = swap_model(data, feature, model, window)
    except (ScenarioError, UnknownNameError) as error:
        problem = error.args[0] if isinstance(error, UnknownNameError) else str(error)
        return SwapPanel(None, problem, NULL_TEXT, NULL_TEXT, NULL_TEXT, problem, applies=False)
    return SwapPanel(
        swap=swap,
        problem=None,
        recorded=money(swap.recorded_with_tokens_usd),
        repriced=money(swap.repriced_usd),
        factor=NULL_TEXT if swap.multiplier is None else f"{swap.multiplier:.3g}",
        sentence=swap_sentence(swap, name=feature_label(feature)),
        applies=swap.multiplier is not None,
    )


def applied_lines(simulation: Simulation) -> list[str]:
    """Each of the price book's swaps as the simulation applied it: the derived multiplier, or
    why there is none (and that the typed factor stands)."""
    return [swap_line(swap, name=feature_label(swap.feature)) for swap in simulation.model_swaps]
