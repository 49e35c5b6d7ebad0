"""Reading files safely: formats, size limits, decompression bombs, names."""

from __future__ import annotations

import hashlib
import io
import runpy
from pathlib import Path

import polars as pl
import pytest

import econ
from econ.readers import Limits, normalize, normalized_names, open_table, read_table

CORPUS = Path(__file__).resolve().parent / "corpus"


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
        ("startTime", "starttime"),
        ("Period Start (UTC)", "period_start_utc"),
        ("  ", "column"),
    ],
)
def test_normalize(name: str, normalized: str) -> None:
    assert normalize(name) == normalized


def test_colliding_names_get_suffixes() -> None:
    assert normalized_names(["Customer ID", "customer_id", "customer id"]) == [
        "customer_id",
        "customer_id_2",
        "customer_id_3",
    ]


def test_size_limit_in_bytes_and_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" + "1,2\n" * 1000)
    with pytest.raises(econ.InputError, match=r"is 3\.9 KB, over the 1\.0 KB limit"):
        read_table(path, "big.csv", Limits(max_bytes=1024))
    monkeypatch.setenv("ECON_MAX_FILE_MB", "0.001")
    assert Limits.from_environment().max_bytes == 1048
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


def test_corpus_matches_its_generator(tmp_path: Path) -> None:
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
        with pytest.raises(econ.InputError, match="folder with no parquet files"):
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
