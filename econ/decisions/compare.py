"""Two to five scenarios side by side on the same history, each against a baseline.

A pricing decision is a choice between a few named options ("today", "Starter at $59", "fair
use on Pro"). Each option is a scenario; what it would have made of the window is its
simulation (:mod:`econ.decisions.pricing`): its price book applied to every customer-month of
the history, so an option that only sets a price differs from the baseline by exactly that
price's effect. The first option is the baseline; every other is compared with it:

- **per month**: revenue, inference, gross profit and gross margin of each calendar month, as
  the option bills and costs it;
- **totals**: the same per month over the window, with the change against the baseline in
  dollars and in percentage points, and the gross profit left after the customer response
  (:mod:`econ.decisions.response`) of the option's own price book;
- **segments**: compute-adjusted LTV by both methods (simple, gross profit ÷ churn; and sBG,
  gross profit × the discounted expected lifetime of the segment's fitted retention curve,
  :mod:`econ.model.retention.value`) and LTV:CAC on each, churn as observed (a price change
  moves no churn rate, as in the simulator);
- **plans**: each plan's revenue, gross profit and gross margin;
- **bills**: each customer's bill over the window under the option against the baseline's:
  the 10th, 50th and 90th percentiles and the largest rise as a share of the baseline bill, how
  many pay more, less, and more than the option's churn-risk threshold, and the customers most
  affected;
- **what it applies**: the baseline's recommendations whose change the option's price book
  holds, and every assumption that differs from the baseline's, in words.

For the comparison to be of the same customer-months, every option takes the baseline's window
and segmentation (:func:`aligned`); an option saved with another says so in its notes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.decisions.pricing import Simulation, simulate
from econ.decisions.recommend import Recommendation, recommend
from econ.inputs.ingest import Dataset
from econ.model.customer_months import BASIS_TEXT, COUNTED_REVENUE_USD, INFERENCE_USD
from econ.model.report import Report, analyze_dataset, clean, records
from econ.model.retention.value import fits_of, retention_table
from econ.model.scenario_fit import fit_scenario
from econ.model.segments import segment_table
from econ.scenario.ai import AiRevenue
from econ.scenario.assumptions import Scenario
from econ.scenario.levers import EMPTY_PLAN

MAX_OPTIONS: Final = 5
"""The most scenarios one comparison shows, the baseline included."""
MOST_AFFECTED: Final = 10
"""How many customers a comparison lists per option, largest bill change first."""
ALIGNED_FIELDS: Final = ("months", "segment_by", "usage_tier_percentiles", "ai_revenue")
"""What every option takes from the baseline, so that all cover the same customer-months in
the same segments and count the same revenue as AI revenue."""

MONTHLY_SCHEMA: Final = pl.Schema(
    {
        "scenario": pl.String(),
        s.MONTH: pl.Date(),
        "revenue_usd": pl.Float64(),
        "inference_usd": pl.Float64(),
        "gross_profit_usd": pl.Float64(),
        "gross_margin": pl.Float64(),
        "gross_profit_change_usd": pl.Float64(),
    }
)
"""Per option and calendar month, options in order then months: the month's sums as the option
bills and costs them, and its gross profit against the baseline's in the same month."""

TOTALS_SCHEMA: Final = pl.Schema(
    {
        "scenario": pl.String(),
        "revenue_usd": pl.Float64(),
        "inference_usd": pl.Float64(),
        "gross_profit_usd": pl.Float64(),
        "gross_margin": pl.Float64(),
        "revenue_change_usd": pl.Float64(),
        "inference_change_usd": pl.Float64(),
        "gross_profit_change_usd": pl.Float64(),
        "gross_margin_change": pl.Float64(),
        "customers_expected_lost": pl.Float64(),
        "gross_profit_after_response_usd": pl.Float64(),
        "gross_profit_after_response_change_usd": pl.Float64(),
    }
)
"""Per option, per month over the window; changes against the baseline (margins in points as a
fraction: 0.012 is 1.2 points)."""

