"""Model swaps on history: a feature's past calls re-priced as if they had run on another model.

Article 002 routes each feature to the model tier its quality needs: low-margin features that
tolerate a cheaper model move to one. How much cheaper is a fact of the ledger, not a guess: the
tokens each call logged are what the other model would have billed. For a feature f, a target
model M and each month t of the window, from the ledger's per-model token summary
(:mod:`econ.inputs.model_usage`):

    re-priced(t) = (n_in − n_cached) × p_in(M, t) + n_cached × p_cached(M, t) + n_out × p_out(M, t)

where n are the tokens of f's calls in t that logged tokens (input counting cached ones, cached
ones at most the input) and p are M's list rates per token in ``genai-prices`` on the first day
of t (:func:`econ.inputs.token_prices.package_rates`; the cached rate is M's cache-read rate, or
its input rate when it has none), or an override's. Then

    multiplier = Σ_t re-priced(t) ÷ Σ_t recorded(t)

where recorded(t) is the recorded cost of those same calls (the cost the ledger logged, or priced
from their tokens at their own model's rates when it logged none). That is the cost multiplier the
routing lever (:class:`econ.scenario.levers.Route` with a ``model``) and a price book's
``model_swaps`` apply to the feature: derived, not typed.

Calls that logged no tokens cannot be re-priced: they are counted and their models named, and
the multiplier is over the calls with tokens only; :attr:`ModelSwap.covered` says what share of
the feature's recorded cost that is (applied to the whole feature, the rest is assumed to change
alike). The multiplier is blank (``None``), with its reason, when the feature made no call in the
window, none of its calls logged tokens, the calls with tokens cost $0 as recorded, or the dataset
carries no per-model summary (one loaded before it existed: reload the ledger to re-price its
models). A target model with no known price is refused (:class:`~econ.errors.ScenarioError`),
never priced at $0; a feature the ledger does not have is refused too
(:class:`~econ.errors.UnknownNameError`). Request-size tiers (long-context surcharges) are not
modeled, as in :mod:`econ.inputs.token_prices`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Final, TypeAlias

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.errors import ScenarioError, UnknownNameError
from econ.formats import amount, count, count_of, percent
from econ.inputs.dataset import Dataset
from econ.inputs.model_usage import CALLS_WITH_TOKENS, COST_WITH_TOKENS_USD
from econ.inputs.token_prices import OVERRIDE, PACKAGE, ModelPrice, Rates, package_rates
from econ.model.customer_months import Window
from econ.model.report import clean, records

__all__ = [
    "NO_SUMMARY",
    "NO_TOKENS",
    "SWAP_MONTHS_SCHEMA",
    "ModelSwap",
    "ModelUsageSource",
    "model_swaps",
    "swap_line",
    "swap_model",
    "swap_sentence",
    "swap_targets",
    "swap_text",
    "swappable_features",
    "unavailable",
]

ModelUsageSource: TypeAlias = Dataset | pl.DataFrame | None
"""Where the per-model token summary comes from: a dataset, the summary itself, or nothing."""

NO_SUMMARY: Final = (
    "this dataset carries no per-model token summary (it was loaded before model swaps "
    "existed): reload the ledger to re-price its models"
)
NO_TOKENS: Final = "the ledger names no model and logs no tokens: there is nothing to re-price"
NO_MODEL: Final = "(no model named)"
"""How calls that name no model are named."""

RECORDED_USD: Final = "recorded_usd"
RECORDED_WITH_TOKENS_USD: Final = "recorded_with_tokens_usd"
REPRICED_USD: Final = "repriced_usd"
MULTIPLIER: Final = "multiplier"
_MILLION: Final = 1_000_000
_NAMED: Final = 20
"""How many of the ledger's features an unknown feature's message names."""

SWAP_MONTHS_SCHEMA: Final = pl.Schema(
    {
        s.MONTH: pl.Date(),
        s.CALLS: pl.Int64(),
        CALLS_WITH_TOKENS: pl.Int64(),
        RECORDED_USD: pl.Float64(),
        RECORDED_WITH_TOKENS_USD: pl.Float64(),
        s.INPUT_TOKENS: pl.Int64(),
        s.CACHED_INPUT_TOKENS: pl.Int64(),
        s.OUTPUT_TOKENS: pl.Int64(),
        "input_per_mtok": pl.Float64(),
        "cached_input_per_mtok": pl.Float64(),
        "output_per_mtok": pl.Float64(),
        REPRICED_USD: pl.Float64(),
        MULTIPLIER: pl.Float64(),
    }
)
"""One row per month of the window in which the feature made calls, oldest first: its calls
(and those that logged tokens), their recorded cost, the tokens, the target model's rates that
month (dollars per million tokens), the tokens re-priced at them, and re-priced ÷ recorded
(blank in a month without tokens, or whose calls with tokens cost $0 as recorded)."""


@dataclass(frozen=True)
class ModelSwap:
    """A feature's calls in a window re-priced at another model's rates (see the module
    docstring).

    Attributes:
        feature: the feature.
        model: the model its calls are re-priced at.
        window: the months covered (``None``: every month of the ledger).
        months: :data:`SWAP_MONTHS_SCHEMA` rows, oldest first.
        calls, recorded_usd: the feature's calls and their recorded cost in the window.
        calls_without_tokens: calls that logged no tokens (not re-priced).
        recorded_with_tokens_usd: the recorded cost of the calls that logged tokens.
        repriced_usd: those calls' tokens at the model's rates (``None``: none logged tokens).
        multiplier: re-priced ÷ recorded cost of the calls with tokens (``None``: see
            ``reason``).
        covered: the share of the recorded cost the multiplier is measured on (``None``
            without cost).
        recorded_models: the models the feature's calls ran on, the costliest first.
        models_without_tokens: the models whose calls logged no tokens.
        priced_by: where the model's rates come from (``genai-prices`` or ``override``).
        reason: why the multiplier is blank (``None`` when it is not).
    """

    feature: str
    model: str
    window: Window | None
    months: pl.DataFrame
    calls: int
    calls_without_tokens: int
    recorded_usd: float
    recorded_with_tokens_usd: float
    repriced_usd: float | None
    multiplier: float | None
    covered: float | None
    recorded_models: tuple[str, ...]
    models_without_tokens: tuple[str, ...]
    priced_by: str
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: every attribute, the months as records, the window as its two months."""
        return {
            "feature": self.feature,
            "model": self.model,
            "window": None
            if self.window is None
            else [f"{self.window.first:%Y-%m}", f"{self.window.last:%Y-%m}"],
            "calls": self.calls,
            "calls_without_tokens": self.calls_without_tokens,
            "recorded_usd": clean(self.recorded_usd),
            "recorded_with_tokens_usd": clean(self.recorded_with_tokens_usd),
            "repriced_usd": clean(self.repriced_usd),
            "multiplier": clean(self.multiplier),
            "covered": clean(self.covered),
            "recorded_models": list(self.recorded_models),
            "models_without_tokens": list(self.models_without_tokens),
            "priced_by": self.priced_by,
            "reason": self.reason,
            "months": records(self.months),
        }


