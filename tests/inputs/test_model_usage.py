"""The per-model token summary: summed at ingest in the rollup's pass on both paths, carried on
the dataset, kept by the rollup cache and the dataset store, and absent from older entries."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from builders import TWO_MODEL_LEDGER, WriteParquet, revenue_frame, usage_frame
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import econ
from econ.inputs.cache import CACHE_VERSION
from econ.inputs.ingest import usage as usage_module
from econ.inputs.model_usage import (
    MODEL_USAGE_SCHEMA,
    empty_model_usage,
    has_model_usage,
)
from econ.storage.store import DatasetStore

AUGUST = dt.date(2025, 8, 1)
LEDGER = TWO_MODEL_LEDGER

REVENUE = revenue_frame([("a", "2025-08", 100, "Pro"), ("b", "2025-08", 100, "Pro")])

EXPECTED = pl.DataFrame(
    {
        "feature_id": ["chat", "chat"],
        "month": [AUGUST, AUGUST],
        "model": ["claude-sonnet-4", "gpt-4o"],
        "calls": [5, 13],
        "cost_usd": [0.40, 0.60],
        "calls_with_tokens": [5, 10],
        "cost_with_tokens_usd": [0.40, 0.50],
        "input_tokens": [50_000, 100_000],
        "output_tokens": [10_000, 20_000],
        "cached_input_tokens": [0, 40_000],
    },
    schema=MODEL_USAGE_SCHEMA,
)


def summary_of(source: Path | pl.DataFrame, *, statistics: bool = True) -> pl.DataFrame:
    loaded = econ.load_usage(source, options=econ.IngestOptions(use_statistics=statistics))
    assert loaded.model_usage is not None
    return loaded.model_usage


def test_the_summary_per_feature_month_and_model(write_parquet: WriteParquet) -> None:
    path = write_parquet("usage.parquet", LEDGER)
    for statistics in (True, False):
        found = summary_of(path, statistics=statistics)
        assert found.schema == MODEL_USAGE_SCHEMA
        assert_frame_equal(found, EXPECTED)


def test_the_vouched_path_sums_it_in_the_rollups_pass(
    write_parquet: WriteParquet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parquet file's statistics vouch for its rows: the summary comes from the same
    ``collect_all`` as the rollup, never from the general path."""
    taken: list[bool] = []
    original = usage_module.vouched_rollup

    def recording(*args: object, **kwargs: object) -> object:
        result = original(*args, **kwargs)  # type: ignore[arg-type]
        taken.append(result is not None and result[1] is not None)
        return result

    monkeypatch.setattr(usage_module, "vouched_rollup", recording)
    assert_frame_equal(summary_of(write_parquet("usage.parquet", LEDGER)), EXPECTED)
    assert taken == [True]


def test_csv_text_and_categorical_ids_give_the_same_summary(
    tmp_path: Path, write_parquet: WriteParquet
) -> None:
    csv = tmp_path / "usage.csv"
    LEDGER.write_csv(csv)
    assert_frame_equal(summary_of(csv), EXPECTED)
    categorical = LEDGER.with_columns(
        pl.col("feature_id").cast(pl.Categorical), pl.col("model").cast(pl.Categorical)
    )
    assert_frame_equal(summary_of(write_parquet("categorical.parquet", categorical)), EXPECTED)


def test_calls_that_name_no_model_are_a_null_model_sorted_last(
    write_parquet: WriteParquet,
) -> None:
    ledger = LEDGER.with_columns(pl.Series("model", ["gpt-4o", None, "gpt-4o"]))
    for statistics in (True, False):
        found = summary_of(write_parquet("usage.parquet", ledger), statistics=statistics)
        assert found["model"].to_list() == ["gpt-4o", None]
        assert found["calls"].to_list() == [13, 5]


