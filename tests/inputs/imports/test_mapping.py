"""Files in no known layout: guessed mappings, explicit ones, and import specs."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import econ
from econ.inputs import imports
from econ.inputs.readers import read_table


@pytest.fixture
def inhouse(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.parquet"
    pl.DataFrame(
        {
            "account": ["a1", "a2"],
            "use_case": ["chat", "search"],
            "created_at": ["2026-07-01T10:00:00Z", "2026-07-02T10:00:00Z"],
            "price": [0.5, 0.25],
            "llm": ["gpt-4o", "gpt-4o-mini"],
        }
    ).write_parquet(path)
    return path


def test_a_guessed_mapping_reads_with_a_warning(inhouse: Path) -> None:
    columns = read_table(inhouse, "x").collect_schema().names()
    assert imports.guess_mapping(columns, "usage") == {
        "customer_id": "account",
        "feature_id": "use_case",
        "timestamp": "created_at",
        "cost_usd": "price",
        "model": "llm",
    }
    load = econ.load_usage(inhouse)
    assert load.format == "mapped"
    assert "some columns were matched by their names (customer_id ← account" in load.warnings[0]


def test_a_partial_mapping_is_completed_from_the_names(inhouse: Path) -> None:
    spec = econ.ImportSpec(format="mapped", mapping={"customer_id": "llm"})
    load = econ.load_usage(inhouse, spec=spec)
    assert set(load.rollup["customer_id"]) == {"gpt-4o", "gpt-4o-mini"}
    assert "(feature_id ← use_case, timestamp ← created_at, cost_usd ← price)" in load.warnings[0]


def test_an_explicit_mapping_wins_and_says_nothing(inhouse: Path) -> None:
    spec = econ.ImportSpec(
        format="mapped",
        mapping={
            "customer_id": "llm",
            "feature_id": "use_case",
            "timestamp": "created_at",
            "cost_usd": "price",
            "model": "account",
        },
    )
    load = econ.load_usage(inhouse, spec=spec)
    assert set(load.rollup["customer_id"]) == {"gpt-4o", "gpt-4o-mini"}
    assert not load.warnings


def test_a_mapping_to_a_column_the_file_lacks_is_refused(inhouse: Path) -> None:
    spec = econ.ImportSpec(format="mapped", mapping={"customer_id": "nope"})
    with pytest.raises(econ.InputError, match="'nope': is not a column of this file"):
        econ.load_usage(inhouse, spec=spec)


def test_an_unmappable_file_names_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("when,what\n2026-07-01,1\n")
    with pytest.raises(econ.InputError) as error:
        econ.load_usage(path)
    assert {p.column for p in error.value.problems} == {
        "customer_id",
        "feature_id",
        "timestamp or month",
    }
    assert "It matches no export econ knows" in str(error.value)


def test_bad_sources_are_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text(
        '{"request_created_at": "2026-07-01T00:00:00.000Z", "request_user_id": "c1", '
        '"request_properties": {"feature": "chat"}, "cost": 0.1, "model": "gpt-4o"}\n'
    )
    with pytest.raises(econ.InputError, match="is not a column of this file"):
        econ.load_usage(path, spec=econ.ImportSpec(customer="column:nope"))
    with pytest.raises(econ.ScenarioError, match="must look like column:<name>"):
        econ.load_usage(path, spec=econ.ImportSpec(feature="feature"))


def test_import_specs_round_trip() -> None:
    spec = econ.ImportSpec(
        format="langfuse",
        customer="column:user_id",
        feature="tag:feature:",
        mapping={"plan": "tier"},
        amounts_in="dollars",
        through="2026-09",
        include_prorations=True,
        price_overrides={"my-model": econ.ModelPrice(1.0, 2.0, 0.5)},
    )
    assert econ.ImportSpec.from_dict(spec.to_dict()) == spec


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amounts_in", "pennies", "amounts_in must be one of"),
        ("through", "September", "through must be a month as YYYY-MM"),
    ],
)
def test_import_specs_refuse_bad_values(field: str, value: str, message: str) -> None:
    with pytest.raises(econ.ScenarioError, match=message):
        econ.ImportSpec(**{field: value})  # type: ignore[arg-type]
