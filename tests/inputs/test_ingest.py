"""The input contract: what is accepted (and how it is cast), and what is refused (and how)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from builders import WriteParquet, month, revenue_frame, usage_frame

import econ
from econ.errors import InputError
from econ.inputs.ingest import segment_columns_of

REVENUE = revenue_frame(
    [
        ("c1", "2026-01", 100.0, "Pro"),
        ("c1", "2026-02", 100.0, "Pro"),
        ("c2", "2026-01", 50.0, "Lite"),
    ],
    company_size=["SMB", "SMB", None],
)
USAGE = usage_frame(
    [
        ("c1", "chat", "2026-01", 10, 1.5),
        ("c1", "chat", "2026-02", 4, 0.5),
        ("c2", "search", "2026-01", 3, 0.03),
    ]
)


def problems_of(error: pytest.ExceptionInfo[InputError]) -> list[econ.Problem]:
    return list(error.value.problems)


class TestAcceptedAndCast:
    def test_rollup_is_per_customer_feature_month(self) -> None:
        calls = pl.DataFrame(
            {
                "customer_id": ["c1", "c1", "c1", "c2"],
                "feature_id": ["chat", "chat", "chat", "chat"],
                "timestamp": [
                    dt.datetime(2026, 1, 3, 10),
                    dt.datetime(2026, 1, 30, 23, 59),
                    dt.datetime(2026, 2, 1, 0, 0),
                    dt.datetime(2026, 1, 5),
                ],
                "cost_usd": [0.25, 0.5, 1.0, 2.0],
            }
        )
        rollup, rows = econ.rollup_usage(calls)
        assert rows == 4
        assert rollup.schema == econ.schema.ROLLUP_SCHEMA
        shown = rollup.select("customer_id", "month", "calls", "cost_usd").sort(
            "customer_id", "month"
        )
        assert shown.rows() == [
            ("c1", month("2026-01"), 2, 0.75),
            ("c1", month("2026-02"), 1, 1.0),
            ("c2", month("2026-01"), 1, 2.0),
        ]
        assert rollup["input_tokens"].null_count() == 3  # unknown, not zero

    def test_tokens_are_summed_when_present(self) -> None:
        calls = USAGE.with_columns(
            pl.Series("input_tokens", [100, 40, None]), pl.Series("output_tokens", [10, 4, 2])
        )
        rollup, _ = econ.rollup_usage(calls)
        assert rollup["input_tokens"].to_list() == [100, 40, None]
        assert rollup["output_tokens"].to_list() == [10, 4, 2]

    def test_time_zones_are_converted_to_utc_before_bucketing(self) -> None:
        new_york = pl.DataFrame(
            {
                "customer_id": ["c1"],
                "feature_id": ["chat"],
                # 31 January, 8 pm in New York is 1 February, 1 am UTC.
                "timestamp": pl.Series([dt.datetime(2026, 1, 31, 20)]).dt.replace_time_zone(
                    "America/New_York"
                ),
                "cost_usd": [1.0],
            }
        )
        rollup, _ = econ.rollup_usage(new_york)
        assert rollup["month"].to_list() == [month("2026-02")]

    @pytest.mark.parametrize("unit", ["ns", "us", "ms"])
    def test_any_timestamp_unit(self, unit: str) -> None:
        frame = pl.DataFrame(
            {
                "customer_id": ["c1"],
                "feature_id": ["chat"],
                "timestamp": pl.Series([dt.datetime(2026, 3, 9, 12)], dtype=pl.Datetime(unit)),  # type: ignore[arg-type]
                "cost_usd": [1.0],
            }
        )
        assert econ.rollup_usage(frame)[0]["month"].to_list() == [month("2026-03")]

    def test_iso_text_timestamps(self) -> None:
        frame = pl.DataFrame(
            {
                "customer_id": ["c1", "c1"],
                "feature_id": ["chat", "chat"],
                "timestamp": ["2026-01-31T23:30:00-05:00", "2026-01-15 08:00:00"],
                "cost_usd": [1.0, 2.0],
            }
        )
        rollup, _ = econ.rollup_usage(frame)
        assert rollup.select("month", "cost_usd").rows() == [
            (month("2026-01"), 2.0),
            (month("2026-02"), 1.0),
        ]

    def test_month_any_day_is_truncated(self) -> None:
        revenue = REVENUE.with_columns(
            pl.Series("month", [dt.date(2026, 1, 17), dt.date(2026, 2, 28), dt.date(2026, 1, 1)])
        )
        assert econ.load_revenue(revenue).frame["month"].to_list() == [
            month("2026-01"),
            month("2026-02"),
            month("2026-01"),
        ]

    def test_month_as_text(self) -> None:
        revenue = REVENUE.with_columns(pl.Series("month", ["2026-01", "2026-02-15", "2026-01-01"]))
        assert econ.load_revenue(revenue).frame["month"].dt.month().to_list() == [1, 2, 1]

    def test_integer_categorical_and_large_string_ids(self) -> None:
        revenue = REVENUE.with_columns(
            pl.Series("customer_id", [101, 101, 102], dtype=pl.UInt32),
            pl.col("plan").cast(pl.Categorical),
            pl.col("company_size").cast(pl.Categorical),
        )
        usage = USAGE.with_columns(
            pl.Series("customer_id", [101, 101, 102], dtype=pl.Int64),
            pl.col("feature_id").cast(pl.Enum(["chat", "search"])),
        )
        data = econ.load_dataset(usage, revenue)
        assert data.revenue["customer_id"].to_list() == ["101", "101", "102"]
        assert data.revenue.schema["plan"] == pl.String
        assert data.segment_columns == ("company_size",)
        assert sorted(data.usage["customer_id"].to_list()) == ["101", "101", "102"]

    def test_large_strings_from_pyarrow(self, tmp_path: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table(
            {
                "customer_id": pa.array(["c1"], pa.large_string()),
                "month": pa.array([dt.date(2026, 1, 1)], pa.date32()),
                "mrr_usd": pa.array([Decimal("49.99")], pa.decimal128(10, 2)),
                "plan": pa.array(["Pro"], pa.large_string()),
            }
        )
        pq.write_table(table, tmp_path / "revenue.parquet")
        revenue = econ.load_revenue(tmp_path / "revenue.parquet").frame
        assert revenue.row(0) == ("c1", month("2026-01"), 49.99, "Pro")

    def test_whole_number_float_ids(self) -> None:
        usage = USAGE.with_columns(pl.Series("customer_id", [1001.0, 1001.0, 1002.0]))
        rollup, _ = econ.rollup_usage(usage)
        assert rollup["customer_id"].unique().sort().to_list() == ["1001", "1002"]

    def test_float32_and_decimal_money(self) -> None:
        usage = USAGE.with_columns(pl.col("cost_usd").cast(pl.Float32))
        revenue = REVENUE.with_columns(pl.col("mrr_usd").cast(pl.Decimal(12, 2)))
        data = econ.load_dataset(usage, revenue)
        assert data.revenue.schema["mrr_usd"] == pl.Float64
        assert data.revenue["mrr_usd"].sum() == pytest.approx(250.0)
        assert data.usage["cost_usd"].sum() == pytest.approx(2.03, abs=1e-6)

    def test_calls_default_to_one_per_row(self) -> None:
        rollup, _ = econ.rollup_usage(USAGE.drop("calls"))
        assert rollup["calls"].to_list() == [1, 1, 1]

    def test_revenue_extra_columns(self) -> None:
        revenue = REVENUE.with_columns(
            pl.lit("self_serve").alias("channel"), pl.lit(3).alias("seats"), pl.lit(7).alias("n")
        )
        data = econ.load_dataset(USAGE, revenue)
        assert data.segment_columns == ("company_size", "channel")  # text columns only
        assert "n" not in data.revenue.columns  # other numbers are ignored
        assert data.revenue["seats"].to_list() == [3, 3, 3]  # the optional seat count

    def test_paths_bytes_and_lazy_frames(self, write_parquet: WriteParquet) -> None:
        usage_path = write_parquet("u.parquet", USAGE)
        revenue_path = write_parquet("r.parquet", REVENUE)
        from_paths = econ.analyze(usage_path, revenue_path)
        from_bytes = econ.analyze(usage_path.read_bytes(), revenue_path.read_bytes())
        from_lazy = econ.analyze(USAGE.lazy(), REVENUE.lazy())
        for other in (from_bytes, from_lazy):
            assert other.segments.equals(from_paths.segments)
            assert other.features.equals(from_paths.features)


class TestRefused:
    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(InputError) as error:
            econ.load_revenue(tmp_path / "nowhere.parquet")
        assert "nowhere.parquet" in str(error.value)
        assert "not found" in str(error.value)

    def test_zero_bytes(self, tmp_path: Path) -> None:
        path = tmp_path / "empty.parquet"
        path.write_bytes(b"")
        with pytest.raises(InputError, match=r"empty\.parquet: is empty \(0 bytes\)"):
            econ.load_revenue(path)

    def test_not_parquet_or_csv(self, tmp_path: Path) -> None:
        path = tmp_path / "revenue.xlsx"
        path.write_bytes(b"PK\x03\x04\x00\x00binary spreadsheet")
        with pytest.raises(
            InputError, match=r"revenue\.xlsx: is not a readable parquet, CSV, JSON or JSON Lines"
        ):
            econ.load_revenue(path)

    def test_truncated_parquet(self, write_parquet: WriteParquet) -> None:
        path = write_parquet("usage.parquet", USAGE)
        path.write_bytes(path.read_bytes()[:-40])
        with pytest.raises(InputError, match="is a damaged parquet file"):
            econ.rollup_usage(path)

    def test_missing_columns_are_all_named(self) -> None:
        with pytest.raises(InputError) as error:
            econ.load_revenue(REVENUE.drop("mrr_usd", "plan"), name="rev.parquet")
        problems = problems_of(error)
        assert [(p.column, p.source) for p in problems] == [
            ("mrr_usd", "rev.parquet"),
            ("plan", "rev.parquet"),
        ]
        assert "columns found: customer_id, month, company_size" in str(error.value)

    def test_usage_needs_a_time_column(self) -> None:
        with pytest.raises(InputError) as error:
            econ.rollup_usage(USAGE.drop("month"))
        (problem,) = problems_of(error)
        assert problem.column == "timestamp or month"
        assert "is required but missing" in problem.rule

    def test_negative_money_names_file_column_rule_count_and_row(self) -> None:
        revenue = REVENUE.with_columns(pl.Series("mrr_usd", [100.0, -5.0, -1.0]))
        with pytest.raises(InputError) as error:
            econ.load_revenue(revenue, name="revenue.parquet")
        (problem,) = problems_of(error)
        assert problem.source == "revenue.parquet"
        assert problem.column == "mrr_usd"
        assert problem.rule == "must be zero or more"
        assert problem.count == 2
        assert problem.example is not None
        assert problem.example["row"] == 2
        assert problem.example["mrr_usd"] == -5.0
        message = str(error.value)
        assert "revenue.parquet: column 'mrr_usd': must be zero or more" in message
        assert "2 rows break this rule" in message
        assert "row=2" in message

    @pytest.mark.parametrize(
        ("value", "rule"),
        [
            (float("nan"), "must be a number (NaN found)"),
            (float("inf"), "must be finite (infinity found)"),
            (-0.01, "must be zero or more"),
            (None, "must not be empty (null)"),
        ],
    )
    def test_bad_cost(self, value: float | None, rule: str) -> None:
        usage = USAGE.with_columns(pl.Series("cost_usd", [1.0, value, 2.0], dtype=pl.Float64))
        with pytest.raises(InputError) as error:
            econ.rollup_usage(usage, name="ledger.parquet")
        (problem,) = problems_of(error)
        assert (problem.column, problem.rule, problem.count) == ("cost_usd", rule, 1)
        assert problem.example is not None and problem.example["row"] == 2

    def test_calls_without_a_feature_or_customer_are_counted_apart(self) -> None:
        usage = USAGE.with_columns(
            pl.Series("feature_id", ["chat", None, ""]),
            pl.Series("customer_id", ["c1", "c1", None]),
        )
        loaded = econ.load_usage(usage, name="usage.parquet")
        keys = {
            (row["customer_id"], row["feature_id"]): row["calls"]
            for row in loaded.rollup.iter_rows(named=True)
        }
        assert keys == {("c1", "chat"): 10, ("c1", "(untagged)"): 4, ("(unknown)", "(untagged)"): 3}
        assert [w.split(";")[0] for w in loaded.warnings] == [
            "usage.parquet: 1 row (3 calls, $0.03) names no customer",
            "usage.parquet: 2 rows (7 calls, $0.53) name no feature",
        ]

    def test_duplicate_customer_month(self) -> None:
        revenue = revenue_frame(
            [
                ("c1", "2026-01", 100.0, "Pro"),
                ("c1", "2026-01", 20.0, "Add-on"),
                ("c2", "2026-01", 5.0, "Pro"),
            ]
        )
        with pytest.raises(InputError) as error:
            econ.load_revenue(revenue, name="revenue.parquet")
        (problem,) = problems_of(error)
        assert problem.column == "customer_id, month"
        assert problem.count == 2
        assert "only one row per month" in problem.rule

    def test_text_that_is_not_a_number(self) -> None:
        revenue = REVENUE.with_columns(pl.Series("mrr_usd", ["100", "n/a", "50.5"]))
        with pytest.raises(InputError) as error:
            econ.load_revenue(revenue)
        (problem,) = problems_of(error)
        assert problem.column == "mrr_usd"
        assert problem.rule == "must hold values convertible to a number"
        assert problem.example is not None and problem.example["mrr_usd"] == "n/a"

    def test_fractional_ids(self) -> None:
        usage = USAGE.with_columns(pl.Series("customer_id", [1.0, 1.5, 2.0]))
        with pytest.raises(InputError) as error:
            econ.rollup_usage(usage)
        (problem,) = problems_of(error)
        assert problem.column == "customer_id"
        assert "whole number" in problem.rule
        assert problem.example is not None and problem.example["customer_id"] == 1.5

    def test_unparseable_month_text(self) -> None:
        revenue = REVENUE.with_columns(pl.Series("month", ["2026-01", "January", "2026-01"]))
        with pytest.raises(InputError) as error:
            econ.load_revenue(revenue)
        (problem,) = problems_of(error)
        assert (problem.column, problem.count) == ("month", 1)
        assert problem.example is not None and problem.example["month"] == "January"

    def test_nested_column(self) -> None:
        usage = USAGE.with_columns(pl.Series("feature_id", [["a"], ["b"], ["c"]]))
        with pytest.raises(InputError, match="must hold plain values, not lists"):
            econ.rollup_usage(usage)

    def test_zero_rows(self) -> None:
        with pytest.raises(InputError, match="has no rows"):
            econ.load_revenue(REVENUE.clear())
        with pytest.raises(InputError, match="has no rows"):
            econ.rollup_usage(USAGE.clear())

    def test_problems_in_both_files_are_reported_together(self) -> None:
        usage = USAGE.with_columns(pl.Series("cost_usd", [-1.0, 1.0, 1.0]))
        revenue = REVENUE.drop("plan")
        with pytest.raises(InputError) as error:
            econ.load_dataset(usage, revenue, usage_name="u.parquet", revenue_name="r.parquet")
        assert {p.source for p in problems_of(error)} == {"u.parquet", "r.parquet"}

    def test_long_values_are_shortened_in_messages(self) -> None:
        revenue = REVENUE.with_columns(
            pl.Series("customer_id", ["x" * 500, "c1", "c2"]),
            pl.Series("mrr_usd", [-1.0, 1.0, 1.0]),
        )
        with pytest.raises(InputError) as error:
            econ.load_revenue(revenue)
        assert all(len(problem.message()) < 400 for problem in problems_of(error))


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_an_id_holding_a_control_character_is_refused_either_way(
    tmp_path: Path, suffix: str
) -> None:
    """``c2\\x1b`` is a damaged ``c2``, not a customer of its own (whose calls no revenue row
    would match, silently counted as unbilled): both reading paths refuse it and name it."""
    frame = pl.DataFrame(
        {
            "customer_id": ["c1", "c2\x1b", "c3"],
            "feature_id": ["chat", "chat", "chat"],
            "timestamp": [dt.datetime(2026, 1, 5)] * 3,
            "cost_usd": [0.5, 0.25, 0.125],
        }
    )
    path = tmp_path / f"usage{suffix}"
    if suffix == ".csv":
        frame.write_csv(path)
    else:
        frame.write_parquet(path)
    with pytest.raises(InputError) as error:
        econ.load_usage(path)
    (problem,) = problems_of(error)
    assert problem.column == "customer_id" and problem.count == 1
    assert "must not hold control characters" in problem.rule


class TestAiRevenueColumns:
    """The revenue table's optional AI revenue buckets: money, never segments."""

    def test_read_as_money_with_empty_cells_counting_zero(self, tmp_path: Path) -> None:
        path = tmp_path / "revenue.csv"
        path.write_text(
            "customer_id,month,mrr_usd,plan,ai_revenue_usd,ai_influenced_usd,region\n"
            "c1,2026-01-01,100,Pro,25,,eu\n"
            "c1,2026-02-01,100,Pro,,40,eu\n"
        )
        load = econ.load_revenue(path)
        assert load.frame["ai_revenue_usd"].to_list() == [25.0, 0.0]
        assert load.frame["ai_influenced_usd"].to_list() == [0.0, 40.0]
        notes = " ".join(load.notes)
        assert "ai_revenue_usd is empty in 1 of 2 customer-months; they count $0 of it" in notes
        data = econ.load_dataset(USAGE, load.frame)
        assert data.segment_columns == ("region",)

    def test_direct_ai_revenue_above_the_mrr_is_refused_with_the_row(self, tmp_path: Path) -> None:
        path = tmp_path / "revenue.csv"
        path.write_text(
            "customer_id,month,mrr_usd,plan,ai_revenue_usd\n"
            "c1,2026-01-01,100,Pro,25\n"
            "c1,2026-02-01,100,Pro,300\n"
        )
        with pytest.raises(InputError) as error:
            econ.load_revenue(path)
        (problem,) = problems_of(error)
        assert problem.column == "ai_revenue_usd"
        assert "at most the month's mrr_usd" in problem.rule
        assert problem.count == 1 and problem.example is not None
        assert problem.example["month"] == "2026-02-01"

    def test_text_that_is_not_a_number_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "revenue.csv"
        path.write_text(
            "customer_id,month,mrr_usd,plan,ai_influenced_usd\nc1,2026-01-01,100,Pro,n/a\n"
        )
        with pytest.raises(InputError, match=r"ai_influenced_usd.*plain number"):
            econ.load_revenue(path)