def swap_model(
    source: ModelUsageSource,
    feature: str,
    target_model: str,
    window: Window | tuple[dt.date, dt.date] | None = None,
    *,
    overrides: Mapping[str, ModelPrice] | None = None,
) -> ModelSwap:
    """The feature's calls in ``window`` re-priced at ``target_model``'s rates, month by month,
    and the multiplier they give (see the module docstring for exactly what is computed).

    Args:
        source: a dataset, its per-model token summary
            (:data:`econ.inputs.model_usage.MODEL_USAGE_SCHEMA`), or ``None`` (no summary).
        feature: the feature whose calls are re-priced.
        target_model: the model they are re-priced at, as ``genai-prices`` names it
            (``gpt-4o-mini``, or ``provider/model``), or a model of ``overrides``.
        window: the months (first and last, both on the 1st); ``None`` for every month.
        overrides: prices per model (dollars per million tokens) that win over the package's.

    Raises:
        ScenarioError: no price is known for ``target_model`` (it is never priced at $0).
        UnknownNameError: the ledger has no feature ``feature``.
    """
    span = _window(window)
    prices = dict(overrides or {})
    priced_by = _priced_by(target_model, prices, span)
    summary = source.model_usage if isinstance(source, Dataset) else source
    if summary is None:
        return _blank(feature, target_model, span, priced_by, NO_SUMMARY)
    if summary.height == 0:
        return _blank(feature, target_model, span, priced_by, NO_TOKENS)
    rows = summary.filter(pl.col(s.FEATURE_ID) == feature)
    if rows.height == 0:
        features = sorted(summary[s.FEATURE_ID].unique().to_list())
        named = ", ".join(map(repr, features[:_NAMED]))
        more = f" and {len(features) - _NAMED:,} more" if len(features) > _NAMED else ""
        raise UnknownNameError(
            f"the ledger has no feature {feature!r}; its features are {named}{more}"
        )
    if span is not None:
        rows = rows.filter(pl.col(s.MONTH).is_between(span.first, span.last))
    if rows.height == 0:
        where = f"in {span.label}" if span is not None else "in the ledger"
        return _blank(feature, target_model, span, priced_by, f"the feature made no call {where}")
    months = _months(rows, target_model, prices)
    return _swap(feature, target_model, span=span, priced_by=priced_by, rows=rows, months=months)


