"""The Summary's headline findings: plain sentences with their numbers, ranked by the dollars a
month each puts at stake.

Eight kinds of finding, each only where it applies, each from figures the report already holds
(every number by its one definition in :mod:`econ.measures`, every name by
:mod:`econ.present.labels`):

================== ============================================== ===========================
kind               what it says                                   dollars a month at stake
================== ============================================== ===========================
below_benchmark    a segment of any segmentation (usage tier,     the gross profit it lacks
                   plan, each segment column) whose compute-      to reach 3:1 at its churn
                   adjusted LTV:CAC is under 3:1 (article 001),   and CAC:
                   by how much, and its CAC payback               :func:`profit_shortfall`
                                                                  × its customer-months a
                                                                  month
power_users        power users' compute-adjusted LTV against      the gross profit the
                   their traditional LTV (article 001's heavy     traditional view credits
                   users), and their margin against light users'  them with and they do not
                                                                  make: (traditional profit −
                                                                  gross profit) × their
                                                                  customer-months a month
losing_features    the features that lose money (article 002)     their loss a month
losing_plans       plans, and features on a plan, that lose       the loss a month of every
                   money (article 002's per-tier margins)         losing plan × feature pair
loss_concentration how many customers lose money after compute,   their loss a month
                   and how much of the loss the worst tenth makes
recommendations    the top 3 recommendations (distinct plan and   the first one's gross-profit
                   feature), each with its monthly impact         impact (each is measured
                                                                  alone, so they are not
                                                                  added)
compute_spiral     the feature whose inference cost per           the gross profit a month it
                   customer-month grows fastest ahead of its      loses in 6 months if both
                   revenue over the last N months (article 000's  trends continue
                   compute spiral as a trend), since when, and    (:mod:`econ.present.spiral`)
                   where its margin heads in 6 and 12 months
inference_share    whether compute-adjusted LTV matters here:     none (a rule, not an amount)
                   above 10% of revenue it does, below 5% the
                   standard gross-margin LTV is enough
                   (article 001)
================== ============================================== ===========================

A month's amount is the window's amount ÷ the window's months. **Ranking**: by dollars a month,
largest first (to the cent); findings without an amount after them, in the order of the table
above; then by key. **Choice**: at most :data:`MAX_FINDINGS`: the best finding of every kind
that applies first (there are eight kinds, so each that applies is shown), then the next best of
any kind. Segments below 3:1 that are not a finding of their own are named in the ``details`` of
the best one shown.

A segmentation other than the scenario's is analyzed with the scenario re-segmented as the
Segment LTV page's "Segment customers by" control does it
(:func:`econ.scenario.edits.with_segmentation`): per-segment maps of the old segments no longer
apply, so churn is measured from the data (a single given rate stays) and CAC and burdens keep
one number. The sentence says when the churn was measured and when the CAC is an average, and
its figures are those the Segment LTV page shows for that segmentation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final, Literal

import polars as pl

from econ import formats
from econ import measures as m
from econ import schema as s
from econ.decisions.recommend import Recommendation
from econ.inputs.dataset import Dataset
from econ.model.customer_months import TIER_LIGHT, TIER_POWER
from econ.model.report import Report, analyze_dataset
from econ.present import facts, labels, views
from econ.present.company import signed_percent
from econ.present.kpis import monthly_totals
from econ.present.spiral import spiral_trend_sentence, spiral_trends
from econ.scenario.assumptions import ALL, Scenario
from econ.scenario.edits import with_segmentation

FindingKind = Literal[
    "below_benchmark",
    "power_users",
    "losing_features",
    "losing_plans",
    "loss_concentration",
    "recommendations",
    "compute_spiral",
    "inference_share",
]

KIND_ORDER: Final[tuple[FindingKind, ...]] = (
    "below_benchmark",
    "power_users",
    "losing_features",
    "losing_plans",
    "loss_concentration",
    "recommendations",
    "compute_spiral",
    "inference_share",
)
"""The kinds of finding, in the order findings without a dollar amount (and ties) are ranked."""

MAX_FINDINGS: Final = 8
"""The most findings a summary shows: one screen."""

TOP_RECOMMENDATIONS: Final = 3
"""Recommendations the recommendations finding names."""

LISTED: Final = 3
"""Features, plans or pairs a sentence names before "and N more"."""

PAGE_TITLES: Final[Mapping[str, str]] = {
    "segment-ltv": "Segment LTV",
    "feature-margins": "Feature margins",
    "tiers-pricing": "Tiers & pricing",
    "projection-12-months": "Projection",
    "company-by-month": "Company by month",
    "methods": "Methods",
    "data": "Data",
}
"""The app's pages by URL path, with the titles its navigation shows."""