SEGMENTS_SCHEMA: Final = pl.Schema(
    {
        "scenario": pl.String(),
        "segment": pl.String(),
        "customers": pl.Int64(),
        "gross_margin": pl.Float64(),
        "ltv_simple_usd": pl.Float64(),
        "ltv_sbg_usd": pl.Float64(),
        "cac_usd": pl.Float64(),
        "ltv_cac_simple": pl.Float64(),
        "ltv_cac_sbg": pl.Float64(),
        "ltv_method": pl.String(),
        "ltv_simple_change_usd": pl.Float64(),
        "ltv_sbg_change_usd": pl.Float64(),
        "ltv_cac_simple_change": pl.Float64(),
        "ltv_cac_sbg_change": pl.Float64(),
    }
)
"""Per option and segment (the baseline's segments in its order, blended ``all`` last)."""

PLANS_SCHEMA: Final = pl.Schema(
    {
        "scenario": pl.String(),
        s.PLAN: pl.String(),
        "revenue_usd": pl.Float64(),
        "gross_profit_usd": pl.Float64(),
        "gross_margin": pl.Float64(),
        "gross_profit_change_usd": pl.Float64(),
        "gross_margin_change": pl.Float64(),
    }
)
"""Per option and plan (per month over the window), plans in the baseline's order."""

BILL_SUMMARY_SCHEMA: Final = pl.Schema(
    {
        "scenario": pl.String(),
        "customers": pl.Int64(),
        "paying_more": pl.Int64(),
        "paying_less": pl.Int64(),
        "at_risk": pl.Int64(),
        "at_risk_threshold": pl.Float64(),
        "change_p10": pl.Float64(),
        "change_p50": pl.Float64(),
        "change_p90": pl.Float64(),
        "change_max": pl.Float64(),
        "change_usd": pl.Float64(),
    }
)
"""Per option besides the baseline: how customers' bills over the window move against the
baseline's: percentiles (linear interpolation) and largest of the change as a share of the
baseline bill, over every customer; counts; and the total change in dollars per month."""

BILLS_SCHEMA: Final = pl.Schema(
    {
        "scenario": pl.String(),
        s.CUSTOMER_ID: pl.String(),
        "segment": pl.String(),
        s.PLAN: pl.String(),
        "bill_baseline_usd": pl.Float64(),
        "bill_usd": pl.Float64(),
        "change_usd": pl.Float64(),
        "change_share": pl.Float64(),
    }
)
"""Per option besides the baseline and customer: bills over the window, the largest change
(rise or fall) first."""


@dataclass(frozen=True)
class Option:
    """One scenario of a comparison, computed.

    Attributes:
        name: what its user called it.
        report: the report of its scenario (aligned to the baseline, :func:`aligned`).
        simulation: its price book applied to the history (:func:`econ.simulate`).
        notes: what was changed so that it fits the data and the baseline (said to the user).
        scenario_id: the saved scenario's id, when it is one.
    """

    name: str
    report: Report
    simulation: Simulation
    notes: tuple[str, ...] = ()
    scenario_id: str | None = None


