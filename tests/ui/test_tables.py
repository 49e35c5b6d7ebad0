"""Streamlit's column settings come from the one column spec per table."""

from __future__ import annotations

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
