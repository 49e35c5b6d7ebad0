"""A dataset in another reporting currency: the ledger's costs (USD) converted at the USD rate
of their month, refused without one, and what was converted kept through the rollup cache."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import econ
from econ.inputs.imports.currencies import Currencies

USAGE = """customer_id,feature_id,month,cost_usd,calls
acme,chat,2026-01,10,5
acme,chat,2026-02,20,5
bonn,chat,2026-01,4,2
"""
REVENUE = """customer_id,month,mrr_usd,plan,currency
acme,2026-01,100,Pro,eur
acme,2026-02,100,Pro,eur
bonn,2026-01,50,Pro,eur
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    usage, revenue = tmp_path / "usage.csv", tmp_path / "revenue.csv"
    usage.write_text(USAGE)
    revenue.write_text(REVENUE)
    return usage, revenue


def test_costs_are_converted_at_the_usd_rate_of_their_month(files: tuple[Path, Path]) -> None:
    rates = Currencies("eur", {"usd": {"2026-01": 0.9, "2026-02": 0.8}})
    data = econ.load_dataset(*files, revenue_spec=econ.ImportSpec(currencies=rates))
    assert data.reporting_currency == "eur"
    costs = {
        (row["customer_id"], f"{row['month']:%Y-%m}"): row["cost_usd"]
        for row in data.usage.iter_rows(named=True)
    }
    # 10 × 0.9, 20 × 0.8, 4 × 0.9: EUR.
    assert costs == pytest.approx(
        {("acme", "2026-01"): 9.0, ("acme", "2026-02"): 16.0, ("bonn", "2026-01"): 3.6}
    )
    assert data.revenue["mrr_usd"].to_list() == [100.0, 100.0, 50.0]  # already in EUR
    assert data.model_usage is None  # a model swap re-prices in USD: not offered
    sides = data.currency_conversion.group_by("side").agg(pl.col("converted").sum())
    assert dict(sides.iter_rows()) == pytest.approx({"revenue": 250.0, "usage cost": 28.6})


def test_no_usd_rate_is_refused_naming_usd(files: tuple[Path, Path]) -> None:
    with pytest.raises(econ.InputError) as error:
        econ.load_dataset(*files)  # all in EUR: EUR reports, and costs need a USD rate
    message = str(error.value)
    assert (
        "usage.csv: column 'cost_usd': is in USD while the revenue is reported in EUR: give "
        "the USD rate" in message
    )
    assert "rows break" not in message  # no ledger row is at fault


def test_the_cache_keeps_the_conversion(files: tuple[Path, Path], tmp_path: Path) -> None:
    spec = econ.ImportSpec(currencies=Currencies("usd", {"eur": 2.0}))
    first = econ.load_dataset(*files, revenue_spec=spec, cache_dir=tmp_path / "cache")
    again = econ.load_dataset(*files, revenue_spec=spec, cache_dir=tmp_path / "cache")
    assert again is not first
    assert again.reporting_currency == "usd"
    assert again.currency_conversion.equals(first.currency_conversion)
    assert again.revenue["mrr_usd"].to_list() == [200.0, 200.0, 100.0]


def test_a_currency_column_under_another_name_is_read_as_the_currency(tmp_path: Path) -> None:
    """`currency_code` would otherwise be a segment and its EUR amounts taken as dollars."""
    path = tmp_path / "revenue.csv"
    path.write_text(
        "customer_id,month,mrr_usd,plan,currency_code\n"
        "a,2026-01,100,Pro,USD\n"
        "b,2026-01,90,Pro,EUR\n",
        encoding="utf-8",
    )
    with pytest.raises(econ.InputError, match="EUR"):
        econ.load_revenue(path)
    spec = econ.ImportSpec(currencies=Currencies(rates={"eur": 1.1}))
    loaded = econ.load_revenue(path, spec=spec)
    assert "currency_code" not in loaded.frame.columns
    assert loaded.frame["mrr_usd"].to_list() == pytest.approx([100.0, 99.0])
    assert any("'currency_code' read as the currency" in note for note in loaded.notes)
