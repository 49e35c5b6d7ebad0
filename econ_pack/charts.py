"""Chart builders: pure functions from the frames of :mod:`econ.present.views` to Altair charts.

They only draw. Sorting, stacking and binning happen (and are tested) in ``econ.present.views``; the
sort orders passed to Altair here are read from those already sorted frames.

Every encoding is an explicit channel object (``alt.X2(...)``, ``alt.TextValue(...)``), never a
shorthand string or a dict: Altair turns those into objects by searching its whole schema,
which made building a chart several times slower than drawing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Literal, cast

import altair as alt
import polars as pl
from altair.utils import schemapi

from econ.formats import money
from econ.present.labels import STATUS_LABELS
from econ.present.views import COMPUTE_ADJUSTED, TRADITIONAL

# Altair's "debug mode" checks every part of a chart against the Vega-Lite schema as it is
# built. Each whole chart is still checked when it is serialized (by Streamlit, and by the
# tests), so building without it changes no output and saves a third of a page's chart time.
schemapi.disable_debug_mode()


FIT_WIDTH: Final = alt.AutoSizeParams(type="fit-x", contains="padding")
"""Fit the container's width; the height given is the plot's own."""


class LayerChart(alt.LayerChart):
    """An Altair layered chart that serializes without re-checking itself against the schema.

    Streamlit turns a chart into Vega-Lite with ``to_dict()``, and the schema check is about
    half of a page's chart time, paid on every rerun. Each builder here always produces the same
    shape of spec, and the tests check every builder's output against the Vega-Lite schema
    (``to_dict(validate=True)``).

    It fits the width it is given and keeps its own height for the plot (``autosize``
    ``fit-x``): Streamlit's default ``fit`` squeezes legends and axes into the height, which
    collapsed a chart of two or three rows into a sliver.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("autosize", FIT_WIDTH)
        super().__init__(*args, **kwargs)

    def to_dict(
        self,
        validate: bool = False,
        *,
        format: Literal["vega-lite", "vega"] = "vega-lite",
        ignore: list[str] | None = None,
        context: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return super().to_dict(validate, format=format, ignore=ignore, context=context)


class VConcatChart(alt.VConcatChart):
    """:class:`LayerChart`'s shortcut for charts stacked one above the other."""

    def to_dict(
        self,
        validate: bool = False,
        *,
        format: Literal["vega-lite", "vega"] = "vega-lite",
        ignore: list[str] | None = None,
        context: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return super().to_dict(validate, format=format, ignore=ignore, context=context)


PROFIT: Final = "#2e7d4f"
LOSS: Final = "#c0392b"
NEUTRAL: Final = "#9aa5b1"
ACCENT: Final = "#1f4e79"
STATUS_COLORS: Final = {
    "negative": LOSS,
    "act": "#e67e22",
    "watch": "#d4ac0d",
    "ok": PROFIT,
    "above_band": "#2e86c1",
}


TABLEAU10: Final = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)


def _feature_scale(
    shown: list[str], every_feature: list[str], names: Mapping[str, str] | None = None
) -> alt.Scale:
    """The same color for a feature on every chart: colors go to ``every_feature`` (ids) in id
    order, and the legend lists ``shown`` in the order given, by their ``names`` (id → label)
    when the chart's field holds labels."""
    palette = {f: TABLEAU10[i % len(TABLEAU10)] for i, f in enumerate(sorted(every_feature))}
    named = names or {}
    return alt.Scale(
        domain=[named.get(f, f) for f in shown],
        range=[palette.get(f, NEUTRAL) for f in shown],
    )


def _zero_rule(data: pl.DataFrame, axis: Literal["x", "y"]) -> alt.Chart:
    """A black rule at zero, drawn from the chart's own data (collapsed to one row) so that
    every layer shares one dataset, which is serialized once."""
    base = alt.Chart(data).transform_aggregate(rows="count()").mark_rule(color="black")
    datum = {"x": alt.XDatum(0.0)} if axis == "x" else {"y": alt.YDatum(0.0)}
    return cast(alt.Chart, base.encode(**datum))


def _money_axis(title: str) -> alt.Axis:
    return alt.Axis(title=title, format="$,.0f")


def month_axis(months: Sequence[dt.date], field: str = "month") -> alt.X:
    """A month along x: a temporal axis truncated to the month (``timeUnit="yearmonth"``) with
    exactly one label per month of ``months`` ("Jan 2026"), so three months read as three
    labels, not six ticks of which several repeat a month."""
    shown = sorted(set(months))
    return alt.X(
        f"{field}:T",
        timeUnit="yearmonth",
        title=None,
        axis=alt.Axis(
            format="%b %Y",
            values=[alt.DateTime(year=m.year, month=m.month, date=1) for m in shown],
            tickCount=len(shown),
            labelAngle=0,
            labelOverlap="greedy",
            labelSeparation=8,
            grid=False,
        ),
        scale=alt.Scale(padding=24),
    )


def compact_money(field: str, *, signed: bool) -> str:
    """A Vega expression writing ``datum[field]`` as compact money for a value label:
    ``+$1.30M``, ``−$53K``, ``+$772``, ``$4.50`` (millions and billions to the cent of the
    unit, thousands whole; ``signed`` puts a "+" before a gain; a loss always reads with "−")."""
    value = f"datum[{field!r}]"
    size = f"abs({value})"
    body = (
        f"{size} >= 999500000 ? format({size} / 1e9, '.2f') + 'B' : "
        f"{size} >= 999500 ? format({size} / 1e6, '.2f') + 'M' : "
        f"{size} >= 999.5 ? format({size} / 1e3, '.0f') + 'K' : "
        f"{size} >= 10 ? format({size}, '.0f') : format({size}, '.2f')"
    )
    plus = "'+'" if signed else "''"
    return f"({value} < 0 ? '\u2212' : {plus}) + '$' + ({body})"


def ltv_by_segment(bars: pl.DataFrame, marks: pl.DataFrame) -> LayerChart:
    """Traditional vs compute-adjusted LTV per segment, with the 3:1 LTV:CAC level marked.

    A segment whose LTV is undefined (``ltv_usd`` null, see
    :func:`econ.present.views.ltv_bars`) shows its ``note`` where the bars would stand, so a
    chart whose every LTV is undefined still says why rather than drawing nothing.
    """
    order = bars.sort("order")["label"].unique(maintain_order=True).to_list()
    x = alt.X("label:N", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelLimit=160))
    height = 340
    columns = (
        alt.Chart(bars)
        .transform_filter("isValid(datum.ltv_usd)")
        .mark_bar()
        .encode(
            x=x,
            xOffset=alt.XOffset("view:N", sort=[TRADITIONAL, COMPUTE_ADJUSTED]),
            y=alt.Y("ltv_usd:Q", axis=_money_axis("LTV per customer")),
            color=alt.Color(
                "view:N",
                scale=alt.Scale(domain=[TRADITIONAL, COMPUTE_ADJUSTED], range=[NEUTRAL, ACCENT]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="segment"),
                alt.Tooltip("view:N"),
                alt.Tooltip("ltv_usd:Q", title="LTV", format="$,.0f"),
                alt.Tooltip("ltv_cac:Q", title="LTV:CAC", format=".1f"),
            ],
        )
    )
    notes = (
        alt.Chart(bars)
        .transform_filter(f"isValid(datum.note) && datum.view == {COMPUTE_ADJUSTED!r}")
        .mark_text(lineBreak="\n", baseline="middle", fontSize=12, lineHeight=16, color="#44515e")
        .encode(
            x=x,
            # Halfway up the plot, whatever height the chart is drawn at (the app's and the
            # board pack's differ), in the empty slot where the bars would stand.
            y=alt.YValue(alt.ExprRef("height / 2")),  # type: ignore[no-untyped-call]
            text=alt.Text("note:N"),
        )
    )
    benchmark = alt.Chart(marks).encode(
        x=x,
        y=alt.Y("ltv_at_benchmark:Q"),
        tooltip=[
            alt.Tooltip("label:N", title="segment"),
            alt.Tooltip("ltv_at_benchmark:Q", title="LTV at 3:1 LTV:CAC", format="$,.0f"),
        ],
    )
    ticks = benchmark.mark_tick(color=LOSS, thickness=3, size=46)
    labels = benchmark.mark_text(color=LOSS, dy=-9, fontSize=11).encode(text=alt.TextValue("3:1"))
    return LayerChart(layer=[columns, notes, ticks, labels], height=height)