def test_a_ledger_without_models_sums_its_tokens_under_no_model(
    write_parquet: WriteParquet,
) -> None:
    found = summary_of(write_parquet("usage.parquet", LEDGER.drop("model")))
    assert found["model"].to_list() == [None]
    assert found.row(0, named=True) | {"model": None} == {
        "feature_id": "chat",
        "month": AUGUST,
        "model": None,
        "calls": 18,
        "cost_usd": pytest.approx(1.0),
        "calls_with_tokens": 15,
        "cost_with_tokens_usd": pytest.approx(0.9),
        "input_tokens": 150_000,
        "output_tokens": 30_000,
        "cached_input_tokens": 40_000,
    }


def test_a_ledger_naming_no_model_and_no_tokens_has_an_empty_summary(
    write_parquet: WriteParquet,
) -> None:
    usage = usage_frame([("a", "chat", "2026-01", 3, 1.5)])
    assert not has_model_usage(usage.columns)
    for statistics in (True, False):
        found = summary_of(write_parquet("usage.parquet", usage), statistics=statistics)
        assert found.equals(empty_model_usage())


def test_cached_tokens_count_at_most_the_rows_input(write_parquet: WriteParquet) -> None:
    ledger = LEDGER.with_columns(pl.Series("cached_input_tokens", [150_000, None, None]))
    for statistics in (True, False):
        found = summary_of(write_parquet("usage.parquet", ledger), statistics=statistics)
        assert found.filter(pl.col("model") == "gpt-4o")["cached_input_tokens"].item() == 100_000


def test_rows_left_out_for_breaking_a_rule_are_left_out_of_it(
    write_parquet: WriteParquet,
) -> None:
    bad = LEDGER.with_columns(pl.Series("cost_usd", [0.50, -1.0, 0.10]))
    loaded = econ.load_usage(
        write_parquet("usage.parquet", bad), options=econ.IngestOptions(on_invalid="drop")
    )
    assert loaded.model_usage is not None
    assert loaded.model_usage["model"].to_list() == ["gpt-4o"]


@st.composite
def ledgers(draw: st.DrawFn) -> pl.DataFrame:
    """Per-call rows over a few features, models and months, tokens logged or not."""
    size = draw(st.integers(1, 40))
    pick = st.lists
    return pl.DataFrame(
        {
            "customer_id": draw(
                pick(st.sampled_from(["a", "b", "c"]), min_size=size, max_size=size)
            ),
            "feature_id": draw(
                pick(st.sampled_from(["chat", "search"]), min_size=size, max_size=size)
            ),
            "model": draw(pick(st.sampled_from(["m1", "m2", None]), min_size=size, max_size=size)),
            "timestamp": [
                dt.datetime(2026, 1, 1) + dt.timedelta(hours=h)
                for h in draw(pick(st.integers(0, 24 * 80), min_size=size, max_size=size))
            ],
            "calls": draw(pick(st.integers(0, 50), min_size=size, max_size=size)),
            "input_tokens": draw(
                pick(st.none() | st.integers(0, 10**6), min_size=size, max_size=size)
            ),
            "output_tokens": draw(
                pick(st.none() | st.integers(0, 10**5), min_size=size, max_size=size)
            ),
            "cost_usd": draw(pick(st.floats(0, 50), min_size=size, max_size=size)),
        },
        schema_overrides={
            "input_tokens": pl.Int64,
            "output_tokens": pl.Int64,
            "model": pl.String,
        },
    )


