"""A comparison of saved scenarios, shaped for a reader: the Compare page, the board pack's
"Scenarios compared" section and ``econ compare --format table`` read the same tables and
sentences from here.

Every figure comes from :class:`econ.Comparison` (:mod:`econ.decisions.compare`): gross profit
is compute-adjusted, revenue − inference − AI infra − support − CS (article 001), a margin is
gross profit ÷ revenue (article 002), LTV is compute-adjusted by both methods (simple, gross
profit ÷ churn, article 001; sBG, gross profit × the discounted lifetime of the segment's
fitted retention curve), and every money figure is per month of the window. This module only
orders, relabels, subtracts the baseline's margin (a change in percentage points) and writes
text (:mod:`econ.formats`: a change carries its sign, a margin moves in points, a change that
rounds to zero reads "no change").

A blank (``None``, a null in a frame, "—" in text) is a figure the comparison leaves undefined:
an sBG LTV where no retention curve was fitted, an LTV:CAC without a CAC, a bill change of a
customer whose baseline bill is $0. Pure polars: no streamlit, no altair.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import polars as pl

from econ import formats
from econ import schema as s
from econ.decisions.compare import MAX_OPTIONS, MOST_AFFECTED, Comparison
from econ.measures import HALF_CENT
from econ.present import columns as spec
from econ.present.display import terminal_safe
from econ.present.labels import feature_label
from econ.present.pricing_view import bill_change_histogram

MOST_COMPARED: Final = MAX_OPTIONS
"""The most saved scenarios one comparison shows, the baseline included."""

BASELINE_ROLE: Final = "baseline"
BEST_ROLE: Final = "most gross profit"
"""The ``role`` of the option with the most gross profit a month after the customer response
(none has it when every option makes the same)."""

LtvMethod = Literal["simple", "sbg"]

LTV_METHODS: Final[dict[str, str]] = {"simple": "Simple", "sbg": "sBG"}
"""Each LTV method's name, as the segments table names the one an option's scenario uses."""

LTV_METHOD_TITLES: Final[dict[LtvMethod, str]] = {
    "simple": "Compute-adjusted LTV, simple (gross profit ÷ churn)",
    "sbg": "Compute-adjusted LTV, sBG (fitted retention, discounted)",
}
"""What each method computes, as a heading."""

_TEXT_KINDS: Final = frozenset({"text", "feature", "category", "status", "segment", "plan"})


def _order(c: Comparison) -> pl.Expr:
    """Each row's option, as its position in the comparison (the baseline is 0)."""
    return pl.col("scenario").replace_strict(
        {name: index for index, name in enumerate(c.names)}, return_dtype=pl.Int64
    )


def is_tie(c: Comparison) -> bool:
    """Whether every option makes the baseline's gross profit after the customer response
    (to the cent): then no option is the best."""
    changes = c.totals["gross_profit_after_response_change_usd"].fill_null(0.0)
    return bool((changes.abs() < HALF_CENT).all())


def best(c: Comparison) -> str | None:
    """The option with the most gross profit a month after the customer response, or ``None``
    when every option makes the same (:func:`is_tie`)."""
    return None if is_tie(c) else c.best


def roles(c: Comparison) -> dict[str, str]:
    """Each option's role: ``baseline``, ``most gross profit``, both, or ``""``."""
    winner = best(c)
    out = {}
    for name in c.names:
        parts = [BASELINE_ROLE] if name == c.baseline else []
        if name == winner:
            parts.append(BEST_ROLE)
        out[name] = ", ".join(parts)
    return out


# --- the tables ------------------------------------------------------------------------------


def totals_table(c: Comparison) -> pl.DataFrame:
    """Per option (baseline first): :data:`econ.decisions.compare.TOTALS_SCHEMA` with its
    ``role`` (:func:`roles`); the columns of :data:`econ.present.columns.COMPARE_TOTALS`."""
    role = roles(c)
    return c.totals.with_columns(
        pl.col("scenario").replace_strict(role, return_dtype=pl.String).alias("role")
    ).sort(_order(c))


