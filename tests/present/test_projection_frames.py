"""The Projection page's frames: the lines its charts draw, its table and headline, and the
edit of its acquisition-rate control, on the tiny dataset."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE
from tiny_report import tiny_report

import econ
from econ.decisions.pricing import simulate
from econ.decisions.projection import Projection
from econ.present import projection as shaped


def tiny_projection(**retention: object) -> Projection:
    report = tiny_report(
        econ.Scenario(
            segment_by="channel",
            churn=0.1,
            retention=econ.Retention(**retention),  # type: ignore[arg-type]
        )
    )
    return shaped.projection_of(report, simulate(report))


def test_gross_profit_lines_are_the_company_at_each_pricing() -> None:
    projection = tiny_projection(new_customers_per_month=0.0)
    lines = shaped.gross_profit_lines(projection)
    assert lines.columns == ["month", "pricing", "gross_profit_usd", "revenue_usd", "gross_margin"]
    assert lines.height == 24
    assert lines["pricing"].to_list()[:2] == ["Current pricing", "Simulated price book"]
    assert lines["month"].to_list()[0] == dt.date(2026, 3, 1)
    total = projection.frame.filter((pl.col("segment") == "all") & (pl.col("pricing") == "current"))
    assert lines["gross_profit_usd"].to_list()[::2] == total["gross_profit_usd"].to_list()


def test_customer_lines_per_segment_and_in_total() -> None:
    # Today (February) a is on web and b on sales; both decay at 10% a month.
    lines = shaped.customer_lines(tiny_projection(new_customers_per_month=0.0))
    first = lines.filter(pl.col("month") == dt.date(2026, 3, 1))
    assert first.rows() == [
        (dt.date(2026, 3, 1), "sales", "sales", pytest.approx(0.9)),
        (dt.date(2026, 3, 1), "web", "web", pytest.approx(0.9)),
        (dt.date(2026, 3, 1), "all", "all", pytest.approx(1.8)),
    ]
    named = shaped.customer_lines(
        tiny_projection(new_customers_per_month=0.0), segment_by="channel"
    )
    assert named["label"].unique(maintain_order=True).to_list() == ["Sales", "Web", "All customers"]
    assert named.drop("label").equals(lines.drop("label"))


def test_the_table_puts_both_pricings_side_by_side() -> None:
    table = shaped.projection_table(tiny_projection())
    assert table.schema == shaped.TABLE_SCHEMA
    assert table["segment"].to_list()[:12] == ["all"] * 12
    assert table["month"].to_list()[:2] == ["2026-03", "2026-04"]
    assert table["revenue_current_usd"].to_list() == table["revenue_simulated_usd"].to_list()
    named = shaped.projection_table(tiny_projection(), segment_by="channel")
    assert named["segment"].unique(maintain_order=True).to_list()[0] == "All customers"
    assert "all" not in named["segment"].to_list()


def test_headline() -> None:
    projection = tiny_projection(new_customers_per_month=0.0)
    head = shaped.headline(projection)
    assert head.months == 12
    assert (head.first_month, head.last_month) == (dt.date(2026, 3, 1), dt.date(2027, 2, 1))
    assert head.customers_today == 2
    assert head.customers_last == pytest.approx(2 * 0.9**12)
    assert head.change_usd == 0.0
    total = projection.frame.filter((pl.col("segment") == "all") & (pl.col("pricing") == "current"))
    assert head.gross_profit_current_usd == pytest.approx(total["gross_profit_usd"].sum())


def test_the_sbg_method_uses_fitted_curves_where_there_are_fits() -> None:
    # Two months of data cannot identify the sBG: every segment keeps its churn, and says so.
    projection = tiny_projection(ltv_method="sbg", new_customers_per_month=0.0)
    unfitted = [note for note in projection.notes if "no retention curve" in note]
    assert [note.split("'")[1] for note in unfitted] == ["sales", "web"]
    assert not any("no retention curve" in note for note in tiny_projection().notes)


def test_customer_lines_keep_the_largest_segments() -> None:
    lines = shaped.customer_lines(tiny_projection(new_customers_per_month=0.0), most=1)
    # Both segments have one customer today: the first by name stays, with the total.
    assert lines["segment"].unique(maintain_order=True).to_list() == ["sales", "all"]


def test_the_notes_name_features_and_segments_in_words() -> None:
    report = econ.analyze_dataset(econ.load_dataset(FIRST_USAGE, FIRST_REVENUE), econ.Scenario())
    projected = econ.project(report, econ.simulate(report))
    assert any("'deep_research'" in note for note in projected.notes)
    shown = shaped.notes_in_words(projected)
    assert any("Deep research grew faster" in note for note in shown)
    assert not any("deep_research" in note for note in shown)
