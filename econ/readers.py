"""Reading input files safely: parquet or CSV, within size limits, refusing decompression bombs.

Everything here is file-level: a file that cannot be read at all, is too big, or claims far more
rows than its bytes could honestly hold is refused before any row is decoded, so a hostile file
costs neither memory nor minutes.

A source may also be several parquet files: a folder (hive-partitioned folders such as
``month=2026-01/`` add their key as a column) or a glob pattern (``ledger/*.parquet``). Every
file is checked on its own and all of them are scanned lazily, as one table, by polars'
streaming engine, so a ledger larger than memory can be rolled up.

Parquet files also carry statistics per column (null counts, minimum and maximum), written by
every mainstream writer. :func:`open_table` collects them as :class:`ColumnFacts`, so stage 1
can skip row checks the file has already answered (see :mod:`econ.rollup`).
"""

from __future__ import annotations

import datetime as dt
import glob
import io
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeAlias

import polars as pl
import pyarrow.parquet as pq

from econ.errors import InputError, Problem

PathLike: TypeAlias = str | os.PathLike[str]
Source: TypeAlias = PathLike | Sequence[PathLike] | bytes | pl.DataFrame | pl.LazyFrame
"""A parquet or CSV path; a folder, glob pattern or list of parquet files (or of folders and
patterns); the bytes of a parquet or CSV file; or a polars frame (eager or lazy)."""

_GLOB_CHARACTERS: Final = frozenset("*?[")

MAX_MB_ENV: Final = "ECON_MAX_FILE_MB"
_PARQUET_MAGIC: Final = b"PAR1"
_CSV_SAMPLE: Final = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """What a single input file may be.

    Attributes:
        max_bytes: the largest file accepted (default ``$ECON_MAX_FILE_MB`` megabytes, else 1 GB,
            like the app's upload limit).
        max_rows: the most rows a file may hold.
        bomb_rows: a parquet file with at least this many rows...
        bomb_rows_per_byte: ...and more rows per byte of file than this is a decompression
            bomb: honest ledgers hold well under one row per byte.
    """

    max_bytes: int = 1024 * 1024 * 1024
    max_rows: int = 2_000_000_000
    bomb_rows: int = 10_000_000
    bomb_rows_per_byte: float = 50.0

    @classmethod
    def from_environment(cls) -> Limits:
        megabytes = os.environ.get(MAX_MB_ENV)
        if megabytes and megabytes.replace(".", "", 1).isdigit():
            return cls(max_bytes=int(float(megabytes) * 1024 * 1024))
        return cls()


@dataclass(frozen=True)
class ColumnFacts:
    """What a source's own statistics say about one column, over all its rows.

    Attributes:
        nulls: how many values are null (``None`` when not recorded).
        low, high: the smallest and largest non-null value (``None`` when not recorded).
            NaN is never counted in either: parquet writers leave it out of their statistics.
        rows: how many rows the column has.
    """

    nulls: int | None
    low: object = None
    high: object = None
    rows: int | None = None


@dataclass(frozen=True)
class Table:
    """A source opened for reading.

    Attributes:
        frame: a lazy frame over its rows, column names normalized (see :func:`normalize`).
        facts: per (normalized) column, what the source's statistics say; empty when the
            source keeps none (CSV files, lazy frames).
        files: the files read, in order (empty for bytes and frames).
    """

    frame: pl.LazyFrame
    facts: Mapping[str, ColumnFacts]
    files: tuple[Path, ...] = ()


def default_name(source: Source, fallback: str) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name or str(source)
    if isinstance(source, Sequence) and not isinstance(source, bytes) and source:
        first = Path(source[0]).name
        return f"{first} and {len(source) - 1:,} more" if len(source) > 1 else first
    return fallback


def read_table(source: Source, label: str, limits: Limits | None = None) -> pl.LazyFrame:
    """A lazy frame over the source's rows, its column names normalized (see :func:`normalize`)."""
    return open_table(source, label, limits).frame


def open_table(source: Source, label: str, limits: Limits | None = None) -> Table:
    """Open a source (see :data:`Source`): check its files, and gather its statistics."""
    limits = limits or Limits.from_environment()
    files: tuple[Path, ...] = ()
    if isinstance(source, pl.LazyFrame):
        frame, facts = source, {}
    elif isinstance(source, pl.DataFrame):
        frame, facts = source.lazy(), frame_facts(source)
    elif isinstance(source, bytes):
        frame, facts = _read_bytes(source, label, limits)
    else:
        files = parquet_files(source, label)
        frame, facts = (
            _read_path(files[0], label, limits)
            if len(files) == 1
            else _read_parquet_files(files, label, limits)
        )
    try:
        names = frame.collect_schema().names()
    except (pl.exceptions.PolarsError, OSError) as error:
        problem = Problem(label, None, f"is not a readable file ({first_line(error)})")
        raise InputError([problem]) from None
    renamed = normalized_names(names)
    if renamed != names:
        frame = frame.rename(dict(zip(names, renamed, strict=True)))
        facts = {new: facts[old] for old, new in zip(names, renamed, strict=True) if old in facts}
    return Table(frame, facts, files)


