"""Reading files safely: formats, size limits, decompression bombs, names."""

from __future__ import annotations

import hashlib
import io
import json
import runpy
import tomllib
from pathlib import Path

import polars as pl
import pytest
from locations import CORPUS, ROOT

import econ
from econ.inputs import readers
from econ.inputs.readers import (
    MEGABYTE,
    RESERVED_NAMES,
    Limits,
    normalize,
    normalized_names,
    open_table,
    read_header,
    read_table,
)


def test_parquet_and_csv_paths_and_bytes(tmp_path: Path) -> None:
    frame = pl.DataFrame({"Customer ID": ["a"], "Cost (USD)": [1.5]})
    frame.write_parquet(tmp_path / "f.parquet")
    frame.write_csv(tmp_path / "f.csv")
    for source in (
        tmp_path / "f.parquet",
        tmp_path / "f.csv",
        (tmp_path / "f.parquet").read_bytes(),
        (tmp_path / "f.csv").read_bytes(),
    ):
        read = read_table(source, "f").collect()
        assert read.columns == ["customer_id", "cost_usd"]
        assert read.row(0) == ("a", 1.5)


def test_semicolon_and_tab_separated_csv(tmp_path: Path) -> None:
    for separator in (";", "\t"):
        (tmp_path / "x.csv").write_text(f"a{separator}b\n1{separator}2\n")
        assert read_table(tmp_path / "x.csv", "x").collect().columns == ["a", "b"]


@pytest.mark.parametrize(
    ("name", "normalized"),
    [
        ("Customer ID", "customer_id"),
        # Langfuse's UI export and LiteLLM's Postgres columns are camelCase.
        ("startTime", "start_time"),
        ("providedModelName", "provided_model_name"),
        ("userID", "user_id"),
        ("APIKeyID", "api_key_id"),
        ("num_model_requests", "num_model_requests"),
        ("MRR_USD", "mrr_usd"),
        # Stripe's Dashboard exports: a time zone after the name.
        ("Period Start (UTC)", "period_start"),
        ("Canceled At (UTC)", "canceled_at"),
        ("Amount (USD)", "amount_usd"),
        ("plan_amount (cents)", "plan_amount"),
        ("Score (beta)", "score_beta"),
        ("  ", "column"),
    ],
)
def test_normalize(name: str, normalized: str) -> None:
    assert normalize(name) == normalized


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("Created (UTC)", "utc"),
        ("plan_amount (cents)", "cents"),
        ("Amount (USD)", "dollars"),
        ("Amount ($)", "dollars"),
        ("Amount", None),
        ("Score (beta)", None),
    ],
)
def test_header_hints(name: str, hint: str | None) -> None:
    assert read_header(name).hint == hint
    table = open_table(f"{name},x\n1,2\n".encode(), "f")
    assert dict(table.hints) == ({normalize(name): hint} if hint else {})


def test_colliding_names_get_suffixes_and_an_exact_name_wins() -> None:
    assert normalized_names(["Customer ID", "customer id", "Customer-Id"]) == [
        "customer_id",
        "customer_id_2",
        "customer_id_3",
    ]
    assert normalized_names(["Customer ID", "customer_id", "customer id"]) == [
        "customer_id_2",
        "customer_id",
        "customer_id_3",
    ]


def test_two_columns_that_mean_the_same_are_resolved_by_the_exact_name_and_said() -> None:
    """``Cost USD`` in cents beside ``cost_usd`` in dollars: the exact name is read (not the
    first, which would multiply inference by 100), and a warning says which and why."""
    loaded = econ.load_usage(CORPUS / "usage_row_column_and_two_costs.csv")
    honest = econ.load_usage(CORPUS / "good_usage.parquet")
    assert loaded.rollup["cost_usd"].sum() == pytest.approx(honest.rollup["cost_usd"].sum())
    (warning,) = [w for w in loaded.warnings if "columns read as cost_usd" in w]
    assert "'cost_usd' is used (its exact name)" in warning
    assert "'Cost USD' as cost_usd_2" in warning