_PAGE_OF: Final[Mapping[FindingKind, str]] = {
    "below_benchmark": "segment-ltv",
    "power_users": "segment-ltv",
    "losing_features": "feature-margins",
    "losing_plans": "tiers-pricing",
    "loss_concentration": "segment-ltv",
    "recommendations": "tiers-pricing",
    "compute_spiral": "company-by-month",
    "inference_share": "segment-ltv",
}
"""The page that explains each kind of finding."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One headline finding.

    Attributes:
        key: a stable id, ``kind`` or ``kind:segmentation:segment`` (``below_benchmark:plan:
            Starter``).
        headline: one plain sentence with its numbers (no Markdown: a page escapes it).
        impact_usd: the dollars a month at stake, the ranking key (see the module docstring);
            ``None`` for a finding that is no dollar amount.
        page: the URL path of the page that explains it.
        page_title: that page's title.
        details: further plain sentences (segments also below 3:1).
        segment_by: the segmentation the page shows it under, for a segment's finding.
        brief: a few words naming it with its figure, for a list ("SMB customers (company
            size) 2.2x").
    """

    key: str
    headline: str
    impact_usd: float | None
    page: str
    page_title: str
    details: tuple[str, ...] = ()
    segment_by: str | None = None
    brief: str = ""

    @property
    def impact_label(self) -> str:
        """What its dollars a month are: a gap to a target for a segment below 3:1 (money it
        would need to earn, not money it loses), else the amount at stake."""
        if self.impact_usd is None:
            return ""
        amount = formats.money(self.impact_usd, cents=False)
        if self.kind == "below_benchmark":
            return f"{amount} a month short of 3:1"
        return f"{amount} a month at stake"

    @property
    def kind(self) -> FindingKind:
        """The kind of finding, the first part of its key."""
        kind = self.key.split(":", 1)[0]
        for known in KIND_ORDER:
            if known == kind:
                return known
        raise ValueError(f"a finding's key starts with its kind, one of {KIND_ORDER}: {self.key!r}")


Analyze = Callable[[Scenario], Report]
"""How a re-segmented scenario's report is made (the app passes its cached reports)."""


def finding(
    kind: FindingKind,
    headline: str,
    impact: float | None,
    *,
    key: str | None = None,
    segment_by: str | None = None,
    brief: str = "",
) -> Finding:
    """A finding of ``kind``, linked to the page that explains that kind."""
    page = _PAGE_OF[kind]
    return Finding(
        key=key or kind,
        headline=headline,
        impact_usd=impact,
        page=page,
        page_title=PAGE_TITLES[page],
        segment_by=segment_by,
        brief=brief,
    )


def rank(found: Finding) -> tuple[bool, float, int, str]:
    """Dollars a month to the cent, largest first; findings without an amount after, in
    :data:`KIND_ORDER`; then by key."""
    impact = found.impact_usd
    return (
        impact is None,
        -round(impact, 2) if impact is not None else 0.0,
        KIND_ORDER.index(found.kind),
        found.key,
    )


def choose(candidates: Iterable[Finding], limit: int = MAX_FINDINGS) -> tuple[Finding, ...]:
    """At most ``limit`` findings, ranked: the best of every kind first, then the next best of
    any kind; segments below 3:1 left out are named in the details of the best one shown."""
    ranked = sorted(candidates, key=rank)
    best: dict[FindingKind, Finding] = {}
    for found in ranked:
        best.setdefault(found.kind, found)
    chosen = list(best.values())[:limit]
    chosen += [found for found in ranked if found not in chosen][: limit - len(chosen)]
    chosen.sort(key=rank)
    left_out = [f for f in ranked if f.kind == "below_benchmark" and f not in chosen]
    if left_out:
        index = next(i for i, f in enumerate(chosen) if f.kind == "below_benchmark")
        chosen[index] = replace(chosen[index], details=(_also_below(left_out),))
    return tuple(chosen)


