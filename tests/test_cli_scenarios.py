"""``econ scenario save/list/show/rename/delete``, ``econ analyze --scenario NAME``, ``econ
compare`` and ``econ customer``: the same saved files and the same numbers as the app."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, WriteParquet, run_cli

import econ
from econ.storage.store import DatasetStore


@pytest.fixture(autouse=True)
def _own_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "econ-data"
    monkeypatch.setenv("ECON_DATA_DIR", str(folder))
    return folder


def _scenario_file(tmp_path: Path, name: str, scenario: econ.Scenario) -> str:
    path = tmp_path / f"{name}.json"
    path.write_text(scenario.to_json())
    return str(path)


STARTER_59 = econ.Scenario(
    price_book=econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=59.0)})
)


def _files(write_parquet: WriteParquet) -> list[str]:
    usage = write_parquet("usage.parquet", FIRST_USAGE)
    revenue = write_parquet("revenue.parquet", FIRST_REVENUE)
    return ["--usage", str(usage), "--revenue", str(revenue)]


def test_save_list_show_rename_delete_round_trip(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, write_parquet: WriteParquet
) -> None:
    files = _files(write_parquet)
    option = _scenario_file(tmp_path, "starter", STARTER_59)
    code, out, _ = run_cli(
        capsys, "scenario", "save", "Starter at $59", "--scenario", option, *files
    )
    assert code == 0
    assert out.startswith("saved 'Starter at $59' (id ")
    code, out, _ = run_cli(capsys, "scenario", "save", "Today", *files)
    assert code == 0
    code, out, _ = run_cli(capsys, "scenario", "list", *files)
    assert out.splitlines()[1].startswith("Starter at $59")
    assert out.splitlines()[2].startswith("Today")
    code, out, _ = run_cli(capsys, "scenario", "list", "--format", "json", *files)
    listed = json.loads(out)
    assert [item["name"] for item in listed] == ["Starter at $59", "Today"]
    code, out, _ = run_cli(capsys, "scenario", "show", "starter at $59", *files)
    assert econ.Scenario.from_json(out) == STARTER_59
    code, out, _ = run_cli(capsys, "scenario", "rename", "Today", "Current pricing", *files)
    assert out.startswith("renamed 'Today' to 'Current pricing'")
    code, out, _ = run_cli(capsys, "scenario", "delete", "Starter at $59", *files)
    assert code == 0
    code, out, _ = run_cli(capsys, "scenario", "list", "--format", "json", *files)
    assert [item["name"] for item in json.loads(out)] == ["Current pricing"]
    # the same files the app reads, under the dataset id the app gives the same upload
    dataset = DatasetStore().add(
        (tmp_path / "usage.parquet").read_bytes(),
        (tmp_path / "revenue.parquet").read_bytes(),
        usage_name="usage.parquet",
        revenue_name="revenue.parquet",
    )
    saved = econ.ScenarioStore(DatasetStore().root).list(dataset.dataset_id)
    assert [item.name for item in saved] == ["Current pricing"]


def test_analyze_with_a_saved_name_equals_analyze_with_its_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    option = _scenario_file(tmp_path, "starter", STARTER_59)
    assert run_cli(capsys, "scenario", "save", "Starter at $59", "--scenario", option)[0] == 0
    code, by_name, _ = run_cli(
        capsys, "analyze", "--scenario", "Starter at $59", "--format", "json"
    )
    assert code == 0
    _, by_file, _ = run_cli(capsys, "analyze", "--scenario", option, "--format", "json")
    assert json.loads(by_name) == json.loads(by_file)


def test_unknown_names_and_folders_end_in_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, write_parquet: WriteParquet
) -> None:
    code, out, err = run_cli(capsys, "analyze", "--scenario", "Tomorrow")
    assert out == ""
    assert code == 2
    assert "no scenario named 'Tomorrow' is saved for this data (saved: none yet)" in err
    folder = tmp_path / "ledger"
    folder.mkdir()
    FIRST_USAGE.write_parquet(folder / "part-0.parquet")
    revenue = write_parquet("revenue.parquet", FIRST_REVENUE)
    code, _, err = run_cli(
        capsys, "scenario", "list", "--usage", str(folder), "--revenue", str(revenue)
    )
    assert code == 2
    assert "not a folder or a glob" in err
    assert "Traceback" not in err


def test_a_saved_scenario_that_no_longer_fits_says_what_was_dropped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    gone = econ.sample_scenario().replace(prices={"Enterprise": 999.0})
    econ.ScenarioStore(DatasetStore().root).save("sample", "Old", gone)
    code, _, err = run_cli(capsys, "scenario", "show", "Old")
    assert code == 0
    assert "econ: warning: 'Old' no longer fits the data: prices for plans" in err
    assert "'Enterprise'" in err


def test_compare_prints_the_comparison_as_json_and_as_a_table(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store = econ.ScenarioStore(DatasetStore().root)
    today = econ.sample_scenario()
    store.save("sample", "Today", today)
    raised = today.replace(
        price_book=econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=59.0)})
    )
    store.save("sample", "Starter at $59", raised)
    code, out, err = run_cli(capsys, "compare", "Today", "Starter at $59", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    expected = econ.compare_scenarios(
        econ.load_dataset(*econ.sample_paths()),
        [econ.Named("Today", today), econ.Named("Starter at $59", raised)],
    )
    assert data["baseline"] == "Today"
    for got, want in zip(data["totals"], expected.to_dict()["totals"], strict=True):
        assert got.pop("scenario") == want.pop("scenario")
        assert got == pytest.approx(want, rel=1e-9)
    code, table, _ = run_cli(capsys, "compare", "Today", "Starter at $59")
    assert code == 0
    assert "Starter at $59" in table
    file = _scenario_file(tmp_path, "file-option", raised)
    code, out, _ = run_cli(capsys, "compare", "Today", file, "--format", "json")
    assert json.loads(out)["scenarios"] == ["Today", "file-option"]
    code, _, err = run_cli(capsys, "compare", "Today")
    assert code == 2
    assert "2 to 5 scenarios" in err


def test_customer_prints_one_customers_pnl(
    capsys: pytest.CaptureFixture[str], write_parquet: WriteParquet
) -> None:
    files = _files(write_parquet)
    code, out, err = run_cli(capsys, "customer", "acme", "--format", "json", *files)
    assert code == 0, err
    data = json.loads(out)
    assert data["customer_id"] == "acme"
    report = econ.analyze_dataset(econ.load_dataset(FIRST_USAGE, FIRST_REVENUE), econ.Scenario())
    acme = report.customer_months.frame.filter(pl.col("customer_id") == "acme")
    assert sum(row["revenue_usd"] for row in data["months"]) == pytest.approx(
        float(acme["mrr_usd"].sum())
    )
    code, table, _ = run_cli(capsys, "customer", "acme", *files)
    assert code == 0
    assert "acme" in table
    code, _, err = run_cli(capsys, "customer", "acmee", *files)
    assert code == 2
    assert "acme" in err  # the close id is named
    assert "Traceback" not in err


def test_report_with_a_comparison_adds_its_section_and_links_to_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store = econ.ScenarioStore(DatasetStore().root)
    today = econ.sample_scenario()
    first = store.save("sample", "Today", today)
    raised = today.replace(
        price_book=econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=59.0)})
    )
    second = store.save("sample", "Starter at $59", raised)
    out_file = tmp_path / "pack.html"
    code, out, err = run_cli(
        capsys, "report", "--compare", "Today", "Starter at $59", "--output", str(out_file)
    )
    assert code == 0, err
    html = out_file.read_text()
    assert "Scenarios compared" in html
    assert "Starter at $59 makes the most gross profit" in html
    assert f"compare={first.scenario_id}.{second.scenario_id}" in out
    assert "page=compare" in out
