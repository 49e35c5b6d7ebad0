"""Margin alerts as code: rules read from a TOML or JSON file, checked against a report.

``econ check --rules rules.toml`` runs them on new exports (e.g. nightly) and exits 1 when one
fires. The file holds one table, ``rules``; a rule left out is not checked, and at least one
must be set::

    [rules]
    feature_below_action = true   # any feature below its category's action line
    inference_share_above = 0.15  # company inference ÷ revenue over the window (a fraction)
    segment_ltv_cac_below = 2.5   # any segment (the blended "all" row too) below this LTV:CAC
    compute_spiral = true         # any feature in the compute spiral in the window's last month
    plan_margin_drop_pp = 5       # a plan's gross margin down more than 5 points, last month
                                  # against the month before

The same as JSON: ``{"rules": {"inference_share_above": 0.15, ...}}``. Where the thresholds
come from:

- ``feature_below_action``: a feature's gross margin (:func:`econ.measures.gross_margin`) below
  the action line (``act_below``) of its category's target band,
  :data:`econ.schema.CATEGORY_BANDS` (the KeyBanc / SaaS Capital bands of article 002).
- ``inference_share_above``: :func:`econ.measures.inference_share` of the window; article 001
  says the compute-adjusted view matters above 10% of revenue
  (:data:`econ.measures.INFERENCE_SHARE_HIGH`); 0.15 alerts a little above that line. A
  fraction in (0, 1]: ``0.15`` is 15%.
- ``segment_ltv_cac_below``: each segment row's ``ltv_cac``
  (:func:`econ.model.segments.segment_table`), against the common 3:1 benchmark of article
  001 (:data:`econ.measures.LTV_CAC_BENCHMARK`); 2.5 alerts once a segment is clearly below
  it. Above 0, at most 100.
- ``compute_spiral``: the spiral months of :func:`econ.present.company.company_months` in the
  window's last month: a feature's inference cost growing faster than its revenue (article 000:
  "as usage grows, inference costs explode before pricing catches up").
- ``plan_margin_drop_pp``: each plan's gross margin (:func:`econ.measures.gross_profit` ÷
  revenue of its customer-months) in the window's last month against the month before, in
  percentage points. Above 0, at most 200.

A blank (a margin without revenue, an LTV:CAC without churn or CAC) cannot fire: the rule
lists it under ``notes`` with why. Unknown keys, wrong types and out-of-range values are
refused with :class:`~econ.errors.ScenarioError` naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import polars as pl

from econ import formats
from econ import measures as m
from econ import schema as s
from econ.errors import ScenarioError
from econ.model.customer_months import COUNTED_REVENUE_USD
from econ.model.report import Report
from econ.present.company import company_months, spiral_sentence

FEATURE_BELOW_ACTION: Final = "feature_below_action"
INFERENCE_SHARE_ABOVE: Final = "inference_share_above"
SEGMENT_LTV_CAC_BELOW: Final = "segment_ltv_cac_below"
COMPUTE_SPIRAL: Final = "compute_spiral"
PLAN_MARGIN_DROP_PP: Final = "plan_margin_drop_pp"

_SWITCHES: Final = (FEATURE_BELOW_ACTION, COMPUTE_SPIRAL)
"""The rules that are on or off (``true`` / ``false``)."""

_LIMITS: Final[dict[str, tuple[float, float, str]]] = {
    INFERENCE_SHARE_ABOVE: (0.0, 1.0, "a fraction above 0 and at most 1 (0.15 is 15%)"),
    SEGMENT_LTV_CAC_BELOW: (0.0, 100.0, "a ratio above 0 and at most 100 (2.5 is 2.5:1)"),
    PLAN_MARGIN_DROP_PP: (0.0, 200.0, "percentage points above 0 and at most 200"),
}
"""The rules with a number: each one's open lower bound, closed upper bound, and in words."""

RULE_KEYS: Final = (
    FEATURE_BELOW_ACTION,
    INFERENCE_SHARE_ABOVE,
    SEGMENT_LTV_CAC_BELOW,
    COMPUTE_SPIRAL,
    PLAN_MARGIN_DROP_PP,
)
"""Every rule a rules file may set, in the order they are checked and printed."""

Subject = Literal["feature", "company", "segment", "plan"]