def findings(
    data: Dataset,
    scenario: Scenario,
    report: Report,
    recommendations: Sequence[Recommendation],
    *,
    analyze: Analyze | None = None,
) -> tuple[Finding, ...]:
    """The ranked findings of ``report`` (``scenario``'s, on ``data``), scanning every
    segmentation of ``data``; ``analyze`` makes the report of a re-segmented scenario (by
    default :func:`econ.analyze_dataset` on ``data``)."""
    by = segmentation_reports(data, scenario, report, analyze)
    candidates = [
        *(
            found
            for segment_by, segmented in by.items()
            for found in below_benchmark(segmented, segment_by, scenario)
        ),
        *power_users(by.get(s.USAGE_TIER)),
        *losing_features(report),
        *losing_plans(report, by.get(s.PLAN)),
        *loss_concentration(report),
        *top_recommendations(recommendations, report),
        *compute_spiral(report),
        inference_verdict(report),
    ]
    return choose(candidates)


def segmentation_reports(
    data: Dataset, scenario: Scenario, report: Report, analyze: Analyze | None = None
) -> dict[str, Report]:
    """The report under every segmentation of ``data`` (:func:`econ.present.facts.
    segmentations`): ``report`` itself for the scenario's own, the others re-segmented."""
    make = analyze or (lambda other: analyze_dataset(data, other))
    return {
        segment_by: report
        if segment_by == scenario.segment_by
        else make(with_segmentation(scenario, segment_by))
        for segment_by in facts.segmentations(data)
    }


# -- words ---------------------------------------------------------------------------------------


def dollars(amount: float) -> str:
    """Money in a finding (:func:`econ.formats.money`: whole dollars from $1,000, cents
    below)."""
    return formats.money(amount)


def per_month(amount: float) -> str:
    """Money a month: "$3,539 a month"."""
    return f"{dollars(amount)} a month"


def listed(items: Sequence[str], limit: int = LISTED) -> str:
    """``a``, ``a and b``, ``a, b and c``; more than ``limit`` end "and N more"."""
    shown = list(items[:limit])
    if len(items) > limit:
        shown.append(f"{len(items) - limit} more")
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def who(segment: str, segment_by: str) -> tuple[str, bool]:
    """How a sentence names a segment, and whether that name is plural: "Light users", "The
    Starter plan", "SMB customers (company size)", "All customers together"."""
    if segment == ALL:
        return "All customers together", True
    if segment_by == s.USAGE_TIER:
        return labels.segment_label(segment, segment_by), True
    name = labels.segment_label(segment, segment_by)
    if segment_by == s.PLAN:
        return (f"The {name}" if name.lower().endswith("plan") else f"The {name} plan"), False
    return f"{name} customers ({labels.segmentation_label(segment_by).lower()})", True


def short_name(segment: str, segment_by: str) -> str:
    """A segment's name in a list: "Starter plan", "light users", "SMB customers" (a name made
    of a lower-case identifier reads lower-case mid-sentence)."""
    name = who(segment, segment_by)[0].removeprefix("The ").split(" (", 1)[0]
    return name[:1].lower() + name[1:] if segment == segment.lower() else name


def _verb(plural: bool, singular: str, many: str) -> str:
    return many if plural else singular


def _reason(row: Mapping[str, Any], column: str) -> str | None:
    """Why ``column`` of a segment row is null, from its ``null_reasons``."""
    prefix = f"{column}: "
    return next(
        (reason[len(prefix) :] for reason in row["null_reasons"] if reason.startswith(prefix)),
        None,
    )


# -- segments below 3:1 --------------------------------------------------------------------------


def profit_shortfall(row: Mapping[str, Any], lifetime_months: float | None) -> float | None:
    """A segment row's :func:`econ.measures.gross_profit_gap_to_ltv_cac`, from the LTV its
    LTV:CAC uses (simple or sBG); ``None`` when the LTV:CAC or the lifetime is undefined."""
    ratio, cac = row["ltv_cac"], row["cac_usd"]
    if ratio is None or cac is None or not lifetime_months:
        return None
    ltv = float(ratio) * float(cac)  # the LTV that LTV:CAC uses, simple or sBG
    return m.gross_profit_gap_to_ltv_cac(ltv, float(cac), lifetime_months)


