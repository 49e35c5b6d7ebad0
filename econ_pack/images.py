"""Charts as images: the one place an Altair chart becomes SVG text or PNG bytes.

Rendered by vl-convert (the Vega project's own converter, which embeds the Vega-Lite compiler
and the Vega renderer, so no browser and no network is needed). The board pack puts SVG in its
HTML and PNG in its PDF (WeasyPrint draws raster images more faithfully than Vega's SVG text).
Charts are rendered with external data requests disallowed: every builder embeds its rows, and a
spec that asked for a URL would fail here rather than reach out.

vl-convert's first call in a process starts its JavaScript engine (about half a second).
"""

from __future__ import annotations

import base64
from typing import Any, Final, cast

import altair as alt
import vl_convert as vlc

DEFAULT_SCALE: Final = 2.0
"""PNG pixels per CSS pixel: sharp on paper and on high-density screens."""

_NO_URLS: Final[list[str]] = []
"""``allowed_base_urls``: no data may be fetched while a chart is drawn."""


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict()
    return spec


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as a standalone SVG document (text)."""
    return vlc.vegalite_to_svg(_spec(chart), allowed_base_urls=_NO_URLS)


def png(chart: alt.TopLevelMixin, scale: float = DEFAULT_SCALE) -> bytes:
    """The chart as PNG bytes, ``scale`` pixels per CSS pixel."""
    return vlc.vegalite_to_png(_spec(chart), scale=scale, allowed_base_urls=_NO_URLS)


EXPORT_WIDTH: Final = 960
"""The plotting width, in CSS pixels, of a chart downloaded as a file: the app draws charts as
wide as the page, which a file has no notion of."""


Drawable = alt.Chart | alt.LayerChart | alt.VConcatChart | alt.HConcatChart | alt.ConcatChart
"""What the chart builders return."""


def at_width(chart: Drawable, width: int = EXPORT_WIDTH) -> Drawable:
    """A copy of ``chart`` drawn ``width`` wide: a stacked chart (one per plan) sets each of its
    parts, any other chart itself."""
    sized = chart.copy(deep=True)
    if isinstance(sized, alt.VConcatChart):
        sized.vconcat = [part.properties(width=width) for part in sized.vconcat]
        return sized
    return cast(Drawable, sized.properties(width=width))


def png_data_uri(image: bytes) -> str:
    """PNG bytes as a ``data:`` URI, to embed in a self-contained HTML file."""
    return "data:image/png;base64," + base64.b64encode(image).decode("ascii")


def png_size(image: bytes) -> tuple[int, int]:
    """A PNG's width and height in pixels, read from its header (IHDR)."""
    if image[:8] != b"\x89PNG\r\n\x1a\n" or image[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