@dataclass(frozen=True)
class Rules:
    """The rules of one file; ``None`` (or ``False``) means not checked.

    Attributes:
        feature_below_action: any feature below its category's action line.
        inference_share_above: company inference share above this fraction.
        segment_ltv_cac_below: any segment's LTV:CAC below this ratio.
        compute_spiral: any feature in the compute spiral in the window's last month.
        plan_margin_drop_pp: a plan's gross margin down more than this many points.
    """

    feature_below_action: bool = False
    inference_share_above: float | None = None
    segment_ltv_cac_below: float | None = None
    compute_spiral: bool = False
    plan_margin_drop_pp: float | None = None

    @classmethod
    def from_dict(cls, data: object, source: str) -> Rules:
        """The rules of ``{"rules": {...}}`` read from ``source`` (named in every error).

        Raises:
            ScenarioError: an unknown key, a wrong type, a value out of range, or no rule set.
        """
        if not isinstance(data, Mapping) or set(data) != {"rules"}:
            keys = ", ".join(sorted(map(str, data))) if isinstance(data, Mapping) else "none"
            raise ScenarioError(
                f"{source}: a rules file holds one table, [rules] (found keys: {keys or 'none'})"
            )
        rules = data["rules"]
        if not isinstance(rules, Mapping):
            raise ScenarioError(f"{source}: 'rules' must be a table of rules")
        unknown = sorted(str(key) for key in rules if key not in RULE_KEYS)
        if unknown:
            raise ScenarioError(
                f"{source}: unknown rule {', '.join(map(repr, unknown))}; the rules are "
                f"{', '.join(RULE_KEYS)}"
            )
        values: dict[str, Any] = {}
        for key, value in rules.items():
            if key in _SWITCHES:
                if not isinstance(value, bool):
                    raise ScenarioError(f"{source}: rule {key!r} is true or false, got {value!r}")
                values[key] = value
            else:
                values[key] = _number(value, key, source)
        found = cls(**values)
        if not found.active():
            raise ScenarioError(
                f"{source}: no rule is set; set at least one of {', '.join(RULE_KEYS)}"
            )
        return found

    def active(self) -> tuple[str, ...]:
        """The keys of the rules that are checked, in :data:`RULE_KEYS` order."""
        return tuple(key for key in RULE_KEYS if getattr(self, key) not in (None, False))