def lifetime_months(row: Mapping[str, Any], report: Report) -> float | None:
    """The months of gross profit a segment's LTV counts: 1 ÷ churn (simple), or the sBG
    discounted expected lifetime when LTV:CAC uses the sBG LTV."""
    if row["ltv_method"] == "sbg":
        fitted = report.retention.filter(pl.col("segment") == row["segment"])
        return fitted["discounted_lifetime_months"][0] if fitted.height else None
    churn = row["churn"]
    return 1 / churn if churn else None


def below_benchmark(report: Report, segment_by: str, scenario: Scenario) -> list[Finding]:
    """One finding per segment of ``report`` (segmented by ``segment_by``) below 3:1 LTV:CAC;
    the blended row only under the scenario's own segmentation (it is the same in every one)."""
    found = []
    own = segment_by == scenario.segment_by
    for name in views.below_benchmark(report.segments)["segment"].to_list():
        if name == ALL and not own:
            continue
        row = report.segment(name)
        shortfall = profit_shortfall(row, lifetime_months(row, report))
        months = report.customer_months.window.months
        impact = None if shortfall is None else shortfall * row["customer_months"] / months
        found.append(
            finding(
                "below_benchmark",
                _below_sentence(row, segment_by, impact, cac_given=own or _one_cac(scenario)),
                impact,
                key=f"below_benchmark:{segment_by}:{name}",
                segment_by=segment_by,
                brief=f"{short_name(name, segment_by)} {formats.ratio(row['ltv_cac'])}",
            )
        )
    return found


def _one_cac(scenario: Scenario) -> bool:
    """Whether every segment of any segmentation has the scenario's own CAC (one number)."""
    return isinstance(scenario.cac_usd, float)


def _below_sentence(
    row: Mapping[str, Any], segment_by: str, impact: float | None, *, cac_given: bool
) -> str:
    subject, plural = who(row["segment"], segment_by)
    ratio = row["ltv_cac"]
    depth = (
        "far below"
        if ratio < m.LTV_CAC_BENCHMARK / 2
        else "just below"
        if ratio >= 0.9 * m.LTV_CAC_BENCHMARK
        else "below"
    )
    cac = "" if cac_given else f", against an average CAC of {formats.money(row['cac_usd'])}"
    its = _verb(plural, "its", "their")
    if ratio > 0:
        opening = (
            f"{subject} {_verb(plural, 'returns', 'return')} {formats.ratio(ratio)} {its} "
            f"acquisition cost (LTV:CAC){cac}, {depth} 3:1"
        )
    else:
        opening = (
            f"{subject} never {_verb(plural, 'earns', 'earn')} back {its} acquisition cost: "
            f"LTV:CAC is {formats.ratio(ratio)}{cac}, far below 3:1"
        )
    payback = row["payback_months"]
    paid = (
        f"CAC takes {formats.months(payback)} months to pay back"
        if payback is not None
        else f"CAC is never paid back ({_reason(row, 'payback_months') or 'no payback'})"
    )
    return f"{opening}; {paid}, {_needs(row, impact, plural=plural)}."


_CHURN_SOURCES: Final = {"estimated": "measured", "scenario": "given", "segments": "blended"}


def _needs(row: Mapping[str, Any], impact: float | None, *, plural: bool) -> str:
    """What reaching 3:1 takes, at which churn (measured from the data, given, or blended)."""
    churn = row["churn"]
    at = (
        f" at {_verb(plural, 'its', 'their')} "
        f"{_CHURN_SOURCES.get(row['churn_source'] or '', 'measured')} churn of "
        f"{formats.percent(churn, digits=2)} a month"
        if churn is not None
        else ""
    )
    if impact is None:
        return f"and the gross profit it lacks for 3:1{at} cannot be said (no lifetime)"
    return f"and 3:1{at} needs {dollars(impact)} more gross profit a month"


def _also_below(left_out: Sequence[Finding]) -> str:
    """One sentence naming the segments below 3:1 that are no finding of their own."""
    return f"Also below 3:1: {listed([found.brief for found in left_out], 2 * LISTED)}."


# -- power users ---------------------------------------------------------------------------------


