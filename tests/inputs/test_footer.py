"""Parquet footers checked before pyarrow decodes them (:mod:`econ.inputs.footer`)."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from locations import CORPUS, ROOT

import econ
from econ.inputs import footer
from econ.inputs.footer import check_footer
from econ.inputs.readers import open_table


def check(data: bytes, label: str = "f.parquet") -> None:
    check_footer(lambda offset, length: data[offset : offset + length], len(data), label)


def every_kind_of_column() -> pa.Table:
    rows = 3_000
    return pa.table(
        {
            "ints": pa.array([1, None, 3] * 1_000),
            "text": ["x", "y", None] * 1_000,
            "floats": [1.5, 2.5, None] * 1_000,
            "flags": [True, False, None] * 1_000,
            "lists": [[1, 2], [], None] * 1_000,
            "records": [{"x": 1}, None, {"x": 2}] * 1_000,
            "maps": pa.array([[("k", "v")]] * rows, pa.map_(pa.string(), pa.string())),
            "times": pa.array([dt.datetime(2026, 1, 1)] * rows, pa.timestamp("ns")),
            "money": pa.array([decimal.Decimal("1.25")] * rows, pa.decimal128(12, 2)),
            "days": pa.array([dt.date(2026, 1, 1)] * rows, pa.date32()),
        }
    )


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"data_page_version": "2.0"},
        {"use_dictionary": False},
        {"use_deprecated_int96_timestamps": True},
        {"compression": "gzip", "row_group_size": 700, "data_page_size": 100},
        {"write_page_index": True},
        {"store_decimal_as_integer": True},
        {"write_statistics": False},
    ],
)
def test_files_pyarrow_writes_pass(options: dict[str, object]) -> None:
    buffer = io.BytesIO()
    pq.write_table(every_kind_of_column(), buffer, **options)  # type: ignore[arg-type]
    check(buffer.getvalue())


def test_files_polars_writes_pass() -> None:
    frame = pl.DataFrame(every_kind_of_column().drop(["maps"]))
    for options in ({}, {"row_group_size": 500}, {"statistics": False}, {"compression": "lz4"}):
        buffer = io.BytesIO()
        frame.write_parquet(buffer, **options)  # type: ignore[arg-type]
        check(buffer.getvalue())


def test_every_parquet_file_in_the_project_passes_or_is_meant_to_fail() -> None:
    root = ROOT
    meant = {
        "usage_truncated.parquet",
        "usage_not_a_table.parquet",
        "usage_zero_bytes.parquet",
        "revenue_html_error_page.parquet",
    }
    checked = 0
    for path in root.rglob("*.parquet"):
        if {".venv", ".data", "test-output"} & set(path.parts) or not path.is_file():
            continue
        if path.name in meant or path.name.startswith("usage_footer_"):
            continue
        check(path.read_bytes(), path.name)
        checked += 1
    assert checked > 20


def test_a_malformed_statistic_is_named() -> None:
    with pytest.raises(econ.InputError) as error:
        open_table(CORPUS / "usage_footer_malformed_statistic.parquet", "usage.parquet")
    (problem,) = error.value.problems
    assert problem.message() == (
        "usage.parquet: is a damaged parquet file: the min_value statistic of column 'cost_usd' "
        "in row group 1 is 3 bytes long, but a DOUBLE value takes 8."
    )


@pytest.mark.slow
def test_no_damaged_footer_takes_the_process_down(tmp_path: Path) -> None:
    """Hundreds of footers with bytes changed at random, each opened as the app opens a chosen
    file: every one is read or refused with a message; none aborts the process (which pyarrow
    does on a statistic it cannot decode, so this runs in a process of its own)."""
    script = textwrap.dedent(
        """
        import io, random, struct, sys
        import polars as pl
        import econ
        from econ.inputs.readers import open_table

        buffer = io.BytesIO()
        pl.read_parquet(sys.argv[1]).write_parquet(buffer, row_group_size=4)
        data = buffer.getvalue()
        length = struct.unpack("<I", data[-8:-4])[0]
        start = len(data) - 8 - length
        rng = random.Random(20261130)
        outcomes = {"read": 0, "refused": 0}
        for _ in range(400):
            damaged = bytearray(data)
            for _ in range(rng.randint(1, 4)):
                damaged[rng.randrange(start, len(data) - 8)] = rng.randrange(256)
            try:
                table = open_table(bytes(damaged), "damaged.parquet")
                table.frame.collect()
                outcomes["read"] += 1
            except econ.InputError:
                outcomes["refused"] += 1
            except pl.exceptions.PolarsError:
                outcomes["refused"] += 1  # the loaders turn these into messages
        print(outcomes["read"], outcomes["refused"])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(CORPUS / "good_usage.parquet")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2_000:]
    read, refused = map(int, done.stdout.split())
    assert read + refused == 400 and refused > 100


def test_a_footer_or_a_page_larger_than_any_ledger_needs_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The footer is checked in Python, so its size is bounded (tens of thousands of row groups
    of one row each take minutes); a page's decompressed size is what a reader allocates."""
    data = (CORPUS / "good_usage.parquet").read_bytes()
    check(data)
    monkeypatch.setattr(footer, "MAX_FOOTER_BYTES", 100)
    with pytest.raises(econ.InputError, match="over the 100 any ledger needs"):
        check(data)
    monkeypatch.setattr(footer, "MAX_FOOTER_BYTES", 8_000_000)
    monkeypatch.setattr(footer, "_MAX_UNPACKED_PAGE", 10)
    with pytest.raises(econ.InputError, match="has no valid size"):
        check(data)


def test_a_page_that_no_longer_matches_its_checksum_is_refused() -> None:
    """One bit flipped in a page of calls: with the writer's CRC-32 kept, the file is refused
    rather than read as a trillion calls."""
    usage = pl.concat([pl.read_parquet(CORPUS / "good_usage.parquet")] * 50)
    buffer = io.BytesIO()
    pq.write_table(
        usage.to_arrow(), buffer, compression="none", use_dictionary=False, write_page_checksum=True
    )
    data = bytearray(buffer.getvalue())
    check(bytes(data))
    calls = pq.read_metadata(io.BytesIO(bytes(data))).row_group(0).column(3)
    start = calls.data_page_offset
    at = data.rfind(struct.pack("<q", 40), start, start + calls.total_compressed_size)
    data[at + 5] ^= 1
    with pytest.raises(econ.InputError, match="does not match its checksum"):
        check(bytes(data))
