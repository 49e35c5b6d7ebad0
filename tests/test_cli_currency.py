"""``econ analyze --currency/--rates``: revenue converted at the rates of a file, and the
revenue per original currency in the table and JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import run_cli

from econ import formats

USAGE = (
    "customer_id,feature_id,month,cost_usd,calls\nacme,chat,2026-01,10,5\nbonn,chat,2026-01,4,2\n"
)
REVENUE = (
    "customer_id,month,mrr_usd,plan,currency\nacme,2026-01,100,Pro,usd\nbonn,2026-01,50,Pro,eur\n"
)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    usage, revenue, rates = tmp_path / "usage.csv", tmp_path / "revenue.csv", tmp_path / "r.csv"
    usage.write_text(USAGE)
    revenue.write_text(REVENUE)
    rates.write_text("currency,rate\nEUR,1.2\n")
    return usage, revenue, rates


def test_rates_from_a_file(
    files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    usage, revenue, rates = files
    args = ("analyze", "--usage", str(usage), "--revenue", str(revenue), "--no-cache")
    code, out, _ = run_cli(capsys, *args, "--rates", str(rates), "--format", "json")
    assert code == 0
    found = json.loads(out)["import"]
    assert found["reporting_currency"] == "usd"
    eur = next(row for row in found["currencies"] if row["currency"] == "eur")
    assert eur == {
        "side": "revenue",
        "currency": "eur",
        "month": None,
        "amount": 50.0,
        "rate": 1.2,
        "converted": pytest.approx(60.0),
    }
    code, out, _ = run_cli(capsys, *args, "--rates", str(rates))
    assert code == 0
    assert "Currencies (every amount in USD" in out


def test_a_missing_rate_exits_2(
    files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    usage, revenue, _ = files
    code, _, err = run_cli(
        capsys, "analyze", "--usage", str(usage), "--revenue", str(revenue), "--no-cache"
    )
    assert code == 2
    assert "several currencies (EUR, USD)" in err


def test_euros_show_their_code(
    files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    usage, revenue, _ = files
    rates = tmp_path / "rates.json"
    rates.write_text('{"usd": 0.8}')
    code, out, _ = run_cli(
        capsys,
        "analyze",
        "--usage",
        str(usage),
        "--revenue",
        str(revenue),
        "--no-cache",
        "--currency",
        "EUR",
        "--rates",
        str(rates),
    )
    assert code == 0
    assert "revenue EUR 130.00" in out  # 100 × 0.8 + 50
    assert "$" not in out.split("Currencies")[0].split("\n")[0]


def test_money_reads_in_dollars_again_after_a_run(
    files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    usage, revenue, _ = files
    rates = tmp_path / "rates.json"
    rates.write_text('{"usd": 0.8}')
    base = ("analyze", "--usage", str(usage), "--revenue", str(revenue), "--no-cache")
    assert run_cli(capsys, *base, "--currency", "eur", "--rates", str(rates))[0] == 0
    assert formats.money(5.0) == "$5.00"