def monthly_table(c: Comparison) -> pl.DataFrame:
    """Per calendar month, then option: the month's revenue, inference, gross profit and margin
    as the option bills and costs them, and its gross profit against the baseline's."""
    return c.monthly.sort(pl.col(s.MONTH), _order(c))


def _with_baseline_change(
    frame: pl.DataFrame, key: str, c: Comparison, changes: dict[str, str]
) -> pl.DataFrame:
    """``frame`` (rows per option and ``key``) ordered by ``key`` as the baseline lists it,
    then by option, with each measure's change against the baseline's row of the same ``key``
    (``changes`` maps a measure to its change's name)."""
    base = (
        frame.filter(pl.col("scenario") == c.baseline)
        .with_row_index("_key")
        .select(key, "_key", *(pl.col(name).alias(f"_base_{name}") for name in changes))
    )
    return (
        frame.join(base, on=key, how="left", maintain_order="left")
        .with_columns(
            (pl.col(name) - pl.col(f"_base_{name}")).alias(change)
            for name, change in changes.items()
        )
        .sort(pl.col("_key"), pl.col(key), _order(c), nulls_last=True)
        .drop("_key", *(f"_base_{name}" for name in changes))
    )


def segments_table(c: Comparison) -> pl.DataFrame:
    """Per segment (the baseline's order, all customers last), then option: customers, gross
    margin and its change in points, LTV and LTV:CAC by both methods with their changes, CAC,
    and the LTV method the option's scenario uses, in words (:data:`LTV_METHODS`)."""
    frame = _with_baseline_change(c.segments, "segment", c, {"gross_margin": "gross_margin_change"})
    return frame.with_columns(
        pl.col("ltv_method").replace_strict(
            LTV_METHODS, default=pl.col("ltv_method"), return_dtype=pl.String
        )
    )


def segment_columns(method: LtvMethod) -> spec.Table:
    """The columns of :data:`econ.present.columns.COMPARE_SEGMENTS` that one LTV method reads:
    the segment, option, customers and margin, then that method's LTV and LTV:CAC with their
    changes, CAC and the method in use."""
    other = "sbg" if method == "simple" else "simple"
    return tuple(column for column in spec.COMPARE_SEGMENTS if f"_{other}" not in column.name)


def plans_table(c: Comparison) -> pl.DataFrame:
    """Per plan (the baseline's order), then option: revenue, gross profit and gross margin a
    month, each with its change against the baseline's plan."""
    return _with_baseline_change(c.plans, s.PLAN, c, {"revenue_usd": "revenue_change_usd"})


def bill_summary_table(c: Comparison) -> pl.DataFrame:
    """Per option besides the baseline: how its customers' bills over the window move against
    the baseline's (:data:`econ.decisions.compare.BILL_SUMMARY_SCHEMA`)."""
    return c.bill_summary.sort(_order(c))


def most_affected_table(c: Comparison, name: str, count: int = MOST_AFFECTED) -> pl.DataFrame:
    """The ``count`` customers whose bill over the window changes most under option ``name``:
    the largest rises first (as :meth:`econ.Comparison.most_affected` lists them), then, when
    fewer rise, the largest falls; a bill that does not change (to the half cent) is left out.
    The columns of :data:`econ.decisions.compare.BILLS_SCHEMA`."""
    own = c.bills.filter((pl.col("scenario") == name) & (pl.col("change_usd").abs() >= HALF_CENT))
    rises = own.filter(pl.col("change_usd") > 0)
    falls = own.filter(pl.col("change_usd") < 0).sort(
        "change_usd", s.CUSTOMER_ID, maintain_order=True
    )
    return pl.concat([rises, falls]).head(count)


# --- the charts' frames ----------------------------------------------------------------------


