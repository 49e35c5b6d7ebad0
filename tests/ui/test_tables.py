"""Streamlit's column settings come from the one column spec per table."""

from __future__ import annotations

import polars as pl
import pytest

from econ.present import columns as spec
from ui import tables


@pytest.mark.parametrize("name", sorted(spec.TABLES))
def test_every_column_gets_its_label_and_a_number_format_for_its_kind(name: str) -> None:
    table = spec.TABLES[name]
    config = tables.column_config(table)
    assert list(config) == [column.name for column in table]
    for column in table:
        setting = config[column.name]
        assert setting["label"] == column.on_screen
        assert setting["label"] == (column.short or column.label)
        if column.kind in {"text", "feature", "category", "status", "segment", "plan"}:
            assert setting["type_config"]["type"] == "text"
        else:
            assert setting["type_config"]["format"], column


def test_money_totals_drop_cents_and_unit_amounts_keep_them() -> None:
    config = tables.column_config(spec.SEGMENTS)
    assert config["ltv_compute_adjusted_usd"]["type_config"]["format"] == "$%,.0f"
    assert config["arpa_usd"]["type_config"]["format"] == "dollar"
    assert config["gross_margin"]["type_config"]["format"] == "%.1f%%"


def test_a_loss_reads_with_its_minus_before_the_dollar_sign() -> None:
    assert tables.MONEY_TEXT["money"](-15_994.57) == "-$15,995"
    assert tables.MONEY_TEXT["money_cents"](-15_994.57) == "-$15,994.57"
    assert tables.MONEY_TEXT["price"](-0.0429) == "-$0.0429"
    assert tables.MONEY_TEXT["money_change"](-13_846.2) == "−$13,846"
    assert tables.MONEY_TEXT["money_change"](13_846.2) == "+$13,846"
    assert tables.MONEY_TEXT["money_change"](0.2) == "$0"


def test_only_tables_with_a_loss_are_written_cell_by_cell() -> None:
    gains = pl.DataFrame({"feature_id": ["a"], "cost_usd": [1.0], "gross_profit_usd": [2.0]})
    assert tables.written_columns(gains, spec.FEATURES) == []
    losses = gains.with_columns(pl.lit(-2.0).alias("gross_profit_usd"))
    written = [c.name for c in tables.written_columns(losses, spec.FEATURES)]
    assert written == ["cost_usd", "gross_profit_usd"]
    config = tables.column_config(spec.FEATURES, frozenset(written))
    assert (
        "format" not in config["gross_profit_usd"]["type_config"]
        or not config["gross_profit_usd"]["type_config"]["format"]
    )
    huge = pl.DataFrame({"gross_profit_usd": [-1.0] * (tables.MAX_WRITTEN_CELLS + 1)})
    assert tables.written_columns(huge, spec.FEATURES) == []