def model_swaps(
    source: ModelUsageSource,
    swaps: Mapping[str, str],
    window: Window | tuple[dt.date, dt.date] | None = None,
) -> dict[str, ModelSwap]:
    """Each ``{feature: model}`` swap re-priced (:func:`swap_model`), for a simulation or a
    recommendation to apply: a swap that cannot be priced or names a feature the ledger lacks
    is not raised but returned blank, its error as its reason (the typed fallback applies)."""
    found: dict[str, ModelSwap] = {}
    for feature, model in sorted(swaps.items()):
        try:
            found[feature] = swap_model(source, feature, model, window)
        except (ScenarioError, UnknownNameError) as error:
            reason = error.args[0] if isinstance(error, UnknownNameError) else str(error)
            found[feature] = _blank(feature, model, _window(window), PACKAGE, reason)
    return found


def unavailable(source: ModelUsageSource) -> str | None:
    """Why no swap can be priced on this data (no per-model summary, or nothing in it), or
    ``None`` when one can."""
    summary = source.model_usage if isinstance(source, Dataset) else source
    if summary is None:
        return NO_SUMMARY
    if summary.filter(pl.col(CALLS_WITH_TOKENS) > 0).height == 0:
        return NO_TOKENS
    return None


def swappable_features(source: ModelUsageSource) -> tuple[str, ...]:
    """The features with calls that logged tokens (what a swap can re-price), by name."""
    summary = source.model_usage if isinstance(source, Dataset) else source
    if summary is None:
        return ()
    found = summary.filter(pl.col(CALLS_WITH_TOKENS) > 0)[s.FEATURE_ID].unique()
    return tuple(sorted(found.to_list()))


def swap_targets(source: ModelUsageSource) -> tuple[str, ...]:
    """The models a swap can pick: the ledger's own models with a list price first (the
    costliest first), then every other current model of the main providers' tables in
    ``genai-prices``, by name."""
    summary = source.model_usage if isinstance(source, Dataset) else source
    today = dt.date.today()
    own: list[str] = []
    if summary is not None and summary.height:
        by_cost = (
            summary.filter(pl.col(s.MODEL).is_not_null())
            .group_by(s.MODEL)
            .agg(pl.col(s.COST_USD).sum())
            .sort(s.COST_USD, s.MODEL, descending=[True, False])
        )
        own = [name for name in by_cost[s.MODEL].to_list() if _rates(name, today) is not None]
    return (*own, *(name for name in _listed_models() if name not in own))