def test_a_rollup_file_holding_the_placeholders_says_so(write_parquet: WriteParquet) -> None:
    """A pre-aggregated ledger (a Spark or warehouse rollup) whose statistics vouch for it still
    warns about the calls that named no customer or feature."""
    rolled = usage_frame(
        [("(unknown)", "chat", "2026-01", 7, 1.5), ("c1", "(untagged)", "2026-01", 3, 0.5)]
    )
    load = econ.load_usage(write_parquet("rollup.parquet", rolled))
    warnings = " ".join(load.warnings)
    assert (
        "(7 calls, $1.50) names no customer; they are counted as customer '(unknown)'" in warnings
    )
    assert "counted as feature '(untagged)'" in warnings


def _with_seats(values: list[object], dtype: pl.DataType) -> pl.DataFrame:
    revenue = revenue_frame(
        [("a", "2026-01", 10, "Pro"), ("b", "2026-01", 20, "Pro"), ("c", "2026-01", 30, "Pro")],
        region=["eu", "us", "us"],
    )
    return revenue.with_columns(pl.Series("seats", values, dtype=dtype))


@pytest.mark.parametrize(
    ("values", "dtype"),
    [
        ([" 3", "12", ""], pl.String),
        ([3, 12, None], pl.Int32),
        ([3.0, 12.0, None], pl.Float64),
    ],
)
def test_seats_are_a_whole_number_never_a_segment(values: list[object], dtype: pl.DataType) -> None:
    load = econ.load_revenue(_with_seats(values, dtype))
    assert load.frame["seats"].dtype == pl.Int64
    assert load.frame["seats"].to_list() == [3, 12, None]
    assert segment_columns_of(load.frame) == ("region",)
    assert "seats is empty in 1 of 3 customer-months" in " ".join(load.notes)


@pytest.mark.parametrize(
    ("values", "dtype", "rule"),
    [
        (["3", "2.5", "n/a"], pl.String, "must be a whole number"),
        ([3.0, 2.5, None], pl.Float64, "must be a whole number"),
        ([3, -1, None], pl.Int64, "must be zero or more"),
    ],
)
def test_seats_that_are_no_count_are_refused(
    values: list[object], dtype: pl.DataType, rule: str
) -> None:
    with pytest.raises(InputError) as error:
        econ.load_revenue(_with_seats(values, dtype), name="revenue.csv")
    problem = error.value.problems[0]
    assert (problem.source, problem.column) == ("revenue.csv", "seats")
    assert rule in problem.rule
    kept = econ.load_revenue(
        _with_seats(values, dtype), options=econ.IngestOptions(on_invalid="drop")
    )
    assert kept.frame["customer_id"].to_list()[0] == "a"