def power_users(report: Report | None) -> list[Finding]:
    """Power users' compute-adjusted LTV against their traditional LTV, from the report
    segmented by usage tier; applies when the traditional view credits them with gross profit
    they do not make."""
    if report is None or TIER_POWER not in facts.segment_names(report.segments):
        return []
    row = report.segment(TIER_POWER)
    traditional = m.traditional_profit(
        row["arpa_usd"], row["hosting_usd"], row["support_usd"], row["cs_usd"]
    )
    months = report.customer_months.window.months
    impact = (traditional - row["gross_profit_usd"]) * row["customer_months"] / months
    if impact < m.HALF_CENT:
        return []
    light = (
        report.segment(TIER_LIGHT) if TIER_LIGHT in facts.segment_names(report.segments) else None
    )
    return [
        finding("power_users", _power_sentence(report, row, light), impact, segment_by=s.USAGE_TIER)
    ]


def _power_sentence(report: Report, row: Mapping[str, Any], light: Mapping[str, Any] | None) -> str:
    top = 100 - report.scenario.usage_tier_percentiles[1]
    subject = (
        f"Power users (top {top:g}% by inference cost, "
        f"{formats.count_of(row['customers'], 'customer')})"
    )
    margin = f"margin {formats.percent(row['gross_margin'])}" + (
        f" against {formats.percent(light['gross_margin'])} for light users" if light else ""
    )
    share = f"inference takes {formats.percent(row['inference_share'])} of their revenue"
    adjusted, traditional = row["ltv_compute_adjusted_usd"], row["ltv_traditional_usd"]
    if adjusted is None or traditional is None:
        why = _reason(row, "ltv_compute_adjusted_usd") or _reason(row, "ltv_traditional_usd")
        return (
            f"{subject}: {share}, {margin}; their LTV cannot be compared "
            f"({why or 'it is undefined'})."
        )
    lower = m.share(traditional - adjusted, traditional)
    gap = f", {formats.percent(lower)} below" if lower is not None and lower > 0 else " against"
    return (
        f"{subject} have a compute-adjusted LTV of {dollars(adjusted)}{gap} their "
        f"traditional {dollars(traditional)}: {share}; {margin}."
    )


# -- features and plans that lose money ----------------------------------------------------------


def losing_features(report: Report) -> list[Finding]:
    """The features whose gross profit over the window is negative, biggest loss first."""
    losses = facts.feature_losses(report.features)
    if losses.losers.is_empty():
        return []
    months = report.customer_months.window.months
    losers = losses.losers.sort("gross_profit_usd", s.FEATURE_ID)
    named = [
        f"{labels.feature_label(row[s.FEATURE_ID])} ({per_month(-row['gross_profit_usd'] / months)}"
        f"{_margin_words(row['gross_margin'])})"
        for row in losers.iter_rows(named=True)
    ]
    impact = losses.loss_usd / months
    if losers.height == 1:
        headline = (
            f"{named[0].replace(' (', ' loses ', 1).removesuffix(')')}, the only one of "
            f"{formats.count_of(losses.features, 'feature')} that loses money"
        )
    else:
        headline = (
            f"{losers.height} of {losses.features:,} features lose money, "
            f"{per_month(impact)} together: {listed(named)}"
        )
    crossed = _crossed(report, losers[s.FEATURE_ID][0])
    return [finding("losing_features", f"{headline}{crossed}.", impact)]


def _margin_words(margin: float | None) -> str:
    return ", no revenue allocated" if margin is None else f", a {formats.percent(margin)} margin"


def _crossed(report: Report, feature: str) -> str:
    """When the biggest loser's monthly margin last turned negative, if it did in the window."""
    crossings = views.crossings(views.feature_trend(report)).filter(pl.col(s.FEATURE_ID) == feature)
    if crossings.is_empty():
        return ""
    return f"; its margin turned negative in {crossings['crossed_in'][0]:%b %Y}"


def losing_plans(report: Report, by_plan: Report | None) -> list[Finding]:
    """Plans that lose money after compute (from the report segmented by plan), and the
    features that lose money on a plan (per-plan feature margins), biggest loss first."""
    months = report.customer_months.window.months
    pairs = views.losing_by_plan(views.features_by_plan(report))
    plans = _losing_plans(by_plan)
    if pairs.is_empty() and not plans:
        return []
    clauses = [
        f"{who(plan, s.PLAN)[0]} loses {per_month(loss)} after inference and AI costs"
        for plan, loss in plans
    ]
    clauses += _pair_clauses(report, pairs, months)
    impact = -float(pairs["gross_profit_usd"].sum()) / months if pairs.height else 0.0
    impact = max(impact, sum(loss for _, loss in plans))
    return [finding("losing_plans", "; ".join(clauses[:LISTED]) + ".", impact)]