@dataclass(frozen=True)
class Applied:
    """What one option changes against the baseline.

    Attributes:
        scenario: the option's name.
        recommendations: titles of the baseline's recommendations its price book holds.
        changes: every assumption that differs from the baseline's, one line each.
    """

    scenario: str
    recommendations: tuple[str, ...]
    changes: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """Options side by side (see the module docstring); the first is the baseline.

    Attributes:
        names: the options' names, baseline first.
        months: months in the window.
        monthly, totals, segments, plans, bill_summary, bills: see their schemas.
        applied: per option besides the baseline, what it changes.
        notes: per option name, what was changed so that it fits (may be empty).
        segment_by: the segmentation every option takes from the baseline.
        scenario_ids: each option's saved id (``None`` for one that is not saved), in order.
        best: the name of the option with the most gross profit a month after the customer
            response (the baseline when none beats it).
    """

    names: tuple[str, ...]
    months: int
    monthly: pl.DataFrame
    totals: pl.DataFrame
    segments: pl.DataFrame
    plans: pl.DataFrame
    bill_summary: pl.DataFrame
    bills: pl.DataFrame
    applied: tuple[Applied, ...]
    notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    segment_by: str = s.USAGE_TIER
    scenario_ids: tuple[str | None, ...] = ()

    @property
    def baseline(self) -> str:
        return self.names[0]

    @property
    def best(self) -> str:
        ranked = self.totals.sort(
            "gross_profit_after_response_usd", descending=True, nulls_last=True, maintain_order=True
        )
        return str(ranked["scenario"][0])

    def most_affected(self, name: str, count: int = MOST_AFFECTED) -> pl.DataFrame:
        """The customers whose bill changes most under option ``name``, up or down."""
        return self.bills.filter(pl.col("scenario") == name).head(count)

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "scenarios": list(self.names),
            "months": self.months,
            "best": self.best,
            "totals": records(self.totals),
            "monthly": records(self.monthly),
            "segments": records(self.segments),
            "plans": records(self.plans),
            "bills": records(self.bill_summary),
            "most_affected": {name: records(self.most_affected(name)) for name in self.names[1:]},
            "applied": [
                {
                    "scenario": item.scenario,
                    "recommendations": list(item.recommendations),
                    "changes": list(item.changes),
                }
                for item in self.applied
            ],
            "notes": {name: list(notes) for name, notes in self.notes.items()},
        }


def aligned(baseline: Scenario, option: Scenario) -> tuple[Scenario, tuple[str, ...]]:
    """``option`` with the baseline's window, segmentation and AI revenue basis, and a note for
    each it had of its own (a comparison is of the same customer-months, in the same segments,
    counting the same revenue)."""
    notes: list[str] = []
    changes: dict[str, Any] = {}
    for name in ALIGNED_FIELDS:
        own, theirs = getattr(option, name), getattr(baseline, name)
        if own != theirs:
            changes[name] = theirs
            notes.append(
                f"its {_FIELD_WORDS[name]} ({_shown(own)}) is replaced by the baseline's "
                f"({_shown(theirs)}), so every option {_SAME[name]}"
            )
    return (option.replace(**changes) if changes else option), tuple(notes)


_FIELD_WORDS: Final = {
    "months": "window",
    "segment_by": "segmentation",
    "usage_tier_percentiles": "usage-tier split",
    "ai_revenue": "AI revenue",
}
_SAME: Final = {
    "months": "covers the same customers",
    "segment_by": "covers the same customers",
    "usage_tier_percentiles": "covers the same customers",
    "ai_revenue": "counts the same revenue",
}