SQRT_FROM: Final = 20
"""A histogram's count axis turns square-root (so a few loss-making customers stay visible
beside a crowded bin) once a bin holds more customers than this; below, it is linear."""


WHOLE_TICKS_UP_TO: Final = 10
"""Up to this many, a count axis lists every whole number as a tick: Vega's ``tickMinStep``
alone still puts ticks at halves on a short domain (0 to 2 ticks every 0.5)."""


def whole_ticks(most: int) -> alt.Axis:
    """Axis settings for a count that is a whole number (customers, months): integer labels,
    every integer from 0 to ``most`` listed when there are few of them."""
    if 0 <= most <= WHOLE_TICKS_UP_TO:
        return alt.Axis(values=list(range(most + 1)), format="d", tickMinStep=1)
    return alt.Axis(format="d", tickMinStep=1)


def customer_count_axis(most: int) -> alt.Y:
    """The ``customers`` count along y with whole-customer ticks (never "0.5 customers"):
    linear up to :data:`SQRT_FROM` customers in a bin, square-root above."""
    sqrt = most > SQRT_FROM
    axis = whole_ticks(most)
    axis.title = "Customers (square-root scale)" if sqrt else "Customers"
    return alt.Y("customers:Q", scale=alt.Scale(type="sqrt" if sqrt else "linear"), axis=axis)


