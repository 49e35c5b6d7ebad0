"""A 12-month projection: today's customers and the recent acquisition rate carried forward,
at current pricing and at the simulated price book.

For each segment g (each customer in the segment of its latest month) and each month k = 1 … K
after the window's last month T:

- **customers** C_g(k) = Σ over today's customers i of g: r_g(nᵢ, k)
  + A_g × Σ_{j=1..k} r_g(0, k − j).
  Today's customers are those active in T; nᵢ, a customer's tenure, is the months from its
  first active month of the window to T (0 for a customer who joined in T). r_g(n, k) is the
  probability that a customer of tenure n is still active k months later (r_g(n, 0) = 1): by
  default the segment's monthly churn c_g (:func:`econ.measures.revenue_churn`, or the
  scenario's), r = (1 − c_g)^k, constant-churn geometric survival; from a fitted
  shifted-beta-geometric curve, r = S(n + k) ÷ S(n), its conditional survival (Fader & Hardie
  2007, "How to project customer retention": S(t) = B(α, β + t) ÷ B(α, β), so r is the product
  of the retention rates r_t = (β + t − 1) ÷ (α + β + t − 1) for t = n + 1 … n + k;
  :func:`sbg_curve`, :func:`sbg_retention`). A segment without a curve uses its churn; one
  without an estimated churn uses the blended row's, else 0.
- **acquisition** A = the scenario's ``retention.new_customers_per_month``, else the mean number
  of customers whose first active month is one of the window's last 3 months (the window's
  first month is left out: who was new in it cannot be told); A_g = A × the segment's share of
  those new customers (of today's customers when there were none).
- **revenue** R_g(k) = C_g(k) × ARPA_g, with ARPA_g = Σ MRR ÷ customer-months of g over the
  window's last 3 months: the recorded (current) MRR, or the simulated bill of
  :func:`econ.decisions.pricing.simulated_customer_months` (simulated).
- **inference** I_g(k) = C_g(k) × Σ over features f of u_{g,f}(k). u_{g,f}(t), feature f's cost
  per active customer-month of g in month t, is fitted over the window's last 6 months by a
  log-linear least-squares trend ln u = a + b t (t = 0 in T; months where f cost nothing are left
  out, as the log of 0 is undefined) and extended: u_{g,f}(k) = e^(a + b k). A growing cost per
  customer-month is the compute spiral of reference article 000: heavier use, longer contexts and
  agentic features raise what each paying customer costs month after month. The monthly growth
  e^b − 1 is capped at +25% (:data:`MAX_MONTHLY_GROWTH`), and a fall at the same factor inverted
  (−20%): |b| ≤ ln 1.25, a refitted at the capped b as ȳ − b t̄, since a
  steeper six-month trend compounds to absurd figures in a year; a capped trend is listed in
  :attr:`Projection.notes`. One month of cost is extended flat.
- **burdens** B_g(k) = C_g(k) × the mean AI infra + support + CS of g's customer-months over the
  window's last 3 months (:func:`econ.measures.compute_burdens`, as the scenario sets them).
- **gross profit** = R − I − B (:func:`econ.measures.gross_profit`), **gross margin** = gross
  profit ÷ R (:func:`econ.measures.gross_margin`), per segment and for ``all`` (sums over
  segments).

The simulated price book changes revenue and inference only: customers, churn and acquisition
are the same at both pricings. An empty price book therefore projects exactly the current view.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.decisions.pricing import Simulation
from econ.inputs.prepare import CUSTOMER_CODE
from econ.model.customer_months import COUNTED_REVENUE_USD, SEGMENT, CustomerMonths, Window
from econ.model.customer_months.runs import index_of, month_index
from econ.model.report import Report, clean, records
from econ.model.retention.sbg import SbgFit, retention_rate
from econ.model.retention.value import fits_of
from econ.scenario.assumptions import ALL

RetentionCurve: TypeAlias = Callable[[int, int], float]
"""r(n, k): the probability that a customer active at tenure n is still active k months later."""

Pricing: TypeAlias = Literal["current", "simulated"]
PRICINGS: Final[tuple[Pricing, ...]] = ("current", "simulated")

MONTHS: Final = 12
"""Months projected after the window's last month."""

