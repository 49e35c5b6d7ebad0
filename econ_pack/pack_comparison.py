"""The board pack's "Scenarios compared" section: the winner, the totals with their changes,
gross profit month by month, segments by LTV method, plans, how bills move and what each
option changes, from the same tables and sentences as the Compare page
(:mod:`econ.present.compare_view`).

Every string from the data (option names, plan, segment and customer ids, the assumption lines)
is escaped; figures are written by :mod:`econ.formats` through the column specs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

import econ
from econ import formats
from econ.present import columns as spec
from econ.present import compare_view, labels
from econ_pack import compare_charts
from econ_pack.html_parts import Figures, bullets, element, paragraph, table, text, text_table

Draw = Callable[..., str]
"""``draw(chart, width=..., height=..., caption=...)``: a chart as the document embeds it."""

CHART_WIDTH: Final = 760
SEGMENT_COLUMNS_LEFT_OUT: Final = frozenset({"cac_usd", "ltv_method"})
"""Columns of the segment tables the printed page has no room for (the CAC is an assumption,
listed on the Assumptions page; the method in use is said once above the tables)."""


def _segment_row(row: dict[str, object]) -> str | None:
    return "total" if row.get("segment") == labels.BLENDED else None


def _figures(c: econ.Comparison) -> str:
    """One box per option: its gross profit a month, and its role."""
    roles = compare_view.roles(c)
    rows = {str(row["scenario"]): row for row in c.totals.iter_rows(named=True)}
    return Figures(
        [
            (
                f"{name}{f' ({roles[name]})' if roles[name] else ''}: gross profit a month",
                formats.money(rows[name]["gross_profit_usd"]),
            )
            for name in c.names
        ]
    ).html()


def _segments(c: econ.Comparison, segment_by: str) -> str:
    frame = compare_view.segments_table(c)
    methods = sorted({compare_view.LTV_METHODS.get(m, m) for m in c.segments["ltv_method"]})
    parts = ["<h3>Segments: compute-adjusted LTV and LTV:CAC</h3>"]
    for method, title in compare_view.LTV_METHOD_TITLES.items():
        columns = tuple(
            column
            for column in compare_view.segment_columns(method)
            if column.name not in SEGMENT_COLUMNS_LEFT_OUT
        )
        parts.append(f"<h4>{text(title)}</h4>")
        parts.append(table(frame, columns, segment_by=segment_by, row_class=_segment_row))
    note = (
        "Churn is as observed in every option; the LTV method the options' scenarios read "
        f"elsewhere: {', '.join(methods)}. An sBG LTV is blank (—) where no retention curve "
        "could be fitted."
    )
    return "".join(parts) + paragraph(text(note), "note")


def _bills(c: econ.Comparison, segment_by: str, draw: Draw) -> str:
    figure = draw(
        compare_charts.bill_change_by_option(compare_view.bill_change_histograms(c)),
        width=CHART_WIDTH,
        height=200,
        caption="Customers by the change of their bill over the window against the baseline's, "
        "per option.",
    )
    affected = []
    for name in c.names[1:]:
        rows = compare_view.most_affected_table(c, name)
        affected.append(f"<h4>Customers most affected by {text(name)}</h4>")
        affected.append(
            table(rows, spec.COMPARE_AFFECTED, segment_by=segment_by)
            if rows.height
            else paragraph("No customer's bill changes under this option.", "note")
        )
    return (
        "<h3>How each customer's bill moves</h3>"
        + table(compare_view.bill_summary_table(c), spec.COMPARE_BILLS)
        + figure
        + "".join(affected)
    )


def _changes(c: econ.Comparison, features: Sequence[str]) -> str:
    parts = ["<h3>What each option changes</h3>"]
    for item in compare_view.option_changes(c, features):
        lines = [f"Applies: {text(title)}" for title in item.recommendations]
        lines += [text(line) for line in item.changes]
        lines += [f"Note: {text(note)}" for note in item.notes]
        parts.append(paragraph(f"<b>{text(item.scenario)}</b>: {text(item.summary)}"))
        if lines:
            parts.append(bullets(lines))
    return "".join(parts)


def comparison_section(
    c: econ.Comparison, draw: Draw, *, segment_by: str, features: Sequence[str] = ()
) -> str:
    """The "Scenarios compared" section of the board pack (``segment_by``: the baseline's
    segmentation, so that segments read as words; ``features``: the data's feature ids, named
    in words where an option's changes mention them)."""
    chart = draw(
        compare_charts.gross_profit_by_month(compare_view.gross_profit_lines(c)),
        width=CHART_WIDTH,
        height=240,
        caption="Gross profit each month as each option bills and costs it: the baseline "
        "dashed, the option with the most gross profit once the customers expected to leave "
        "go drawn thick.",
    )
    totals = compare_view.totals_by_figure(c)
    return (
        '<section class="page">'
        "<h2>Scenarios compared</h2>"
        + paragraph(text(compare_view.compared_line(c)))
        + paragraph(f"<b>{text(compare_view.winner_sentence(c))}</b>", "lead")
        + _figures(c)
        + text_table(totals, numeric=[False, *([True] * (totals.width - 1))])
        + chart
        + "</section>"
        + '<section class="block">'
        + _segments(c, segment_by)
        + element("h3", "Plans, per month")
        + table(compare_view.plans_table(c), spec.COMPARE_PLANS)
        + _bills(c, segment_by, draw)
        + _changes(c, features)
        + "</section>"
    )