def parquet_files(source: PathLike | Sequence[PathLike], label: str) -> tuple[Path, ...]:
    """The files a path names: itself, the parquet files under a folder, or a glob's matches;
    for a list of paths, the files of each, in order (each file once).

    A single path is returned as given (it may be CSV); folders and patterns must hold parquet.
    """
    if not isinstance(source, str | os.PathLike):
        if not source:
            raise InputError([Problem(label, None, "names no file (the list is empty)")])
        listed = [file for item in source for file in parquet_files(item, label)]
        return tuple(dict.fromkeys(listed))
    text = os.fspath(source)
    path = Path(text)
    if _GLOB_CHARACTERS & set(text) and not path.exists():
        # A pattern may be absolute, which Path.glob does not take.
        matches = sorted(Path(match) for match in glob.glob(text, recursive=True))  # noqa: PTH207
        files = tuple(match for match in matches if match.is_file())
        if not files:
            raise InputError([Problem(label, None, f"matches no file ({text})")])
        return files
    if path.is_dir():
        found = tuple(
            sorted(
                child
                for child in path.rglob("*.parquet")
                if child.is_file()
                # Hidden and underscore files (_SUCCESS, .crc, _temporary/) are writers' own.
                and not any(p.startswith((".", "_")) for p in child.relative_to(path).parts)
            )
        )
        if not found:
            raise InputError([Problem(label, None, f"is a folder with no parquet files: {path}")])
        return found
    if not path.exists():
        raise InputError([Problem(label, None, f"was not found at {path}")])
    return (path,)


def normalize(name: str) -> str:
    """``"Customer ID (UTC)"`` → ``"customer_id_utc"``: exports differ in case and spacing."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_") or "column"


def normalized_names(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        candidate = normalize(name)
        base, suffix = candidate, 2
        while candidate in out:
            candidate, suffix = f"{base}_{suffix}", suffix + 1
        out.append(candidate)
    return out


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


_Facts: TypeAlias = dict[str, ColumnFacts]


def _read_path(path: Path, label: str, limits: Limits) -> tuple[pl.LazyFrame, _Facts]:
    size = path.stat().st_size
    _check_size(size, label, limits)
    with path.open("rb") as handle:
        head = handle.read(_CSV_SAMPLE)
    if head.startswith(_PARQUET_MAGIC):
        parquet = pq.ParquetFile(path) if _footer_ok(path) else None
        metadata = _check_parquet(parquet, size, label, limits)
        return pl.scan_parquet(path), parquet_facts([metadata])
    return _text_table(path, head, label), {}


def _read_parquet_files(
    files: tuple[Path, ...], label: str, limits: Limits
) -> tuple[pl.LazyFrame, _Facts]:
    """Several parquet files as one lazy table; each is checked like a single file."""
    metadata = []
    for path in files:
        name = f"{label} ({path.name})"
        size = path.stat().st_size
        _check_size(size, name, limits)
        with path.open("rb") as handle:
            if handle.read(len(_PARQUET_MAGIC)) != _PARQUET_MAGIC:
                raise InputError([Problem(name, None, "is not a parquet file")])
        parquet = pq.ParquetFile(path) if _footer_ok(path) else None
        metadata.append(_check_parquet(parquet, size, name, limits))
    rows = sum(m.num_rows for m in metadata)
    if rows > limits.max_rows:
        raise InputError(
            [Problem(label, None, f"holds {rows:,} rows, over the {limits.max_rows:,} row limit")]
        )
    return pl.scan_parquet(list(files), hive_partitioning=True), parquet_facts(metadata)


def _read_bytes(content: bytes, label: str, limits: Limits) -> tuple[pl.LazyFrame, _Facts]:
    _check_size(len(content), label, limits)
    if content.startswith(_PARQUET_MAGIC):
        try:
            parquet = pq.ParquetFile(io.BytesIO(content))
        except Exception:  # pyarrow raises several types for damaged footers
            parquet = None
        metadata = _check_parquet(parquet, len(content), label, limits)
        return pl.scan_parquet(io.BytesIO(content)), parquet_facts([metadata])
    return _text_table(io.BytesIO(content), content[:_CSV_SAMPLE], label), {}


def parquet_facts(files: Iterable[pq.FileMetaData]) -> dict[str, ColumnFacts]:
    """Per top-level column, its statistics over every row group of every file.

    A figure that any row group lacks is unknown (``None``) for the whole column.
    """
    nulls: dict[str, int | None] = {}
    ranges: dict[str, tuple[object, object] | None] = {}
    rows = 0
    for metadata in files:
        rows += metadata.num_rows
        for group in range(metadata.num_row_groups):
            row_group = metadata.row_group(group)
            for index in range(row_group.num_columns):
                chunk = row_group.column(index)
                name = chunk.path_in_schema
                if "." in name:  # a nested column's leaf: never a contract column
                    continue
                stats = chunk.statistics
                count = stats.null_count if stats is not None and stats.has_null_count else None
                previous = nulls.get(name, 0)
                nulls[name] = None if previous is None or count is None else previous + count
                if count is not None and count == chunk.num_values:
                    continue  # all null: no range to add
                if stats is None or not stats.has_min_max:
                    ranges[name] = None
                elif name not in ranges:
                    ranges[name] = _range(None, stats.min, stats.max)
                elif (known := ranges[name]) is not None:
                    ranges[name] = _range(known, stats.min, stats.max)
    facts = {}
    for name, count in nulls.items():
        low, high = ranges.get(name) or (None, None)
        facts[name] = ColumnFacts(count, low, high, rows)
    return facts


def _range(
    known: tuple[object, object] | None, low: object, high: object
) -> tuple[object, object] | None:
    """Widen a known (low, high) by a row group's; ``None`` when they cannot be compared."""
    if not (_comparable(low) and _comparable(high)):
        return None
    if known is None:
        return low, high
    try:
        return min(known[0], low), max(known[1], high)  # type: ignore[call-overload]
    except TypeError:  # e.g. naive and aware datetimes
        return None


