"""The board pack: one self-contained HTML report of the current view (dataset + scenario).

Sections, each a small function of :class:`PackInputs`: the cover with the headline figures,
the executive summary, the saved scenarios compared (only when the pack is made from a
comparison), segment LTV (table and chart), feature margins (the margin stack, the
feature table, margins plan by plan), the recommendations with their arithmetic, the simulated
price book (only when the scenario sets one), the methods and every assumption, and the
scenario itself as an appendix. A footer on every printed page names the dataset, the date the
pack was made and the share link that reopens the same view in the app.

The document needs nothing outside itself: no font, script or stylesheet is fetched; charts are
inline SVG (:func:`board_pack_html` with ``charts="svg"``) or PNG data URIs (``"png"``, what
:func:`econ_pack.pdf.board_pack_pdf` prints). Every string from the data is escaped. Its output
depends only on its inputs: the date is passed in, never read from the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from importlib import resources
from typing import Final

import polars as pl

import econ
from econ import formats
from econ.formats import money, percent, ratio
from econ.present import columns as spec
from econ.present import facts, labels, methods, pricing_view, response, views
from econ.present.summary import ExecutiveSummary, ai_revenue_text, executive_summary
from econ.schema import PLAN
from econ_pack import charts, pricing_charts
from econ_pack.formula_text import formula_html
from econ_pack.html_parts import (
    KEPT_WHOLE,
    ChartFormat,
    Figures,
    bullets,
    chart,
    element,
    paragraph,
    table,
    text,
    text_table,
)
from econ_pack.pack_assumptions import assumption_rows
from econ_pack.pack_comparison import comparison_section
from econ_pack.summary_charts import sparkline

TITLE: Final = "Unit economics board pack"
RECOMMENDATIONS_LISTED: Final = 12
"""Recommendations in the pack's ranked table (the command line prints as many)."""
RECOMMENDATIONS_DETAILED: Final = 8
"""Recommendations whose arithmetic the pack spells out (the rest are listed in the table)."""
PLANS_PIVOTED: Final = 8
"""Plans shown side by side in the per-plan margin table (the cheapest first)."""
LARGEST_INCREASES: Final = 10
CHART_WIDTH: Final = 760
"""A full-width chart's plotting area, in CSS pixels (its legend adds to it)."""


@dataclass(frozen=True)
class PackInputs:
    """Everything the board pack shows, computed by the caller (the app has it cached).

    Attributes:
        dataset: the loaded dataset (its file names and reading notes).
        scenario: the scenario of the view, as the share link carries it.
        report: ``econ.analyze_dataset(dataset, scenario)``.
        recommendations: ``econ.recommend(report)``, ranked.
        simulation: ``econ.simulate(report)`` when the scenario's price book changes
            anything, else ``None`` (the section is left out).
        dataset_id: the dataset's id (``"sample"`` for the bundled sample).
        share_link: the link that reopens this view (a full URL, or from the command line the
            query part to append to the app's address); ``None`` when there is none.
        generated_on: the date printed on the pack.
        comparison: saved scenarios compared (the Compare page's view), shown in a "Scenarios
            compared" section; ``None`` leaves the section out.
    """

    dataset: econ.Dataset
    scenario: econ.Scenario
    report: econ.Report
    recommendations: Sequence[econ.Recommendation]
    simulation: econ.Simulation | None
    dataset_id: str
    share_link: str | None
    generated_on: dt.date
    comparison: econ.Comparison | None = None

    @property
    def segment_by(self) -> str:
        return self.report.scenario.segment_by