MAIN_PROVIDERS: Final = (
    "openai",
    "anthropic",
    "google",
    "mistral",
    "deepseek",
    "x-ai",
    "cohere",
    "meta",
    "moonshotai",
    "zai",
)
"""The providers whose models :func:`swap_targets` lists (any other model ``genai-prices``
knows can still be named, as ``provider/model``)."""


@functools.cache
def _listed_models() -> tuple[str, ...]:
    """The current (not deprecated) models of :data:`MAIN_PROVIDERS` with a price today,
    by name regardless of case."""
    from genai_prices import data_snapshot  # noqa: PLC0415  (its import takes 0.1 s)

    today = dt.date.today()
    names = {
        model.id
        for provider in data_snapshot.get_snapshot().providers
        if provider.id in MAIN_PROVIDERS
        for model in provider.models
        if not getattr(model, "deprecated", False) and not model.id.endswith("-")
    }
    priced = (name for name in names if _rates(name, today) is not None)
    return tuple(sorted(priced, key=lambda name: (name.lower(), name)))


@functools.cache
def _rates(model: str, day: dt.date) -> Rates | None:
    """The package's rates for a model on a day (kept: a look-up takes milliseconds)."""
    return package_rates(model, day)


def _window(window: Window | tuple[dt.date, dt.date] | None) -> Window | None:
    if window is None or isinstance(window, Window):
        return window
    first, last = window
    return Window(first.replace(day=1), last.replace(day=1))


def _priced_by(model: str, overrides: Mapping[str, ModelPrice], span: Window | None) -> str:
    """Where the model's rates come from; refuses a model with no price (checked on the
    window's last month, or today)."""
    if model in overrides:
        return OVERRIDE
    day = span.last if span is not None else dt.date.today().replace(day=1)
    if _rates(model, day) is None:
        raise ScenarioError(_unpriced(model, day))
    return PACKAGE


def _unpriced(model: str, day: dt.date) -> str:
    return (
        f"no list price is known for the model {model!r} on {day:%Y-%m} (genai-prices "
        f"{_package_version()} has none): check its spelling, name it as provider/model, or "
        "give its price; it is never priced at $0"
    )


def _package_version() -> str:
    try:
        return metadata.version("genai-prices")
    except metadata.PackageNotFoundError:  # pragma: no cover - installed with econ
        return "(version unknown)"


def _month_rates(model: str, month: dt.date, overrides: Mapping[str, ModelPrice]) -> Rates:
    """The model's rates per token on the first day of ``month``.

    Raises:
        ScenarioError: no price is known that month.
    """
    price = overrides.get(model)
    if price is not None:
        cached = price.cached_input_per_mtok
        return Rates(
            input=price.input_per_mtok / _MILLION,
            cached_input=(price.input_per_mtok if cached is None else cached) / _MILLION,
            output=price.output_per_mtok / _MILLION,
            source=OVERRIDE,
        )
    rates = _rates(model, month)
    if rates is None:
        raise ScenarioError(_unpriced(model, month))
    return rates


