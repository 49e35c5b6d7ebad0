"""The Projection page, driven headlessly: it renders on the sample and on a three-customer
dataset, and its acquisition-rate control moves the scenario and the numbers."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Final

import polars as pl
import pytest
from app_support import (
    HOSTILE_LINKS,
    SMALL_REVENUE,
    SMALL_USAGE,
    assert_no_markup,
    hostile_app,
    many_app,
    open_app,
    own_data_dir,
    parquet,
    scenario_of,
    table,
    upload,
)
from streamlit.testing.v1 import AppTest
from test_features_page import assert_every_chart_draws, assert_reads_in_words, first_upload

import econ
from econ.present import projection as shaped
from econ_pack import projection_charts

pytestmark = pytest.mark.app

PAGE: Final = "pages/projection.py"
CONTROL: Final = "projection:new_customers"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores uploads in its own folder."""
    return own_data_dir(tmp_path, monkeypatch)


def on_the_page(at: AppTest) -> AppTest:
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def last_month(at: AppTest, segment: str = "All customers") -> dict[str, object]:
    rows = [row for row in table(at) if row["segment"] == segment]
    return rows[-1]


def test_renders_on_the_sample() -> None:
    at = on_the_page(open_app())
    assert at.title[0].value == "Projection"
    assert len(at.get("vega_lite_chart")) == 2
    rows = table(at)
    assert len(rows) == 4 * 12  # three usage tiers and the company, twelve months
    assert rows[0]["segment"] == "All customers" and rows[0]["month"] == "2026-11"
    assert any("?v=1&data=sample&s=" in code.value for code in at.sidebar.code)
    assert_no_markup(at, "projection")
    # Each figure is one number, its change beside it (the change never cut off in the value).
    metrics = {metric.label: metric for metric in at.metric}
    margin = metrics["Gross margin, Oct 2027"]
    assert "→" not in margin.value and margin.value.endswith("%")
    assert " pp from " in margin.proto.delta
    customers = metrics["Customers, Oct 2027"]
    assert customers.proto.delta.endswith(" today")


def test_renders_on_three_customers() -> None:
    at = upload(open_app("data"), parquet(SMALL_USAGE), parquet(SMALL_REVENUE))
    assert at.session_state["dataset_id"] != "sample"
    at = on_the_page(at)
    rows = table(at)
    assert [row["segment"] for row in rows[::12]] == [
        "All customers",
        "Light users",
        "Core users",
        "Power users",
    ][: len(rows) // 12]
    assert len({row["month"] for row in rows}) == 12
    assert rows[0]["month"] == "2026-03"


def test_the_acquisition_rate_moves_the_numbers() -> None:
    at = on_the_page(open_app())
    before = last_month(at)
    at.number_input(key=CONTROL).set_value(500.0).run()
    assert not at.exception
    assert scenario_of(at).retention.new_customers_per_month == 500.0
    after = last_month(at)
    assert after["customers"] > before["customers"]  # type: ignore[operator]
    assert after["revenue_current_usd"] > before["revenue_current_usd"]  # type: ignore[operator]
    at.number_input(key=CONTROL).set_value(None).run()
    assert scenario_of(at).retention == econ.Retention()
    assert last_month(at)["customers"] == pytest.approx(before["customers"])


def test_the_charts_are_valid_vega_lite() -> None:
    report = econ.analyze_dataset(econ.load_dataset(*econ.sample_paths()), econ.sample_scenario())
    projection = shaped.projection_of(report, econ.simulate(report))
    gross_profit = projection_charts.gross_profit(shaped.gross_profit_lines(projection))
    assert gross_profit.to_dict(validate=True)["mark"]["type"] == "line"
    projection_charts.customers(shaped.customer_lines(projection)).to_dict(validate=True)


class TestNothingUsersWriteBecomesMarkup:
    """Uploaded ids and share links are shown as text."""

    def test_a_hostile_dataset(self) -> None:
        assert_no_markup(on_the_page(hostile_app()), "projection")

    @pytest.mark.parametrize("params", HOSTILE_LINKS)
    def test_a_hostile_share_link(self, params: dict[str, str]) -> None:
        assert_no_markup(on_the_page(open_app(params=params)), "projection")


def test_hundreds_of_segments(tmp_path: Path) -> None:
    """A line for the largest segments only; every segment in the table."""
    at = many_app(tmp_path, 300)
    at.session_state["scenario"] = econ.Scenario(segment_by="region")
    at = on_the_page(at)
    (drawn,) = at.get("vega_lite_chart")[1].proto.datasets
    lines = pl.read_ipc_stream(io.BytesIO(drawn.data.data))
    assert lines["segment"].n_unique() == shaped.MOST_LINES + 1
    assert len({row["segment"] for row in table(at)}) == 301


def test_the_first_small_upload_draws_twelve_months_in_words() -> None:
    at = first_upload("projection")
    (profit, profit_rows), (customers, customer_rows) = assert_every_chart_draws(at, 2)
    for spec in (profit, customers):
        x = spec["encoding"]["x"]
        assert (x["timeUnit"], x["axis"]["format"]) == ("yearmonth", "%b %Y")
        assert len(x["axis"]["values"]) == 12
    assert profit_rows[0].height == 24
    assert set(customer_rows[0]["label"]) == {
        "Light users",
        "Core users",
        "Power users",
        "All customers",
    }
    assert_reads_in_words(at)