def gross_profit_lines(c: Comparison) -> pl.DataFrame:
    """Gross profit per calendar month and option, for one line per option: ``order`` is the
    option's position (the baseline 0), ``line`` is ``baseline`` or ``option`` (dashed or
    not), ``weight`` is ``best`` for the option with the most gross profit after the customer
    response and ``other`` otherwise, and ``label`` names the best on its last month (null on
    every other row)."""
    winner = best(c)
    last = c.monthly[s.MONTH].max()
    is_best = pl.col("scenario") == pl.lit(winner) if winner is not None else pl.lit(False)
    return (
        c.monthly.with_columns(
            _order(c).alias("order"),
            pl.when(pl.col("scenario") == c.baseline)
            .then(pl.lit("baseline"))
            .otherwise(pl.lit("option"))
            .alias("line"),
            pl.when(is_best).then(pl.lit("best")).otherwise(pl.lit("other")).alias("weight"),
            pl.when(is_best & (pl.col(s.MONTH) == last))
            .then(pl.col("scenario") + pl.lit(": most gross profit"))
            .otherwise(pl.lit(None, dtype=pl.String))
            .alias("label"),
        )
        .sort("order", s.MONTH)
        .select(
            "scenario",
            "order",
            s.MONTH,
            "gross_profit_usd",
            "gross_margin",
            "gross_profit_change_usd",
            "line",
            "weight",
            "label",
        )
    )


BILL_HISTOGRAMS_SCHEMA: Final = pl.Schema(
    {
        "scenario": pl.String(),
        "scenario_order": pl.Int64(),
        "order": pl.Int64(),
        "bucket": pl.String(),
        "side": pl.String(),
        "customers": pl.Int64(),
    }
)
"""Per option besides the baseline and bucket of bill change
(:data:`econ.present.pricing_view.BILL_BUCKETS`, in order): how many customers' bills over the
window change by that much against the baseline's. Every option lists the same buckets."""


def bill_change_histograms(c: Comparison) -> pl.DataFrame:
    """Customers by how much their bill changes against the baseline's, per option
    (:data:`BILL_HISTOGRAMS_SCHEMA`), bucketed as the Tiers & pricing page buckets them
    (:func:`econ.present.pricing_view.bill_change_histogram`)."""
    frames = [
        bill_change_histogram(c.bills.filter(pl.col("scenario") == name)).with_columns(
            pl.lit(name).alias("scenario"), pl.lit(index, dtype=pl.Int64).alias("scenario_order")
        )
        for index, name in enumerate(c.names[1:], 1)
    ]
    every = pl.concat(frames, how="vertical_relaxed")
    buckets = every.select("order", "bucket", "side").unique().sort("order")
    options = every.select("scenario", "scenario_order").unique()
    grid = options.join(buckets, how="cross")
    counts = every.select("scenario", "bucket", "customers")
    return (
        grid.join(counts, on=["scenario", "bucket"], how="left")
        .with_columns(pl.col("customers").fill_null(0))
        .sort("scenario_order", "order")
        .select(BILL_HISTOGRAMS_SCHEMA.names())
        .cast(BILL_HISTOGRAMS_SCHEMA)
    )


# --- sentences -------------------------------------------------------------------------------


def _totals_of(c: Comparison) -> dict[str, dict[str, object]]:
    return {str(row["scenario"]): row for row in c.totals.iter_rows(named=True)}


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _than(change: float | None, other: str | None) -> str:
    """``$1,234 more than Today`` / ``$1,234 less than Today`` / ``as much as Today``; without
    ``other``, ``$1,234 more`` / ``$1,234 less`` / ``as much``."""
    than = f" than {other}" if other else ""
    if change is None:
        return formats.NULL_TEXT
    if round(abs(change), 2) == 0:
        return f"as much as {other}" if other else "as much"
    return f"{formats.money(abs(change))} {'more' if change > 0 else 'less'}{than}"


def _leavers(lost: float | None) -> str:
    """``the 41.5 customers expected to leave`` (one decimal: an expected count)."""
    return f"the {formats.number(lost)} customers expected to leave"