def _shown(value: object) -> str:
    if isinstance(value, AiRevenue):
        return BASIS_TEXT[value.basis]
    if value is None:
        return "every month"
    if isinstance(value, tuple):
        return " to ".join(str(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class Named:
    """A scenario to compare, under the name its user knows it by (and its saved id)."""

    name: str
    scenario: Scenario
    scenario_id: str | None = None


Run = Callable[[Scenario], tuple[Report, Simulation]]
"""How an option's report and simulation are computed (the app passes its cached ones)."""


def _run(data: Dataset) -> Run:
    def run(scenario: Scenario) -> tuple[Report, Simulation]:
        report = analyze_dataset(data, scenario)
        return report, simulate(report, model_usage=data.model_usage)

    return run


def options_of(data: Dataset, named: Sequence[Named], *, run: Run | None = None) -> list[Option]:
    """Each scenario fitted to the data (:func:`econ.model.scenario_fit.fit_scenario`: what it
    names that the data no longer has is dropped, and said), aligned to the first
    (:func:`aligned`), then analyzed and simulated by ``run``."""
    run = run or _run(data)
    fitted = [fit_scenario(item.scenario, data) for item in named]
    baseline = fitted[0].scenario
    options = []
    for item, fit in zip(named, fitted, strict=True):
        scenario, alignment = aligned(baseline, fit.scenario)
        refit = fit_scenario(scenario, data)  # values set for segments the baseline lacks
        report, simulation = run(refit.scenario)
        notes = (*fit.dropped, *fit.notes, *alignment, *refit.dropped)
        options.append(Option(item.name, report, simulation, notes, item.scenario_id))
    return options


def compare_scenarios(
    data: Dataset,
    named: Sequence[Named],
    *,
    run: Run | None = None,
    recommendations: Callable[[Report], Sequence[Recommendation]] = recommend,
) -> Comparison:
    """:func:`compare` of named scenarios on a dataset: fitted, aligned, analyzed, simulated,
    and told which of the baseline's recommendations each applies."""
    options = options_of(data, named, run=run)
    return compare(options, recommendations(options[0].report))


def unique_names(names: Sequence[str]) -> tuple[str, ...]:
    """The names, a repeated one numbered ("Pro (2)"), so each option is told apart."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return tuple(out)


def compare(
    options: Sequence[Option], recommendations: Sequence[Recommendation] = ()
) -> Comparison:
    """Options side by side against the first (see the module docstring).

    ``recommendations`` are the baseline's (:func:`econ.recommend` of its report): each option
    says which of them its price book applies.

    Raises:
        ValueError: fewer than two options or more than :data:`MAX_OPTIONS`, or options of
            different windows (align them with :func:`aligned` first).
    """
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise ValueError(f"compare takes 2 to {MAX_OPTIONS} options, got {len(options)}")
    windows = {option.report.customer_months.window for option in options}
    if len(windows) != 1:
        raise ValueError("every option must cover the baseline's window (see aligned())")
    names = unique_names([option.name for option in options])
    named = list(zip(names, options, strict=True))
    baseline = options[0]
    months = baseline.simulation.months
    totals = _totals(named, months)
    return Comparison(
        names=names,
        months=months,
        monthly=_monthly(named),
        totals=totals,
        segments=_segments(named),
        plans=_plans(named),
        bill_summary=_bill_summary(named, months),
        bills=_bills(named),
        applied=tuple(
            _applied(name, option, baseline, recommendations) for name, option in named[1:]
        ),
        notes={name: option.notes for name, option in named if option.notes},
        segment_by=baseline.report.scenario.segment_by,
        scenario_ids=tuple(option.scenario_id for option in options),
    )


def _with_changes(
    frame: pl.DataFrame, keys: Sequence[str], measures: Mapping[str, str], baseline: str
) -> pl.DataFrame:
    """``frame`` (with a ``scenario`` column) plus, per measure, its change against the
    baseline's row with the same ``keys`` (``measures`` maps a measure to its change's name)."""
    base = frame.filter(pl.col("scenario") == baseline).select(
        *keys, *(pl.col(name).alias(f"_base_{name}") for name in measures)
    )
    joined = frame.join(base, on=list(keys), how="left") if keys else frame.join(base, how="cross")
    return joined.with_columns(
        _difference(pl.col(name), pl.col(f"_base_{name}")).alias(change)
        for name, change in measures.items()
    ).drop(f"_base_{name}" for name in measures)


NOISE: Final = 1e-9
"""A difference this small relative to the figures (the same values summed in another order)
is no difference: it is 0, so it never reads as "−$0" or "−0.0 pp"."""


def _difference(value: pl.Expr, baseline: pl.Expr) -> pl.Expr:
    value, baseline = value.cast(pl.Float64), baseline.cast(pl.Float64)
    difference = value - baseline
    scale = pl.max_horizontal(value.abs(), baseline.abs(), pl.lit(1.0))
    return (
        pl.when(~difference.is_finite())
        .then(None)
        .when(difference.abs() <= NOISE * scale)
        .then(0.0)
        .otherwise(difference)
    )


def _order(names: Sequence[str]) -> pl.Expr:
    return pl.col("scenario").replace_strict(
        {name: index for index, name in enumerate(names)}, return_dtype=pl.Int64
    )


def _monthly(named: Sequence[tuple[str, Option]]) -> pl.DataFrame:
    frames = []
    for name, option in named:
        frame = option.simulation.simulated.frame
        sums = frame.group_by(s.MONTH).agg(
            pl.col(COUNTED_REVENUE_USD).sum().alias("revenue_usd"),
            pl.col(INFERENCE_USD).sum().alias("inference_usd"),
            m.compute_burdens().sum().alias("_burdens"),
        )
        profit = m.gross_profit(pl.col("revenue_usd"), pl.col("inference_usd"), pl.col("_burdens"))
        frames.append(
            sums.with_columns(profit.alias("gross_profit_usd"))
            .with_columns(
                m.gross_margin(pl.col("gross_profit_usd"), pl.col("revenue_usd")).alias(
                    "gross_margin"
                ),
                pl.lit(name).alias("scenario"),
            )
            .drop("_burdens")
        )
    names = [name for name, _ in named]
    every = pl.concat(frames, how="diagonal_relaxed")
    return (
        _with_changes(every, [s.MONTH], {"gross_profit_usd": "gross_profit_change_usd"}, names[0])
        .with_columns(pl.col("gross_profit_change_usd").fill_null(pl.col("gross_profit_usd")))
        .sort(_order(names), s.MONTH)
        .select(MONTHLY_SCHEMA.names())
        .cast(MONTHLY_SCHEMA)
    )


def _totals(named: Sequence[tuple[str, Option]], months: int) -> pl.DataFrame:
    rows = []
    for name, option in named:
        simulated = dict(zip(*option.simulation.totals.select("measure", "simulated"), strict=True))
        response = option.simulation.response
        profit = simulated["gross_profit_usd"]
        rows.append(
            {
                "scenario": name,
                "revenue_usd": simulated["revenue_usd"],
                "inference_usd": simulated["inference_usd"],
                "gross_profit_usd": profit,
                "gross_margin": simulated["gross_margin"],
                "customers_expected_lost": response.expected_lost,
                "gross_profit_after_response_usd": profit - response.gross_profit_lost_usd,
            }
        )
    frame = pl.DataFrame(rows, orient="row")
    changes = {
        "revenue_usd": "revenue_change_usd",
        "inference_usd": "inference_change_usd",
        "gross_profit_usd": "gross_profit_change_usd",
        "gross_margin": "gross_margin_change",
        "gross_profit_after_response_usd": "gross_profit_after_response_change_usd",
    }
    return (
        _with_changes(frame, [], changes, named[0][0])
        .select(TOTALS_SCHEMA.names())
        .cast(TOTALS_SCHEMA)
    )


def _segments(named: Sequence[tuple[str, Option]]) -> pl.DataFrame:
    frames = []
    for name, option in named:
        report, simulation = option.report, option.simulation
        current = report.customer_months
        scenario = report.scenario
        table = segment_table(simulation.simulated, scenario, churn_from=current)
        fits = fits_of(report.retention)
        sbg = retention_table(simulation.simulated, scenario, table, fitted=fits).select(
            "segment", pl.col("ltv_sbg_usd")
        )
        frames.append(
            table.join(sbg, on="segment", how="left", maintain_order="left").select(
                pl.lit(name).alias("scenario"),
                "segment",
                "customers",
                "gross_margin",
                pl.col("ltv_compute_adjusted_usd").alias("ltv_simple_usd"),
                "ltv_sbg_usd",
                "cac_usd",
                pl.lit(scenario.retention.ltv_method).alias("ltv_method"),
            )
        )
    every = pl.concat(frames, how="vertical_relaxed")
    every = every.with_columns(
        _ratios(every, "ltv_simple_usd").alias("ltv_cac_simple"),
        _ratios(every, "ltv_sbg_usd").alias("ltv_cac_sbg"),
    )
    baseline_order = frames[0].with_row_index("_segment").select("segment", "_segment")
    changes = {
        "ltv_simple_usd": "ltv_simple_change_usd",
        "ltv_sbg_usd": "ltv_sbg_change_usd",
        "ltv_cac_simple": "ltv_cac_simple_change",
        "ltv_cac_sbg": "ltv_cac_sbg_change",
    }
    names = [name for name, _ in named]
    return (
        _with_changes(every, ["segment"], changes, names[0])
        .join(baseline_order, on="segment", how="left")
        .sort(_order(names), "_segment", "segment", nulls_last=True)
        .select(SEGMENTS_SCHEMA.names())
        .cast(SEGMENTS_SCHEMA)
    )


def _ratios(frame: pl.DataFrame, ltv: str) -> pl.Series:
    """LTV:CAC per row (:func:`econ.measures.ltv_cac`): null without an LTV or a CAC."""
    return pl.Series(
        [
            m.ltv_cac(value if value is not None and math.isfinite(value) else None, cac)[0]
            for value, cac in zip(frame[ltv], frame["cac_usd"], strict=True)
        ],
        dtype=pl.Float64,
    )


def _plans(named: Sequence[tuple[str, Option]]) -> pl.DataFrame:
    frames = [
        option.simulation.plans.select(
            pl.lit(name).alias("scenario"),
            s.PLAN,
            pl.col("revenue_simulated_usd").alias("revenue_usd"),
            pl.col("gross_profit_simulated_usd").alias("gross_profit_usd"),
            pl.col("gross_margin_simulated").alias("gross_margin"),
        )
        for name, option in named
    ]
    every = pl.concat(frames, how="vertical_relaxed")
    order = frames[0].with_row_index("_plan").select(s.PLAN, "_plan")
    changes = {"gross_profit_usd": "gross_profit_change_usd", "gross_margin": "gross_margin_change"}
    names = [name for name, _ in named]
    return (
        _with_changes(every, [s.PLAN], changes, names[0])
        .join(order, on=s.PLAN, how="left")
        .sort(_order(names), "_plan", s.PLAN, nulls_last=True)
        .select(PLANS_SCHEMA.names())
        .cast(PLANS_SCHEMA)
    )


def _bills(named: Sequence[tuple[str, Option]]) -> pl.DataFrame:
    baseline = named[0][1].simulation.customers.select(
        s.CUSTOMER_ID, "segment", s.PLAN, pl.col("bill_simulated_usd").alias("bill_baseline_usd")
    )
    frames = []
    for name, option in named[1:]:
        bills = option.simulation.customers.select(
            s.CUSTOMER_ID, pl.col("bill_simulated_usd").alias("bill_usd")
        )
        change = pl.col("bill_usd") - pl.col("bill_baseline_usd")
        frames.append(
            baseline.join(bills, on=s.CUSTOMER_ID, how="left")
            .with_columns(
                pl.lit(name).alias("scenario"),
                change.round(2).alias("change_usd"),
                m.share(change, pl.col("bill_baseline_usd")).alias("change_share"),
            )
            .sort(
                pl.col("change_usd").abs(),
                "change_usd",
                s.CUSTOMER_ID,
                descending=[True, True, False],
                nulls_last=True,
            )
        )
    if not frames:
        return pl.DataFrame(schema=BILLS_SCHEMA)
    names = [name for name, _ in named]
    return (
        pl.concat(frames, how="vertical_relaxed")
        .with_row_index("_rank")
        .sort(_order(names), "_rank")
        .select(BILLS_SCHEMA.names())
        .cast(BILLS_SCHEMA)
    )


def _bill_summary(named: Sequence[tuple[str, Option]], months: int) -> pl.DataFrame:
    bills = _bills(named)
    rows = []
    for name, option in named[1:]:
        own = bills.filter(pl.col("scenario") == name)
        shares = own["change_share"].drop_nulls()
        threshold = option.report.scenario.price_book.churn_risk_increase
        rows.append(
            {
                "scenario": name,
                "customers": own.height,
                "paying_more": own.filter(pl.col("change_usd") > m.HALF_CENT).height,
                "paying_less": own.filter(pl.col("change_usd") < -m.HALF_CENT).height,
                "at_risk": own.filter(pl.col("change_share") > threshold).height,
                "at_risk_threshold": threshold,
                "change_p10": _quantile(shares, 0.10),
                "change_p50": _quantile(shares, 0.50),
                "change_p90": _quantile(shares, 0.90),
                "change_max": clean(shares.max()) if shares.len() else None,
                "change_usd": float(own["change_usd"].sum()) / months,
            }
        )
    return pl.DataFrame(rows, schema=BILL_SUMMARY_SCHEMA, orient="row")


def _quantile(values: pl.Series, q: float) -> float | None:
    if values.len() == 0:
        return None
    found = values.quantile(q, interpolation="linear")
    return float(found) if found is not None else None


def _applied(
    name: str, option: Option, baseline: Option, recommendations: Sequence[Recommendation]
) -> Applied:
    book = option.report.scenario.price_book
    base_book = baseline.report.scenario.price_book
    held = tuple(
        item.title
        for item in recommendations
        if item.patch is not None
        and item.patch.apply(base_book) != base_book
        and item.patch.apply(book) == book
    )
    return Applied(name, held, scenario_changes(baseline.report.scenario, option.report.scenario))


def scenario_changes(baseline: Scenario, option: Scenario) -> tuple[str, ...]:
    """Every assumption of ``option`` that differs from ``baseline``'s, one line each
    ("Pro: deep_research uses included a month: — → 25"; ``—`` for unset), in the order of the
    scenario's JSON paths."""
    before, after = _flat(baseline.to_dict()), _flat(option.to_dict())
    lines = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path, _default(path)), after.get(path, _default(path))
        if old != new:
            lines.append(f"{_path_words(path)}: {_value(old)} → {_value(new)}")
    return tuple(lines)