RECENT_MONTHS: Final = 3
"""Months at the end of the window that set ARPA, burdens and the acquisition rate."""

TREND_MONTHS: Final = 6
"""Months at the end of the window the cost trend is fitted on."""

MAX_MONTHLY_GROWTH: Final = 0.25
"""The largest monthly growth (or, inverted, decline) of a feature's cost per customer-month."""

PROJECTION_SCHEMA: Final = pl.Schema(
    {
        s.MONTH: pl.Date(),
        "segment": pl.String(),
        "pricing": pl.String(),
        "customers": pl.Float64(),
        "revenue_usd": pl.Float64(),
        "inference_usd": pl.Float64(),
        "gross_profit_usd": pl.Float64(),
        "gross_margin": pl.Float64(),
    }
)
"""Per projected month, segment (reading order, ``all`` last) and pricing (current first):
expected customers and the month's revenue, inference, gross profit and gross margin."""

COST_TREND_SCHEMA: Final = pl.Schema(
    {
        "segment": pl.String(),
        "pricing": pl.String(),
        s.FEATURE_ID: pl.String(),
        "months_fitted": pl.Int64(),
        "cost_per_cm_usd": pl.Float64(),
        "fitted_growth": pl.Float64(),
        "monthly_growth": pl.Float64(),
        "capped": pl.Boolean(),
    }
)
"""Per segment, pricing and feature: the months fitted, the trend's cost per customer-month in
the window's last month, its monthly growth as fitted (null from one month) and as used."""


