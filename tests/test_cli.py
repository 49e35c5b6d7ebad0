"""The ``econ`` command: readable tables, exact JSON keys, exit 2 without a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from builders import WriteParquet, revenue_frame, run_cli, usage_frame
from locations import FIXTURES

import econ
from econ.cli import full_report

SEGMENT_KEYS = {
    "segment",
    "customers",
    "customer_months",
    "arpa_usd",
    "inference_usd",
    "ai_infra_usd",
    "support_usd",
    "cs_usd",
    "hosting_usd",
    "gross_profit_usd",
    "gross_margin",
    "churn",
    "ltv_revenue_usd",
    "ltv_traditional_usd",
    "ltv_compute_adjusted_usd",
    "cac_usd",
    "ltv_cac",
    "payback_months",
}
FEATURE_KEYS = {
    "feature_id",
    "calls",
    "cost_usd",
    "cost_per_call_usd",
    "revenue_usd",
    "gross_profit_usd",
    "gross_margin",
    "category",
    "status",
}
TOTAL_KEYS = {
    "revenue_usd",
    "allocated_revenue_usd",
    "unallocated_revenue_usd",
    "inference_usd",
    "unbilled_inference_usd",
    "gross_margin",
    "customers",
    "customer_months",
}


def test_table_on_sample_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "analyze")
    assert code == 0, err
    assert "Segments by usage_tier" in out
    for tier in ("light", "core", "power", "all"):
        assert f"| {tier:>7} |" in out
    assert "deep_research" in out
    assert "negative" in out


def test_json_has_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "analyze", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {"segments", "features", "totals", "scenario"} <= set(data)
    assert {"recommendations", "simulation", "feature_margins_by_plan"} <= set(data)
    first = data["recommendations"][0]
    assert {"kind", "title", "evidence", "change", "arithmetic", "gross_profit_change_usd"} <= set(
        first
    )
    assert {"totals", "plans", "segments", "bills"} <= set(data["simulation"])
    assert all(set(row) >= SEGMENT_KEYS for row in data["segments"])
    assert data["segments"][-1]["segment"] == "all"
    assert {"retention", "projection"} <= set(data)
    assert set(data["retention"]) == {"segments", "cohorts", "monthly"}
    assert {
        "segment",
        "customers",
        "alpha",
        "beta",
        "log_likelihood",
        "ltv_sbg_usd",
        "residual_value_usd",
    } <= set(data["retention"]["segments"][0])
    assert "response" in data["simulation"]
    assert {"month", "segment", "pricing", "gross_profit_usd"} <= set(data["projection"]["rows"][0])
    assert all(set(row) >= FEATURE_KEYS for row in data["features"])
    profits = [row["gross_profit_usd"] for row in data["features"]]
    assert profits == sorted(profits, reverse=True)
    assert set(data["totals"]) >= TOTAL_KEYS
    assert econ.Scenario.from_dict(data["scenario"]).months == ("2025-08", "2026-10")


def test_json_matches_the_python_api(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_cli(capsys, "analyze", "--format", "json")
    usage, revenue = econ.sample_paths()
    data = econ.load_dataset(usage, revenue, usage_name=str(usage), revenue_name=str(revenue))
    report = econ.analyze_dataset(data, econ.sample_scenario())
    expected = full_report(report, econ.recommend(report), econ.simulate(report), data)
    # The CLI may have read the rollup cache, whose rows come in another order: sums agree to
    # the last few bits, not bit for bit.
    assert_same_figures(json.loads(out), json.loads(json.dumps(expected)))


def assert_same_figures(got: object, expected: object, where: str = "") -> None:
    if isinstance(expected, float) and isinstance(got, int | float):
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-9), where
    elif isinstance(expected, dict):
        assert isinstance(got, dict) and got.keys() == expected.keys(), where
        for key, value in expected.items():
            assert_same_figures(got[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), where
        for index, (left, right) in enumerate(zip(got, expected, strict=True)):
            assert_same_figures(left, right, f"{where}[{index}]")
    else:
        assert got == expected, where


def test_own_files_and_scenario(
    capsys: pytest.CaptureFixture[str], write_parquet: WriteParquet, tmp_path: Path
) -> None:
    usage = write_parquet("u.parquet", usage_frame([("a", "chat", "2026-01", 4, 2.0)]))
    revenue = write_parquet(
        "r.parquet", revenue_frame([("a", "2026-01", 20, "Pro"), ("a", "2026-02", 20, "Pro")])
    )
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps({"churn": 0.1, "cac_usd": 50}))
    output = tmp_path / "out.json"
    code, _, err = run_cli(
        capsys,
        "analyze",
        "--usage",
        str(usage),
        "--revenue",
        str(revenue),
        "--scenario",
        str(scenario),
        "--format",
        "json",
        "--output",
        str(output),
    )
    assert code == 0, err
    blended = json.loads(output.read_text())["segments"][-1]
    assert blended["churn"] == 0.1
    assert blended["ltv_compute_adjusted_usd"] == pytest.approx((20 - 1) / 0.1)


def test_scenario_command_prints_filled_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "scenario")
    assert code == 0
    scenario = econ.Scenario.from_json(out)
    assert scenario.months == ("2025-08", "2026-10")
    assert scenario.category_of("autocomplete") == "commodity"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--usage", "missing.parquet", "--revenue", "missing2.parquet"], "was not found"),
        (["--usage", "only.parquet"], "give both --usage and --revenue"),
        (["--scenario", "nope.json"], "cannot read the scenario file"),
    ],
)
def test_bad_input_exits_2_with_one_message(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run_cli(capsys, "analyze", *args)
    assert code == 2
    assert out == ""
    assert err.startswith("econ: error: ")
    assert message in err
    assert "Traceback" not in err


def test_bad_scenario_value_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps({"churn": 1.5}))
    code, _, err = run_cli(capsys, "analyze", "--scenario", str(scenario))
    assert code == 2
    assert "s.json: churn must be between 0 and 1, got 1.5" in err


def test_bad_data_names_file_column_rule_count_and_row(
    capsys: pytest.CaptureFixture[str], write_parquet: WriteParquet
) -> None:
    usage = write_parquet("u.parquet", usage_frame([("a", "chat", "2026-01", 4, -2.0)]))
    revenue = write_parquet("r.parquet", revenue_frame([("a", "2026-01", 20, "Pro")]))
    code, _, err = run_cli(capsys, "analyze", "--usage", str(usage), "--revenue", str(revenue))
    assert code == 2
    assert "u.parquet: column 'cost_usd': must be zero or more (1 row breaks this rule" in err
    assert "row=1" in err


def test_python_dash_m_and_console_script() -> None:
    for command in ([sys.executable, "-m", "econ"], [str(Path(sys.executable).parent / "econ")]):
        done = subprocess.run(
            [*command, "analyze", "--usage", "x.parquet", "--revenue", "y.parquet"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        assert "x.parquet: was not found" in done.stderr


def test_unreadable_revenue_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    usage = tmp_path / "u.parquet"
    usage_frame([("a", "chat", "2026-01", 4, 2.0)]).write_parquet(usage)
    revenue = tmp_path / "r.parquet"
    revenue.write_bytes(b"PAR1 this is not really parquet")
    code, _, err = run_cli(capsys, "analyze", "--usage", str(usage), "--revenue", str(revenue))
    assert code == 2
    assert "r.parquet: is a damaged parquet file" in err
    assert pl.__name__ not in err.split(":")[0]


def test_table_shows_recommendations_and_a_simulated_price_book(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario = econ.sample_scenario().replace(
        price_book=econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=59)})
    )
    path = tmp_path / "s.json"
    path.write_text(scenario.to_json())
    code, out, _ = run_cli(capsys, "analyze", "--scenario", str(path))
    assert code == 0
    assert "Recommendations (monthly impact" in out
    assert "deep_research uses a month on Starter" in out
    assert "Simulated price book against current pricing" in out
    assert "customers would pay more" in out


def test_a_ledger_in_several_files_and_the_rollup_cache(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECON_DATA_DIR", str(tmp_path / "data"))
    usage, revenue = econ.sample_paths()
    whole = pl.read_parquet(usage)
    folder = tmp_path / "ledger"
    folder.mkdir()
    for month, part in whole.group_by("month"):
        part.write_parquet(folder / f"usage-{month[0]:%Y-%m}.parquet")
    files = sorted(str(path) for path in folder.iterdir())
    outputs = []
    for usage_args in ([str(usage)], [str(folder)], files, [str(folder / "*.parquet")]):
        code, out, err = run_cli(
            capsys, "analyze", "--usage", *usage_args, "--revenue", str(revenue), "--format", "json"
        )
        assert code == 0, err
        outputs.append(json.loads(out)["totals"])
    assert outputs[0]["calls"] > 0
    for output in outputs[1:]:
        assert_same_figures(output, outputs[0])
    rollups = tmp_path / "data" / "rollups"
    assert rollups.is_dir() and any(rollups.iterdir())
    entries = set(rollups.iterdir())
    code, _, err = run_cli(
        capsys, "analyze", "--usage", str(folder), "--revenue", str(revenue), "--no-cache"
    )
    assert code == 0, err
    assert set(rollups.iterdir()) == entries


def test_a_scenario_nested_thousands_deep_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "deep.json"
    scenario.write_text('{"levers": ' * 3_000 + "1" + "}" * 3_000)
    code, _, err = run_cli(capsys, "analyze", "--scenario", str(scenario))
    assert code == 2
    assert "nests deeper than 32 levels" in err and "Traceback" not in err


def test_an_unwritable_data_directory_means_no_cache_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache only saves time: a data directory that cannot be written (here a path through
    a regular file, which no user can write to) is read around, with a warning."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ECON_DATA_DIR", str(blocker / "data"))
    code, out, err = run_cli(capsys, "analyze", "--format", "json")
    assert code == 0, err
    assert "econ: warning: the rollup cache cannot be written" in err
    assert json.loads(out)["totals"]["customers"] > 0


@pytest.mark.parametrize(
    ("scenario", "code", "said"),
    [
        ('{"cac_usd": 1' + "0" * 5_000 + "}", 2, "is not valid JSON"),
        ('{"cac_usd": 1' + "0" * 400 + "}", 2, "cac_usd must be a finite number"),
        ('{"months": ["0000-01", "0000-02"]}', 2, "months must fall in 1990 or later"),
        ('{"levers": {"optimize": {"investment_usd": 5e-324}}}', 0, ""),
    ],
)
def test_hostile_scenario_files_end_in_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], scenario: str, code: int, said: str
) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(scenario)
    got, out, err = run_cli(capsys, "analyze", "--scenario", str(path), "--format", "json")
    assert got == code, err
    assert "Traceback" not in err and said in err
    if code == 0:
        json.loads(out)  # every number finite: undefined ones are null


def test_control_characters_in_ids_are_shown_not_obeyed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An id holding a terminal escape (a hyperlink, a clear-screen) is refused, and the message
    quoting it prints the escape as text; a bidirectional override (not a control character)
    is read, and printed escaped in the table."""
    revenue = tmp_path / "revenue.csv"
    revenue.write_text("customer_id,month,mrr_usd,plan\nc1,2026-01,50,Pro\nc2,2026-02,50,Pro\n")

    def analyze(feature: str) -> tuple[int, str, str]:
        usage = tmp_path / "usage.csv"
        pl.DataFrame(
            {
                "customer_id": ["c1", "c2"],
                "feature_id": [feature, "chat"],
                "timestamp": ["2026-01-05T00:00:00Z", "2026-02-05T00:00:00Z"],
                "cost_usd": [0.5, 0.25],
            }
        ).write_csv(usage)
        return run_cli(capsys, "analyze", "--usage", str(usage), "--revenue", str(revenue))

    code, out, err = analyze("\x1b]8;;http://evil.example\x07link\x1b]8;;\x07\x1b[2J")
    assert code == 2 and "must not hold control characters" in err
    assert "\x1b" not in out + err and "\\x1b]8;;http://evil.example\\x07link" in err
    code, out, err = analyze("\u202eevil")
    assert code == 0, err
    assert "\u202e" not in out + err and "\\u202eevil" in out