def test_a_csv_that_is_one_long_line_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_LINE_BYTES", 1_000)
    monkeypatch.setattr(readers, "_LINE_CHUNK", 300)
    path = tmp_path / "usage.csv"
    path.write_text("customer_id,feature_id\nc1," + "x" * 1_500 + "\nc2,chat\n")
    with pytest.raises(econ.InputError, match=r"has a line longer than 1\.0 KB"):
        open_table(path, "usage.csv")
    path.write_text("customer_id,feature_id\n" + "c1,chat\n" * 1_000)
    assert open_table(path, "usage.csv").frame.collect().height == 1_000
    wide = ",".join(f"c{i}" for i in range(10_001))
    with pytest.raises(econ.InputError, match="has 10,001 columns, more than the 10,000"):
        open_table(f"{wide}\n".encode(), "wide.csv")


def test_parquet_files_written_differently_are_read_as_one_table(tmp_path: Path) -> None:
    """A folder whose files disagree (calls as floats in one, a column only in another) is
    read as one table: types widen, missing columns are empty."""
    usage = pl.read_parquet(CORPUS / "good_usage.parquet")
    folder = tmp_path / "ledger"
    folder.mkdir()
    usage.head(6).write_parquet(folder / "a.parquet")
    usage.tail(6).with_columns(
        pl.col("calls").cast(pl.Float64), pl.lit("x").alias("extra")
    ).write_parquet(folder / "b.parquet")
    loaded = econ.load_usage(folder)
    assert loaded.rows_read == 12
    assert loaded.rollup["calls"].sum() == usage["calls"].sum()


def test_size_limit_in_bytes_and_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" + "1,2\n" * 1000)
    with pytest.raises(econ.InputError, match=r"is 4\.0 KB, over the 1\.0 KB limit"):
        read_table(path, "big.csv", Limits(max_bytes=1000))
    monkeypatch.setenv("ECON_MAX_FILE_MB", "0.001")
    assert Limits.from_environment().max_bytes == 1000
    monkeypatch.setenv("ECON_MAX_FILE_MB", "lots")
    assert Limits.from_environment() == Limits()


def test_a_decompression_bomb_is_refused_from_its_footer_alone() -> None:
    bomb = CORPUS / "usage_decompression_bomb.parquet"
    with pytest.raises(econ.InputError, match="claims 12,000,000 rows in 29,754 bytes"):
        read_table(bomb, bomb.name)
    with pytest.raises(econ.InputError, match="decompression bomb"):
        read_table(bomb.read_bytes(), bomb.name)


def test_row_limit() -> None:
    good = CORPUS / "good_usage.parquet"
    with pytest.raises(econ.InputError, match="holds 12 rows, over the 10 row limit"):
        read_table(good, good.name, Limits(max_rows=10))


def test_frames_are_read_as_they_are() -> None:
    frame = pl.DataFrame({"a": [1]})
    assert read_table(frame, "f").collect().equals(frame)
    assert read_table(frame.lazy(), "f").collect().equals(frame)


def test_csv_from_bytes_with_unicode() -> None:
    content = "customer_id,plan\n顧客,Pro\n".encode()
    assert read_table(io.BytesIO(content).getvalue(), "u").collect().row(0) == ("顧客", "Pro")


