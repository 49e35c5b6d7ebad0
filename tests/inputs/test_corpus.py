"""The bad-input corpus (``tests/corpus``): every broken, hostile or odd file ends in a clear
message naming the file, the column, the rule, how many rows and an example row, in the Python
API, the CLI (exit code 2) and the app (whose previous data survives), never in a traceback.

Three kinds of file:

- ``file``: cannot be read at all: refused everywhere.
- ``rows``: some rows break a rule: the CLI and the API refuse the file; the app keeps the
  usable rows, names the rule and offers the dropped rows for download.
- ``accepted``: odd but fine: read, with a note or a warning where one is due.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest
from locations import APP, CORPUS
from markup import shown_text
from polars.testing import assert_frame_equal
from streamlit.testing.v1 import AppTest

import econ
from econ.cli import main
from ui import session

SMALL_LIMIT_MB = "0.002"


@dataclass(frozen=True)
class Case:
    file: str
    kind: Literal["file", "rows", "accepted"]
    rule: str
    column: str | None = None
    count: int | None = None

    @property
    def side(self) -> str:
        return "usage" if self.file.startswith("usage") else "revenue"

    def pair(self) -> tuple[Path, Path]:
        this = CORPUS / self.file
        if self.side == "usage":
            return this, CORPUS / "good_revenue.parquet"
        return CORPUS / "good_usage.parquet", this


CASES = [
    Case(
        "usage_not_a_table.parquet",
        "file",
        "is not a readable parquet, CSV, JSON or JSON Lines file",
    ),
    Case("usage_zero_bytes.parquet", "file", "is empty (0 bytes)"),
    Case(
        "usage_truncated.parquet", "file", "is a damaged parquet file: it does not end as a parquet"
    ),
    Case("revenue_html_error_page.parquet", "file", "is an HTML or XML page"),
    # JSON named .csv is read as the JSON it is; it lacks a month and a plan.
    Case("revenue_json.csv", "file", "is required but missing, and no column looks", "month"),
    Case("usage_zero_rows.parquet", "file", "has no rows"),
    Case("revenue_missing_columns.parquet", "file", "is required but missing", "mrr_usd"),
    Case("usage_no_time_column.parquet", "file", "is required but missing", "timestamp or month"),
    Case("usage_list_column.parquet", "file", "must hold plain values, not lists", "feature_id"),
    Case("revenue_struct_column.parquet", "file", "must hold plain values, not records", "plan"),
    Case("usage_binary_ids.parquet", "file", "not raw bytes", "customer_id"),
    Case(
        "usage_decompression_bomb.parquet", "file", "a decompression bomb, refused before reading"
    ),
    Case("usage_over_size_limit.parquet", "file", "over the 2.0 KB limit"),
    Case("usage_cost_text.parquet", "rows", "must be a plain number of dollars", "cost_usd", 3),
    Case("revenue_mrr_with_dollar_sign.csv", "rows", "convertible to a number", "mrr_usd", 9),
    Case("usage_negative_cost.parquet", "rows", "must be zero or more", "cost_usd", 3),
    Case("usage_nan_cost.parquet", "rows", "must be a number (NaN found)", "cost_usd", 3),
    Case("usage_infinite_cost.parquet", "rows", "must be finite (infinity found)", "cost_usd", 3),
    Case("usage_all_null_cost.parquet", "rows", "must not be empty (null)", "cost_usd", 12),
    Case("usage_negative_calls.parquet", "rows", "must be zero or more", "calls", 6),
    Case("usage_fractional_calls.parquet", "rows", "must be a whole number", "calls", 12),
    Case("revenue_negative_mrr.parquet", "rows", "must be zero or more", "mrr_usd", 3),
    Case("revenue_nan_mrr.parquet", "rows", "must be a number (NaN found)", "mrr_usd", 3),
    Case(
        "revenue_duplicate_rows.parquet", "rows", "only one row per month", "customer_id, month", 4
    ),
    Case(
        "revenue_month_with_two_plans.parquet",
        "rows",
        "only one row per month",
        "customer_id, month",
        2,
    ),
    Case("usage_float_ids.parquet", "rows", "must be text or a whole number", "customer_id", 3),
    Case("usage_very_long_id.parquet", "rows", "at most 256 characters", "customer_id", 3),
    Case("revenue_far_future_month.parquet", "rows", "must fall between 1990-01", "month", 1),
    Case("usage_before_1990.parquet", "rows", "must fall between 1990-01", "month", 3),
    Case("revenue_month_unparseable.csv", "rows", "must be a date", "month", 3),
    Case(
        "usage_unknown_model.parquet",
        "rows",
        "no price is known for my-finetune-v2",
        "cost_usd",
        12,
    ),
    Case("usage_unicode_ids.parquet", "accepted", ""),
    Case("revenue_unicode_ids.parquet", "accepted", ""),
    Case("revenue_decimal_mrr.parquet", "accepted", ""),
    Case("usage_mixed_time_zones.csv", "accepted", "mixes time zones: 9 rows carry an offset"),
    Case("usage_unknown_customers.parquet", "accepted", "Unbilled usage"),
    # Calls without a customer or a feature are still calls: counted, and said so.
    Case("usage_null_customer.parquet", "accepted", "3 rows (15 calls, $2.40) name no customer"),
    Case("usage_empty_feature.parquet", "accepted", "3 rows (21 calls, $6.30) name no feature"),
    Case("revenue_single_month.parquet", "accepted", "churn cannot be estimated"),
    # -- footers that are damaged or lie (tests/corpus/forge.py); the pages are honest --
    Case(
        "usage_footer_malformed_statistic.parquet",
        "file",
        "is a damaged parquet file: the min_value statistic of column 'cost_usd' in row group 1 "
        "is 3 bytes long, but a DOUBLE value takes 8",
    ),
    Case("usage_footer_claims_fewer_rows.parquet", "file", "says it holds 12 values in 9 rows"),
    Case("usage_footer_claims_more_rows.parquet", "file", "says it holds 12 values in 15 rows"),
    Case(
        "usage_footer_consistently_claims_fewer_rows.parquet",
        "file",
        "its footer says row group 1 holds 9 rows, but the pages of column 'customer_id' hold 12",
    ),
    Case(
        "usage_footer_consistently_claims_more_rows.parquet",
        "file",
        "its footer says row group 1 holds 15 rows, but the pages of column 'customer_id' hold 12",
    ),
    Case("usage_forged_cost_minimum.parquet", "rows", "must be zero or more", "cost_usd", 3),
    Case(
        "usage_forged_cost_maximum.parquet",
        "rows",
        "must be finite (infinity found)",
        "cost_usd",
        3,
    ),
    Case("usage_forged_cost_null_count.parquet", "rows", "must not be empty (null)", "cost_usd", 3),
    Case("usage_forged_calls_minimum.parquet", "rows", "must be zero or more", "calls", 6),
    Case("usage_forged_timestamp_null_count.parquet", "rows", "must not be empty", "month", 3),
    Case(
        "usage_forged_customer_null_count.parquet",
        "accepted",
        "3 rows (15 calls, $2.40) name no customer",
    ),
    Case("usage_forged_time_minimum.parquet", "accepted", ""),
    Case("usage_forged_time_maximum.parquet", "accepted", ""),
    Case("usage_time_statistic_out_of_range.parquet", "accepted", ""),
    # -- at the edge of what can be held or summed --
    Case(
        "usage_dictionary_expands_to_long_ids.parquet",
        "file",
        "holds 8,000 values longer than 256 characters (up to 10,240; 81,920,000 bytes",
        "customer_id",
    ),
    Case(
        "usage_calls_uint64_max.parquet",
        "rows",
        "must be at most 1,000,000,000,000,000",
        "calls",
        12,
    ),
    Case("usage_calls_2_62.parquet", "rows", "must be at most 1,000,000,000,000,000", "calls", 12),
    Case(
        "usage_calls_sum_overflows.parquet",
        "file",
        "adds up to more than 4,611,686,018,427,387,904",
        "calls",
    ),
    Case("usage_cost_1e308.parquet", "rows", "must be at most $1,000,000,000,000", "cost_usd", 12),
    Case("revenue_mrr_1e308.parquet", "rows", "must be at most $1,000,000,000,000", "mrr_usd", 9),
    Case("usage_latin1_after_64_kb.csv", "file", "is not UTF-8 text throughout"),
    Case("usage_unclosed_quote.csv", "file", "is not a well-formed CSV file"),
    Case("usage_one_line.csv", "file", "has a first line (its header) longer than 64.0 KB"),
    Case("usage_4000_punctuation_headers.csv", "accepted", ""),
    Case("usage_nested_5000_deep.jsonl", "file", "is JSON nested thousands of levels deep"),
    Case(
        "usage_cost_text_expands.parquet",
        "file",
        "holds 8,000 values longer than 256 characters",
        "cost_usd",
    ),
    Case("usage_600_json_keys.jsonl", "file", "has records with more than 500 different keys"),
    Case("usage_600_json_keys.json", "file", "has records with more than 500 different keys"),
    Case("usage_200_accented_characters.parquet", "accepted", ""),
    Case("usage_200_accented_characters.csv", "accepted", ""),
    Case("revenue_nested_5000_deep.json", "file", "is JSON nested thousands of levels deep"),
    Case(
        "usage_row_column_and_two_costs.csv",
        "accepted",
        "'cost_usd' is used (its exact name)",
    ),
]
IDS = [case.file for case in CASES]


def test_the_corpus_is_big_enough_and_complete() -> None:
    assert len(CASES) >= 30
    on_disk = {p.name for p in CORPUS.iterdir() if p.name.startswith(("usage_", "revenue_"))}
    assert on_disk == {case.file for case in CASES}


@pytest.fixture
def limit(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    case: Case = request.param
    if case.file == "usage_over_size_limit.parquet":
        monkeypatch.setenv("ECON_MAX_FILE_MB", SMALL_LIMIT_MB)


def expected_problem(case: Case, problems: tuple[econ.Problem, ...]) -> econ.Problem:
    matching = [p for p in problems if case.rule in p.rule and p.source.endswith(case.file)]
    assert matching, [p.message() for p in problems]
    problem = matching[0]
    assert problem.column == case.column
    if case.kind == "rows":
        assert problem.count == case.count
        assert problem.example is not None and "row" in problem.example
    return problem


@pytest.mark.parametrize("limit", CASES, ids=IDS, indirect=True)
@pytest.mark.usefixtures("limit")
def test_python_api(request: pytest.FixtureRequest) -> None:
    case: Case = request.node.callspec.params["limit"]
    usage, revenue = case.pair()
    if case.kind == "accepted":
        econ.load_dataset(usage, revenue)
        return
    with pytest.raises(econ.InputError) as error:
        econ.load_dataset(usage, revenue)
    expected_problem(case, error.value.problems)


@pytest.mark.parametrize("limit", CASES, ids=IDS, indirect=True)
@pytest.mark.usefixtures("limit")
def test_cli(request: pytest.FixtureRequest) -> None:
    case: Case = request.node.callspec.params["limit"]
    usage, revenue = case.pair()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["analyze", "--usage", str(usage), "--revenue", str(revenue)])
    assert "Traceback" not in err.getvalue()
    if case.kind == "accepted":
        assert code == 0, err.getvalue()
        assert case.rule in out.getvalue()
        return
    assert code == 2
    message = err.getvalue()
    assert message.startswith("econ: error: ")
    assert case.file in message and case.rule in message
    if case.column:
        assert f"column '{case.column}'" in message
    if case.kind == "rows":
        assert f"({case.count:,} row" in message
        assert "for example row=" in message


@pytest.mark.parametrize(
    ("file", "month"),
    [
        ("usage_forged_time_minimum.parquet", dt.date(2025, 12, 1)),
        ("usage_forged_time_maximum.parquet", dt.date(2026, 7, 1)),
        ("usage_forged_customer_null_count.parquet", None),
        ("usage_time_statistic_out_of_range.parquet", None),
    ],
)
def test_statistics_are_hints_not_facts(file: str, month: dt.date | None) -> None:
    """A footer whose statistics lie gives the numbers its rows give: the same rollup with the
    statistics as without them, every row in its own month."""
    path = CORPUS / file
    trusting = econ.load_usage(path).rollup
    row_by_row = econ.load_usage(path, options=econ.IngestOptions(use_statistics=False)).rollup
    keys = ["customer_id", "feature_id", "month"]
    assert_frame_equal(trusting.sort(keys), row_by_row.sort(keys))
    assert (
        trusting["calls"].sum()
        == econ.inputs.readers.read_table(path, file).collect()["calls"].sum()
    )
    if month is not None:
        assert month in trusting["month"].to_list()


def test_cli_can_keep_the_usable_rows(tmp_path: Path) -> None:
    dropped = tmp_path / "dropped.csv"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(
            [
                "analyze",
                "--usage",
                str(CORPUS / "usage_negative_cost.parquet"),
                "--revenue",
                str(CORPUS / "good_revenue.parquet"),
                "--drop-invalid",
                "--dropped-out",
                str(dropped),
            ]
        )
    assert code == 0
    assert "econ: dropped: " in err.getvalue() and "must be zero or more" in err.getvalue()
    listed = dropped.read_text().splitlines()
    assert listed[0] == "file,row,column,rule,values"
    assert len(listed) == 4  # the three negative rows


def upload(at: AppTest, case: Case) -> AppTest:
    usage, revenue = case.pair()
    at.file_uploader(key="upload_usage").upload(usage.name, usage.read_bytes())
    at.file_uploader(key="upload_revenue").upload(revenue.name, revenue.read_bytes())
    at.run()
    if at.button(key="load_files").disabled:
        return at
    return at.button(key="load_files").click().run()


@pytest.mark.app
@pytest.mark.parametrize("limit", CASES, ids=IDS, indirect=True)
@pytest.mark.usefixtures("limit")
def test_app(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case: Case = request.node.callspec.params["limit"]
    monkeypatch.setenv("ECON_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(str(APP), default_timeout=60).run().switch_page("pages/home.py").run()
    at = upload(at, case)
    assert not at.exception, [e.value for e in at.exception]
    dataset = at.session_state[session.DATASET_ID]
    tables = [frame.value for frame in at.dataframe]
    problem_rows = [
        row for table in tables if "rule" in table.columns for row in table.to_dict("records")
    ]
    if case.kind == "file" or (case.kind == "rows" and case.count == _rows_in(case)):
        assert dataset == "sample"  # nothing changed: the previous data is still loaded
        assert at.error, "a refused file must say why"
        assert any(case.rule in row["rule"] for row in problem_rows), problem_rows
        return
    assert dataset != "sample"
    if case.kind == "rows":
        assert any(" left out** because they break a rule" in w.value for w in at.warning)
        row = next(r for r in problem_rows if case.rule in r["rule"])
        assert (row["column"], row["rows"]) == (case.column, case.count)
        assert row["example"].startswith("row=")
        assert at.get("download_button")
    elif case.rule:
        shown = " ".join(
            shown_text(text)
            for text in [c.value for c in at.caption]
            + [w.value for w in at.warning]
            + [m.label for m in at.metric]
        )
        assert case.rule in shown or case.rule == "Unbilled usage"


def _rows_in(case: Case) -> int:
    """How many rows the broken file holds (when every row breaks the rule, nothing is left)."""
    path = CORPUS / case.file
    frame = econ.inputs.readers.read_table(path, case.file).collect()
    return frame.height
