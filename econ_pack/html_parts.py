"""Small HTML builders for the board pack: escaped text, tables of text cells, figures.

Every string that reaches the document goes through :func:`text` (``html.escape``, quotes
included) unless it is markup this package wrote itself, so a plan, feature, customer or file
name from the data can never become an element, an attribute or a link.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import altair as alt
import polars as pl

from econ.present import columns as spec
from econ_pack import images

ChartFormat = Literal["svg", "png"]
"""How charts are embedded: inline SVG (the HTML file) or PNG data URIs (the PDF)."""

TEXT_KINDS: Final = frozenset({"text", "feature", "category", "status", "segment", "plan"})
"""Column kinds read as words (left-aligned); every other kind is a number (right-aligned)."""


def text(value: object) -> str:
    """Any value as escaped text."""
    return html.escape(str(value), quote=True)


def element(tag: str, content: str, css_class: str | None = None) -> str:
    """``<tag class="…">content</tag>``; ``content`` is markup (escape text with :func:`text`)."""
    attribute = f' class="{text(css_class)}"' if css_class else ""
    return f"<{tag}{attribute}>{content}</{tag}>"


def paragraph(content: str, css_class: str | None = None) -> str:
    return element("p", content, css_class)


def bullets(items: Iterable[str], css_class: str | None = None) -> str:
    """A list of already-escaped items."""
    return element("ul", "".join(f"<li>{item}</li>" for item in items), css_class)


@dataclass(frozen=True)
class Figures:
    """Key figures in a row of boxes: each a label and a value (both plain text)."""

    items: Sequence[tuple[str, str]]

    def html(self) -> str:
        boxes = "".join(
            f'<div class="kpi"><div class="kpi-value">{text(value)}</div>'
            f'<div class="kpi-label">{text(label)}</div></div>'
            for label, value in self.items
        )
        return f'<div class="kpis">{boxes}</div>'


KEPT_WHOLE: Final = 16
"""Tables of at most this many rows are kept on one page (a longer one breaks between rows)."""

RowClass = Callable[[dict[str, object]], str | None]
"""A row's CSS class from its raw values (e.g. ``"total"`` for the blended row)."""


def table(
    frame: pl.DataFrame,
    columns: spec.Table,
    *,
    segment_by: str | None = None,
    row_class: RowClass | None = None,
    css_class: str = "data",
) -> str:
    """``frame``'s ``columns`` as an HTML table, every cell written by
    :func:`econ.present.columns.as_text` (labels with units, identifiers as words, "—" for an
    undefined number), numbers right-aligned."""
    by = {} if segment_by is None else {"segment_by": segment_by}
    shown = spec.as_text(frame, columns, **by)
    present = [column for column in columns if column.name in frame.columns]
    classes = (
        [None] * frame.height if row_class is None else list(map(row_class, frame.rows(named=True)))
    )
    return text_table(
        shown,
        numeric=[column.kind not in TEXT_KINDS for column in present],
        row_classes=classes,
        css_class=css_class,
    )


def text_table(
    frame: pl.DataFrame,
    *,
    numeric: Sequence[bool] | None = None,
    row_classes: Sequence[str | None] | None = None,
    css_class: str = "data",
) -> str:
    """A frame of text cells (its column names the headers) as an HTML table."""
    flags = list(numeric) if numeric is not None else [False] * frame.width
    if frame.height <= KEPT_WHOLE:
        css_class += " whole"
    head = "".join(
        element("th", text(name), "num" if flag else None)
        for name, flag in zip(frame.columns, flags, strict=True)
    )
    rows = []
    for index, values in enumerate(frame.iter_rows()):
        cells = "".join(
            element("td", text(value), "num" if flag else None)
            for value, flag in zip(values, flags, strict=True)
        )
        row_css = row_classes[index] if row_classes is not None else None
        rows.append(element("tr", cells, row_css))
    return (
        f'<table class="{text(css_class)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def chart(
    figure: alt.TopLevelMixin,
    *,
    width: int,
    how: ChartFormat,
    caption: str,
    height: int | None = None,
) -> str:
    """A chart drawn ``width`` (and ``height``) CSS pixels (its plotting area), as inline SVG
    or as a PNG at twice the resolution, in a ``<figure>`` never split across pages."""
    size = {"width": width} if height is None else {"width": width, "height": height}
    sized = figure.properties(**size)
    if how == "svg":
        drawing = images.svg(sized)
        body = drawing[drawing.find("<svg") :]
    else:
        image = images.png(sized, scale=images.DEFAULT_SCALE)
        pixels, _ = images.png_size(image)
        css_width = round(pixels / images.DEFAULT_SCALE)
        body = f'<img src="{images.png_data_uri(image)}" width="{css_width}" alt="{text(caption)}">'
    if not caption:
        return f'<span class="spark">{body}</span>'
    return f'<figure class="chart">{body}<figcaption>{text(caption)}</figcaption></figure>'