class TestInspect:
    """``econ inspect`` says what a file is and prints the import spec to read it with."""

    def test_a_known_export(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run_cli(
            capsys, "inspect", str(FIXTURES / "langfuse_ui_observations.csv"), "--side", "usage"
        )
        assert code == 0
        lines = out.splitlines()
        assert lines[0].startswith("langfuse_ui_observations.csv: Langfuse observations")
        assert "customer from: column:user_id   feature from: tag:feature:" in lines
        spec = json.loads(lines[-1].removeprefix("import spec: "))
        assert spec == {
            "usage": {"format": "langfuse", "customer": "column:user_id", "feature": "tag:feature:"}
        }

    def test_a_revenue_layout(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run_cli(
            capsys, "inspect", str(FIXTURES / "subscriptions_table.csv"), "--side", "revenue"
        )
        assert code == 0
        assert out.splitlines()[-1] == 'import spec: {"revenue": {"format": "subscriptions"}}'

    def test_an_unknown_layout_gets_a_guessed_mapping(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        path = tmp_path / "calls.csv"
        path.write_text("account,product_area,ts,usd\na,chat,2026-01-05,0.5\n", encoding="utf-8")
        code, out, _ = run_cli(capsys, "inspect", str(path), "--side", "usage")
        assert code == 0
        assert "guessed mapping:" in out
        spec = json.loads(out.splitlines()[-1].removeprefix("import spec: "))
        assert spec["usage"]["format"] == "mapped"

    def test_a_missing_file_exits_2(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        code, _, err = run_cli(capsys, "inspect", str(tmp_path / "nope.csv"), "--side", "usage")
        assert code == 2
        assert err.startswith("econ: error:")


class TestImportSpecFlags:
    def test_a_malformed_map_names_the_form(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run_cli(capsys, "analyze", "--map", "usage-customer")
        assert code == 2
        assert "--map takes SIDE.COLUMN=FILE_COLUMN" in err

    def test_an_unreadable_import_spec(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        code, _, err = run_cli(capsys, "analyze", "--import-spec", str(tmp_path / "missing.json"))
        assert code == 2
        assert "cannot read the import spec file" in err

    def test_an_import_spec_with_a_typo_is_refused(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        spec = tmp_path / "spec.json"
        spec.write_text('{"usage": {}, "revenu": {}}', encoding="utf-8")
        code, _, err = run_cli(capsys, "analyze", "--import-spec", str(spec))
        assert code == 2
        assert "unknown keys in import spec: ['revenu']" in err


@pytest.mark.slow
def test_analyze_fits_the_published_sbg_parameters(
    capsys: pytest.CaptureFixture[str], write_parquet: WriteParquet
) -> None:
    """Fader and Hardie's multi-cohort example (at a tenth of its scale): four monthly cohorts
    whose survivors follow 1000, 800, 648, 531, 439 give α ≈ 3.80 and β ≈ 15.19 through the
    command line, as the paper's fit of the full-size counts does."""
    cohorts = [[1000, 800, 648, 531, 439], [1000, 800, 648, 531], [1000, 800, 648], [1000, 800]]
    rows = []
    for start, survivors in enumerate(cohorts, start=1):
        for customer in range(survivors[0]):
            stays = sum(1 for alive in survivors if alive > customer)
            rows += [
                (f"c{start}-{customer}", f"2026-{start + month:02d}", 50.0, "Pro")
                for month in range(stays)
            ]
    revenue = write_parquet("revenue.parquet", revenue_frame(rows))
    usage = write_parquet("usage.parquet", usage_frame([("c1-0", "chat", "2026-01", 1, 0.5)]))
    code, out, _ = run_cli(
        capsys, "analyze", "--usage", str(usage), "--revenue", str(revenue), "--format", "json"
    )
    assert code == 0
    blended = json.loads(out)["retention"]["segments"][-1]
    assert blended["segment"] == "all"
    assert blended["cohorts"] == 4
    assert blended["alpha"] == pytest.approx(3.80, abs=0.05)
    assert blended["beta"] == pytest.approx(15.19, abs=0.2)


def test_a_scenario_file_chooses_what_counts_as_ai_revenue(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario = tmp_path / "attributed.json"
    scenario.write_text(
        json.dumps({"ai_revenue": {"basis": "attributed", "uplift_over": {"Pro": "Starter"}}})
    )
    code, out, err = run_cli(capsys, "analyze", "--scenario", str(scenario), "--format", "json")
    assert code == 0, err
    ai_revenue = json.loads(out)["ai_revenue"]
    assert ai_revenue["basis"] == "attributed"
    assert "Pro $199 − $49 (Starter)" in ai_revenue["sentence"]
    counted = {row["bucket"]: row["counted"] for row in ai_revenue["buckets"]}
    assert counted == {"all": False, "direct": False, "attributed": True, "influenced": False}
    code, out, _ = run_cli(capsys, "analyze", "--scenario", str(scenario))
    assert code == 0 and "AI revenue counted $" in out.splitlines()[0]
    assert "AI revenue counted: AI-attributed revenue" in out


def test_direct_ai_revenue_on_data_without_it_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario = tmp_path / "direct.json"
    scenario.write_text(json.dumps({"ai_revenue": {"basis": "direct"}}))
    code, out, err = run_cli(capsys, "analyze", "--scenario", str(scenario))
    assert code == 2 and out == ""
    assert "has no ai_revenue_usd column" in err and "Traceback" not in err


def test_ai_lines_tag_a_billing_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    usage = tmp_path / "u.parquet"
    usage_frame([("cus_acme", "chat", "2026-08", 4, 2.0)]).write_parquet(usage)
    revenue = FIXTURES / "stripe_invoices_basil.json"
    code, out, err = run_cli(
        capsys,
        "analyze",
        "--usage",
        str(usage),
        "--revenue",
        str(revenue),
        "--ai-lines",
        "Pro",
        "--through",
        "2026-09",
        "--format",
        "json",
    )
    assert code == 0, err
    buckets = {row["bucket"]: row for row in json.loads(out)["ai_revenue"]["buckets"]}
    assert buckets["direct"]["total_usd"] > 0
    code, _, err = run_cli(
        capsys, "analyze", "--revenue", str(revenue), "--usage", str(usage), "--ai-lines", "AI("
    )
    assert code == 2 and "not a regular expression" in err
