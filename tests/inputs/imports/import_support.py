"""What the import tests share: the fixtures, the truth, and reading a load as a careful analyst's
table (per customer × feature × month, or per customer-month)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import pytest
from fixtures.imports import truth
from fixtures.imports.truth import RATES, Call, Key, Totals
from locations import FIXTURES

import econ

OVERRIDES: Final = {
    model: econ.ModelPrice(rate_in, rate_out, rate_cached)
    for model, (rate_in, rate_cached, _, rate_out) in RATES.items()
}
"""The truth's own rates, for the rows a tool logged without a cost."""
PRICED: Final = econ.ImportSpec(price_overrides=OVERRIDES)


def usage_table(load: econ.UsageLoad) -> dict[Key, tuple[int, float, int | None, int | None]]:
    """A load's rollup as {(customer, feature, "YYYY-MM"): (calls, cost, input, output)}."""
    return {
        (row["customer_id"], row["feature_id"], f"{row['month']:%Y-%m}"): (
            row["calls"],
            round(row["cost_usd"], 9),
            row["input_tokens"],
            row["output_tokens"],
        )
        for row in load.rollup.iter_rows(named=True)
    }


def expected_table(totals: dict[Key, Totals]) -> dict[Key, tuple[int, float, int, int]]:
    return {
        key: (value.calls, round(value.cost, 9), value.input, value.output)
        for key, value in totals.items()
    }


def assert_same(got: dict[Any, Any], want: dict[Any, Any]) -> None:
    """Equal tables, with the differing keys named when they are not."""
    differing = {
        key: {"got": got.get(key), "want": want.get(key)}
        for key in sorted(set(got) | set(want), key=str)
        if got.get(key) != want.get(key)
    }
    assert not differing, differing


def revenue_table(load: econ.RevenueLoad) -> dict[tuple[str, str], tuple[float, str]]:
    return {
        (row["customer_id"], f"{row['month']:%Y-%m}"): (round(row["mrr_usd"], 6), row["plan"])
        for row in load.frame.iter_rows(named=True)
    }


def logged_cost(call: Call) -> float:
    """The cost a tool that logs $0 for a model it cannot price records for the call."""
    return call.cost if call.priced_by_tool else 0.0


def warnings_of(load: econ.UsageLoad | econ.RevenueLoad) -> str:
    return " ".join(load.warnings)


def notes_of(load: econ.UsageLoad | econ.RevenueLoad) -> str:
    return " ".join(load.notes)


def refused(path: Path, spec: econ.ImportSpec | None = None) -> str:
    """The message a usage file is refused with."""
    with pytest.raises(econ.InputError) as error:
        econ.load_usage(path, spec=spec)
    return str(error.value)


__all__ = ["FIXTURES", "PRICED", "truth"]