_PLAN_TERMS: Final = {
    "base_usd": "simulated base price",
    "included": "uses included a month",
    "overage_usd": "price per use beyond the allowance",
    "per_call_usd": "price per use",
    "removed": "features taken off",
    "fair_use_usd": "fair-use threshold on monthly inference",
    "seat_usd": "price per seat",
    "min_seats": "minimum seats",
    "seats_from": "seats counted from",
    "tiers": "tiers",
    "outcome_usd": "price per outcome",
    "commitment_usd": "prepaid commitment",
    "commitment_period": "commitment period",
    "breakage": "share of unused commitment that expires",
}


def _default(path: str) -> object:
    """The value a path missing from a scenario's JSON stands for: a plan field's default for
    a plan the price book does not list, else nothing."""
    parts = path.split(".")
    if parts[:2] == ["price_book", "plans"] and len(parts) >= 4:
        # A plan added to the price book changes only the fields it sets.
        return _flat(EMPTY_PLAN.to_dict()).get(".".join(parts[3:]))
    return None


_TOP_TERMS: Final = {
    "churn": "monthly churn",
    "cac_usd": "CAC",
    "prices": "price of the history's months",
    "cost_multipliers": "inference cost multiplier",
    "model_swaps": "model swap",
    "feature_categories": "category",
    "targets": "target gross margin",
}