def test_the_command_line_and_the_uploader_allow_the_same_bytes() -> None:
    """Streamlit's uploader counts a megabyte as 1,000,000 bytes; so do the readers."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * MEGABYTE == Limits().max_bytes == 1_024_000_000


def test_corpus_matches_its_generator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(CORPUS))  # its footer forger sits beside it
    generator = runpy.run_path(str(CORPUS / "make.py"))
    generator["main"].__globals__["HERE"] = tmp_path
    generator["main"]()
    committed = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in CORPUS.iterdir()
        if p.suffix != ".py"
    }
    again = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    assert again == committed, "the corpus differs from make.py: run it and commit the files"


class TestManyFiles:
    """A ledger split over files: a folder (hive partitions too), a glob, or a list."""

    @pytest.fixture
    def parts(self, tmp_path: Path) -> Path:
        folder = tmp_path / "ledger"
        for month, customers in (("2026-01", ["a", "b"]), ("2026-02", ["c"])):
            part = folder / f"month={month}"
            part.mkdir(parents=True)
            pl.DataFrame(
                {"customer_id": customers, "cost_usd": [1.0] * len(customers)}
            ).write_parquet(part / "part-0.parquet")
        (folder / "_SUCCESS").write_text("")
        (folder / ".part-0.parquet.crc").write_text("")
        return folder

    def test_folder_with_hive_partitions(self, parts: Path) -> None:
        table = open_table(parts, "ledger")
        read = table.frame.collect().sort("customer_id")
        assert read["customer_id"].to_list() == ["a", "b", "c"]
        assert read["month"].to_list() == ["2026-01", "2026-01", "2026-02"]
        assert len(table.files) == 2
        assert table.facts["cost_usd"].rows == 3

    def test_glob_and_list(self, parts: Path) -> None:
        files = sorted(parts.rglob("*.parquet"))
        by_glob = read_table(str(parts / "*" / "*.parquet"), "ledger").collect()
        by_list = read_table(files, "ledger").collect()
        assert sorted(by_glob["customer_id"]) == sorted(by_list["customer_id"]) == ["a", "b", "c"]

    def test_nothing_to_read(self, tmp_path: Path) -> None:
        with pytest.raises(econ.InputError, match="matches no file"):
            read_table(str(tmp_path / "*.parquet"), "ledger")
        (tmp_path / "empty").mkdir()
        with pytest.raises(
            econ.InputError, match="folder with no parquet, JSON Lines, JSON or CSV"
        ):
            read_table(tmp_path / "empty", "ledger")
        with pytest.raises(econ.InputError, match="list is empty"):
            read_table([], "ledger")

    def test_every_file_is_held_to_the_limits(self, parts: Path) -> None:
        with pytest.raises(econ.InputError, match=r"ledger \(part-0.parquet\).*over the"):
            read_table(parts, "ledger", Limits(max_bytes=100))

    def test_a_usage_ledger_split_by_month_rolls_up_like_one_file(self, tmp_path: Path) -> None:
        usage, revenue = econ.sample_paths()
        whole = pl.read_parquet(usage)
        for month, part in whole.group_by("month"):
            part.write_parquet(tmp_path / f"usage-{month[0]:%Y-%m}.parquet")
        split = econ.load_dataset(tmp_path, revenue)
        single = econ.load_dataset(usage, revenue)
        columns = ["customer_id", "feature_id", "month", "calls"]
        assert (
            split.usage.select(columns)
            .sort(columns)
            .equals(single.usage.select(columns).sort(columns))
        )
        assert split.usage_rows == single.usage_rows


class TestJson:
    """JSON arrays, JSON Lines and API pages read as tables; nothing in them is lost."""

    def test_json_lines_keep_a_key_that_first_appears_late(self, tmp_path: Path) -> None:
        lines = [json.dumps({"id": i, "details": {"input": i}}) for i in range(3000)]
        lines.append(json.dumps({"id": 3000, "details": {"input": 1, "cached": 7}, "late": "x"}))
        path = tmp_path / "calls.jsonl"
        path.write_text("\n".join(lines) + "\n\n")
        table = open_table(path, "calls")
        assert table.kind == "jsonl"
        assert isinstance(table.frame, pl.LazyFrame)
        last = table.frame.tail(1).collect().row(0, named=True)
        # Values are read as text, objects as their JSON text: no type guessed from a sample
        # can be contradicted, and no key inside an object is lost.
        assert json.loads(last["details"]) == {"input": 1, "cached": 7} and last["late"] == "x"

    def test_an_array_of_records(self) -> None:
        table = open_table(b'[{"a": 1, "b": {"x": 1}}, {"a": 2}]', "f")
        assert table.kind == "json"
        assert table.frame.collect()["a"].to_list() == [1, 2]

    def test_an_api_page_and_its_child_records(self) -> None:
        page = {
            "object": "page",
            "data": [
                {"object": "bucket", "start_time": 1, "results": [{"object": "r", "n": 1}]},
                {"object": "bucket", "start_time": 2, "results": []},
            ],
            "has_more": False,
            "next_page": None,
        }
        frame = read_table(json.dumps(page, indent=2).encode(), "page").collect()
        assert frame.to_dicts() == [
            {"bucket_object": "bucket", "start_time": 1, "object": "r", "n": 1}
        ]

    def test_pages_one_a_line(self) -> None:
        page = {"object": "list", "data": [{"a": 1}], "has_more": True, "url": "/v1/x"}
        content = (
            json.dumps(page) + "\n" + json.dumps(page | {"data": [{"a": 2}]}) + "\n"
        ).encode()
        assert read_table(content, "pages").collect()["a"].to_list() == [1, 2]

    def test_a_record_with_a_data_key_is_a_record(self) -> None:
        content = b'{"id": 1, "data": [1, 2]}\n{"id": 2, "data": [3]}\n'
        assert open_table(content, "f").kind == "jsonl"

    def test_content_not_the_name_says_what_a_file_is(self, tmp_path: Path) -> None:
        path = tmp_path / "export.csv"
        path.write_text('[{"a": 1}]')
        assert open_table(path, "export.csv").kind == "json"

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b'{"a": 1', "is not readable JSON"),
            (b"[1, 2]", "is not readable JSON"),
            (b'{"object": "list", "data": [], "has_more": false}', "has no rows"),
        ],
    )
    def test_broken_json_is_named(self, content: bytes, message: str) -> None:
        with pytest.raises(econ.InputError, match=message):
            read_table(content, "f").collect()

    def test_a_json_document_over_the_cap_asks_for_json_lines(self) -> None:
        page = json.dumps({"object": "list", "data": [{"a": "x" * 100}] * 20}).encode()
        with pytest.raises(econ.InputError, match="export it as JSON Lines"):
            read_table(page, "big.json", Limits(max_json_bytes=1000))

    def test_a_folder_of_json_lines_files(self, tmp_path: Path) -> None:
        for day in (1, 2):
            (tmp_path / f"day{day}.jsonl").write_text(json.dumps({"day": day}) + "\n")
        (tmp_path / "_manifest.json").write_text("{}")
        assert read_table(tmp_path, "export").collect()["day"].to_list() == ["1", "2"]

    def test_parquet_and_other_files_are_not_mixed(self, tmp_path: Path) -> None:
        pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "a.parquet")
        (tmp_path / "b.jsonl").write_text('{"a": 2}\n')
        with pytest.raises(econ.InputError, match="mixes parquet files with other files"):
            read_table([tmp_path / "a.parquet", tmp_path / "b.jsonl"], "ledger")


class TestGzip:
    """Langfuse's blob exports are gzipped by default: .csv.gz, .jsonl.gz."""

    def test_a_gzipped_file_a_folder_of_them_and_their_bytes(self, tmp_path: Path) -> None:
        import gzip

        for day in (1, 2):
            (tmp_path / f"day{day}.jsonl.gz").write_bytes(
                gzip.compress(json.dumps({"day": day}).encode() + b"\n")
            )
        assert open_table(tmp_path / "day1.jsonl.gz", "f").kind == "jsonl"
        assert read_table(tmp_path, "export").collect()["day"].to_list() == ["1", "2"]
        content = (tmp_path / "day2.jsonl.gz").read_bytes()
        assert read_table(content, "upload").collect()["day"].to_list() == ["2"]

    def test_a_gzip_bomb_is_refused_as_it_decompresses(self) -> None:
        import gzip

        bomb = gzip.compress(b"a,b\n" + b"1,2\n" * 100_000)
        with pytest.raises(econ.InputError, match="decompresses to more than"):
            read_table(bomb, "bomb.csv.gz", Limits(max_bytes=50_000))

    def test_a_damaged_gzip_file_is_named(self) -> None:
        with pytest.raises(econ.InputError, match="is a damaged gzip file"):
            read_table(b"\x1f\x8b\x08\x00garbage", "x.csv.gz")