def winner_sentence(c: Comparison) -> str:
    """Which option makes the most gross profit a month once the customers expected to leave
    go, by how much against the baseline, and at what margin (plain text; the options' names
    as their users wrote them)."""
    totals = _totals_of(c)
    base = totals[c.baseline]
    winner = best(c)
    if winner is None:
        return (
            f"Every option makes the same gross profit as {c.baseline}: "
            f"{formats.money(_float(base['gross_profit_usd']))} a month."
        )
    if winner != c.baseline:
        row = totals[winner]
        lost = _float(row["customers_expected_lost"]) or 0.0
        after = (
            f", {_than(_float(row['gross_profit_after_response_change_usd']), None)} "
            f"once {_leavers(lost)} have gone"
            if round(lost, 1) > 0
            else ", and no customer is expected to leave over it"
        )
        return (
            f"{winner} makes the most gross profit: "
            f"{formats.money(_float(row['gross_profit_usd']))} a month, "
            f"{_than(_float(row['gross_profit_change_usd']), c.baseline)} "
            f"({formats.points(_float(row['gross_margin_change']))} of margin){after}."
        )
    others = c.totals.filter(pl.col("scenario") != c.baseline).sort(
        "gross_profit_after_response_usd", descending=True, nulls_last=True, maintain_order=True
    )
    second = others.row(0, named=True)
    lost = _float(second["customers_expected_lost"]) or 0.0
    before = (
        f" ({formats.money_change(_float(second['gross_profit_change_usd']))} before they go, "
        f"{formats.points(_float(second['gross_margin_change']))} of margin)"
        if round(lost, 1) > 0
        else f" ({formats.points(_float(second['gross_margin_change']))} of margin)"
    )
    leaving = f" once {_leavers(lost)} have gone" if round(lost, 1) > 0 else ""
    return (
        f"{c.baseline}, the baseline, makes the most gross profit: "
        f"{formats.money(_float(base['gross_profit_usd']))} a month. The next best, "
        f"{second['scenario']}, makes "
        f"{_than(_float(second['gross_profit_after_response_change_usd']), c.baseline)}"
        f"{leaving}{before}."
    )


@dataclass(frozen=True)
class OptionChanges:
    """What one option does differently from the baseline, in words.

    Attributes:
        scenario: the option's name.
        recommendations: the baseline's recommendations its price book applies (their titles).
        changes: each assumption that differs from the baseline's, one line each.
        notes: what was dropped or replaced so that it fits the data and the baseline.
    """

    scenario: str
    recommendations: tuple[str, ...]
    changes: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def summary(self) -> str:
        """One line: how many recommendations it applies and assumptions it changes."""
        if not self.changes:
            return "It changes no assumption of the baseline."
        applied = (
            formats.count_of(len(self.recommendations), "recommendation")
            if self.recommendations
            else "none of the baseline's recommendations"
        )
        return (
            f"It applies {applied} and changes {formats.count_of(len(self.changes), 'assumption')}."
        )


def features_in_words(text: str, features: Iterable[str]) -> str:
    """``text`` with each feature id of ``features`` that stands alone in it (not part of a
    longer identifier) written as words: ``deep_research`` → ``Deep research``."""
    for feature in sorted(set(features), key=len, reverse=True):
        label = feature_label(feature)
        if feature and label != feature:
            pattern = re.compile(rf"(?<![\w-]){re.escape(feature)}(?![\w-])")
            text = pattern.sub(label.replace("\\", "\\\\"), text)
    return text


def option_changes(c: Comparison, features: Iterable[str] = ()) -> tuple[OptionChanges, ...]:
    """Per option besides the baseline: the recommendations it applies, the assumptions it
    changes and its notes (:attr:`econ.Comparison.applied`, :attr:`econ.Comparison.notes`),
    the data's ``features`` (ids) named in words (:func:`features_in_words`)."""
    known = tuple(features)
    return tuple(
        OptionChanges(
            scenario=item.scenario,
            recommendations=tuple(features_in_words(line, known) for line in item.recommendations),
            changes=tuple(features_in_words(line, known) for line in item.changes),
            notes=tuple(c.notes.get(item.scenario, ())),
        )
        for item in c.applied
    )


def compared_line(c: Comparison) -> str:
    """What is compared with what: ``3 scenarios on the same 6 months of history, against
    Today; money per month of the window.``"""
    return (
        f"{formats.count_of(len(c.names), 'scenario')} on the same "
        f"{formats.count_of(c.months, 'month')} of history, each against {c.baseline}; money "
        "is per month of the window."
    )


# --- text for a terminal ---------------------------------------------------------------------