def frame_facts(frame: pl.DataFrame) -> dict[str, ColumnFacts]:
    """The same facts for a frame in memory (null counts, and ranges of numbers and times)."""
    ranged = [
        name for name, dtype in frame.schema.items() if dtype.is_numeric() or dtype.is_temporal()
    ]
    nulls = frame.null_count().row(0, named=True)
    lows = frame.select(pl.col(ranged).min()).row(0, named=True) if ranged else {}
    highs = frame.select(pl.col(ranged).max()).row(0, named=True) if ranged else {}
    return {
        name: ColumnFacts(int(nulls[name]), lows.get(name), highs.get(name), frame.height)
        for name in frame.columns
    }


def _comparable(value: object) -> bool:
    if isinstance(value, float):
        return not math.isnan(value)
    return isinstance(value, int | dt.date | dt.datetime)


_NOT_READABLE: Final = "is not a readable parquet or CSV file"


def _text_table(source: Path | io.BytesIO, head: bytes, label: str) -> pl.LazyFrame:
    """A CSV file; other text (JSON, an HTML error page) is named for what it is."""
    start = head.lstrip()[:1]
    if start in (b"{", b"["):
        raise InputError([Problem(label, None, "is JSON, not parquet or CSV: export it as either")])
    if start == b"<":
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    "is an HTML or XML page, not data (an error page saved by mistake?)",
                )
            ]
        )
    if not _looks_like_text(head):
        raise InputError([Problem(label, None, _NOT_READABLE)])
    return _scan_csv(source, head, label)


def _check_size(size: int, label: str, limits: Limits) -> None:
    if size == 0:
        raise InputError([Problem(label, None, "is empty (0 bytes)")])
    if size > limits.max_bytes:
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    f"is {_size(size)}, over the {_size(limits.max_bytes)} limit (set "
                    f"{MAX_MB_ENV}, in megabytes, to raise it)",
                )
            ]
        )


def _size(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GB"


def _footer_ok(path: Path) -> bool:
    try:
        pq.read_metadata(path)
    except Exception:  # a damaged footer raises OSError or ArrowInvalid depending on the damage
        return False
    return True


def _check_parquet(
    parquet: pq.ParquetFile | None, size: int, label: str, limits: Limits
) -> pq.FileMetaData:
    if parquet is None:
        raise InputError([Problem(label, None, "is not a readable parquet file (damaged footer)")])
    metadata = parquet.metadata
    rows = metadata.num_rows
    decoded = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if rows > limits.max_rows:
        raise InputError(
            [Problem(label, None, f"holds {rows:,} rows, over the {limits.max_rows:,} row limit")]
        )
    if rows >= limits.bomb_rows and rows / size > limits.bomb_rows_per_byte:
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    f"claims {rows:,} rows in {size:,} bytes ({decoded:,} bytes once decoded): "
                    "a decompression bomb, refused before reading",
                )
            ]
        )
    return metadata


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        # A sample cut mid-character is still text.
        try:
            text = sample[:-4].decode("utf-8")
        except UnicodeDecodeError:
            return False
    first = text.splitlines()[0] if text.splitlines() else ""
    return any(separator in first for separator in (",", ";", "\t"))


def _scan_csv(source: Path | io.BytesIO, head: bytes, label: str) -> pl.LazyFrame:
    first = head.decode("utf-8", errors="replace").splitlines()[0]
    separator = max((",", ";", "\t"), key=first.count)
    try:
        if isinstance(source, Path):
            return pl.scan_csv(source, separator=separator, infer_schema_length=10_000)
        return pl.read_csv(source, separator=separator, infer_schema_length=10_000).lazy()
    except (pl.exceptions.PolarsError, OSError) as error:
        problem = Problem(label, None, f"is not a readable CSV file ({first_line(error)})")
        raise InputError([problem]) from None