class TestIncompleteListings:
    """An API listing cut short is read, and said to be cut short."""

    @staticmethod
    def page(more: bool, records: list[dict[str, object]]) -> bytes:
        return json.dumps({"object": "list", "data": records, "has_more": more}).encode()

    def test_a_last_page_that_says_more_follow(self, tmp_path: Path) -> None:
        table = open_table(self.page(True, [{"a": 1}]), "page.json")
        assert "its last API page says more records follow" in table.warnings[0]
        assert not open_table(self.page(False, [{"a": 1}]), "page.json").warnings

    def test_pages_that_end_the_listing_together(self, tmp_path: Path) -> None:
        (tmp_path / "p1.json").write_bytes(self.page(True, [{"a": 1}]))
        (tmp_path / "p2.json").write_bytes(self.page(False, [{"a": 2}]))
        assert not open_table([tmp_path / "p1.json", tmp_path / "p2.json"], "pages").warnings
        assert open_table([tmp_path / "p1.json"], "pages").warnings

    def test_records_that_hold_only_part_of_their_lines(self) -> None:
        invoice = {
            "id": "in_1",
            "customer": "c",
            "lines": {
                "object": "list",
                "data": [{"amount": 1}],
                "has_more": True,
                "total_count": 12,
            },
        }
        table = open_table(self.page(False, [invoice]), "invoices.json")
        assert "1 record lists only the first of their lines" in table.warnings[0]


