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

When the usage ledger has an ``outcome`` column (:mod:`econ.schema`: how many of a row's calls
succeeded), also:

- **success rate** = outcomes ÷ calls (:func:`econ.measures.share`);
- **cost per outcome** = inference cost ÷ outcomes (:func:`econ.measures.cost_per_outcome`):
  blank, with the reason in ``outcome_note``, without an outcome column or without outcomes.

**AI unit profit** (article 000 §2, :func:`econ.measures.ai_unit_profit`), per segment and for
the blended row, each term per active customer over the expected lifetime L = 1 ÷ the row's
churn: LTV before compute = (ARPA − support − CS) × L, compute = (inference + AI infra) × L,
and the scenario's ``ai_costs`` (model-efficiency value, data acquisition, model maintenance:
company-wide dollars a month, 0 until the user sets them) each ÷ the active customers of the
window's last month × L. With the three at 0 it equals the compute-adjusted LTV.

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
from econ.model.customer_months import COUNTED_REVENUE_USD, INFERENCE_USD, per_customer
from econ.model.features import feature_table
from econ.model.report import Report, clean, records
from econ.present.labels import feature_label
from econ.scenario.ai import AiUnitCosts
from econ.scenario.assumptions import ALL

TOKENS: Final = "tokens"
_KNOWN_COST: Final = "_known_cost"
_HAS_OUTCOMES: Final = "_has_outcomes"
NO_OUTCOME_COLUMN: Final = "the usage ledger has no outcome column"
NO_OUTCOMES: Final = "no call reached a recorded successful outcome"

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
        s.OUTCOMES: pl.Int64(),
        "success_rate": pl.Float64(),
        "cost_per_outcome_usd": pl.Float64(),
        "outcome_note": pl.String(),
    }
)
"""One row per feature over the window, the costliest first (see the module docstring);
``outcomes``, ``success_rate`` and ``cost_per_outcome_usd`` are null without an outcome
column, and ``outcome_note`` says why cost per outcome is blank (null when it is not)."""

MONTHLY_SCORECARD_SCHEMA: Final = pl.Schema(
    {s.MONTH: pl.Date(), "customer_months": pl.Int64(), **FEATURE_SCORECARD_SCHEMA}
)
"""One row per month and feature (``feature_id`` ``"all"`` for every feature together), months in
order, "all" first."""

ALL_FEATURES: Final = "all"

UNIT_PROFIT_SCHEMA: Final = pl.Schema(
    {
        "segment": pl.String(),
        "churn": pl.Float64(),
        "lifetime_months": pl.Float64(),
        "ltv_before_compute_usd": pl.Float64(),
        "model_efficiency_value_usd": pl.Float64(),
        "compute_usd": pl.Float64(),
        "data_acquisition_usd": pl.Float64(),
        "model_maintenance_usd": pl.Float64(),
        "ai_unit_profit_usd": pl.Float64(),
        "ltv_compute_adjusted_usd": pl.Float64(),
        "null_reason": pl.String(),
    }
)
"""AI unit profit per segment, the blended row ``"all"`` last, in the segment table's order:
each term per active customer over the lifetime (see the module docstring); every figure null,
with ``null_reason``, when the row's churn is unknown or 0."""

UNIT_PROFIT_STEPS_SCHEMA: Final = pl.Schema(
    {
        "order": pl.Int64(),
        "term": pl.String(),
        "label": pl.String(),
        "amount_usd": pl.Float64(),
        "start_usd": pl.Float64(),
        "end_usd": pl.Float64(),
        "kind": pl.String(),
        "source": pl.String(),
    }
)
"""AI unit profit as a waterfall (:func:`unit_profit_steps`): one step per term, signed, from
the running total before it to the one after it, then the total (``kind`` ``"total"``)."""

