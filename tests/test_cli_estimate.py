"""``econ estimate``: a new feature's margins before it launches, from flags or from a launch the
scenario holds; the article's Advanced AI Analysis through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import WriteParquet, revenue_frame, run_cli, usage_frame

import econ


@pytest.fixture
def files(write_parquet: WriteParquet) -> list[str]:
    """One Standard customer at $100 a month, using one cheap feature."""
    usage = write_parquet("usage.parquet", usage_frame([("a", "chat", "2026-01", 10, 1.0)]))
    revenue = write_parquet("revenue.parquet", revenue_frame([("a", "2026-01", 100, "Standard")]))
    return ["--usage", str(usage), "--revenue", str(revenue)]


ARTICLE = ["--name", "advanced_analysis", "--value-weight", "0.15", "--cost-per-use", "0.90"]


def test_the_article_case_loses_three_dollars_a_customer_month(
    capsys: pytest.CaptureFixture[str], files: list[str]
) -> None:
    code, out, err = run_cli(
        capsys, "estimate", *ARTICLE, "--uses", "20", "--format", "json", *files
    )
    assert code == 0, err
    (plan,) = json.loads(out)["plans"]
    assert plan["plan"] == "Standard"
    assert plan["cost_usd"] == pytest.approx(18.0)
    assert plan["revenue_usd"] == pytest.approx(15.0)
    assert plan["gross_profit_usd"] == pytest.approx(-3.0)
    code, table, _ = run_cli(capsys, "estimate", *ARTICLE, "--uses", "20", *files)
    assert code == 0
    assert "advanced_analysis" in table and "Standard" in table


def test_a_launch_from_the_scenario_and_per_plan_uses(
    capsys: pytest.CaptureFixture[str], files: list[str], tmp_path: Path
) -> None:
    launch = econ.Launch(
        name="advanced_analysis", value_weight=0.15, cost_per_use_usd=0.9, uses={"Standard": 20}
    )
    scenario = tmp_path / "scenario.json"
    scenario.write_text(econ.Scenario(launches={"advanced_analysis": launch}).to_json())
    code, out, err = run_cli(
        capsys,
        "estimate",
        "--launch",
        "advanced_analysis",
        "--scenario",
        str(scenario),
        "--format",
        "json",
        *files,
    )
    assert code == 0, err
    assert json.loads(out)["plans"][0]["gross_profit_usd"] == pytest.approx(-3.0)
    code, out, _ = run_cli(
        capsys, "estimate", *ARTICLE, "--uses-plan", "Standard=10", "--format", "json", *files
    )
    assert json.loads(out)["plans"][0]["cost_usd"] == pytest.approx(9.0)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ([], "needs --name"),
        (["--launch", "nope"], "no launch 'nope'"),
        (["--name", "x", "--uses-plan", "Standard"], "PLAN=USES"),
        (["--name", "x", "--model", "no-such-model", "--uses", "3"], "no list price"),
        (["--name", "x", "--value-weight", "2"], "value_weight"),
    ],
)
def test_bad_flags_end_in_a_message(
    capsys: pytest.CaptureFixture[str], files: list[str], args: list[str], said: str
) -> None:
    code, out, err = run_cli(capsys, "estimate", *args, *files)
    assert code == 2
    assert out == ""
    assert said in err
    assert "Traceback" not in err