def _losing_plans(by_plan: Report | None) -> list[tuple[str, float]]:
    """(plan, loss a month) of the plans whose gross profit is negative, biggest loss first."""
    if by_plan is None:
        return []
    months = by_plan.customer_months.window.months
    rows = by_plan.segments.filter(pl.col("segment") != ALL, pl.col("gross_profit_usd") < 0).sort(
        "gross_profit_usd", "segment"
    )
    return [
        (row["segment"], -row["gross_profit_usd"] * row["customer_months"] / months)
        for row in rows.iter_rows(named=True)
    ]


MATERIAL: Final = 0.1
"""A feature's loss on plans is named when it is at least this share of the biggest one's."""


def _pair_clauses(report: Report, pairs: pl.DataFrame, months: int) -> list[str]:
    """Per losing feature (biggest total loss first, those within :data:`MATERIAL` of the
    biggest): the plans it loses money on, and where it makes money; the smaller ones counted."""
    by_plan = views.features_by_plan(report)
    totals = (
        pairs.group_by(s.FEATURE_ID)
        .agg(pl.col("gross_profit_usd").sum())
        .sort("gross_profit_usd", s.FEATURE_ID)
    )
    if totals.is_empty():
        return []
    material = totals.filter(pl.col("gross_profit_usd") <= MATERIAL * totals["gross_profit_usd"][0])
    clauses = [
        _pair_clause(feature, pairs, by_plan, months)
        for feature in material[s.FEATURE_ID].to_list()
    ]
    smaller = pairs.filter(~pl.col(s.FEATURE_ID).is_in(material[s.FEATURE_ID].implode())).height
    if smaller:
        clauses.append(f"{smaller} more small {'loss' if smaller == 1 else 'losses'}")
    return clauses


def _pair_clause(feature: str, pairs: pl.DataFrame, by_plan: pl.DataFrame, months: int) -> str:
    """Where one feature loses money, and where it makes money."""
    losing = pairs.filter(pl.col(s.FEATURE_ID) == feature)
    where = [
        f"{dollars(-row['gross_profit_usd'] / months)}"
        f"{' a month' if index == 0 else ''} on {labels.words(row[s.PLAN])}"
        for index, row in enumerate(losing.iter_rows(named=True))
    ]
    earning = (
        by_plan.filter(pl.col(s.FEATURE_ID) == feature, pl.col("gross_profit_usd") > 0)
        .sort(s.PLAN)[s.PLAN]
        .to_list()
    )
    profitable = (
        f", and earns {'only ' if len(earning) == 1 else ''}on "
        f"{listed([labels.words(plan) for plan in earning])}"
        if earning
        else ""
    )
    return f"{labels.feature_label(feature)} loses {listed(where)}{profitable}"


# -- customers who lose money --------------------------------------------------------------------


def loss_concentration(report: Report) -> list[Finding]:
    """How many customers lose money after compute (inference and the AI infra, support and CS
    burdens), and how concentrated the losses are
    (:func:`econ.present.views.loss_concentration`)."""
    losses = views.loss_concentration(views.customer_profits(report.customer_months))
    if not losses.losing:
        return []
    impact = losses.loss_usd / report.customer_months.window.months
    plural = losses.losing != 1
    headline = (
        f"{losses.losing:,} of {formats.count_of(losses.customers, 'customer')} "
        f"({formats.percent(losses.losing_share)}) {_verb(plural, 'loses', 'lose')} money "
        f"after compute, {per_month(impact)}"
    )
    if losses.worst < losses.losing and losses.worst_share is not None:
        headline += (
            f"; the worst {losses.worst:,} make {formats.percent(losses.worst_share)} of the losses"
        )
    return [finding("loss_concentration", f"{headline}.", impact)]


# -- recommendations -----------------------------------------------------------------------------