def pack_inputs(
    dataset: econ.Dataset,
    scenario: econ.Scenario,
    *,
    dataset_id: str,
    share_link: str | None,
    generated_on: dt.date,
    report: econ.Report | None = None,
    comparison: econ.Comparison | None = None,
) -> PackInputs:
    """Analyze ``dataset`` under ``scenario`` (unless ``report`` is given) and gather the
    pack's inputs; the simulation only when the price book changes anything; ``comparison``
    adds the "Scenarios compared" section."""
    report = report if report is not None else econ.analyze_dataset(dataset, scenario)
    book = report.scenario.price_book
    return PackInputs(
        dataset=dataset,
        scenario=scenario,
        report=report,
        recommendations=econ.recommend(report, model_usage=dataset.model_usage),
        simulation=None
        if book.is_current_pricing
        else econ.simulate(report, model_usage=dataset.model_usage),
        dataset_id=dataset_id,
        share_link=share_link,
        generated_on=generated_on,
        comparison=comparison,
    )


Draw = Callable[..., str]
"""``draw(chart, width=..., caption=...)``: a chart as the document embeds it."""


def board_pack_html(inputs: PackInputs, *, charts: ChartFormat = "svg") -> str:
    """The board pack as one HTML document (UTF-8 text)."""
    draw: Draw = partial(chart, how=charts)
    body = "".join(section(inputs, draw) for section in SECTIONS)
    return _document(inputs, body)


def _document(inputs: PackInputs, body: str) -> str:
    css = resources.files("econ_pack").joinpath("board.css").read_text(encoding="utf-8")
    title = f"{TITLE} — {_dataset_name(inputs)}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{text(title)}</title><style>{css}</style></head>"
        f"<body>{_footer(inputs)}<main>{body}</main></body></html>\n"
    )


def _month(text_month: str) -> str:
    """``2025-08`` → ``August 2025``."""
    year, month = text_month.split("-")
    return f"{dt.date(int(year), int(month), 1):%B %Y}"


def _dataset_name(inputs: PackInputs) -> str:
    if inputs.dataset_id == "sample":
        return "the sample data (Quillstack)"
    return inputs.dataset.usage_name


# --- footer ---------------------------------------------------------------------------------


def share_link_html(link: str | None, *, short: bool = False) -> str:
    """The share link: a link when it is a web address, else its text (a command-line pack has
    only the query part, to append to the app's address). ``short`` names the link rather
    than spelling it out (the running footer; the Assumptions page prints it whole)."""
    if not link:
        return "no share link (the dataset is not stored in the app)"
    if link.startswith(("https://", "http://")):
        shown = "open this exact view in the app" if short else text(link)
        return f'<a href="{text(link)}">{shown}</a>'
    return f"{text(link)} (append to your app's address)"


def _footer(inputs: PackInputs) -> str:
    """The running footer: dataset id, date and share link on every printed page."""
    return (
        '<footer class="running"><span class="footer-meta">'
        f"Dataset {text(inputs.dataset_id)}{text(_footer_name(inputs))} · generated "
        f"{inputs.generated_on.isoformat()}</span> · "
        f'<span class="link">{_footer_link(inputs.share_link)}</span></footer>'
    )


def _footer_name(inputs: PackInputs) -> str:
    """The files behind an uploaded dataset, after its id: `` (usage.parquet + revenue.csv)``."""
    if inputs.dataset_id == "sample":
        return ""
    return f" ({inputs.dataset.usage_name} + {inputs.dataset.revenue_name})"


def _footer_link(link: str | None) -> str:
    """The footer's share link: one to click, or, when it is only the query part (the command
    line knows no server address), where to find it."""
    if link and link.startswith(("https://", "http://")):
        return "Share link: " + share_link_html(link, short=True)
    if link:
        return "Share link: on the Assumptions page"
    return share_link_html(link)


# --- cover ----------------------------------------------------------------------------------


def _revenue_label(report: econ.Report) -> str:
    """The cover's revenue figure: all revenue, or the AI revenue the scenario counts."""
    basis = report.scenario.ai_revenue.basis
    if basis == "all":
        return "Revenue over the window"
    return f"{'Direct' if basis == 'direct' else 'Attributed'} AI revenue over the window"