def _months(rows: pl.DataFrame, model: str, overrides: Mapping[str, ModelPrice]) -> pl.DataFrame:
    """The feature's summary rows summed per month, re-priced at the model's rates that month
    (:data:`SWAP_MONTHS_SCHEMA`)."""
    per_month = (
        rows.group_by(s.MONTH)
        .agg(
            pl.col(s.CALLS).sum(),
            pl.col(CALLS_WITH_TOKENS).sum(),
            pl.col(s.COST_USD).sum().alias(RECORDED_USD),
            pl.col(COST_WITH_TOKENS_USD).sum().alias(RECORDED_WITH_TOKENS_USD),
            pl.col(s.INPUT_TOKENS).sum(),
            pl.col(s.CACHED_INPUT_TOKENS).sum(),
            pl.col(s.OUTPUT_TOKENS).sum(),
        )
        .sort(s.MONTH)
    )
    rates = [_month_rates(model, month, overrides) for month in per_month[s.MONTH].to_list()]
    rate_columns = {
        "input_per_mtok": [r.input * _MILLION for r in rates],
        "cached_input_per_mtok": [r.cached_input * _MILLION for r in rates],
        "output_per_mtok": [r.output * _MILLION for r in rates],
    }
    repriced = m.token_cost(
        pl.col(s.INPUT_TOKENS).cast(pl.Float64),
        pl.col(s.CACHED_INPUT_TOKENS).cast(pl.Float64),
        pl.col(s.OUTPUT_TOKENS).cast(pl.Float64),
        input_rate=pl.col("input_per_mtok") / _MILLION,
        cached_rate=pl.col("cached_input_per_mtok") / _MILLION,
        output_rate=pl.col("output_per_mtok") / _MILLION,
    )
    return (
        per_month.with_columns(
            pl.Series(name, values, dtype=pl.Float64) for name, values in rate_columns.items()
        )
        .with_columns(pl.when(pl.col(CALLS_WITH_TOKENS) > 0).then(repriced).alias(REPRICED_USD))
        .with_columns(
            m.share(pl.col(REPRICED_USD), pl.col(RECORDED_WITH_TOKENS_USD)).alias(MULTIPLIER)
        )
        .select(pl.col(name).cast(dtype) for name, dtype in SWAP_MONTHS_SCHEMA.items())
    )


def _swap(
    feature: str,
    model: str,
    *,
    span: Window | None,
    priced_by: str,
    rows: pl.DataFrame,
    months: pl.DataFrame,
) -> ModelSwap:
    """The window's totals of the months, and why the multiplier is blank if it is."""
    calls = int(months[s.CALLS].sum())
    with_tokens = int(months[CALLS_WITH_TOKENS].sum())
    recorded = float(months[RECORDED_USD].sum())
    recorded_with_tokens = float(months[RECORDED_WITH_TOKENS_USD].sum())
    repriced = float(months[REPRICED_USD].sum()) if with_tokens else None
    multiplier = None if repriced is None else m.share(repriced, recorded_with_tokens)
    models = _named(rows, pl.col(s.CALLS) > 0, s.COST_USD)
    without = _named(rows, pl.col(s.CALLS) > pl.col(CALLS_WITH_TOKENS), s.CALLS)
    reason = None
    if repriced is None:
        reason = (
            f"none of the feature's {count_of(calls, 'call')} logged tokens (models: "
            f"{', '.join(without) or NO_MODEL}): there is nothing to re-price"
        )
    elif multiplier is None:
        reason = (
            f"the feature's calls with tokens cost {amount(recorded_with_tokens)} as recorded: "
            "there is no cost to measure the multiplier against"
        )
    return ModelSwap(
        feature=feature,
        model=model,
        window=span,
        months=months,
        calls=calls,
        calls_without_tokens=calls - with_tokens,
        recorded_usd=recorded,
        recorded_with_tokens_usd=recorded_with_tokens,
        repriced_usd=repriced,
        multiplier=multiplier,
        covered=m.share(recorded_with_tokens, recorded),
        recorded_models=models,
        models_without_tokens=without,
        priced_by=priced_by,
        reason=reason,
    )


def _named(rows: pl.DataFrame, where: pl.Expr, by: str) -> tuple[str, ...]:
    """The models of the rows ``where`` holds, largest ``by`` first (no model named last)."""
    named = (
        rows.filter(where)
        .group_by(s.MODEL)
        .agg(pl.col(by).sum())
        .sort(pl.col(s.MODEL).is_null(), by, s.MODEL, descending=[False, True, False])
    )
    return tuple(NO_MODEL if name is None else str(name) for name in named[s.MODEL].to_list())