def profit_histogram(histogram: pl.DataFrame) -> LayerChart:
    """Customers by monthly compute-adjusted gross profit; loss-making bins in red. The count
    axis has whole-customer ticks (:func:`customer_count_axis`)."""
    most = int(histogram.select(pl.col("customers").max()).item() or 0) if histogram.height else 0
    bars = (
        alt.Chart(histogram)
        .mark_bar()
        .encode(
            x=alt.X(
                "bin_start:Q", bin="binned", axis=_money_axis("Monthly gross profit per customer")
            ),
            x2=alt.X2("bin_end:Q"),
            y=customer_count_axis(most),
            color=alt.Color(
                "side:N",
                scale=alt.Scale(domain=["loss", "profit"], range=[LOSS, PROFIT]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("bin_start:Q", title="from", format="$,.0f"),
                alt.Tooltip("bin_end:Q", title="to", format="$,.0f"),
                alt.Tooltip("customers:Q"),
            ],
        )
    )
    return LayerChart(layer=[bars, _zero_rule(histogram, "x")], height=260)


STACK_COLORS: Final = {"profit": PROFIT, "loss": LOSS, "total": ACCENT}
STACK_LEGEND: Final = {
    "profit": "Makes money",
    "loss": "Loses money",
    "total": "Net gross profit",
}
ROW_HEIGHT: Final = 30
GAIN_TEXT: Final = "#1d3b2a"
"""The colour of a gain's value label (a dark green that reads on white)."""


def waterfall_scale(ends: Iterable[float]) -> alt.Scale:
    """The x scale of a horizontal waterfall whose bars start and end at ``ends``: zero and
    every end inside, with a fifth of the range spare for the value labels (on the left too
    when the bars go below zero)."""
    values = [0.0, *ends]
    low, high = min(values), max(values)
    room = (high - low) * 0.2 or 1.0
    return alt.Scale(domain=[low - (room if low < 0 else 0.0), high + room], nice=False)


def waterfall_layers(
    base: alt.Chart,
    *,
    y: alt.Y,
    scale: alt.Scale,
    amount: str,
    axis: alt.Axis,
    colors: Mapping[str, str],
    legend: Mapping[str, str],
    tooltip: list[alt.Tooltip],
) -> list[alt.Chart]:
    """A horizontal waterfall's bars and value labels: each row of ``base`` (``kind``,
    ``label``, ``start_usd``, ``end_usd`` and its ``amount``) a bar from its running total
    before to the one after, coloured by ``kind`` (``legend`` names each kind), and labelled
    with its signed amount ("+$1.3K", "−$411"; a ``total`` row unsigned) after a gain's right
    end or before a loss's left end. The zero rule is the caller's, as its data may differ."""
    named = " : ".join(f"datum.label == {k!r} ? {v!r}" for k, v in legend.items())
    bars = base.mark_bar(height={"band": 0.72}).encode(
        y=y,
        x=alt.X("start_usd:Q", scale=scale, axis=axis),
        x2=alt.X2("end_usd:Q"),
        color=alt.Color(
            "kind:N",
            scale=alt.Scale(domain=list(colors), range=list(colors.values())),
            legend=alt.Legend(title=None, orient="top", labelExpr=f"{named} : datum.label"),
        ),
        tooltip=tooltip,
    )
    labelled = base.transform_calculate(
        edge=f"datum.{amount} >= 0 ? max(datum.start_usd, datum.end_usd)"
        " : min(datum.start_usd, datum.end_usd)",
        value_text=f"datum.kind == 'total' ? {compact_money(amount, signed=False)}"
        f" : {compact_money(amount, signed=True)}",
    )
    sides: tuple[tuple[str, Literal["left", "right"], int, str], ...] = (
        (f"datum.{amount} >= 0", "left", 4, GAIN_TEXT),
        (f"datum.{amount} < 0", "right", -4, LOSS),
    )
    texts = [
        labelled.transform_filter(condition)
        .mark_text(align=align, dx=dx, fontSize=12, fontWeight="bold", color=color)
        .encode(y=y, x=alt.X("edge:Q", scale=scale), text=alt.Text("value_text:N"))
        for condition, align, dx, color in sides
    ]
    return [bars, *texts]


def _waterfall(stack: pl.DataFrame, group: str | None, title: str | None) -> LayerChart:
    """One margin-stack waterfall (``group``'s rows of ``stack``, or all of them)."""
    rows = stack if group is None else stack.filter(pl.col("group") == group)
    order = rows.sort("order")["label"].to_list()
    scale = waterfall_scale(
        value for value in [*rows["start_usd"], *rows["end_usd"]] if value is not None
    )
    base = alt.Chart(stack)
    if group is not None:
        base = base.transform_filter(alt.datum.group == group)
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=200))
    bars, *texts = waterfall_layers(
        base,
        y=y,
        scale=scale,
        amount="gross_profit_usd",
        # A few ticks, the end ones kept inside the plot: a narrow part of a stack of
        # waterfalls otherwise crowds and clips its labels.
        axis=alt.Axis(
            title="Gross profit over the window",
            format="$~s",
            tickCount=5,
            labelOverlap=True,
            labelFlush=True,
        ),
        colors=STACK_COLORS,
        legend=STACK_LEGEND,
        tooltip=[
            alt.Tooltip("label:N", title="feature"),
            alt.Tooltip("gross_profit_usd:Q", title="gross profit", format="$,.0f"),
            alt.Tooltip("start_usd:Q", title="running total before", format="$,.0f"),
            alt.Tooltip("end_usd:Q", title="running total after", format="$,.0f"),
        ],
    )
    chart = LayerChart(
        layer=[bars, _zero_rule(stack, "x"), *texts],
        height=ROW_HEIGHT * len(order) + 30,
        # Only a whole chart sizes itself: a part of a stack of waterfalls leaves it out.
        autosize=FIT_WIDTH if group is None else alt.Undefined,
    )
    return chart.properties(title=alt.TitleParams(title, anchor="start")) if title else chart


