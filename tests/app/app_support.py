"""Driving the app headlessly with Streamlit's AppTest, for the tests of every page: opening it
(on a page, from a link), reading its tables and scenario, uploading files, and reading every
string it renders as Markdown."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, revenue_frame, usage_frame
from locations import APP
from markup import HOSTILE, REVENUE_NAME, USAGE_NAME, hostile_dataset, markup, shown_text
from streamlit.testing.v1 import AppTest

import econ
from econ.present import labels
from econ.scenario.link import encode_scenario
from ui import session

PAGES: Final = {
    "segments": "pages/segments.py",
    "features": "pages/features.py",
    "methods": "pages/formulas.py",
    "tiers": "pages/tiers.py",
    "projection": "pages/projection.py",
    "data": "pages/home.py",
    "summary": "pages/summary.py",
    "company": "pages/company.py",
    "scorecard": "pages/scorecard.py",
    "customer": "pages/customer.py",
    "compare": "pages/compare_scenarios.py",
}
TIMEOUT: Final = 60

SMALL_REVENUE: Final = revenue_frame(
    [
        ("a", "2026-01", 100, "Solo"),
        ("a", "2026-02", 100, "Solo"),
        ("b", "2026-01", 300, "Team"),
        ("b", "2026-02", 300, "Team"),
        ("c", "2026-01", 100, "Solo"),
    ],
    channel=["web", "web", "sales", "sales", "web"],
)
SMALL_USAGE: Final = usage_frame(
    [
        ("a", "write", "2026-01", 100, 20.0),
        ("a", "write", "2026-02", 100, 20.0),
        ("b", "research", "2026-01", 10, 150.0),
        ("b", "research", "2026-02", 10, 150.0),
        ("c", "write", "2026-01", 10, 2.0),
        ("trial", "write", "2026-01", 5, 1.0),
    ]
)


def own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app at a data folder of the test's own (for an autouse fixture)."""
    folder = tmp_path / "econ-data"
    monkeypatch.setenv("ECON_DATA_DIR", str(folder))
    return folder