@pytest.mark.slow
@settings(max_examples=40)
@given(ledgers())
def test_both_paths_agree_and_the_summary_adds_up_to_the_rollup(
    tmp_path_factory: pytest.TempPathFactory, ledger: pl.DataFrame
) -> None:
    path = tmp_path_factory.mktemp("ledger") / "usage.parquet"
    ledger.write_parquet(path)
    vouched = econ.load_usage(path)
    general = econ.load_usage(path, options=econ.IngestOptions(use_statistics=False))
    assert vouched.model_usage is not None and general.model_usage is not None
    assert_frame_equal(vouched.model_usage, general.model_usage)
    keys = ["feature_id", "month"]
    from_summary = vouched.model_usage.group_by(keys).agg(pl.col("calls", "cost_usd").sum())
    from_rollup = vouched.rollup.group_by(keys).agg(pl.col("calls", "cost_usd").sum())
    joined = from_summary.join(from_rollup, on=keys, how="full", coalesce=True)
    assert joined["calls"].to_list() == joined["calls_right"].to_list()
    assert joined["cost_usd"].to_list() == pytest.approx(joined["cost_usd_right"].to_list())
    with_tokens = ledger.filter(
        pl.col("input_tokens").is_not_null() | pl.col("output_tokens").is_not_null()
    )
    assert int(vouched.model_usage["calls_with_tokens"].sum()) == int(with_tokens["calls"].sum())
    # The vouched path groups by model too, then merges a customer × feature × month's models.
    order = ["customer_id", "feature_id", "month"]
    assert_frame_equal(vouched.rollup.sort(order), general.rollup.sort(order), check_exact=False)


# -- carried on the dataset, kept by the rollup cache and the store --


@pytest.fixture
def files(write_parquet: WriteParquet) -> tuple[Path, Path]:
    return write_parquet("usage.parquet", LEDGER), write_parquet("revenue.parquet", REVENUE)


def test_the_dataset_carries_it(files: tuple[Path, Path]) -> None:
    data = econ.load_dataset(*files)
    assert data.model_usage is not None
    assert_frame_equal(data.model_usage, EXPECTED)


def test_the_rollup_cache_keeps_it(files: tuple[Path, Path], tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    first = econ.load_dataset(*files, cache_dir=cache_dir)
    again = econ.load_dataset(*files, cache_dir=cache_dir)
    assert again is not first
    assert again.model_usage is not None
    assert_frame_equal(again.model_usage, EXPECTED)
    (entry,) = (folder for folder in cache_dir.iterdir() if not folder.name.startswith("."))
    assert (entry / "model_usage.parquet").exists()
    assert json.loads((entry / "manifest.json").read_text())["version"] == CACHE_VERSION


def test_an_entry_saved_before_it_existed_loads_without_it(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    """An entry without the summary's file (as written before it existed) loads as a dataset
    without one: a swap then says to reload the ledger."""
    cache_dir = tmp_path / "cache"
    econ.load_dataset(*files, cache_dir=cache_dir)
    (entry,) = (folder for folder in cache_dir.iterdir() if not folder.name.startswith("."))
    (entry / "model_usage.parquet").unlink()
    old = econ.load_dataset(*files, cache_dir=cache_dir)
    assert old.model_usage is None
    swap = econ.swap_model(old, "chat", "gpt-4o-mini")
    assert swap.multiplier is None
    assert swap.reason is not None and "reload the ledger to re-price its models" in swap.reason


def test_the_store_saves_and_loads_it(files: tuple[Path, Path], tmp_path: Path) -> None:
    store = DatasetStore(tmp_path / "data")
    usage, revenue = (path.read_bytes() for path in files)
    added = store.add(usage, revenue, usage_name="usage.parquet", revenue_name="revenue.parquet")
    assert added.data.model_usage is not None
    assert_frame_equal(added.data.model_usage, EXPECTED)
    reopened = DatasetStore(tmp_path / "data").load(added.dataset_id)
    assert reopened.model_usage is not None
    assert_frame_equal(reopened.model_usage, EXPECTED)


def test_a_dataset_built_without_it_has_none() -> None:
    data = econ.load_dataset(
        usage_frame([("a", "chat", "2026-01", 3, 1.5)]),
        revenue_frame([("a", "2026-01", 20, "Pro")]),
    )
    assert data.model_usage is not None and data.model_usage.height == 0
    assert (
        econ.Dataset(
            usage_source=data.usage,
            revenue=data.revenue,
            prepared=data.prepared,
            segment_columns=data.segment_columns,
            usage_rows=data.usage_rows,
            usage_name="u",
            revenue_name="r",
        ).model_usage
        is None
    )