_TERMS: Final = (
    ("ltv_before_compute_usd", "LTV before compute", 1.0, "data"),
    ("model_efficiency_value_usd", "Model-efficiency value", 1.0, "estimate"),
    ("compute_usd", "Compute (inference + AI infra)", -1.0, "data"),
    ("data_acquisition_usd", "Data acquisition", -1.0, "estimate"),
    ("model_maintenance_usd", "Model maintenance", -1.0, "estimate"),
)
"""The waterfall's terms: column, label, sign, and whether the data or the user gives it."""
UNIT_PROFIT_LABEL: Final = "AI unit profit"


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
        outcomes_known: whether the ledger has an outcome column.
        unit_profit: :data:`UNIT_PROFIT_SCHEMA`.
        active_customers: customers active in the window's last month (what the scenario's AI
            costs are shared over).
        ai_costs: the scenario's AI unit-profit inputs (dollars a month, 0 = not set).
    """

    features: pl.DataFrame
    monthly: pl.DataFrame
    inference_share: float | None
    spend_variation: float | None
    matters: bool | None
    tokens_known: bool
    outcomes_known: bool
    unit_profit: pl.DataFrame
    active_customers: int
    ai_costs: AiUnitCosts

    def blended_unit_profit(self) -> dict[str, Any]:
        """The blended row of :attr:`unit_profit` (every customer)."""
        return self.unit_profit.filter(pl.col("segment") == ALL).row(0, named=True)

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
            "outcomes_known": self.outcomes_known,
            "ai_unit_profit": {
                "active_customers": self.active_customers,
                "inputs_usd_per_month": self.ai_costs.to_dict(),
                "inputs_set": not self.ai_costs.all_zero,
                "segments": records(self.unit_profit),
            },
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
    outcomes_known = bool(usage[s.OUTCOMES].is_not_null().any())
    by_month, _ = feature_table(cms, report.scenario, by=[s.MONTH])
    window = _scored(
        report.features.select(s.FEATURE_ID, s.CALLS, s.COST_USD, "revenue_usd"),
        _ledger_sums(usage, []),
        pl.lit(frame.height, pl.Int64),
        [],
        outcomes_known=outcomes_known,
    ).sort("cost_usd", s.FEATURE_ID, descending=[True, False])
    cms_per_month = frame.group_by(s.MONTH).agg(pl.len().cast(pl.Int64).alias("customer_months"))
    per_feature = by_month.select(s.MONTH, s.FEATURE_ID, s.CALLS, s.COST_USD, "revenue_usd")
    every = per_feature.group_by(s.MONTH).agg(
        pl.lit(ALL_FEATURES).alias(s.FEATURE_ID),
        pl.col(s.CALLS).sum(),
        pl.col(s.COST_USD).sum(),
        pl.col("revenue_usd").sum(),
    )
    sums = pl.concat(
        [_ledger_sums(usage, [s.MONTH]), _ledger_sums(usage, [s.MONTH], every_feature=True)]
    )
    monthly = (
        _scored(
            pl.concat([every.select(per_feature.columns), per_feature]).join(
                cms_per_month, on=s.MONTH, how="left"
            ),
            sums,
            pl.col("customer_months"),
            [s.MONTH],
            outcomes_known=outcomes_known,
        )
        .with_columns((pl.col(s.FEATURE_ID) != ALL_FEATURES).alias("_feature"))
        .sort(s.MONTH, "_feature", s.FEATURE_ID)
        .select(MONTHLY_SCORECARD_SCHEMA.names())
    )
    share = m.inference_share(
        float(frame[INFERENCE_USD].sum()), float(frame[COUNTED_REVENUE_USD].sum())
    )
    spend = per_customer(frame, {"inference_usd": pl.col(INFERENCE_USD)}, latest=())
    monthly_spend = (spend["inference_usd"] / spend["customer_months"]).to_list()
    variation = m.spend_variation(monthly_spend)
    active = frame.filter(pl.col(s.MONTH) == cms.window.last)[s.CUSTOMER_ID].n_unique()
    costs = report.scenario.ai_costs
    return Scorecard(
        features=window.select(FEATURE_SCORECARD_SCHEMA.names()),
        monthly=monthly,
        inference_share=share,
        spend_variation=variation,
        matters=m.compute_adjustment_diagnosis(share, variation),
        tokens_known=bool(usage[TOKENS].is_not_null().any()),
        outcomes_known=outcomes_known,
        unit_profit=unit_profit_table(report.segments, active, costs),
        active_customers=active,
        ai_costs=costs,
    )


def unit_profit_table(
    segments: pl.DataFrame, active_customers: int, costs: AiUnitCosts
) -> pl.DataFrame:
    """AI unit profit of each row of a segment table (:data:`UNIT_PROFIT_SCHEMA`, in its order),
    by :func:`econ.measures.ai_unit_profit`: ARPA − support − CS before compute, inference + AI
    infra as compute, the row's churn, and the scenario's AI costs shared over
    ``active_customers``."""
    rows = []
    for row in segments.iter_rows(named=True):
        result, reason = m.ai_unit_profit(
            row["arpa_usd"] - row["support_usd"] - row["cs_usd"],
            row["inference_usd"] + row["ai_infra_usd"],
            row["churn"],
            active_customers,
            model_efficiency_value=costs.model_efficiency_value_usd,
            data_acquisition=costs.data_acquisition_usd,
            model_maintenance=costs.model_maintenance_usd,
        )
        terms = (
            (None,) * 7
            if result is None
            else (
                result.lifetime_months,
                result.ltv_before_compute,
                result.model_efficiency_value,
                result.compute,
                result.data_acquisition,
                result.model_maintenance,
                result.profit,
            )
        )
        rows.append((row["segment"], row["churn"], *terms, row["ltv_compute_adjusted_usd"], reason))
    return pl.DataFrame(rows, schema=UNIT_PROFIT_SCHEMA, orient="row")


def unit_profit_steps(card: Scorecard, segment: str = ALL) -> pl.DataFrame:
    """The AI unit profit of ``segment`` (the blended row by default) as a waterfall
    (:data:`UNIT_PROFIT_STEPS_SCHEMA`): LTV before compute, + model-efficiency value, − compute,
    − data acquisition, − model maintenance, each a step from the running total before it to
    the one after it (``kind`` ``"gain"`` or ``"cost"``), then the total from zero (``kind``
    ``"total"``); ``source`` says whether the data gives a term (``"data"``) or the user's
    estimate (``"estimate"``, ``"not set"`` while it is 0). Empty when the segment's AI unit
    profit is undefined."""
    row = card.unit_profit.filter(pl.col("segment") == segment)
    if row.height != 1 or row["ai_unit_profit_usd"][0] is None:
        return pl.DataFrame(schema=UNIT_PROFIT_STEPS_SCHEMA)
    values = row.row(0, named=True)
    steps, total = [], 0.0
    for order, (column, label, sign, source) in enumerate(_TERMS):
        amount = sign * float(values[column]) + 0.0  # + 0.0: a cost of 0 is 0, never −0
        given = source == "data" or amount != 0
        kind = "gain" if amount > 0 or (amount == 0 and sign > 0) else "cost"
        steps.append(
            (
                order,
                column,
                label,
                amount,
                total,
                total + amount,
                kind,
                source if given else "not set",
            )
        )
        total += amount
    profit = float(values["ai_unit_profit_usd"])
    steps.append(
        (
            len(_TERMS),
            "ai_unit_profit_usd",
            UNIT_PROFIT_LABEL,
            profit,
            0.0,
            profit,
            "total",
            "result",
        )
    )
    return pl.DataFrame(steps, schema=UNIT_PROFIT_STEPS_SCHEMA, orient="row")


_LEDGER_SUMS: Final = (
    pl.col(TOKENS).sum().cast(pl.Int64).alias(TOKENS),
    pl.col(_KNOWN_COST).sum().alias(_KNOWN_COST),
    pl.col(TOKENS).is_not_null().any().alias("_has_tokens"),
    pl.col(s.OUTCOMES).sum().cast(pl.Int64).alias(s.OUTCOMES),
)


def _ledger_sums(
    usage: pl.DataFrame, by: list[str], *, every_feature: bool = False
) -> pl.DataFrame:
    """Tokens, the cost of the calls whose tokens are known, and outcomes, per feature (and
    ``by``); with ``every_feature``, per ``by`` for every feature together (as the feature
    :data:`ALL_FEATURES`)."""
    if every_feature:
        return usage.group_by(*by).agg(pl.lit(ALL_FEATURES).alias(s.FEATURE_ID), *_LEDGER_SUMS)
    return usage.group_by(*by, s.FEATURE_ID).agg(*_LEDGER_SUMS)


def _scored(
    sums: pl.DataFrame,
    ledger: pl.DataFrame,
    customer_months: pl.Expr,
    by: list[str],
    *,
    outcomes_known: bool,
) -> pl.DataFrame:
    """Each row's per-call, per-dollar, per-customer-month and per-outcome figures."""
    calls, cost, revenue = pl.col(s.CALLS), pl.col(s.COST_USD), pl.col("revenue_usd")
    known = pl.col("_has_tokens").fill_null(False)
    outcomes = pl.when(pl.lit(outcomes_known)).then(pl.col(s.OUTCOMES).fill_null(0))
    per_outcome = m.cost_per_outcome(cost, outcomes.cast(pl.Float64))
    return (
        sums.join(ledger, on=[*by, s.FEATURE_ID], how="left")
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
            outcomes.alias(s.OUTCOMES),
            m.share(outcomes.cast(pl.Float64), calls.cast(pl.Float64)).alias("success_rate"),
            per_outcome.alias("cost_per_outcome_usd"),
            pl.when(per_outcome.is_null())
            .then(pl.lit(NO_OUTCOMES if outcomes_known else NO_OUTCOME_COLUMN))
            .alias("outcome_note"),
        )
        .cast({s.CALLS: pl.Int64, TOKENS: pl.Int64, s.OUTCOMES: pl.Int64})
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
