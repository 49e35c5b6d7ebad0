"""Reading files safely: formats, size limits, decompression bombs, names."""

from __future__ import annotations

import hashlib
import io
import runpy
from pathlib import Path

import polars as pl
import pytest

import econ
from econ.readers import Limits, normalize, normalized_names, read_table

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