@dataclass(frozen=True)
class Projection:
    """The projection and what it assumed.

    Attributes:
        frame: :data:`PROJECTION_SCHEMA` rows.
        customers_today: customers active in the window's last month.
        new_customers_per_month: the acquisition rate A used, over all segments.
        acquisition_source: ``"scenario"`` (the override) or ``"data"`` (the recent rate).
        acquisition_shares: each segment's share of new customers.
        cost_trends: :data:`COST_TREND_SCHEMA` rows.
        notes: assumptions filled in and trends capped, in words.
    """

    frame: pl.DataFrame
    customers_today: int
    new_customers_per_month: float
    acquisition_source: Literal["scenario", "data"]
    acquisition_shares: Mapping[str, float]
    cost_trends: pl.DataFrame
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the rows, the acquisition rate and shares, the cost trends, the notes."""
        return {
            "customers_today": self.customers_today,
            "new_customers_per_month": clean(self.new_customers_per_month),
            "acquisition_source": self.acquisition_source,
            "acquisition_shares": {k: clean(v) for k, v in self.acquisition_shares.items()},
            "rows": records(self.frame),
            "cost_trends": records(self.cost_trends),
            "notes": list(self.notes),
        }


def constant_churn(churn: float) -> RetentionCurve:
    """r(n, k) = (1 − churn)^k: geometric survival at a constant monthly churn, whatever the
    tenure (the simple model behind LTV = profit ÷ churn, reference article 001)."""

    def curve(tenure: int, months: int) -> float:
        """(1 − churn)^months, whatever the tenure."""
        return (1.0 - churn) ** months

    return curve


def sbg_curve(alpha: float, beta: float) -> RetentionCurve:
    """r(n, k) = S(n + k) ÷ S(n) = Π_{t = n+1 … n+k} r_t with r_t = (β + t − 1) ÷ (α + β + t − 1):
    the shifted-beta-geometric survival of a customer who has already stayed n periods (Fader &
    Hardie 2007, "How to project customer retention", the retention rates of eq. 5 chained;
    :func:`econ.model.retention.sbg.retention_rate`). It rises with tenure: those who stayed
    are the ones less likely to leave."""

    def curve(tenure: int, months: int) -> float:
        """Π of the retention rates of periods tenure + 1 … tenure + months."""
        kept = 1.0
        for period in range(tenure + 1, tenure + months + 1):
            kept *= retention_rate(alpha, beta, period)
        return kept

    return curve


def sbg_fits(report: Report) -> dict[str, SbgFit]:
    """Each segment's sBG fit, as the report's retention table holds it (fitted once per
    customer-months: :attr:`econ.model.report.Report.retention`); the blended row left out, as
    the projection is per segment."""
    return {name: fit for name, fit in fits_of(report.retention).items() if name != ALL}


def sbg_retention(fits: Mapping[str, SbgFit]) -> dict[str, RetentionCurve]:
    """The retention curves of the fits that have parameters (:func:`sbg_curve`); a segment
    whose fit is null is left out, so :func:`project` uses its monthly churn."""
    return {
        name: sbg_curve(fit.alpha, fit.beta)
        for name, fit in fits.items()
        if fit.alpha is not None and fit.beta is not None
    }


def project(
    report: Report,
    simulation: Simulation,
    *,
    retention: Mapping[str, RetentionCurve] | None = None,
    months: int = MONTHS,
) -> Projection:
    """The next ``months`` months after the window (see the module docstring).

    ``retention`` maps a segment to its r(n, k); a segment missing from it uses its monthly
    churn, with a note (None: every segment uses its churn, silently). The scenario's
    ``retention.new_customers_per_month``, when set, replaces the recent acquisition rate.
    """
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    cms = report.customer_months
    notes: list[str] = []
    segments = [name for name in report.segments["segment"].to_list() if name != ALL]
    curves = _curves(report.segments, segments, retention, notes)
    acquisition = _acquisition(
        cms, segments, report.scenario.retention.new_customers_per_month, notes
    )
    tenures = _tenures(cms)
    customers = {
        name: _expected_customers(
            tenures.get(name, {}), acquisition.per_segment[name], curves[name], months
        )
        for name in segments
    }
    rows: list[dict[str, Any]] = []
    trends: list[pl.DataFrame] = []
    unit, trend = _unit_economics(cms), _cost_trends(cms)
    for pricing, source in zip(PRICINGS, (cms, simulation.simulated), strict=True):
        if source is not cms:  # an empty price book simulates the customer-months themselves
            unit, trend = _unit_economics(source), _cost_trends(source)
        trends.append(trend.with_columns(pl.lit(pricing).alias("pricing")))
        inference = _inference_per_cm(trend, months)
        rows += _rows(cms.window, pricing, customers, unit, inference)
    cost_trends = (
        pl.concat(trends).select(COST_TREND_SCHEMA.names()).sort("pricing", "segment", s.FEATURE_ID)
    )
    notes += _trend_notes(cost_trends.filter(pl.col("pricing") == "current"))
    return Projection(
        frame=_with_total(rows, segments, cms.window, months),
        customers_today=sum(sum(counts.values()) for counts in tenures.values()),
        new_customers_per_month=acquisition.total,
        acquisition_source=acquisition.source,
        acquisition_shares=acquisition.shares,
        cost_trends=cost_trends,
        notes=tuple(notes),
    )


def _trend_notes(trends: pl.DataFrame) -> list[str]:
    """What a reader must know about the cost trends: which features' were capped, and when
    they were fitted on fewer months than :data:`TREND_MONTHS` (a year ahead from a quarter of
    history is an extrapolation, said so rather than shown as a forecast)."""
    notes = []
    capped = trends.filter(pl.col("capped"))
    if capped.height:
        features = sorted(set(capped[s.FEATURE_ID].to_list()))
        named = ", ".join(repr(f) for f in features[:5]) + (
            " and others" if len(features) > 5 else ""
        )
        notes.append(
            f"The cost per customer of {named} grew faster than {MAX_MONTHLY_GROWTH:.0%} a month "
            "(or fell faster than the same factor inverted) and is capped at that rate "
            f"({capped.height} segment and feature trends)"
        )
    fitted = trends["months_fitted"].max()
    if isinstance(fitted, int) and 1 < fitted < TREND_MONTHS:
        notes.append(
            f"Cost trends are fitted on {fitted} months, fewer than the {TREND_MONTHS} the "
            "projection is built for: read a year ahead from so little history as an "
            "extrapolation, not a forecast"
        )
    return notes


def _curves(
    table: pl.DataFrame,
    segments: list[str],
    given: Mapping[str, RetentionCurve] | None,
    notes: list[str],
) -> dict[str, RetentionCurve]:
    """Each segment's retention: the one given, else its churn, the blended churn, or none;
    a note for each segment left without a curve when curves were given."""
    churn = dict(zip(table["segment"].to_list(), table["churn"].to_list(), strict=True))
    curves: dict[str, RetentionCurve] = {}
    for name in segments:
        if given is not None and name in given:
            curves[name] = given[name]
            continue
        if given is not None:
            notes.append(f"segment {name!r} has no retention curve; its monthly churn is used")
        rate = churn.get(name)
        if rate is None:
            rate = churn.get(ALL)
            notes.append(
                f"segment {name!r} has no churn estimate; "
                + ("the blended churn is used" if rate is not None else "no churn is assumed")
            )
        curves[name] = constant_churn(rate or 0.0)
    return curves


@dataclass(frozen=True)
class _Acquisition:
    total: float
    source: Literal["scenario", "data"]
    shares: dict[str, float]
    per_segment: dict[str, float]


def _firsts(cms: CustomerMonths) -> pl.DataFrame:
    """Per customer, in customer order: its first active month of the window and that month's
    segment (the frame is sorted by customer and month: a customer's first row)."""
    return cms.frame.filter(pl.col(CUSTOMER_CODE).is_first_distinct()).select(
        s.CUSTOMER_ID, s.MONTH, pl.col(SEGMENT).cast(pl.String)
    )


def _acquisition(
    cms: CustomerMonths, segments: list[str], override: float | None, notes: list[str]
) -> _Acquisition:
    """The acquisition rate (the override, else the recent mean) and its split over segments."""
    window = cms.window
    recent = min(RECENT_MONTHS, window.months - 1)
    start = index_of(window.last) - recent + 1
    new = _firsts(cms).filter(month_index(s.MONTH) >= start) if recent else None
    counts = _counts(new, segments) if new is not None else dict.fromkeys(segments, 0)
    if not sum(counts.values()):
        today = cms.frame.filter(pl.col(s.MONTH) == window.last)
        counts = _counts(today, segments)
    if recent == 0 and override is None:
        notes.append("one month of data shows no new customers: none are projected")
    observed = new.height / recent if new is not None and recent else 0.0
    total = observed if override is None else override
    whole = sum(counts.values())
    shares = {name: counts[name] / whole if whole else 0.0 for name in segments}
    return _Acquisition(
        total=total,
        source="data" if override is None else "scenario",
        shares=shares,
        per_segment={name: total * share for name, share in shares.items()},
    )


def _counts(frame: pl.DataFrame, segments: list[str]) -> dict[str, int]:
    """Rows of ``frame`` per segment (one per customer here), 0 for a segment without any."""
    found = dict(frame.group_by(pl.col(SEGMENT).cast(pl.String)).len().iter_rows())
    return {name: int(found.get(name, 0)) for name in segments}


def _tenures(cms: CustomerMonths) -> dict[str, dict[int, int]]:
    """Per segment of today's customers (active in the window's last month): how many have each
    tenure, in months since their first active month of the window."""
    last = cms.window.last
    firsts = _firsts(cms).select(s.CUSTOMER_ID, pl.col(s.MONTH).alias("_first"))
    today = (
        cms.frame.filter(pl.col(s.MONTH) == last)
        .join(firsts, on=s.CUSTOMER_ID)
        .select(
            pl.col(SEGMENT).cast(pl.String),
            (index_of(last) - month_index("_first")).alias("tenure"),
        )
        .group_by(SEGMENT, "tenure")
        .len()
    )
    out: dict[str, dict[int, int]] = {}
    for segment, tenure, count in today.iter_rows():
        out.setdefault(segment, {})[int(tenure)] = int(count)
    return out


def _expected_customers(
    tenures: Mapping[int, int], new_per_month: float, curve: RetentionCurve, months: int
) -> list[float]:
    """C(k) for k = 1 … months: today's customers surviving at their tenure, plus each month's
    new customers surviving since they joined."""
    out = []
    for k in range(1, months + 1):
        existing = sum(count * curve(tenure, k) for tenure, count in tenures.items())
        joined = new_per_month * sum(curve(0, k - j) for j in range(1, k + 1))
        out.append(existing + joined)
    return out


@dataclass(frozen=True)
class _Unit:
    """Per segment, per customer-month over the recent months: revenue and burdens."""

    arpa: dict[str, float]
    burdens: dict[str, float]


def _unit_economics(cms: CustomerMonths) -> _Unit:
    start = index_of(cms.window.last) - RECENT_MONTHS + 1
    sums = (
        cms.frame.filter(month_index(s.MONTH) >= start)
        .group_by(pl.col(SEGMENT).cast(pl.String))
        .agg(
            pl.col(COUNTED_REVENUE_USD).mean().alias("arpa"),
            m.compute_burdens().mean().alias("burdens"),
        )
    )
    return _Unit(
        arpa=dict(zip(sums[SEGMENT].to_list(), sums["arpa"].to_list(), strict=True)),
        burdens=dict(zip(sums[SEGMENT].to_list(), sums["burdens"].to_list(), strict=True)),
    )


def _cost_trends(cms: CustomerMonths) -> pl.DataFrame:
    """Per segment and feature: the log-linear trend of cost per active customer-month over the
    window's last :data:`TREND_MONTHS` months (months with cost above 0)."""
    last = index_of(cms.window.last)
    recent = month_index(s.MONTH) > last - TREND_MONTHS
    cm_counts = (
        cms.frame.select(SEGMENT, s.MONTH)
        .filter(recent)
        .group_by(pl.col(SEGMENT).cast(pl.String), s.MONTH)
        .agg(pl.len().alias("_cms"))
    )
    points = (
        cms.usage.select(SEGMENT, s.FEATURE_ID, s.MONTH, s.COST_USD)
        .filter(recent)
        .group_by(pl.col(SEGMENT).cast(pl.String), s.FEATURE_ID, s.MONTH)
        .agg(pl.col(s.COST_USD).sum())
        .join(cm_counts, on=[SEGMENT, s.MONTH])
        .filter(pl.col(s.COST_USD) > 0)
        .select(
            SEGMENT,
            s.FEATURE_ID,
            (month_index(s.MONTH) - last).cast(pl.Float64).alias("t"),
            (pl.col(s.COST_USD) / pl.col("_cms")).log().alias("y"),
        )
        .sort(SEGMENT, s.FEATURE_ID, "t")
        .group_by(SEGMENT, s.FEATURE_ID, maintain_order=True)
        .agg("t", "y")
    )
    rows = [
        {SEGMENT: segment, s.FEATURE_ID: feature, **_fit(ts, ys)}
        for segment, feature, ts, ys in points.iter_rows()
    ]
    schema = {name: dtype for name, dtype in COST_TREND_SCHEMA.items() if name != "pricing"}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _fit(ts: Sequence[float], ys: Sequence[float]) -> dict[str, Any]:
    """Least squares ln u = a + b t, b capped at ±ln(1 + :data:`MAX_MONTHLY_GROWTH`) and a then
    refitted (a = ȳ − b t̄); one point gives b = 0."""
    n = len(ts)
    t_mean, y_mean = sum(ts) / n, sum(ys) / n
    spread = sum((t - t_mean) ** 2 for t in ts)
    fitted = (
        sum((t - t_mean) * (y - y_mean) for t, y in zip(ts, ys, strict=True)) / spread
        if spread > 0
        else None
    )
    limit = math.log1p(MAX_MONTHLY_GROWTH)
    slope = max(-limit, min(limit, fitted or 0.0))
    intercept = y_mean - slope * t_mean
    return {
        "months_fitted": n,
        "cost_per_cm_usd": math.exp(intercept),
        "fitted_growth": math.expm1(fitted) if fitted is not None else None,
        "monthly_growth": math.expm1(slope),
        "capped": fitted is not None and abs(fitted) > limit,
    }


def log_linear_trend(ts: Sequence[float], ys: Sequence[float]) -> dict[str, Any]:
    """The least-squares trend ln u = a + b t of the points (t, ln u), with b capped at
    ±ln(1 + :data:`MAX_MONTHLY_GROWTH`) (see the module docstring): ``months_fitted``,
    ``cost_per_cm_usd`` (e^a, the level at t = 0), ``fitted_growth`` (e^b − 1 uncapped; None
    from one month), ``monthly_growth`` (capped; 0 from one month) and ``capped``. ``ys`` are
    logarithms; at least one point."""
    return _fit(ts, ys)


def _inference_per_cm(trends: pl.DataFrame, months: int) -> dict[str, list[float]]:
    """Per segment, for k = 1 … months: Σ over features of the trend's cost per customer-month
    u(k) = u(0) × (1 + growth)^k."""
    out: dict[str, list[float]] = {}
    for segment, level, growth in trends.select(
        SEGMENT, "cost_per_cm_usd", "monthly_growth"
    ).iter_rows():
        per_month = out.setdefault(segment, [0.0] * months)
        for k in range(1, months + 1):
            per_month[k - 1] += level * (1.0 + growth) ** k
    return out


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``day``'s."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _rows(
    window: Window,
    pricing: Pricing,
    customers: Mapping[str, list[float]],
    unit: _Unit,
    inference: Mapping[str, list[float]],
) -> list[dict[str, Any]]:
    """One row per segment and month at one pricing (gross margin filled in by the caller)."""
    rows = []
    for segment, expected in customers.items():
        arpa, burden = unit.arpa.get(segment, 0.0), unit.burdens.get(segment, 0.0)
        cost = inference.get(segment, [0.0] * len(expected))
        for k, count in enumerate(expected, start=1):
            revenue, spent = count * arpa, count * cost[k - 1]
            rows.append(
                {
                    s.MONTH: _add_months(window.last, k),
                    "segment": segment,
                    "pricing": pricing,
                    "customers": count,
                    "revenue_usd": revenue,
                    "inference_usd": spent,
                    "gross_profit_usd": m.gross_profit(revenue, spent, count * burden),
                }
            )
    return rows