def _number(value: object, key: str, source: str) -> float:
    low, high, words = _LIMITS[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f"{source}: rule {key!r} is {words}, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or not low < number <= high:
        raise ScenarioError(f"{source}: rule {key!r} is {words}, got {value!r}")
    return number


def read_rules(path: Path) -> Rules:
    """The rules of a ``.json`` file (JSON), else TOML.

    Raises:
        ScenarioError: the file cannot be read or parsed, or breaks the schema.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"cannot read the rules file {path}: {error}") from None
    data: object
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ScenarioError(f"{path}: not valid JSON: {error}") from None
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ScenarioError(f"{path}: not valid TOML: {error}") from None
    return Rules.from_dict(data, str(path))


@dataclass(frozen=True)
class Hit:
    """One thing a rule found: the feature, segment, plan or the company, its value and the
    threshold it crossed (or, in :attr:`Outcome.checked`, did not cross).

    Attributes:
        subject: the feature id, segment, plan, or ``"company"``.
        value: the measure (a margin or share as a fraction, a ratio, a growth gap, or points).
        threshold: what it is compared with.
        detail: the numbers in words.
    """

    subject: str
    value: float
    threshold: float
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "value": self.value,
            "threshold": self.threshold,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Outcome:
    """One rule checked.

    Attributes:
        rule: its key (:data:`RULE_KEYS`).
        subject: what it looks at: features, the company, segments or plans.
        threshold: the rule's value in the file (``True`` for a switch).
        hits: what fired it; empty when it did not fire.
        checked: how many subjects had a value to compare.
        notes: the subjects that could not be compared, with why (a blank never fires).
    """

    rule: str
    subject: Subject
    threshold: float | bool
    hits: tuple[Hit, ...]
    checked: int
    notes: tuple[str, ...] = ()

    @property
    def fired(self) -> bool:
        return bool(self.hits)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "subject": self.subject,
            "threshold": self.threshold,
            "fired": self.fired,
            "checked": self.checked,
            "hits": [hit.to_dict() for hit in self.hits],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class CheckResult:
    """Every rule of a rules file checked against one report.

    Attributes:
        window: the report's first and last month, ``YYYY-MM``.
        outcomes: one per rule set, in :data:`RULE_KEYS` order.
    """

    window: tuple[str, str]
    outcomes: tuple[Outcome, ...]

    @property
    def fired(self) -> bool:
        """Whether any rule fired (``econ check`` then exits 1)."""
        return any(outcome.fired for outcome in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``fired``, ``window`` (``first``, ``last``), ``fired_rules`` (their
        keys) and ``rules`` (each :meth:`Outcome.to_dict`)."""
        return {
            "fired": self.fired,
            "window": {"first": self.window[0], "last": self.window[1]},
            "fired_rules": [outcome.rule for outcome in self.outcomes if outcome.fired],
            "rules": [outcome.to_dict() for outcome in self.outcomes],
        }


def check(report: Report, rules: Rules) -> CheckResult:
    """Check every rule set in ``rules`` against ``report`` (see the module docstring)."""
    checks = {
        FEATURE_BELOW_ACTION: _features_below_action,
        INFERENCE_SHARE_ABOVE: _inference_share_above,
        SEGMENT_LTV_CAC_BELOW: _segments_below,
        COMPUTE_SPIRAL: _compute_spiral,
        PLAN_MARGIN_DROP_PP: _plan_margin_drop,
    }
    window = report.customer_months.window
    return CheckResult(
        window=(f"{window.first:%Y-%m}", f"{window.last:%Y-%m}"),
        outcomes=tuple(checks[key](report, getattr(rules, key)) for key in rules.active()),
    )


def _features_below_action(report: Report, _: bool) -> Outcome:
    """Each feature's gross margin against its category's ``act_below`` (article 002)."""
    hits: list[Hit] = []
    notes: list[str] = []
    checked = 0
    for row in report.features.sort(s.FEATURE_ID).iter_rows(named=True):
        margin, line = row["gross_margin"], row["act_below"]
        if margin is None or line is None:
            notes.append(f"{row[s.FEATURE_ID]}: no gross margin (no revenue allocated)")
            continue
        checked += 1
        if margin < line:
            hits.append(
                Hit(
                    row[s.FEATURE_ID],
                    margin,
                    line,
                    f"{row[s.FEATURE_ID]} ({row['category']}): gross margin "
                    f"{formats.percent(margin)} below its action line {formats.percent(line)}",
                )
            )
    return Outcome(FEATURE_BELOW_ACTION, "feature", True, tuple(hits), checked, tuple(notes))


def _inference_share_above(report: Report, threshold: float) -> Outcome:
    """The window's inference ÷ revenue (:func:`econ.measures.inference_share`, article 001)."""
    totals = report.totals
    value = m.inference_share(totals.inference_usd, totals.revenue_usd)
    if value is None:
        return Outcome(INFERENCE_SHARE_ABOVE, "company", threshold, (), 0, ("company: no revenue",))
    hits: tuple[Hit, ...] = ()
    if value > threshold:
        detail = (
            f"inference {formats.money(totals.inference_usd)} is {formats.percent(value)} of "
            f"revenue {formats.money(totals.revenue_usd)}, above {formats.percent(threshold)}"
        )
        hits = (Hit("company", value, threshold, detail),)
    return Outcome(INFERENCE_SHARE_ABOVE, "company", threshold, hits, 1)


def _segments_below(report: Report, threshold: float) -> Outcome:
    """Each segment row's LTV:CAC, the blended ``all`` row included (article 001's 3:1)."""
    hits: list[Hit] = []
    notes: list[str] = []
    checked = 0
    for row in report.segments.iter_rows(named=True):
        value = row["ltv_cac"]
        if value is None:
            why = [
                reason.partition(": ")[2]
                for reason in row["null_reasons"] or []
                if reason.startswith(("cac_usd:", "ltv_compute_adjusted_usd:"))
            ]
            notes.append(f"{row['segment']}: no LTV:CAC ({'; '.join(why) or 'undefined'})")
            continue
        checked += 1
        if value < threshold:
            detail = (
                f"segment {row['segment']}: LTV:CAC {formats.ratio(value)} below "
                f"{formats.ratio(threshold)}"
            )
            hits.append(Hit(row["segment"], value, threshold, detail))
    return Outcome(SEGMENT_LTV_CAC_BELOW, "segment", threshold, tuple(hits), checked, tuple(notes))


def _compute_spiral(report: Report, _: bool) -> Outcome:
    """The spiral months (:func:`econ.present.company.company_months`, article 000) in the
    window's last month; the hit's value is the growth gap (cost growth − revenue growth)."""
    company = company_months(report)
    last = company.window.last
    spiral = company.spiral.filter(pl.col(s.MONTH) == last).sort(s.FEATURE_ID)
    hits = tuple(
        Hit(row[s.FEATURE_ID], row["growth_gap"], 0.0, spiral_sentence(row))
        for row in spiral.iter_rows(named=True)
    )
    compared = company.feature_costs.filter(
        (pl.col(s.MONTH) == last) & pl.col("growth_gap").is_not_null()
    )
    return Outcome(COMPUTE_SPIRAL, "feature", True, hits, compared.height)


PLAN_MONTHS_SCHEMA: Final = pl.Schema(
    {
        s.PLAN: pl.String(),
        s.MONTH: pl.Date(),
        "revenue_usd": pl.Float64(),
        "gross_profit_usd": pl.Float64(),
        "gross_margin": pl.Float64(),
    }
)
"""One row per plan × month with active customer-months, sorted by plan then month; the margin
is blank in a month without revenue."""


def plan_months(report: Report) -> pl.DataFrame:
    """:data:`PLAN_MONTHS_SCHEMA`: each plan's revenue, gross profit
    (:func:`econ.measures.gross_profit`, article 001) and gross margin per month."""
    frame = report.customer_months.frame
    sums = frame.group_by(s.PLAN, s.MONTH).agg(
        pl.col(COUNTED_REVENUE_USD).sum().alias("revenue_usd"),
        pl.col("inference_usd").sum().alias("_inference"),
        m.compute_burdens().sum().alias("_burdens"),
    )
    profit = m.gross_profit(pl.col("revenue_usd"), pl.col("_inference"), pl.col("_burdens"))
    return (
        sums.with_columns(profit.alias("gross_profit_usd"))
        .with_columns(
            m.gross_margin(pl.col("gross_profit_usd"), pl.col("revenue_usd")).alias("gross_margin")
        )
        .select(PLAN_MONTHS_SCHEMA.names())
        .cast(dict(PLAN_MONTHS_SCHEMA))  # type: ignore[arg-type]
        .sort(s.PLAN, s.MONTH)
    )


def _plan_margin_drop(report: Report, threshold: float) -> Outcome:
    """Each plan's gross margin in the window's last month against the month before; fires on a
    drop of more than ``threshold`` points."""
    window = report.customer_months.window
    last = window.last
    before = (last - dt.timedelta(days=1)).replace(day=1)
    margins = plan_months(report)
    hits: list[Hit] = []
    notes: list[str] = []
    checked = 0
    if before < window.first:
        notes.append(f"the window has one month ({last:%Y-%m}): nothing to compare")
        return Outcome(PLAN_MARGIN_DROP_PP, "plan", threshold, (), 0, tuple(notes))
    for plan in margins[s.PLAN].unique().sort().to_list():
        rows = margins.filter(pl.col(s.PLAN) == plan)
        old = _margin_in(rows, before)
        new = _margin_in(rows, last)
        if old is None or new is None:
            notes.append(f"{plan}: no gross margin in {before:%Y-%m} or {last:%Y-%m} (no revenue)")
            continue
        checked += 1
        drop = (old - new) * 100
        if drop > threshold:
            detail = (
                f"plan {plan}: gross margin {formats.percent(old)} in {before:%Y-%m} to "
                f"{formats.percent(new)} in {last:%Y-%m}, down {drop:.1f} pp (more than "
                f"{threshold:g} pp)"
            )
            hits.append(Hit(plan, drop, threshold, detail))
    return Outcome(PLAN_MARGIN_DROP_PP, "plan", threshold, tuple(hits), checked, tuple(notes))


def _margin_in(rows: pl.DataFrame, month: dt.date) -> float | None:
    found = rows.filter(pl.col(s.MONTH) == month)["gross_margin"]
    return None if found.is_empty() else found.item()


_TITLES: Final = {
    FEATURE_BELOW_ACTION: "a feature below its category's action line",
    INFERENCE_SHARE_ABOVE: "inference share above {threshold}",
    SEGMENT_LTV_CAC_BELOW: "a segment's LTV:CAC below {threshold}",
    COMPUTE_SPIRAL: "a feature in the compute spiral in the last month",
    PLAN_MARGIN_DROP_PP: "a plan's gross margin down more than {threshold} pp month over month",
}


def _title(outcome: Outcome) -> str:
    threshold = outcome.threshold
    if outcome.rule == INFERENCE_SHARE_ABOVE:
        shown = formats.percent(float(threshold))
    elif outcome.rule == SEGMENT_LTV_CAC_BELOW:
        shown = formats.ratio(float(threshold))
    else:
        shown = f"{float(threshold):g}"
    return _TITLES[outcome.rule].format(threshold=shown)


def check_text(result: CheckResult) -> str:
    """The result for a terminal: one line per rule (``FIRED`` or ``ok``), each hit's numbers
    under a fired rule, the blanks that could not be compared, and a last line counting the
    rules that fired."""
    lines = [f"econ check, {result.window[0]} to {result.window[1]}"]
    for outcome in result.outcomes:
        mark = "FIRED" if outcome.fired else "ok   "
        lines.append(f"{mark}  {outcome.rule}: {_title(outcome)} ({outcome.checked} compared)")
        lines += [f"         - {hit.detail}" for hit in outcome.hits]
        lines += [f"         (not compared: {note})" for note in outcome.notes]
    fired = sum(outcome.fired for outcome in result.outcomes)
    lines.append(
        f"{fired} of {formats.count_of(len(result.outcomes), 'rule')} fired"
        if fired
        else f"no rule fired ({formats.count_of(len(result.outcomes), 'rule')} checked)"
    )
    return "\n".join(lines)