def land(params: dict[str, str] | None = None) -> AppTest:
    """The app after its first run, where a visitor (or a link's ``params``) lands."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if params:
        at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_app(page: str | None = None, params: dict[str, str] | None = None) -> AppTest:
    """The app after its first run, from a link's ``params``, switched to ``page``; without
    ``page``, where the link lands, or with no link the Data page (where uploads happen)."""
    at = land(params)
    wanted = page or (None if params else "data")
    if wanted:
        at.switch_page(PAGES[wanted]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest, index: int = 0) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = at.dataframe[index].value.to_dict("records")
    return records


def row(at: AppTest, segment: str) -> dict[str, Any]:
    """The first table's row of ``segment`` (an id, such as ``"all"``; the table shows its
    label, such as "All customers"), with percentages as the table shows them (in percent)."""
    shown = labels.segment_label(segment, scenario_of(at).segment_by)
    return next(r for r in table(at) if r["segment"] == shown)


def scenario_of(at: AppTest) -> econ.Scenario:
    value = at.session_state[session.SCENARIO]
    assert isinstance(value, econ.Scenario)
    return value


def parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def upload_files(at: AppTest, usage: Path, revenue: Path) -> AppTest:
    """Put two files in the uploaders (not loaded yet: the import step shows)."""
    at.file_uploader(key="upload_usage").upload(usage.name, usage.read_bytes())
    at.file_uploader(key="upload_revenue").upload(revenue.name, revenue.read_bytes())
    return at.run()


def upload(at: AppTest, usage: bytes, revenue: bytes) -> AppTest:
    """Upload a pair of parquet files and load them, when they can be."""
    at.file_uploader(key="upload_usage").upload("my_usage.parquet", usage)
    at.file_uploader(key="upload_revenue").upload("my_revenue.parquet", revenue)
    at.run()
    if not at.button(key="load_files").disabled:
        at.button(key="load_files").click().run()
    return at


def first_upload_app(page: str | None = None) -> AppTest:
    """The app with the first small upload (:data:`FIRST_USAGE`, :data:`FIRST_REVENUE`) loaded,
    switched to ``page`` (a key of :data:`PAGES`)."""
    at = upload(open_app(), parquet(FIRST_USAGE), parquet(FIRST_REVENUE))
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[session.DATASET_ID] != "sample"
    if page:
        at.switch_page(PAGES[page]).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def upload_hostile(at: AppTest) -> AppTest:
    """Put the hostile dataset of :mod:`markup` in the uploaders (not loaded yet)."""
    usage, revenue = hostile_dataset()
    at.file_uploader(key="upload_usage").upload(USAGE_NAME, parquet(usage))
    at.file_uploader(key="upload_revenue").upload(REVENUE_NAME, parquet(revenue))
    return at.run()


def hostile_app() -> AppTest:
    """The app with the hostile dataset loaded."""
    at = upload_hostile(open_app())
    at.button(key="load_files").click().run()
    assert at.session_state[session.DATASET_ID] != "sample"
    return at


HOSTILE_LINKS: Final = [
    pytest.param(
        {"v": "![x](http://evil.example/x.png) [Log in again](http://evil.example/phish)"},
        id="version",
    ),
    pytest.param({"v": "1", "data": HOSTILE[0], "page": HOSTILE[1]}, id="dataset-and-page"),
    pytest.param(
        {"v": "1", "data": "sample", "s": encode_scenario(econ.Scenario(segment_by=HOSTILE[0]))},
        id="segment-by",
    ),
    pytest.param(
        {
            "v": "1",
            "data": "sample",
            "s": encode_scenario(
                econ.sample_scenario().replace(
                    prices={HOSTILE[0]: 10.0},
                    cogs=econ.Cogs(support_usd={"light": 1.0, HOSTILE[1]: 2.0}),
                    feature_categories={HOSTILE[2]: "core"},
                )
            ),
        },
        id="scenario-keys",
    ),
]
"""Share links whose every part users wrote is hostile text."""


def many_app(folder: Path, many: int = 300) -> AppTest:
    """The app with ``many`` customers, each on a plan, in a region and using a feature of its
    own, over three months: more segments, plans and features than a page draws controls for."""
    months = [dt.date(2026, m, 1) for m in (1, 2, 3)]
    usage, revenue = folder / "usage.parquet", folder / "revenue.parquet"
    pl.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(many) for _ in months],
            "feature_id": [f"f{i}" for i in range(many) for _ in months],
            "month": months * many,
            "cost_usd": 0.5,
        }
    ).write_parquet(usage)
    pl.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(many) for _ in months],
            "month": months * many,
            "mrr_usd": 50.0,
            "plan": [f"p{i}" for i in range(many) for _ in months],
            "region": [f"r{i}" for i in range(many) for _ in months],
        }
    ).write_parquet(revenue)
    at = upload_files(open_app(), usage, revenue)
    at.button(key="load_files").click().run()
    assert not at.exception
    return at


# Elements whose text Streamlit shows as it is. (Selectbox and multiselect options are plain
# text too; radio options, like every label, help text, metric and alert, are Markdown.)
LITERAL_ELEMENTS: Final = {"code", "latex", "dataframe", "vega_lite_chart", "exception"}
MARKDOWN_FIELDS: Final = {"body", "label", "help", "delta"}


def elements(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from elements(child)


def markdown_bodies(at: AppTest) -> list[str]:
    """Every string of this run that Streamlit renders as Markdown: markdown, captions,
    headings and alerts; labels and help of widgets, metrics, expanders and tabs; metric values
    and deltas; radio options."""
    bodies: list[str] = []
    for node in elements(at._tree):
        if node.type in LITERAL_ELEMENTS:
            continue
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            bodies += [
                value
                for field, value in proto.ListFields()
                if field.name in MARKDOWN_FIELDS and isinstance(value, str)
            ]
            if node.type == "radio":
                bodies += list(proto.options)
        label = getattr(node, "label", None)  # expanders and tabs keep theirs in a sub-message
        if isinstance(label, str):
            bodies.append(label)
    return bodies


def shown(at: AppTest) -> str:
    """All the Markdown text of this run as a reader sees it."""
    return "\n".join(shown_text(body) for body in markdown_bodies(at))


def assert_no_markup(at: AppTest, where: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    made = {body: found for body in markdown_bodies(at) if (found := markup(body))}
    assert not made, (where, made)


def assert_page_renders(page: str) -> None:
    """``page`` of the sample renders, with a title and the share link."""
    at = open_app(page)
    assert at.title[0].value
    # Only the pages that call out money-losing features in red show errors.
    assert not at.error or page in {"features", "tiers"}
    assert any("?v=1&data=sample&s=" in code.value for code in at.sidebar.code)