def top_recommendations(recommendations: Sequence[Recommendation], report: Report) -> list[Finding]:
    """The top :data:`TOP_RECOMMENDATIONS` recommendations with a gross-profit impact, one per
    plan and feature (a gate, an allowance and a removal of one feature on one plan are
    alternatives: the best of them counts)."""
    del report  # the recommendations carry their own monthly impacts
    picked: list[Recommendation] = []
    seen: set[tuple[str | None, str | None]] = set()
    for rec in recommendations:
        target = (rec.plan, rec.feature)
        if rec.gross_profit_change_usd < m.HALF_CENT or target in seen:
            continue
        seen.add(target)
        picked.append(rec)
        if len(picked) == TOP_RECOMMENDATIONS:
            break
    if not picked:
        return []
    items = [
        f"{_title(rec)} ({formats.money_change(rec.gross_profit_change_usd, per='month')})"
        for rec in picked
    ]
    lead = (
        "Best recommendation"
        if len(picked) == 1
        else f"Best {len(picked)} recommendations, one per plan and feature, each measured alone"
    )
    headline = f"{lead}: {'; '.join(items)}."
    return [finding("recommendations", headline, picked[0].gross_profit_change_usd)]


def _title(rec: Recommendation) -> str:
    """A recommendation's title with its feature's name in words."""
    if rec.feature is None:
        return rec.title
    return rec.title.replace(rec.feature, labels.feature_label(rec.feature))


# -- whether compute-adjusted LTV matters --------------------------------------------------------


def compute_spiral(report: Report) -> list[Finding]:
    """The worst compute spiral among the features (:func:`econ.present.spiral.spiral_trends`
    over the scenario's ``retention.trend_months``): the one with the most gross profit a month
    lost in 6 months if its cost and revenue trends continue; none without a spiral."""
    spirals = spiral_trends(report).spirals.filter(
        (pl.col("group") == "feature") & (pl.col("at_stake_usd") > 0)
    )
    if spirals.is_empty():
        return []
    worst = spirals.sort("at_stake_usd", "key", descending=[True, False]).row(0, named=True)
    impact = float(worst["at_stake_usd"])
    others = spirals.height - 1
    verb = "also outgrows its" if others == 1 else "also outgrow their"
    also = f"; {formats.count_of(others, 'other feature')} {verb} revenue" if others else ""
    headline = (
        f"{spiral_trend_sentence(worst)}: {per_month(impact)} less gross profit in 6 months if "
        f"the trends continue{also}."
    )
    brief = f"{worst['name']} cost {signed_percent(worst['cost_growth'])} a month"
    return [finding("compute_spiral", headline, impact, brief=brief)]


def inference_verdict(report: Report) -> Finding:
    """The inference-share rule of article 001 for this dataset (see :func:`verdict`)."""
    return finding("inference_share", verdict(report), None)


def verdict(report: Report) -> str:
    """Whether compute-adjusted LTV matters here: inference above
    :data:`econ.measures.INFERENCE_SHARE_HIGH` of revenue, it does; below
    :data:`econ.measures.INFERENCE_SHARE_LOW`, the standard gross-margin LTV is enough; in
    between, it starts to matter (:func:`econ.measures.compute_adjustment_matters`)."""
    share = report.totals.inference_share
    low = formats.percent(m.INFERENCE_SHARE_LOW, digits=0)
    high = formats.percent(m.INFERENCE_SHARE_HIGH, digits=0)
    if share is None:
        return (
            "Whether compute-adjusted LTV matters cannot be said: the window has no revenue, "
            "so inference has no share of it."
        )
    costs = f"Inference costs {formats.percent(share)} of revenue{_latest_share(report, share)}"
    matters = m.compute_adjustment_matters(share)
    if matters is True:
        return f"{costs}, above {high}: compute-adjusted LTV matters here."
    if matters is False:
        return (
            f"{costs}, below {low}: the standard gross-margin LTV is enough here; the "
            "compute-adjusted view changes little."
        )
    return (
        f"{costs}, between {low} and {high}: compute-adjusted LTV starts to matter, most for "
        "the customers who use the most."
    )


def _latest_share(report: Report, share: float) -> str:
    """The last month's inference share, when it differs from the window's by a point or
    more (the trend a verdict should not hide)."""
    last = monthly_totals(report.customer_months).tail(1)
    latest = m.inference_share(float(last["inference_usd"][0]), float(last["revenue_usd"][0]))
    if latest is None or abs(latest - share) < 0.01:
        return ""
    return f" ({formats.percent(latest)} in {last[s.MONTH][0]:%b %Y})"