def _cover(inputs: PackInputs, draw: Draw) -> str:
    report = inputs.report
    t = report.totals
    blended = report.segment(facts.BLENDED)
    data = inputs.dataset
    figures = Figures(
        [
            (_revenue_label(report), money(t.revenue_usd, cents=False)),
            ("Inference cost", money(t.inference_usd, cents=False)),
            ("Gross margin over the window, after every cost", percent(t.gross_margin)),
            ("Feature margin, after inference only", percent(t.inference_margin)),
            ("Compute-adjusted LTV:CAC (all customers)", ratio(blended["ltv_cac"])),
            ("Paying customers", formats.count(t.customers)),
        ]
    )
    source = (
        "the bundled sample data"
        if inputs.dataset_id == "sample"
        else f"usage {text(data.usage_name)} and revenue {text(data.revenue_name)}"
    )
    return (
        '<section class="cover">'
        f"<h1>{text(TITLE)}</h1>"
        + paragraph(
            f"Compute-adjusted LTV per customer segment and gross margin per AI feature, from "
            f"{source}: {_month(t.first_month)} to {_month(t.last_month)}, "
            f"{formats.count(t.customer_months)} "
            f"paying customer-months (unbilled usage of trials and churned or unknown customers, "
            f"{money(t.unbilled_inference_usd, cents=False)}, is left out). Generated on "
            f"{inputs.generated_on:%d %B %Y}.",
            "lead",
        )
        + figures.html()
        + paragraph(text(ai_revenue_text(report, how_to_change=False)), "note")
        + _summary(inputs, draw)
        + "</section>"
    )


SPARKLINE_SIZE: Final = (120, 26)


def _summary(inputs: PackInputs, draw: Draw) -> str:
    """The executive summary: the KPIs of the last month with their change and trend, the
    findings ranked by the dollars a month at stake, and the verdict on inference's share."""
    summary = executive_summary(
        inputs.dataset, inputs.scenario, inputs.report, inputs.recommendations
    )
    return (
        '<div class="summary">'
        f'<div class="summary-kpis"><h3>The last month ({text(_last(summary))})</h3>'
        + _kpi_table(summary, draw)
        + paragraph(f"<b>Verdict.</b> {text(summary.verdict)}", "verdict")
        + "</div>"
        + '<div class="summary-findings"><h3>What matters most</h3>'
        + _findings(summary)
        + "</div></div>"
    )


def _last(summary: ExecutiveSummary) -> str:
    return summary.window.split("\u2013")[-1].strip()


