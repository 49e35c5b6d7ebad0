"""Cost from tokens, when a ledger logged tokens and a model but no cost.

Prices come from ``genai-prices`` (a maintained table of LLM prices that knows when each price
applied), looked up per model and day and applied to every row of that model and day:

    cost = (input − cached) × input price + cached × cached-input price + output × output price

where input counts every prompt token, cached ones included.

Negotiated or self-hosted prices go in an override table (dollars per million tokens), which wins
over the package. A model neither knows is *unpriced*: its rows are never costed at $0; they are
dropped and listed, so the user can add an override. Rows are priced at the model's standard
per-token rates; request-size tiers (long-context surcharges) are not modeled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import polars as pl

from econ import schema as s
from econ.errors import ScenarioError
from econ.measures import token_cost
from econ.scenario.values import known_keys, number

if TYPE_CHECKING:  # loaded when a row is first priced: most ledgers carry their cost
    import genai_prices

PRICED_BY: Final = "priced_by"
GIVEN: Final = "given"
PACKAGE: Final = "genai-prices"
OVERRIDE: Final = "override"
UNPRICED: Final = "unpriced"
NO_COST: Final = "no cost"
"""A row with neither a cost nor tokens: the contract refuses it (cost must not be empty)."""
_MILLION: Final = 1_000_000


@dataclass(frozen=True)
class ModelPrice:
    """Prices in dollars per million tokens; cached input defaults to the input price."""

    input_per_mtok: float
    output_per_mtok: float
    cached_input_per_mtok: float | None = None

    def __post_init__(self) -> None:
        for name in ("input_per_mtok", "output_per_mtok"):
            object.__setattr__(self, name, number(getattr(self, name), name))
        if self.cached_input_per_mtok is not None:
            object.__setattr__(
                self,
                "cached_input_per_mtok",
                number(self.cached_input_per_mtok, "cached_input_per_mtok"),
            )

    def to_dict(self) -> dict[str, float | None]:
        return {
            "input_per_mtok": self.input_per_mtok,
            "output_per_mtok": self.output_per_mtok,
            "cached_input_per_mtok": self.cached_input_per_mtok,
        }

    @classmethod
    def from_dict(cls, data: object, what: str) -> ModelPrice:
        values = known_keys(
            data, what, ("input_per_mtok", "output_per_mtok", "cached_input_per_mtok")
        )
        try:
            return cls(**{k: v for k, v in values.items() if v is not None})
        except TypeError:
            raise ScenarioError(
                f"{what} needs input_per_mtok and output_per_mtok (dollars per million tokens)"
            ) from None


@dataclass(frozen=True)
class Rates:
    """Dollars per token for one model on one day, and where they came from."""

    input: float
    cached_input: float
    output: float
    source: str


def package_rates(model: str, day: dt.date) -> Rates | None:
    """The package's per-token rates for ``model`` on ``day`` (``None`` if it does not know it).

    A ``provider/model`` reference is tried with that provider first.
    """
    import genai_prices  # noqa: PLC0415  (see the imports)

    provider, _, name = model.rpartition("/")
    when = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)

    def price(usage: genai_prices.Usage) -> Decimal | None:
        for attempt in ((name, provider or None), (model, None)):
            try:
                return genai_prices.calc_price(
                    usage, attempt[0], provider_id=attempt[1], genai_request_timestamp=when
                ).total_price
            except LookupError:
                continue
        return None

    input_price = price(genai_prices.Usage(input_tokens=_MILLION))
    output_price = price(genai_prices.Usage(output_tokens=_MILLION))
    cached_price = price(genai_prices.Usage(input_tokens=_MILLION, cache_read_tokens=_MILLION))
    if input_price is None or output_price is None:
        return None
    return Rates(
        input=float(input_price) / _MILLION,
        cached_input=float(cached_price if cached_price is not None else input_price) / _MILLION,
        output=float(output_price) / _MILLION,
        source=PACKAGE,
    )


def rates_table(model_days: pl.DataFrame, overrides: Mapping[str, ModelPrice]) -> pl.DataFrame:
    """Per (model, day): ``_input_rate, _cached_rate, _output_rate, priced_by`` (null rates for
    unpriced models).

    Looking a price up takes about a millisecond, so a year of daily rows is priced month by
    month: when a model's rates are the same on the first and last day of a month, they apply
    to the whole month; only a month in which the price changed is priced day by day.
    """
    rows: list[dict[str, Any]] = []
    month_rates: dict[tuple[str, dt.date], Rates | None] = {}
    for model, day in model_days.select(s.MODEL, "_day").iter_rows():
        rates: Rates | None = None
        if model in overrides:
            rates = _override_rates(overrides[model])
        elif model:
            month = day.replace(day=1)
            if (model, month) not in month_rates:
                first, last = package_rates(model, month), package_rates(model, _month_end(month))
                month_rates[(model, month)] = first if first == last else None
            rates = month_rates[(model, month)] or package_rates(model, day)
        rows.append(
            {
                s.MODEL: model,
                "_day": day,
                "_input_rate": rates.input if rates else None,
                "_cached_rate": rates.cached_input if rates else None,
                "_output_rate": rates.output if rates else None,
                PRICED_BY: rates.source if rates else UNPRICED,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            s.MODEL: pl.String,
            "_day": pl.Date,
            "_input_rate": pl.Float64,
            "_cached_rate": pl.Float64,
            "_output_rate": pl.Float64,
            PRICED_BY: pl.String,
        },
    )


def _month_end(month: dt.date) -> dt.date:
    following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _override_rates(price: ModelPrice | None) -> Rates | None:
    if price is None:
        return None
    cached = price.cached_input_per_mtok
    return Rates(
        input=price.input_per_mtok / _MILLION,
        cached_input=(cached if cached is not None else price.input_per_mtok) / _MILLION,
        output=price.output_per_mtok / _MILLION,
        source=OVERRIDE,
    )


def price_rows(usage: pl.LazyFrame, overrides: Mapping[str, ModelPrice]) -> pl.LazyFrame:
    """Fill missing ``cost_usd`` from tokens; add ``priced_by`` (given / genai-prices / override /
    unpriced / no cost). Rows left unpriced keep a null cost."""
    needs_price = pl.col(s.COST_USD).is_null()
    day = pl.col("_time").cast(pl.Date)
    has_tokens = pl.col(s.INPUT_TOKENS).is_not_null() | pl.col(s.OUTPUT_TOKENS).is_not_null()
    model_days = (
        usage.filter(needs_price & has_tokens)
        .select(pl.col(s.MODEL), day.alias("_day"))
        .unique()
        .sort(s.MODEL, "_day", nulls_last=True)
        .collect()
    )
    if model_days.height == 0:
        return usage.with_columns(
            pl.when(needs_price).then(pl.lit(NO_COST)).otherwise(pl.lit(GIVEN)).alias(PRICED_BY)
        )
    rates = rates_table(model_days, overrides)
    tokens_in = pl.col(s.INPUT_TOKENS).fill_null(0)
    cached = pl.col(s.CACHED_INPUT_TOKENS).fill_null(0).clip(upper_bound=tokens_in)
    computed = token_cost(
        tokens_in,
        cached,
        pl.col(s.OUTPUT_TOKENS).fill_null(0),
        input_rate=pl.col("_input_rate"),
        cached_rate=pl.col("_cached_rate"),
        output_rate=pl.col("_output_rate"),
    )
    return (
        usage.with_columns(day.alias("_day"))
        .join(rates.lazy(), on=[s.MODEL, "_day"], how="left", nulls_equal=True)
        .with_columns(
            pl.when(~needs_price)
            .then(pl.lit(GIVEN))
            .when(~has_tokens)
            .then(pl.lit(NO_COST))
            .when(pl.col("_input_rate").is_not_null())
            .then(pl.col(PRICED_BY))
            .otherwise(pl.lit(UNPRICED))
            .alias(PRICED_BY),
            pl.when(needs_price & has_tokens)
            .then(computed)
            .otherwise(pl.col(s.COST_USD))
            .alias(s.COST_USD),
        )
        .drop("_day", "_input_rate", "_cached_rate", "_output_rate")
    )
