"""The AI scorecard (reference article 000 §7): per feature and per month, what a call costs, what
it earns and what a dollar of inference buys; and whether compute-adjusted LTV matters here.

Per feature over the window, and per month (all features, and per feature):

- **cost per call** (:func:`econ.measures.cost_per_call`) and **revenue per call**: the feature's
  allocated revenue (:mod:`econ.model.features`, the scenario's allocation) ÷ its calls;
- **inference margin per call** = revenue per call − cost per call
  (:func:`econ.measures.inference_margin_per_call`);
- **tokens per dollar** = (input + output tokens) ÷ the cost of the calls whose tokens the ledger
  records (:func:`econ.measures.tokens_per_dollar`); blank when it records none;
- **cost per customer-month**: inference cost ÷ the active customer-months of the window (or of
  the month), so a month's features add up to its inference per customer-month.

The diagnosis (:func:`econ.measures.compute_adjustment_diagnosis`) reads article 001's rule with
the spread of costs across customers it is about: compute-adjusted LTV matters when inference is
above 10% of revenue or customers' monthly inference spend varies highly (coefficient of
variation above :data:`econ.measures.HIGH_SPEND_VARIATION`); standard gross-margin LTV is enough
when inference is under 5% and spend varies little. Blank figures are null with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import polars as pl

from econ import formats
from econ import measures as m
from econ import schema as s
from econ.model.customer_months import INFERENCE_USD, per_customer
from econ.model.features import feature_table
from econ.model.report import Report, clean, records
from econ.present.labels import feature_label

TOKENS: Final = "tokens"
_KNOWN_COST: Final = "_known_cost"

FEATURE_SCORECARD_SCHEMA: Final = pl.Schema(
    {
        s.FEATURE_ID: pl.String(),
        s.CALLS: pl.Int64(),
        "cost_usd": pl.Float64(),
        "revenue_usd": pl.Float64(),
        "cost_per_call_usd": pl.Float64(),
        "revenue_per_call_usd": pl.Float64(),
        "inference_margin_per_call_usd": pl.Float64(),
        TOKENS: pl.Int64(),
        "tokens_per_dollar": pl.Float64(),
        "cost_per_customer_month_usd": pl.Float64(),
    }
)
"""One row per feature over the window, the costliest first (see the module docstring)."""

MONTHLY_SCORECARD_SCHEMA: Final = pl.Schema(
    {s.MONTH: pl.Date(), "customer_months": pl.Int64(), **FEATURE_SCORECARD_SCHEMA}
)
"""One row per month and feature (``feature_id`` ``"all"`` for every feature together), months in
order, "all" first."""

ALL_FEATURES: Final = "all"


@dataclass(frozen=True)
class Scorecard:
    """The AI scorecard of a report (see the module docstring).

    Attributes:
        features: :data:`FEATURE_SCORECARD_SCHEMA`.
        monthly: :data:`MONTHLY_SCORECARD_SCHEMA`.
        inference_share: inference ÷ revenue over the window.
        spend_variation: coefficient of variation of customers' mean monthly inference spend.
        matters: the diagnosis: True, False, or None (between the two, or unknown).
        tokens_known: whether the ledger records tokens for any call.
    """

    features: pl.DataFrame
    monthly: pl.DataFrame
    inference_share: float | None
    spend_variation: float | None
    matters: bool | None
    tokens_known: bool

    def diagnosis(self) -> str:
        """The diagnosis in a sentence, with the figures and thresholds it rests on."""
        share = self.inference_share
        shown = "—" if share is None else formats.percent(share)
        spread = (
            "the spread of customers' spend is unknown (fewer than two customers)"
            if self.spend_variation is None
            else "customers' monthly inference spend varies with a coefficient of variation of "
            f"{self.spend_variation:.2f} (high above {m.HIGH_SPEND_VARIATION:g})"
        )
        facts = f"inference is {shown} of revenue, and {spread}"
        if self.matters is True:
            return f"Compute-adjusted LTV matters here: {facts}."
        if self.matters is False:
            return f"Standard gross-margin LTV is enough here: {facts}."
        return (
            f"Compute-adjusted LTV may matter: {facts}; inference between 5% and 10% of revenue "
            "with costs that vary little calls for checking both LTVs."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": records(self.features),
            "monthly": records(self.monthly),
            "inference_share": clean(self.inference_share),
            "spend_variation": clean(self.spend_variation),
            "compute_adjustment_matters": self.matters,
            "diagnosis": self.diagnosis(),
        }


def scorecard(report: Report) -> Scorecard:
    """The AI scorecard of ``report`` (see the module docstring)."""
    cms = report.customer_months
    frame = cms.frame
    usage = cms.usage.with_columns(
        pl.when(pl.col(s.INPUT_TOKENS).is_not_null() & pl.col(s.OUTPUT_TOKENS).is_not_null())
        .then(pl.col(s.INPUT_TOKENS) + pl.col(s.OUTPUT_TOKENS))
        .alias(TOKENS),
    ).with_columns(
        pl.when(pl.col(TOKENS).is_not_null()).then(pl.col(s.COST_USD)).alias(_KNOWN_COST)
    )
    by_month, _ = feature_table(cms, report.scenario, by=[s.MONTH])
    window = _scored(
        report.features.select(s.FEATURE_ID, s.CALLS, s.COST_USD, "revenue_usd"),
        _tokens(usage, []),
        pl.lit(frame.height, pl.Int64),
        [],
    ).sort("cost_usd", s.FEATURE_ID, descending=[True, False])
    cms_per_month = frame.group_by(s.MONTH).agg(pl.len().cast(pl.Int64).alias("customer_months"))
    per_feature = by_month.select(s.MONTH, s.FEATURE_ID, s.CALLS, s.COST_USD, "revenue_usd")
    every = per_feature.group_by(s.MONTH).agg(
        pl.lit(ALL_FEATURES).alias(s.FEATURE_ID),
        pl.col(s.CALLS).sum(),
        pl.col(s.COST_USD).sum(),
        pl.col("revenue_usd").sum(),
    )
    tokens = pl.concat(
        [
            _tokens(usage, [s.MONTH]),
            _tokens(usage.with_columns(pl.lit(ALL_FEATURES).alias(s.FEATURE_ID)), [s.MONTH]),
        ]
    )
    monthly = (
        _scored(
            pl.concat([every.select(per_feature.columns), per_feature]).join(
                cms_per_month, on=s.MONTH, how="left"
            ),
            tokens,
            pl.col("customer_months"),
            [s.MONTH],
        )
        .with_columns((pl.col(s.FEATURE_ID) != ALL_FEATURES).alias("_feature"))
        .sort(s.MONTH, "_feature", s.FEATURE_ID)
        .select(MONTHLY_SCORECARD_SCHEMA.names())
    )
    share = m.inference_share(float(frame[INFERENCE_USD].sum()), float(frame[s.MRR_USD].sum()))
    spend = per_customer(frame, {"inference_usd": pl.col(INFERENCE_USD)}, latest=())
    monthly_spend = (spend["inference_usd"] / spend["customer_months"]).to_list()
    variation = m.spend_variation(monthly_spend)
    return Scorecard(
        features=window.select(FEATURE_SCORECARD_SCHEMA.names()),
        monthly=monthly,
        inference_share=share,
        spend_variation=variation,
        matters=m.compute_adjustment_diagnosis(share, variation),
        tokens_known=bool(usage[TOKENS].is_not_null().any()),
    )


def _tokens(usage: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Tokens and the cost of the calls whose tokens are known, per feature (and ``by``)."""
    return usage.group_by(*by, s.FEATURE_ID).agg(
        pl.col(TOKENS).sum().cast(pl.Int64).alias(TOKENS),
        pl.col(_KNOWN_COST).sum().alias(_KNOWN_COST),
        pl.col(TOKENS).is_not_null().any().alias("_has_tokens"),
    )