def _kpi_table(summary: ExecutiveSummary, draw: Draw) -> str:
    width, height = SPARKLINE_SIZE
    rows = "".join(
        "<tr>"
        f"<td>{text(kpi.name)}</td>"
        f'<td class="num"><b>{text(kpi.value_text)}</b></td>'
        f'<td class="num {kpi.tone(kpi.mom)}">{text(kpi.mom_text)}</td>'
        f'<td class="num {kpi.tone(kpi.qoq)}">{text(kpi.qoq_text)}</td>'
        f'<td class="spark">'
        f"{draw(sparkline(kpi.series, kpi.kind), width=width, height=height, caption='')}</td>"
        "</tr>"
        for kpi in summary.kpis
    )
    return (
        '<table class="data kpi-table whole"><thead><tr><th>KPI</th><th class="num">Value</th>'
        '<th class="num">Month on month</th><th class="num">Quarter on quarter</th>'
        f"<th>{text(summary.window)}</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _findings(summary: ExecutiveSummary) -> str:
    items = []
    for found in summary.findings:
        if found.headline == summary.verdict:
            continue  # the verdict is shown on its own
        stake = (
            f' <span class="stake">{text(found.impact_label)}</span>' if found.impact_usd else ""
        )
        details = "".join(f" {text(detail)}" for detail in found.details)
        items.append(
            f"{text(found.headline)}{details}{stake} "
            f'<span class="where">(in the app: {text(found.page_title)})</span>'
        )
    unset = "".join(paragraph(text(note), "note") for note in summary.unset)
    if not items:
        return paragraph("Nothing stands out: no segment, feature or plan needs attention.") + unset
    return element("ol", "".join(f"<li>{item}</li>" for item in items), "findings") + unset


# --- segment LTV ----------------------------------------------------------------------------


def _segment_row(row: dict[str, object]) -> str | None:
    return "total" if row["segment"] == facts.BLENDED else None


def _segments(inputs: PackInputs, draw: Draw) -> str:
    report, by = inputs.report, inputs.segment_by
    segments = report.segments
    blended = report.segment(facts.BLENDED)
    named = partial(labels.segment_label, segment_by=by)
    lines = [
        f"<b>{text(named(row['segment']))}</b>: compute-adjusted LTV:CAC is "
        f"<b>{ratio(row['ltv_cac'])}</b>, below 3:1 (the traditional view says "
        f"{ratio(row['ltv_cac_traditional'])})."
        for row in views.below_benchmark(segments).iter_rows(named=True)
    ]
    if not lines:
        lines = [
            "Set a CAC to compare LTV with acquisition cost."
            if segments["ltv_cac"].is_null().all()
            else "Every segment clears 3:1 compute-adjusted LTV:CAC."
        ]
    figure = draw(
        charts.ltv_by_segment(
            views.ltv_bars(segments, segment_by=by), views.benchmark_marks(segments, segment_by=by)
        ),
        width=CHART_WIDTH,
        height=150,
        caption="Traditional against compute-adjusted LTV per customer; the red tick is the "
        "LTV a 3:1 LTV:CAC needs.",
    )
    blanks = facts.blank_figures(segments, spec.SEGMENTS, segment_by=by)
    blank = bullets(text(sentence) for sentence in blanks)
    return (
        '<section class="page">'
        f"<h2>Compute-adjusted LTV by segment ({text(labels.segmentation_label(by))})</h2>"
        + paragraph(
            "Customers paying the same price cost very different amounts to serve. LTV here "
            "is monthly gross profit per customer after inference and AI costs, divided by "
            "monthly churn; the traditional LTV ignores inference."
        )
        + Figures(
            [
                ("Compute-adjusted LTV", money(blended["ltv_compute_adjusted_usd"], cents=False)),
                ("Traditional LTV", money(blended["ltv_traditional_usd"], cents=False)),
                ("LTV:CAC", ratio(blended["ltv_cac"])),
                ("Monthly churn", percent(blended["churn"], digits=2)),
            ]
        ).html()
        + bullets(lines, "findings")
        + table(segments, spec.SEGMENTS, segment_by=by, row_class=_segment_row)
        + (
            element("div", "<p>Why some figures are blank (—):</p>" + blank, "note")
            if blanks
            else ""
        )
        + figure
        + "</section>"
    )


# --- feature margins ------------------------------------------------------------------------


def _feature_row(row: dict[str, object]) -> str | None:
    profit = row.get("gross_profit_usd")
    return "loss" if isinstance(profit, float) and profit < 0 else None


def _features(inputs: PackInputs, draw: Draw) -> str:
    report = inputs.report
    features, totals = report.features, report.totals
    losses = facts.feature_losses(features)
    lines = [
        f"<b>{text(labels.feature_label(row['feature_id']))}</b> loses "
        f"{money(-row['gross_profit_usd'], cents=False)}: {formats.count(row['calls'])} calls at "
        f"{formats.per_call(row['cost_per_call_usd'])} cost "
        f"{money(row['cost_usd'], cents=False)} against {money(row['revenue_usd'], cents=False)} "
        f"of revenue (margin {percent(row['gross_margin'])})."
        for row in losses.losers.iter_rows(named=True)
    ] or ["No feature loses money over the window."]
    stack = draw(
        charts.margin_stack(views.margin_stack(features), views.net_gross_profit(features)),
        width=400,
        height=200,
        caption="The margin stack: features from the largest gross profit to the largest loss, "
        "each bar running from the total before it to the total after it; the last bar is the "
        "net.",
    )
    bands = draw(
        charts.margin_against_bands(views.margin_bands(features)),
        width=360,
        height=200,
        caption="Each feature's margin (dot) against its category's target band (grey) and "
        "action threshold (orange).",
    )
    unallocated = facts.unallocated_revenue(totals)
    return (
        '<section class="page">'
        "<h2>Gross margin per AI feature</h2>"
        + paragraph(
            "Each feature's inference cost against the share of revenue it earns "
            f"({text(_allocation_words(inputs))}). The aggregate margin can look healthy "
            "while one feature loses money on every use."
        )
        + Figures(
            [
                ("Aggregate feature margin", percent(totals.inference_margin)),
                ("Features losing money", f"{losses.losers.height} of {losses.features}"),
                ("Lost on them", money(losses.loss_usd, cents=False)),
            ]
        ).html()
        + bullets(lines, "findings")
        + (
            paragraph(
                f"{money(unallocated, cents=False)} of revenue comes from customer-months "
                "without any AI call and is not allocated to a feature.",
                "note",
            )
            if unallocated is not None
            else ""
        )
        + element("div", stack + bands, "charts-row")
        + table(features, spec.FEATURES, row_class=_feature_row)
        + "</section>"
        + _by_plan(inputs)
    )


def _allocation_words(inputs: PackInputs) -> str:
    method = inputs.report.scenario.allocation.method
    return (
        "revenue split by each customer-month's share of calls"
        if method == "usage"
        else "revenue split by the scenario's value weights"
    )


def _by_plan(inputs: PackInputs) -> str:
    """Which features make or lose money on which plan: the losses in words, then a pivot of
    margins (features down, plans across, cheapest plan first)."""
    report = inputs.report
    by_plan = views.features_by_plan(report)
    losing = views.losing_by_plan(by_plan)
    lines = [
        f"<b>{text(labels.feature_label(row['feature_id']))}</b> loses "
        f"{money(-row['gross_profit_usd'], cents=False)} on <b>{text(row[PLAN])}</b> "
        f"(margin {percent(row['gross_margin'])})."
        for row in losing.iter_rows(named=True)
    ] or ["No feature loses money on any plan."]
    plans = facts.plans_by_price(report.customer_months)
    shown_plans = plans[:PLANS_PIVOTED]
    more = len(plans) - len(shown_plans)
    return (
        '<section class="block">'
        "<h3>Feature margins plan by plan</h3>"
        + bullets(lines, "findings")
        + _margin_pivot(by_plan, report.features["feature_id"].to_list(), shown_plans)
        + (
            paragraph(f"{more} more plans are left out here; the app shows them all.", "note")
            if more > 0
            else ""
        )
        + "</section>"
    )


def _margin_pivot(by_plan: pl.DataFrame, features: list[str], plans: list[str]) -> str:
    """Gross margin (and gross profit) of each feature on each plan; losses in red."""
    cells = {(row["feature_id"], row[PLAN]): row for row in by_plan.iter_rows(named=True)}
    head = "<th>Feature</th>" + "".join(f'<th class="num">{text(plan)}</th>' for plan in plans)
    rows = []
    for feature in features:
        tds = [f"<td>{text(labels.feature_label(feature))}</td>"]
        for plan in plans:
            row = cells.get((feature, plan))
            if row is None:
                tds.append('<td class="num">—</td>')
                continue
            css = "num loss" if row["gross_profit_usd"] < 0 else "num"
            tds.append(
                f'<td class="{css}">{percent(row["gross_margin"])}'
                f'<br><span class="sub">{money(row["gross_profit_usd"], cents=False)}</span></td>'
            )
        rows.append(f"<tr>{''.join(tds)}</tr>")
    caption = paragraph(
        "Gross margin of each feature on each plan, the cheapest plan first, with its gross "
        "profit over the window below it.",
        "note",
    )
    whole = " whole" if len(features) <= KEPT_WHOLE else ""
    return (
        f'{caption}<table class="data pivot{whole}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


# --- recommendations ------------------------------------------------------------------------

_RECOMMENDATION_TABLE: Final[spec.Table] = (
    spec.Column("rank", "#", "count"),
    spec.Column("title", "Recommendation"),
    spec.Column("revenue_change_usd", "Revenue / month", "money"),
    spec.Column("cost_change_usd", "Inference cost / month", "money"),
    spec.Column("gross_profit_change_usd", "Gross profit / month", "money"),
    spec.Column("after_response_usd", "Gross profit / month after customers respond", "money"),
    spec.Column("gross_margin_after", "Company margin after", "percent"),
    spec.Column("customers_affected", "Customers affected", "count"),
)


def _recommendation_frame(
    recommendations: Sequence[econ.Recommendation], segment_by: str
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "rank": list(range(1, len(recommendations) + 1)),
            "title": [
                pricing_view.in_words(r.title, r, segment_by=segment_by) for r in recommendations
            ],
            "revenue_change_usd": [r.revenue_change_usd for r in recommendations],
            "cost_change_usd": [r.cost_change_usd for r in recommendations],
            "gross_profit_change_usd": [r.gross_profit_change_usd for r in recommendations],
            "after_response_usd": [
                r.gross_profit_change_after_response_usd for r in recommendations
            ],
            "gross_margin_after": [r.gross_margin_after for r in recommendations],
            "customers_affected": [r.customers_affected for r in recommendations],
        },
        schema={
            "rank": pl.Int64,
            "title": pl.String,
            "revenue_change_usd": pl.Float64,
            "cost_change_usd": pl.Float64,
            "gross_profit_change_usd": pl.Float64,
            "after_response_usd": pl.Float64,
            "gross_margin_after": pl.Float64,
            "customers_affected": pl.Int64,
        },
    )


def _recommendation(rank: int, rec: econ.Recommendation, segment_by: str) -> str:
    before, after = rec.gross_margin_before, rec.gross_margin_after
    figures = (
        f"Revenue {formats.money_change(rec.revenue_change_usd)} a month, inference cost "
        f"{formats.money_change(rec.cost_change_usd)}, gross profit "
        f"{formats.money_change(rec.gross_profit_change_usd)}; company margin "
        f"{percent(before)} → {percent(after)}; "
        f"{formats.count_of(rec.customers_affected, 'customer')} affected "
        f"({percent(rec.revenue_share_affected)} of revenue)."
    )
    return (
        '<div class="recommendation">'
        f"<h4>{rank}. {text(pricing_view.in_words(rec.title, rec, segment_by=segment_by))}</h4>"
        + paragraph(text(figures), "figures")
        + bullets(
            text(pricing_view.in_words(line, rec, segment_by=segment_by)) for line in rec.arithmetic
        )
        + "</div>"
    )


def _recommendations(inputs: PackInputs, draw: Draw) -> str:
    recs = inputs.recommendations
    months = inputs.report.customer_months.window.months
    if not recs:
        body = paragraph("No recommendations: every feature meets its target on every plan.")
    else:
        detailed = recs[:RECOMMENDATIONS_DETAILED]
        more = len(recs) - RECOMMENDATIONS_LISTED
        body = (
            table(
                _recommendation_frame(recs[:RECOMMENDATIONS_LISTED], inputs.segment_by),
                _RECOMMENDATION_TABLE,
            )
            + (
                paragraph(
                    f"{more} smaller recommendations follow in the app's Tiers &amp; pricing "
                    "page and in <code>econ analyze --format json</code>.",
                    "note",
                )
                if more > 0
                else ""
            )
            + f"<h3>The arithmetic of the first {len(detailed)}</h3>"
            + "".join(
                _recommendation(rank, rec, inputs.segment_by)
                for rank, rec in enumerate(detailed, 1)
            )
        )
    return (
        '<section class="page">'
        "<h2>Recommendations</h2>"
        + paragraph(
            "Ranked by monthly gross-profit impact, each measured alone against current "
            f"pricing on the window's usage ({months} months): figures are per month. A change "
            "that raises bills also says how much of its impact survives the customers "
            "expected to leave at their new bill."
        )
        + body
        + "</section>"
    )


# --- simulation -----------------------------------------------------------------------------

_MEASURES: Final = {
    "revenue_usd": "Revenue / month",
    "inference_usd": "Inference cost / month",
    "gross_profit_usd": "Gross profit / month",
    "gross_margin": "Gross margin",
}


def _simulation_totals(simulation: econ.Simulation) -> str:
    rows = []
    for row in simulation.totals.iter_rows(named=True):
        measure = row["measure"]
        if measure not in _MEASURES:
            continue
        write = percent if measure == "gross_margin" else partial(money, cents=False)
        change = row["change"]
        changed = (
            f"{(change or 0) * 100:+.1f} points" if measure == "gross_margin" else write(change)
        )
        rows.append((_MEASURES[measure], write(row["current"]), write(row["simulated"]), changed))
    frame = pl.DataFrame(
        rows, schema=["Figure", "Current pricing", "Simulated price book", "Change"], orient="row"
    )
    return text_table(frame, numeric=[False, True, True, True])


def _simulation(inputs: PackInputs, draw: Draw) -> str:
    simulation = inputs.simulation
    if simulation is None:
        return ""
    by = inputs.segment_by
    bill_sentence = text(pricing_view.bills_sentence(simulation.bills))
    chart_html = draw(
        pricing_charts.bill_change_histogram(
            pricing_view.bill_change_histogram(simulation.customers)
        ),
        width=860,
        height=220,
        caption="Customers by the change of their bill over the window under the simulated "
        "price book.",
    )
    largest = simulation.customers.filter(pl.col("change_usd") > 0).head(LARGEST_INCREASES)
    return (
        '<section class="page">'
        "<h2>The simulated price book against current pricing</h2>"
        + paragraph(
            "The scenario's price book applied to every customer-month of the window, usage "
            "as observed (its settings are in the assumptions)."
        )
        + _simulation_totals(simulation)
        + paragraph(bill_sentence)
        + "<h3>If customers respond</h3>"
        + paragraph(text(response.response_summary(simulation.response)))
        + text_table(
            response.response_table(simulation).rename(response.RESPONSE_TABLE_HEADERS),
            numeric=[False, True, True, True],
        )
        + "</section>"
        + '<section class="block">'
        + "<h3>By plan (per month)</h3>"
        + table(simulation.plans, spec.PLAN_COMPARISON)
        + "<h3>What each part of the bill adds (per month)</h3>"
        + table(pricing_view.bill_parts(simulation.parts), spec.BILL_PARTS)
        + "".join(paragraph(text(f"Note: {note}.")) for note in simulation.notes)
        + chart_html
        + (
            "<h3>Largest increases</h3>" + table(largest, spec.BILLS, segment_by=by)
            if largest.height
            else ""
        )
        + "</section>"
    )


# --- scenarios compared ---------------------------------------------------------------------


def _comparison(inputs: PackInputs, draw: Draw) -> str:
    """The saved scenarios compared (:mod:`econ_pack.pack_comparison`), when there are."""
    if inputs.comparison is None:
        return ""
    return comparison_section(
        inputs.comparison,
        draw,
        segment_by=inputs.comparison.segment_by,
        features=inputs.report.features["feature_id"].to_list(),
    )


# --- methods and assumptions ----------------------------------------------------------------

FORMULA_TITLES: Final = {
    "token_cost": "Cost of a call priced from its tokens",
    "gross_profit": "Compute-adjusted gross profit per customer-month",
    "gross_margin": "Gross margin and inference share",
    "churn": "Monthly revenue churn",
    "blended_churn": "Blended churn once a segment's rate is set",
    "ltv_revenue": "Revenue LTV",
    "ltv_traditional": "Traditional LTV",
    "ltv_compute_adjusted": "Compute-adjusted LTV",
    "ltv_cac": "LTV:CAC and payback",
    "feature_revenue": "Revenue allocated to a feature",
    "feature_margin": "Feature gross margin and cost per call",
    "feature_status": "Feature status against its category band",
    "minimum_price": "Minimum price of a tier that carries a feature",
    "allowance": "Included uses and overage price",
    "optimization_roi": "Return on an optimization",
    "routing": "Cost factor of routing to a cheaper model",
    "grr_nrr": "Gross and net revenue retention",
    "sbg_survival": "Shifted-beta-geometric survival",
    "sbg_likelihood": "Fitting the sBG curve",
    "sbg_ltv": "sBG LTV (discounted)",
    "residual_value": "Value of today's customers",
    "sbg_payback": "sBG payback",
    "response": "Customer response to a price rise",
    "projection": "The 12-month projection",
    "bill": "A customer-month's simulated bill",
}


def _methods(inputs: PackInputs, draw: Draw) -> str:
    rows = "".join(
        "<tr>"
        f"<td>{text(FORMULA_TITLES.get(f.key, labels.words(f.key)))}</td>"
        f'<td class="formula">{formula_html(f.latex)}</td>'
        f'<td class="code">{"<br>".join(text(name) for name in f.functions)}</td>'
        "</tr>"
        for f in methods.FORMULAS
    )
    bands = methods.category_bands()
    return (
        '<section class="page">'
        "<h2>Methods</h2>"
        + paragraph(
            "Every figure is computed by one function of the econ package, named beside its "
            "formula. Figures are per active customer-month (a month in which a customer pays), "
            "so segments recombine to the all-customer row. Undefined figures are shown as —."
        )
        + '<table class="data methods"><thead><tr><th>Figure</th><th>Formula</th>'
        f"<th>Computed by</th></tr></thead><tbody>{rows}</tbody></table>"
        + "<h3>Target margin bands by feature category</h3>"
        + text_table(bands, numeric=[False, True, True])
        + "</section>"
    )


def _assumptions(inputs: PackInputs, draw: Draw) -> str:
    rows = assumption_rows(inputs.report.scenario)
    frame = pl.DataFrame(rows, schema=["Assumption", "Value"], orient="row")
    notes = inputs.report.warnings
    return (
        '<section class="page">'
        "<h2>Assumptions of this view</h2>"
        + paragraph(
            "Every assumption behind the figures, with the defaults filled in from the data. "
            "The share link reopens the app with exactly these values:"
        )
        + paragraph(_spelled_out(inputs.share_link), "share-link")
        + text_table(frame, css_class="data assumptions")
        + ("<h3>Warnings</h3>" + bullets(text(warning) for warning in notes) if notes else "")
        + "</section>"
    )


def _spelled_out(link: str | None) -> str:
    """The share link as text to copy (a printed page cannot be clicked); the running footer
    holds the same link to click."""
    if not link:
        return share_link_html(link)
    if link.startswith(("https://", "http://")):
        return f"<code>{text(link)}</code>"
    return f"<code>{text(link)}</code> (append it to your app's address)"


def _appendix(inputs: PackInputs, draw: Draw) -> str:
    return (
        '<section class="page appendix">'
        "<h2>Appendix: the scenario</h2>"
        + paragraph(
            "The scenario as the econ command line reads it "
            "(<code>econ report --scenario scenario.json</code>)."
        )
        + f"<pre>{text(inputs.report.scenario.to_json())}</pre>"
        + "</section>"
    )


Section = Callable[[PackInputs, Draw], str]

SECTIONS: Final[tuple[Section, ...]] = (
    _cover,
    _comparison,
    _segments,
    _features,
    _recommendations,
    _simulation,
    _methods,
    _assumptions,
    _appendix,
)
"""The pack's sections, in order."""