def _path_words(path: str) -> str:
    """A scenario JSON path in words: plans and features named, the field said plainly."""
    parts = path.split(".")
    if parts[:2] == ["price_book", "plans"] and len(parts) >= 4:
        plan, term, *rest = parts[2:]
        words = _PLAN_TERMS.get(term, term)
        return f"{plan}: {rest[0]} {words}" if rest else f"{plan}: {words}"
    if parts[0] == "price_book" and len(parts) >= 2 and parts[1] in _TOP_TERMS:
        return f"{_TOP_TERMS[parts[1]]} of {'.'.join(parts[2:])}"
    if parts[0] in _TOP_TERMS:
        words = _TOP_TERMS[parts[0]]
        return f"{words} of {'.'.join(parts[1:])}" if len(parts) > 1 else words
    head, *rest = (part.replace("_", " ") for part in parts)
    return f"{head}: {' '.join(rest)}" if rest else head


def _flat(value: object, path: str = "") -> dict[str, object]:
    """Leaf values of a scenario's JSON by dotted path; an empty map or list is no value."""
    if isinstance(value, Mapping):
        out: dict[str, object] = {}
        for key, item in value.items():
            out |= _flat(item, f"{path}.{key}" if path else str(key))
        return out
    if value == []:
        return {}
    if isinstance(value, list) and all(isinstance(item, Mapping) for item in value):
        out = {}
        for index, item in enumerate(value):
            out |= _flat(item, f"{path}.{index + 1}")
        return out
    return {path: value}


def _value(value: object) -> str:
    if value is None or value in ({}, []):
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value)
    return str(value)
