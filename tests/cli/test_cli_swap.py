"""``econ swap FEATURE --model MODEL``: a feature's history re-priced at another model, month by
month, as a table or JSON; exit 2 on a feature or model it does not know."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from builders import WriteParquet, revenue_frame, run_cli

from econ.cli import main


@pytest.fixture
def files(write_parquet: WriteParquet) -> list[str]:
    """Two months of one feature with tokens, one of another without."""
    usage = pl.DataFrame(
        {
            "customer_id": ["a", "a", "a"],
            "feature_id": ["chat", "chat", "voice"],
            "model": ["gpt-4o", "gpt-4o", "whisper-x"],
            "month": [dt.date(2025, 8, 1), dt.date(2025, 9, 1), dt.date(2025, 9, 1)],
            "calls": [10, 20, 4],
            "input_tokens": [1_000_000, 2_000_000, None],
            "output_tokens": [100_000, 200_000, None],
            "cost_usd": [3.5, 7.0, 1.0],
        },
        schema_overrides={"input_tokens": pl.Int64, "output_tokens": pl.Int64},
    )
    revenue = revenue_frame([("a", "2025-08", 100, "Pro"), ("a", "2025-09", 100, "Pro")])
    return [
        "--usage",
        str(write_parquet("usage.parquet", usage)),
        "--revenue",
        str(write_parquet("revenue.parquet", revenue)),
    ]


def test_a_table_a_row_a_month(capsys: pytest.CaptureFixture[str], files: list[str]) -> None:
    code, out, err = run_cli(capsys, "swap", "chat", "--model", "gpt-4o-mini", *files)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("chat's 30 calls with tokens in 2025-08 to 2025-09 cost $10.50")
    assert "at gpt-4o-mini's list rates" in lines[0]
    assert any(line.startswith("2025-08 ") for line in lines)
    assert any(line.startswith("2025-09 ") for line in lines)
    assert any(line.startswith("total ") for line in lines)


def test_json(capsys: pytest.CaptureFixture[str], files: list[str]) -> None:
    code, out, err = run_cli(
        capsys, "swap", "chat", "--model", "gpt-4o-mini", "--format", "json", *files
    )
    assert code == 0, err
    swap = json.loads(out)
    # gpt-4o-mini: $0.15 per million input tokens, $0.60 output (genai-prices, 2025)
    repriced = 3_000_000 * 0.15e-6 + 300_000 * 0.60e-6
    assert swap["repriced_usd"] == pytest.approx(repriced)
    assert swap["multiplier"] == pytest.approx(repriced / 10.5)
    assert swap["window"] == ["2025-08", "2025-09"]
    assert [month["month"] for month in swap["months"]] == ["2025-08-01", "2025-09-01"]


def test_a_feature_without_tokens_prints_why(
    capsys: pytest.CaptureFixture[str], files: list[str]
) -> None:
    code, out, _ = run_cli(capsys, "swap", "voice", "--model", "gpt-4o-mini", *files)
    assert code == 0
    assert out.startswith("No cost multiplier for voice on gpt-4o-mini: none of the feature's 4")


def test_the_scenarios_window(
    capsys: pytest.CaptureFixture[str], files: list[str], tmp_path: Path
) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"months": ["2025-09", "2025-09"]}))
    code, out, err = run_cli(
        capsys,
        "swap",
        "chat",
        "--model",
        "gpt-4o-mini",
        "--format",
        "json",
        "--scenario",
        str(scenario),
        *files,
    )
    assert code == 0, err
    assert json.loads(out)["recorded_usd"] == pytest.approx(7.0)


def test_a_price_override_prices_a_model_the_package_does_not_know(
    capsys: pytest.CaptureFixture[str], files: list[str], tmp_path: Path
) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"our-llama": {"input_per_mtok": 1, "output_per_mtok": 2}}))
    code, out, err = run_cli(
        capsys,
        "swap",
        "chat",
        "--model",
        "our-llama",
        "--prices",
        str(prices),
        "--format",
        "json",
        *files,
    )
    assert code == 0, err
    assert json.loads(out)["repriced_usd"] == pytest.approx(3.0 + 0.6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["swap", "search", "--model", "gpt-4o-mini"], "the ledger has no feature 'search'"),
        (["swap", "chat", "--model", "no-such-model-9000"], "never priced at $0"),
    ],
)
def test_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], files: list[str], args: list[str], message: str
) -> None:
    code, out, err = run_cli(capsys, *args, *files)
    assert code == 2
    assert out == ""
    assert err.startswith("econ: error: ") and message in err
    assert "Traceback" not in err


def test_the_model_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["swap", "chat"])
    assert exited.value.code == 2
    assert "--model" in capsys.readouterr().err


def test_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "swap", "deep_research", "--model", "o3", "--format", "json")
    assert code == 0, err
    swap = json.loads(out)
    assert swap["recorded_models"] == ["o3"]
    assert swap["calls_without_tokens"] == 0 and swap["covered"] == 1.0
    assert len(swap["months"]) == 15