def _with_total(
    rows: list[dict[str, Any]], segments: list[str], window: Window, months: int
) -> pl.DataFrame:
    """The segment rows, the ``all`` rows summing them (zero without segments), gross margin,
    in order."""
    sums = ("customers", "revenue_usd", "inference_usd", "gross_profit_usd")
    totals = {
        (_add_months(window.last, k), pricing): dict.fromkeys(sums, 0.0)
        for k in range(1, months + 1)
        for pricing in PRICINGS
    }
    for row in rows:
        total = totals[row[s.MONTH], row["pricing"]]
        for name in sums:
            total[name] += row[name]
    every = rows + [
        {s.MONTH: month, "segment": ALL, "pricing": pricing, **values}
        for (month, pricing), values in totals.items()
    ]
    order = {name: index for index, name in enumerate([*segments, ALL])}
    return (
        pl.DataFrame(
            every, schema={k: v for k, v in PROJECTION_SCHEMA.items() if k != "gross_margin"}
        )
        .with_columns(
            m.gross_margin(pl.col("gross_profit_usd"), pl.col("revenue_usd")).alias("gross_margin"),
            pl.col("segment").replace_strict(order, return_dtype=pl.Int64).alias("_order"),
        )
        .sort(s.MONTH, "_order", "pricing")
        .select(PROJECTION_SCHEMA.names())
    )
