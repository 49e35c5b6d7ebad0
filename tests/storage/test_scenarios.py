"""Saved scenarios: round trips, content addressing, renames that keep links, concurrent saves,
and files a user (or a crash) damaged."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

import econ
from econ.storage.scenarios import MAX_NAME, ScenarioStore, clean_name, scenario_id_for

DATASET = "0123456789abcdef0123456789abcdef"
STARTER_59 = econ.Scenario(prices={"Starter": 59.0})
FAIR_USE = econ.Scenario(
    price_book=econ.PriceBook(plans={"Pro": econ.PlanPrice(fair_use_usd=20.0)})
)


@pytest.fixture
def store(tmp_path: Path) -> ScenarioStore:
    return ScenarioStore(tmp_path)


def test_save_list_get_round_trip(store: ScenarioStore) -> None:
    today = store.save(DATASET, "Today", econ.Scenario())
    starter = store.save(DATASET, "Starter at $59", STARTER_59)
    listed = store.list(DATASET)
    assert [item.name for item in listed] == ["Today", "Starter at $59"]
    assert store.get(DATASET, starter.scenario_id).scenario == STARTER_59
    assert store.get(DATASET, today.scenario_id) == today
    assert store.list("sample") == []  # saved per dataset


def test_ids_name_the_dataset_the_name_and_the_content(store: ScenarioStore) -> None:
    first = store.save(DATASET, "Starter at $59", STARTER_59)
    again = store.save(DATASET, "Starter at $59", STARTER_59)
    assert again == first  # the same content saved twice is one saved scenario
    assert len(store.list(DATASET)) == 1
    assert first.scenario_id == scenario_id_for(DATASET, "Starter at $59", STARTER_59)
    assert len(first.scenario_id) == 32
    others = {
        scenario_id_for("sample", "Starter at $59", STARTER_59),
        scenario_id_for(DATASET, "Starter at $60", STARTER_59),
        scenario_id_for(DATASET, "Starter at $59", FAIR_USE),
    }
    assert first.scenario_id not in others
    assert len(others) == 3


def test_rename_keeps_links_working(store: ScenarioStore) -> None:
    saved = store.save(DATASET, "Fair use", FAIR_USE)
    renamed = store.rename(DATASET, saved.scenario_id, "Fair use on Pro")
    assert renamed.scenario_id != saved.scenario_id
    assert [item.name for item in store.list(DATASET)] == ["Fair use on Pro"]
    assert store.get(DATASET, saved.scenario_id) == renamed  # the old link opens it
    twice = store.rename(DATASET, saved.scenario_id, "Pro fair use")
    assert store.get(DATASET, saved.scenario_id) == twice
    assert store.get(DATASET, renamed.scenario_id) == twice
    assert store.find(DATASET, "pro FAIR use") == twice  # a name ignores case when unique


def test_duplicate_then_delete(store: ScenarioStore) -> None:
    saved = store.save(DATASET, "Starter at $59", STARTER_59)
    copy = store.duplicate(DATASET, saved.scenario_id, "Starter at $59 (copy)")
    assert copy.scenario == saved.scenario
    assert copy.scenario_id != saved.scenario_id
    store.delete(DATASET, saved.scenario_id)
    assert [item.name for item in store.list(DATASET)] == ["Starter at $59 (copy)"]
    with pytest.raises(econ.SavedScenarioNotFoundError, match="no saved scenario"):
        store.get(DATASET, saved.scenario_id)


def test_delete_removes_the_pointers_a_rename_left(store: ScenarioStore) -> None:
    saved = store.save(DATASET, "A", STARTER_59)
    renamed = store.rename(DATASET, saved.scenario_id, "B")
    store.delete(DATASET, saved.scenario_id)  # by its old id
    assert store.list(DATASET) == []
    assert list((store.folder / DATASET).glob("*.json")) == []
    with pytest.raises(econ.SavedScenarioNotFoundError):
        store.get(DATASET, renamed.scenario_id)


def test_two_sessions_saving_under_one_name_leave_both_readable(store: ScenarioStore) -> None:
    barrier = threading.Barrier(2)
    results: list[econ.SavedScenario] = []

    def save(scenario: econ.Scenario) -> None:
        barrier.wait()
        results.append(ScenarioStore(store.root).save(DATASET, "Option B", scenario))

    threads = [threading.Thread(target=save, args=(item,)) for item in (STARTER_59, FAIR_USE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    listed = store.list(DATASET)
    assert sorted(item.scenario_id for item in listed) == sorted(r.scenario_id for r in results)
    assert sorted(item.scenario.to_json() for item in listed) == sorted(
        item.to_json() for item in (STARTER_59, FAIR_USE)
    )
    with pytest.raises(econ.ScenarioError, match="2 scenarios are saved as 'Option B'"):
        store.find(DATASET, "Option B")
    for item in listed:  # each stays reachable by its id
        assert store.find(DATASET, item.scenario_id) == item


def test_find_names_what_is_saved(store: ScenarioStore) -> None:
    store.save(DATASET, "Today", econ.Scenario())
    with pytest.raises(econ.SavedScenarioNotFoundError, match="saved: 'Today'"):
        store.find(DATASET, "Tomorrow")


@pytest.mark.parametrize(
    ("name", "rule"),
    [("   ", "cannot be empty"), ("x" * (MAX_NAME + 1), "at most"), ("a\nb", "control")],
)
def test_names_break_rules_with_a_message(name: str, rule: str) -> None:
    with pytest.raises(econ.ScenarioError, match=rule):
        clean_name(name)


def test_a_name_is_kept_without_surrounding_spaces(store: ScenarioStore) -> None:
    assert store.save(DATASET, "  Today  ", econ.Scenario()).name == "Today"


def test_damaged_and_newer_files_are_reported_when_opened_and_skipped_in_lists(
    store: ScenarioStore,
) -> None:
    good = store.save(DATASET, "Good", STARTER_59)
    folder = store.folder / DATASET
    damaged = "f" * 32
    (folder / f"{damaged}.json").write_text("{not json")
    newer = "e" * 32
    (folder / f"{newer}.json").write_text(json.dumps({"version": 99, "name": "x"}))
    assert store.list(DATASET) == [good]
    with pytest.raises(econ.ScenarioError, match="saved scenario"):
        store.get(DATASET, damaged)
    with pytest.raises(econ.ScenarioError, match="newer version"):
        store.get(DATASET, newer)


def test_malformed_ids_and_dataset_ids_are_not_found(store: ScenarioStore) -> None:
    with pytest.raises(econ.SavedScenarioNotFoundError):
        store.get(DATASET, "../../etc/passwd")
    with pytest.raises(econ.SavedScenarioNotFoundError):
        store.get("../x", "a" * 32)
    assert store.list("../x") == []


def test_an_unwritable_folder_says_why(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(econ.EconError, match="cannot save the scenario"):
        ScenarioStore(blocker).save(DATASET, "Today", econ.Scenario())


def test_dropping_a_dataset_drops_its_saved_scenarios(tmp_path: Path) -> None:
    datasets = econ.storage.store.DatasetStore(
        tmp_path, econ.storage.store.StoreLimits(max_datasets=1)
    )
    first = datasets.put(b"u1", b"r1", usage_name="u", revenue_name="r")
    scenarios = ScenarioStore(tmp_path)
    scenarios.save(first, "Today", econ.Scenario())
    datasets.put(b"u2", b"r2", usage_name="u", revenue_name="r")  # pushes the first out
    assert scenarios.list(first) == []
    assert not (scenarios.folder / first).exists()


def test_who_saved_a_scenario_is_recorded_and_kept(store: ScenarioStore) -> None:
    saved = store.save(DATASET, "Starter at $59", STARTER_59, saved_by="ann@example.com")
    assert saved.saved_by == "ann@example.com"
    assert store.get(DATASET, saved.scenario_id).saved_by == "ann@example.com"
    assert saved.to_dict()["saved_by"] == "ann@example.com"
    document = json.loads((store.folder / DATASET / f"{saved.scenario_id}.json").read_text())
    assert document["saved_by"] == "ann@example.com"
    again = store.save(DATASET, "Starter at $59", STARTER_59, saved_by="bob@example.com")
    assert again.saved_by == "ann@example.com"  # the first saving is kept
    renamed = store.rename(DATASET, saved.scenario_id, "Starter at 59")
    assert renamed.saved_by == "ann@example.com"
    copy = store.duplicate(DATASET, renamed.scenario_id, "Copy", saved_by="sub:bob")
    assert copy.saved_by == "sub:bob"
    assert store.save(DATASET, "Today", econ.Scenario()).saved_by is None


@pytest.mark.parametrize("saved_by", ["", "  ", "a\nb", "x" * 401])
def test_a_malformed_saver_is_refused(store: ScenarioStore, saved_by: str) -> None:
    with pytest.raises(econ.ScenarioError, match="who saved a scenario"):
        store.save(DATASET, "Today", econ.Scenario(), saved_by=saved_by)


def test_a_file_saved_before_savers_were_recorded_still_reads(store: ScenarioStore) -> None:
    scenario_id = "c" * 32
    folder = store.folder / DATASET
    folder.mkdir(parents=True)
    old = {
        "version": 1,
        "name": "Old",
        "saved_at": "2026-01-02T03:04:05+00:00",
        "scenario": econ.Scenario().to_dict(),
    }
    (folder / f"{scenario_id}.json").write_text(json.dumps(old))
    found = store.get(DATASET, scenario_id)
    assert (found.name, found.saved_by) == ("Old", None)
    assert [item.scenario_id for item in store.list(DATASET)] == [scenario_id]
    (folder / f"{scenario_id}.json").write_text(json.dumps(old | {"saved_by": 7}))
    with pytest.raises(econ.ScenarioError, match="who saved a scenario"):
        store.get(DATASET, scenario_id)