def aligned(frame: pl.DataFrame, numeric: Sequence[bool]) -> str:
    """A frame of text cells as columns two spaces apart: its headers, then its rows; text
    columns left-aligned, ``numeric`` ones right-aligned."""
    if frame.width == 0:
        return ""
    cells = [frame.columns, *([str(value) for value in row] for row in frame.iter_rows())]
    widths = [max(len(row[index]) for row in cells) for index in range(frame.width)]

    def line(row: Sequence[str]) -> str:
        return "  ".join(
            text.rjust(width) if flag else text.ljust(width)
            for text, width, flag in zip(row, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join(line(row) for row in cells)


def table_text(frame: pl.DataFrame, table: spec.Table, *, segment_by: str = s.USAGE_TIER) -> str:
    """``frame``'s ``table`` columns as aligned text, every cell as
    :func:`econ.present.columns.as_text` writes it."""
    present = [column for column in table if column.name in frame.columns]
    shown = spec.as_text(frame, table, segment_by=segment_by)
    return aligned(shown, [column.kind not in _TEXT_KINDS for column in present])


def totals_by_figure(c: Comparison) -> pl.DataFrame:
    """The totals as text cells with the options across and the figures down (a page or a
    terminal is narrower than thirteen columns): a first column naming each figure of
    :data:`econ.present.columns.COMPARE_TOTALS`, then one column per option, baseline first."""
    frame = totals_table(c)
    measures = tuple(column for column in spec.COMPARE_TOTALS if column.name != "scenario")
    shown = spec.as_text(frame, measures)
    names = [str(name) for name in frame["scenario"].to_list()]
    header = FIGURE if FIGURE not in names else f"{FIGURE} ·"
    rows = {
        header: list(shown.columns),
        **{
            name: [str(shown[label][index]) for label in shown.columns]
            for index, name in enumerate(names)
        },
    }
    return pl.DataFrame(rows, schema=dict.fromkeys(rows, pl.String))


FIGURE: Final = "Figure"


def totals_text(c: Comparison) -> str:
    """:func:`totals_by_figure` as aligned text."""
    return aligned(totals_by_figure(c), [False, *([True] * len(c.names))])


def comparison_text(
    c: Comparison, *, segment_by: str = s.USAGE_TIER, features: Iterable[str] = ()
) -> str:
    """The comparison as plain text for a terminal (``econ compare --format table``): what is
    compared, the winner, the totals, segments by LTV method, plans, bill changes with the
    customers most affected, and what each option applies. ``segment_by`` names the baseline's
    segmentation, so that segments read as words ("Power users"); ``features`` (the data's
    feature ids) are named in words where the options' changes mention them."""
    lines = [
        f"Compared: {', '.join(c.names)}.",
        compared_line(c),
        "",
        winner_sentence(c),
        "",
        "Per month over the window",
        totals_text(c),
    ]
    segments = segments_table(c)
    for method, title in LTV_METHOD_TITLES.items():
        table = segment_columns(method)
        lines += ["", f"Segments: {title}", table_text(segments, table, segment_by=segment_by)]
    lines += ["", "Plans, per month", table_text(plans_table(c), spec.COMPARE_PLANS)]
    lines += [
        "",
        "Each customer's bill over the window against the baseline's",
        table_text(bill_summary_table(c), spec.COMPARE_BILLS),
    ]
    for name in c.names[1:]:
        affected = most_affected_table(c, name)
        lines += ["", f"Customers most affected by {name}"]
        lines.append(
            table_text(affected, spec.COMPARE_AFFECTED, segment_by=segment_by)
            if affected.height
            else "  No customer's bill changes."
        )
    lines += ["", "What each option changes against the baseline"]
    for item in option_changes(c, features):
        lines.append(f"{item.scenario}: {item.summary}")
        lines += [f"  - applies: {title}" for title in item.recommendations]
        lines += [f"  - {change}" for change in item.changes]
    notes = [(name, note) for name, found in c.notes.items() for note in found]
    if notes:
        lines += ["", "Notes"]
        lines += [f"  - {name}: {note}" for name, note in notes]
    return terminal_safe("\n".join(lines))