def _scored(
    sums: pl.DataFrame, tokens: pl.DataFrame, customer_months: pl.Expr, by: list[str]
) -> pl.DataFrame:
    """Each row's per-call, per-dollar and per-customer-month figures."""
    calls, cost, revenue = pl.col(s.CALLS), pl.col(s.COST_USD), pl.col("revenue_usd")
    known = pl.col("_has_tokens").fill_null(False)
    return (
        sums.join(tokens, on=[*by, s.FEATURE_ID], how="left")
        .with_columns(
            m.cost_per_call(cost, calls.cast(pl.Float64)).alias("cost_per_call_usd"),
            m.cost_per_call(revenue, calls.cast(pl.Float64)).alias("revenue_per_call_usd"),
            m.inference_margin_per_call(revenue, cost, calls.cast(pl.Float64)).alias(
                "inference_margin_per_call_usd"
            ),
            pl.when(known).then(pl.col(TOKENS)).alias(TOKENS),
            pl.when(known)
            .then(m.tokens_per_dollar(pl.col(TOKENS).cast(pl.Float64), pl.col(_KNOWN_COST)))
            .alias("tokens_per_dollar"),
            m.share(cost, customer_months.cast(pl.Float64)).alias("cost_per_customer_month_usd"),
        )
        .cast({s.CALLS: pl.Int64, TOKENS: pl.Int64})
    )


def margin_lines(card: Scorecard) -> pl.DataFrame:
    """Inference margin per call, month by month, one line per feature (every feature together
    left out): ``month, feature_id, feature, inference_margin_per_call_usd, cost_per_call_usd,
    revenue_per_call_usd``, sorted by feature then month; the feature named in words."""
    rows = card.monthly.filter(pl.col(s.FEATURE_ID) != ALL_FEATURES)
    return (
        rows.select(
            s.MONTH,
            s.FEATURE_ID,
            pl.col(s.FEATURE_ID)
            .replace_strict(
                {f: feature_label(f) for f in rows[s.FEATURE_ID].unique().to_list()},
                return_dtype=pl.String,
            )
            .alias("feature"),
            "inference_margin_per_call_usd",
            "cost_per_call_usd",
            "revenue_per_call_usd",
        )
        .drop_nulls("inference_margin_per_call_usd")
        .sort(s.FEATURE_ID, s.MONTH)
    )