def test_normalizing_names_is_linear_and_keeps_every_column() -> None:
    """4,000 headers that all normalize to the same name (punctuation only) get distinct names
    in one pass; the names econ adds itself are never taken by a file's column."""
    names = ["!" * (i % 9 + 1) for i in range(4_000)] + ["row", "Row", "priced by"]
    renamed = normalized_names(names)
    assert len(set(renamed)) == len(names)
    assert renamed[:3] == ["column", "column_2", "column_3"]
    assert renamed[-3:] == ["row_2", "row_3", "priced_by_2"]
    assert not RESERVED_NAMES & set(renamed)


def test_a_column_named_row_is_read(tmp_path: Path) -> None:
    """``row`` is the row number econ adds to name offending rows; a file's own ``row`` column
    is read under another name instead of clashing with it."""
    path = tmp_path / "usage.csv"
    path.write_text(
        "row,customer_id,feature_id,timestamp,cost_usd\n"
        "1,c1,chat,2026-01-05T00:00:00Z,0.5\n"
        "2,c2,chat,2026-02-05T00:00:00Z,0.25\n"
    )
    loaded = econ.load_usage(path)
    assert loaded.rows_read == 2
    assert loaded.rollup["cost_usd"].sum() == 0.75


def test_the_reserved_names_are_the_ones_econ_adds() -> None:
    from econ.inputs.imports.layout import ROW
    from econ.inputs.token_prices import PRICED_BY

    assert {ROW, PRICED_BY} == RESERVED_NAMES


def test_a_header_written_twice_is_named(tmp_path: Path) -> None:
    """``customer_id,customer_id``: the first is read, and a warning says so."""
    path = tmp_path / "usage.csv"
    path.write_text(
        "customer_id,customer_id,feature_id,timestamp,cost_usd\n"
        "c1,zzz,chat,2026-01-05T00:00:00Z,0.5\n"
    )
    (warning,) = econ.load_usage(path).warnings
    assert "2 columns read as customer_id: 'customer_id' is used (the first in the file)" in warning


def test_json_with_a_key_per_record_or_too_large_to_read_whole_is_refused(tmp_path: Path) -> None:
    records = [{"customer_id": "c1", "feature_id": "chat", f"k{i}": 1} for i in range(501)]
    path = tmp_path / "usage.json"
    path.write_text(json.dumps(records))
    with pytest.raises(econ.InputError, match="more than 500 different keys"):
        open_table(path, "usage.json")
    path.write_text(json.dumps(records[:3]))
    with pytest.raises(econ.InputError, match="over the 100 bytes that is read whole"):
        open_table(path, "usage.json", Limits(max_json_bytes=100))