def margin_stack(stack: pl.DataFrame, net: pl.DataFrame) -> LayerChart | VConcatChart:
    """The margin stack (article 002, step 4) as a horizontal waterfall: features top to bottom
    from the largest gross profit to the largest loss, each bar running from the total before
    it to the total after it (gains green, losses red, each labelled "+$1.30M" / "−$53K"), and
    a last bar for the net gross profit, with zero ruled. ``stack`` is
    :func:`econ.present.views.margin_stack`, ``net`` :func:`econ.present.views.net_gross_profit`
    of the same features. With several groups (``by="plan"``) one waterfall per group, stacked
    and titled with the group's net."""
    groups = net["group"].to_list()
    if len(groups) <= 1:
        return _waterfall(stack, None, None)
    nets = dict(zip(groups, net["net_usd"].to_list(), strict=True))
    return VConcatChart(
        vconcat=[
            _waterfall(stack, group, f"{group}: net gross profit {money(nets[group], cents=False)}")
            for group in groups
        ],
        spacing=18,
    )


STATUS_ORDER: Final = tuple(STATUS_LABELS[status] for status in STATUS_COLORS)


def margin_against_bands(bands: pl.DataFrame) -> LayerChart:
    """Each feature's margin (dot, labelled) against its category's target band (grey) and
    action threshold (orange tick), one row per feature in margin-stack order
    (:func:`econ.present.views.margin_bands`); a margin beyond ±100% sits at the edge, its
    label giving the real figure."""
    order = bands.sort("order")["feature"].to_list()
    y = alt.Y("feature:N", sort=order, title=None, axis=alt.Axis(labelLimit=200))
    scale = alt.Scale(domain=[-1.0, 1.0], clamp=True)
    band = (
        alt.Chart(bands)
        .mark_bar(color="#d5dbe1", height=14)
        .encode(
            y=y,
            x=alt.X(
                "band_low:Q",
                scale=scale,
                axis=alt.Axis(format="%", title="Gross margin (drawn within ±100%)"),
            ),
            x2=alt.X2("band_high:Q"),
        )
    )
    threshold = (
        alt.Chart(bands)
        .mark_tick(color=STATUS_COLORS["act"], thickness=2, size=18)
        .encode(y=y, x=alt.X("act_below:Q", scale=scale))
    )
    dots = alt.Chart(bands).encode(
        y=y,
        x=alt.X("margin_shown:Q", scale=scale),
        tooltip=[
            alt.Tooltip("feature:N"),
            alt.Tooltip("category:N"),
            alt.Tooltip("gross_margin:Q", title="margin", format=".1%"),
            alt.Tooltip("band_low:Q", title="band from", format=".0%"),
            alt.Tooltip("band_high:Q", title="band to", format=".0%"),
            alt.Tooltip("status:N"),
        ],
    )
    points = dots.mark_point(filled=True, size=120, opacity=1).encode(
        color=alt.Color(
            "status:N",
            scale=alt.Scale(domain=list(STATUS_ORDER), range=list(STATUS_COLORS.values())),
            legend=alt.Legend(title="Status", orient="top", columns=3),
        )
    )
    values = dots.mark_text(dy=-13, fontSize=11).encode(
        text=alt.Text("gross_margin:Q", format=".0%")
    )
    zero = _zero_rule(bands, "x")
    return LayerChart(
        layer=[band, threshold, zero, points, values], height=max(120, 44 * len(order) + 30)
    )


