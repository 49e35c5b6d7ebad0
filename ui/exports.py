"""Downloads beside what the app shows: each table as CSV and Excel, each chart as PNG and SVG,
named for what they hold, the dataset and the day (``segment-ltv_sample_2026-11-30.xlsx``).

The files are made only when their button is clicked (Streamlit calls the function then), so a
page with many tables costs nothing extra to draw.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import PurePath
from typing import Any, Final

import polars as pl
import streamlit as st

from econ.present import columns as spec
from econ.scenario.link import SAMPLE_DATASET
from econ_pack import images, workbook
from ui import session

EXCEL_MIME: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def dataset_label() -> str:
    """What a file name calls the dataset: ``sample``, or the usage file's name without its
    extension."""
    if session.dataset_id() == SAMPLE_DATASET:
        return "sample"
    return PurePath(session.dataset().usage_name).stem or session.dataset_id()[:12]


def file_name(what: str, extension: str) -> str:
    return spec.export_name(what, dataset_label(), dt.date.today(), extension)


def table_downloads(
    frame: pl.DataFrame, table: spec.Table, *, name: str, segment_by: str | None = None
) -> None:
    """A "Download" menu under a table: the rows as CSV and as an Excel workbook."""
    by: dict[str, Any] = {} if segment_by is None else {"segment_by": segment_by}
    sheet = name.replace("-", " ").capitalize()
    with st.popover("Download table", icon=":material/download:"):
        st.download_button(
            "CSV",
            data=partial(workbook.csv_bytes, frame, table, **by),
            file_name=file_name(name, "csv"),
            mime="text/csv",
            on_click="ignore",
            key=f"csv_{name}",
        )
        st.download_button(
            "Excel",
            data=partial(workbook.excel_bytes, frame, table, sheet=sheet, **by),
            file_name=file_name(name, "xlsx"),
            mime=EXCEL_MIME,
            on_click="ignore",
            key=f"xlsx_{name}",
        )


Figure = images.Drawable


def chart(figure: Figure, *, name: str, select: str | None = None) -> Any:
    """Show ``figure`` across the page, with a menu to download it as PNG or SVG; with
    ``select`` (the name of a selection the chart defines), a click reruns the page and the
    selection is returned (Streamlit's chart event)."""
    if select is None:
        st.altair_chart(figure, width="stretch")
        event: Any = None
    else:
        event = st.altair_chart(
            figure, width="stretch", on_select="rerun", selection_mode=select, key=f"chart_{name}"
        )
    with st.popover("Download chart", icon=":material/download:"):
        st.download_button(
            "PNG",
            data=partial(images.png, images.at_width(figure)),
            file_name=file_name(name, "png"),
            mime="image/png",
            on_click="ignore",
            key=f"png_{name}",
        )
        st.download_button(
            "SVG",
            data=partial(_svg, figure),
            file_name=file_name(name, "svg"),
            mime="image/svg+xml",
            on_click="ignore",
            key=f"svg_{name}",
        )
    return event


def _svg(figure: Figure) -> bytes:
    return images.svg(images.at_width(figure)).encode("utf-8")