def _blank(feature: str, model: str, span: Window | None, priced_by: str, reason: str) -> ModelSwap:
    return ModelSwap(
        feature=feature,
        model=model,
        window=span,
        months=pl.DataFrame(schema=SWAP_MONTHS_SCHEMA),
        calls=0,
        calls_without_tokens=0,
        recorded_usd=0.0,
        recorded_with_tokens_usd=0.0,
        repriced_usd=None,
        multiplier=None,
        covered=None,
        recorded_models=(),
        models_without_tokens=(),
        priced_by=priced_by,
        reason=reason,
    )


# -- in words --------------------------------------------------------------------------------


def swap_sentence(swap: ModelSwap, *, name: str | None = None) -> str:
    """The swap in one or two sentences: what the calls cost and would have cost, the
    multiplier, and what it covers (or why there is none). ``name`` is how the feature is
    named (its id by default)."""
    feature = swap.feature if name is None else name
    if swap.multiplier is None or swap.repriced_usd is None:
        return f"No cost multiplier for {feature} on {swap.model}: {swap.reason}."
    ran_on = ", ".join(swap.recorded_models) or NO_MODEL
    where = f" in {swap.window.label}" if swap.window is not None else ""
    text = (
        f"{feature}'s {count_of(swap.calls - swap.calls_without_tokens, 'call')} with "
        f"tokens{where} cost {amount(swap.recorded_with_tokens_usd)} on {ran_on}; at "
        f"{swap.model}'s list rates they would have cost {amount(swap.repriced_usd)}: "
        f"cost × {swap.multiplier:.3g}."
    )
    if swap.calls_without_tokens:
        text += (
            f" {count_of(swap.calls_without_tokens, 'call')} logged no tokens "
            f"({', '.join(swap.models_without_tokens)}) and are not re-priced: the multiplier "
            f"covers {percent(swap.covered)} of the cost, and is applied to all of it."
        )
    return text


def swap_line(swap: ModelSwap, *, name: str | None = None) -> str:
    """A swap of the price book in a line: the multiplier the simulation applies, or why it
    has none (and what applies instead)."""
    feature = swap.feature if name is None else name
    if swap.multiplier is None:
        return (
            f"{feature} → {swap.model}: no derived multiplier ({swap.reason}); its typed cost "
            "factor, if any, applies"
        )
    return f"{feature} → {swap.model}: cost × {swap.multiplier:.3g}, derived from its tokens"


def swap_text(swap: ModelSwap) -> str:
    """``econ swap``'s table: recorded against re-priced cost per month, the totals and the
    multiplier."""
    lines = [swap_sentence(swap)]
    if swap.months.height:
        header = (
            f"{'month':<8} {'calls':>12} {'with tokens':>12} {'recorded':>14} "
            f"{'re-priced':>14} {'×':>7}"
        )
        lines += ["", header]
        for row in swap.months.iter_rows(named=True):
            lines.append(
                f"{row[s.MONTH]:%Y-%m}  {count(row[s.CALLS]):>12} "
                f"{count(row[CALLS_WITH_TOKENS]):>12} {amount(row[RECORDED_WITH_TOKENS_USD]):>14} "
                f"{amount(row[REPRICED_USD]):>14} {_factor(row[MULTIPLIER]):>7}"
            )
        lines.append(
            f"{'total':<8} {count(swap.calls):>12} "
            f"{count(swap.calls - swap.calls_without_tokens):>12} "
            f"{amount(swap.recorded_with_tokens_usd):>14} {amount(swap.repriced_usd):>14} "
            f"{_factor(swap.multiplier):>7}"
        )
        lines.append(
            f"Rates: {swap.model}'s ({swap.priced_by}) on each month's first day; recorded is "
            "the cost of the calls with tokens."
        )
    return "\n".join(lines)


def _factor(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"