def feature_trend(trend: pl.DataFrame, every_feature: list[str]) -> LayerChart:
    """Each feature's monthly margin, one month label per month; a red triangle where it
    crossed below zero.

    ``trend`` is :func:`econ.present.views.feature_trend` (possibly some features only);
    ``every_feature`` (ids) keeps each feature's color when it holds only some of them. The
    legend and tooltips read the features' names in words.
    """
    months = trend["month"].unique().to_list()
    x = month_axis(months)
    y = alt.Y(
        "gross_margin:Q",
        axis=alt.Axis(format="%", title="Gross margin (drawn from −100%)"),
        scale=alt.Scale(domainMin=-1.0, clamp=True),
    )
    names = dict(trend.select("feature_id", "feature").unique().iter_rows())
    shown = sorted(names)
    lines = (
        alt.Chart(trend)
        .mark_line(point=True)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "feature:N",
                scale=_feature_scale(shown, every_feature, names),
                title="Feature",
            ),
            tooltip=[
                alt.Tooltip("feature:N"),
                alt.Tooltip("month:T", timeUnit="yearmonth", format="%b %Y"),
                alt.Tooltip("gross_margin:Q", title="margin", format=".1%"),
                alt.Tooltip("gross_profit_usd:Q", title="gross profit", format="$,.0f"),
            ],
        )
    )
    crossed = (
        alt.Chart(trend)
        .transform_filter(alt.datum.crossed_negative)
        .mark_point(shape="triangle-down", size=160, filled=True, color=LOSS)
        .encode(x=x, y=y)
    )
    return LayerChart(layer=[lines, _zero_rule(trend, "y"), crossed], height=340)


CUSTOMER_PICK: Final = "customer"
"""The point selection of a chart of customers: clicking a point selects its ``customer_id``
(the app opens that customer's P&L)."""


def bill_changes(customers: pl.DataFrame, diagonal: pl.DataFrame) -> LayerChart:
    """Each customer's bill over the window, current against simulated, by segment, on log
    scales spanning ``diagonal``; points above the dashed line pay more. A click on a point
    selects its customer (:data:`CUSTOMER_PICK`)."""
    scale = alt.Scale(type="log", domain=diagonal["bill_usd"].to_list(), clamp=True, nice=True)
    pick = alt.selection_point(name=CUSTOMER_PICK, fields=["customer_id"], on="click")
    points = (
        alt.Chart(customers)
        .mark_circle(size=38, opacity=0.65)
        .add_params(pick)
        .encode(
            x=alt.X("bill_current_usd:Q", scale=scale, axis=_money_axis("Current bill")),
            y=alt.Y("bill_simulated_usd:Q", scale=scale, axis=_money_axis("Simulated bill")),
            color=alt.Color("segment:N", title="Segment", scale=alt.Scale(scheme="tableau10")),
            tooltip=[
                alt.Tooltip("customer_id:N", title="customer"),
                alt.Tooltip("segment:N"),
                alt.Tooltip("plan:N"),
                alt.Tooltip("bill_current_usd:Q", title="current", format="$,.2f"),
                alt.Tooltip("bill_simulated_usd:Q", title="simulated", format="$,.2f"),
                alt.Tooltip("change_share:Q", title="change", format="+.1%"),
            ],
        )
    )
    line = (
        alt.Chart(diagonal)
        .mark_line(color=NEUTRAL, strokeDash=[4, 4])
        .encode(x=alt.X("bill_usd:Q", scale=scale), y=alt.Y("bill_usd:Q", scale=scale))
    )
    return LayerChart(layer=[line, points], height=380)
