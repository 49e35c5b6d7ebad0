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
can skip row checks the file has already answered (see :mod:`econ.inputs.rollup`).
"""

from __future__ import annotations

import datetime as dt
import glob
import gzip
import io
import json
import math
import os
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, Final, TypeAlias

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from econ.errors import InputError, Problem
from econ.inputs.footer import check_footer

PathLike: TypeAlias = str | os.PathLike[str]
Source: TypeAlias = PathLike | Sequence[PathLike] | bytes | pl.DataFrame | pl.LazyFrame
"""A parquet or CSV path; a folder, glob pattern or list of parquet files (or of folders and
patterns); the bytes of a parquet or CSV file; or a polars frame (eager or lazy)."""

_GLOB_CHARACTERS: Final = frozenset("*?[")

MAX_MB_ENV: Final = "ECON_MAX_FILE_MB"
MEGABYTE: Final = 1_000_000
"""Bytes in a megabyte, as Streamlit's uploader counts them: ``server.maxUploadSize = 1024``
(see ``.streamlit/config.toml``) lets the browser send 1,024,000,000 bytes, and the readers
hold every file, uploaded or named on the command line, to the same number."""
DEFAULT_MAX_MB: Final = 1024
_PARQUET_MAGIC: Final = b"PAR1"
_GZIP_MAGIC: Final = b"\x1f\x8b"
_GZIP_CHUNK: Final = 8 * 1024 * 1024
_CSV_SAMPLE: Final = 64_000


@dataclass(frozen=True)
class Limits:
    """What a single input file may be.

    Attributes:
        max_bytes: the largest file accepted (default ``$ECON_MAX_FILE_MB`` megabytes, else
            1,024 megabytes of :data:`MEGABYTE` bytes: the app's upload limit).
        max_rows: the most rows a file may hold.
        bomb_rows: a parquet file with at least this many rows...
        bomb_rows_per_byte: ...and more rows per byte of file than this is a decompression
            bomb: honest ledgers hold well under one row per byte.
        max_json_bytes: the largest JSON document (an array or API pages) read whole; JSON
            Lines files are streamed and only held to ``max_bytes``.
    """

    max_bytes: int = DEFAULT_MAX_MB * MEGABYTE
    max_rows: int = 2_000_000_000
    bomb_rows: int = 10_000_000
    bomb_rows_per_byte: float = 50.0
    max_json_bytes: int = 256 * MEGABYTE

    @classmethod
    def from_environment(cls) -> Limits:
        megabytes = os.environ.get(MAX_MB_ENV)
        if megabytes and megabytes.replace(".", "", 1).isdigit():
            return cls(max_bytes=int(float(megabytes) * MEGABYTE))
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
        hints: per (normalized) column, what its header's suffix said (see :class:`Header`):
            ``"utc"``, ``"cents"`` or ``"dollars"``.
        kind: what the source was read as: ``"parquet"``, ``"csv"``, ``"json"`` (an array or
            an API page), ``"jsonl"`` or ``"frame"``.
        warnings: what reading found that makes the table less than the whole export (an API
            listing whose last page says more follow).
    """

    frame: pl.LazyFrame
    facts: Mapping[str, ColumnFacts]
    files: tuple[Path, ...] = ()
    hints: Mapping[str, str] = field(default_factory=dict)
    kind: str = "frame"
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Opened:
    """One source opened: its rows, statistics and kind; for API pages, whether the listing
    goes on past them, and how many records hold only part of their child list."""

    frame: pl.LazyFrame
    facts: Mapping[str, ColumnFacts]
    kind: str
    paged: bool = False
    continues: bool = False
    partial_children: int = 0


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
        opened = _Opened(source, {}, "frame")
    elif isinstance(source, pl.DataFrame):
        opened = _Opened(source.lazy(), frame_facts(source), "frame")
    elif isinstance(source, bytes):
        opened = _read_bytes(source, label, limits)
    else:
        files = source_files(source, label)
        opened = (
            _read_path(files[0], label, limits)
            if len(files) == 1
            else _read_files(files, label, limits)
        )
    frame, facts, kind = opened.frame, opened.facts, opened.kind
    try:
        names = frame.collect_schema().names()
    except READ_ERRORS as error:
        problem = Problem(label, None, unreadable(error, opened.kind))
        raise InputError([problem]) from None
    renamed = normalized_names(names)
    hints = {
        new: hint
        for old, new in zip(names, renamed, strict=True)
        if (hint := read_header(old).hint) is not None
    }
    if renamed != names:
        frame = frame.rename(dict(zip(names, renamed, strict=True)))
        facts = {new: facts[old] for old, new in zip(names, renamed, strict=True) if old in facts}
    warnings = (*_listing_warnings(opened, label), *name_collisions(names, renamed, label))
    return Table(frame, facts, files, hints, kind, warnings)


def _listing_warnings(opened: _Opened, label: str) -> tuple[str, ...]:
    warnings = []
    if opened.paged and opened.continues:
        warnings.append(
            f"{label}: its last API page says more records follow (has_more or a next page): "
            "the rest of the listing is not in it, so its totals can only be too low. Give every "
            "page (several files are read as one table)."
        )
    if count := opened.partial_children:
        records = "1 record lists" if count == 1 else f"{count:,} records list"
        warnings.append(
            f"{label}: {records} only the first of their lines (the list says has_more): the "
            "other lines are not in it. Fetch them (for Stripe, GET /v1/invoices/{id}/lines) "
            "and give those too."
        )
    return tuple(warnings)


def source_files(source: PathLike | Sequence[PathLike], label: str) -> tuple[Path, ...]:
    """The files a path names: itself, the data files under a folder, or a glob's matches; for
    a list of paths, the files of each, in order (each file once).

    A folder holds parquet files (hive partitions too), or else JSON Lines, JSON or CSV files
    (gzipped or not, as Langfuse's blob export writes them); its hidden and underscore files
    (``_SUCCESS``, ``.crc``, ``_temporary/``) are writers' own and skipped.
    """
    if not isinstance(source, str | os.PathLike):
        if not source:
            raise InputError([Problem(label, None, "names no file (the list is empty)")])
        listed = [file for item in source for file in source_files(item, label)]
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
        children = sorted(
            child
            for child in path.rglob("*")
            if child.is_file()
            and not any(p.startswith((".", "_")) for p in child.relative_to(path).parts)
        )
        for suffixes in _FOLDER_KINDS:
            found = tuple(child for child in children if _data_suffix(child) in suffixes)
            if found:
                return found
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    f"is a folder with no parquet, JSON Lines, JSON or CSV files: {path}",
                )
            ]
        )
    if not path.exists():
        raise InputError([Problem(label, None, f"was not found at {path}")])
    return (path,)


def _data_suffix(path: Path) -> str:
    """``.jsonl`` for ``x.jsonl`` and ``x.jsonl.gz`` alike."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


_FOLDER_KINDS: Final = (
    frozenset({".parquet"}),
    frozenset({".jsonl", ".ndjson"}),
    frozenset({".json"}),
    frozenset({".csv", ".tsv"}),
)


_SUFFIX: Final = re.compile(r"\s*[\(\[]\s*([^()\[\]]+?)\s*[\)\]]\s*$")
_ZONES: Final = frozenset({"utc", "gmt", "z", "utc+0", "utc+00:00"})
_CENTS: Final = frozenset({"cents", "in cents", "minor units", "minor unit"})
_DOLLARS: Final = frozenset({"usd", "$", "dollars", "us$", "in dollars", "major units"})
_NAMELESS: Final = "column"
"""The name of a column whose header has no letter or digit."""
UTC: Final = "utc"
CENTS: Final = "cents"
DOLLARS: Final = "dollars"


@dataclass(frozen=True)
class Header:
    """A column name as exports write it, read: its normalized name and what a suffix said.

    Attributes:
        name: the normalized name (see :func:`normalize`).
        hint: ``"utc"`` for a time-zone suffix (``"Created (UTC)"``), ``"cents"`` or
            ``"dollars"`` for a money unit (``"plan_amount (cents)"``, ``"Amount (USD)"``),
            else ``None``.
    """

    name: str
    hint: str | None = None


def read_header(raw: str) -> Header:
    """``"Created (UTC)"`` → ``created`` (hint utc); ``"startTime"`` → ``start_time``;
    ``"plan_amount (cents)"`` → ``plan_amount`` (hint cents); ``"Cost (USD)"`` → ``cost_usd``
    (hint dollars); ``"Customer ID"`` → ``customer_id``.

    A bracketed suffix naming a time zone or cents is taken off the name and kept as the hint;
    one naming dollars stays in the name (``_usd``, as the contract's money columns end) and
    gives the hint too. Any other suffix is just part of the name.
    """
    text = raw.strip()
    hint = None
    suffix = _SUFFIX.search(text)
    if suffix and suffix.start() > 0:
        said = suffix.group(1).strip().lower()
        if said in _ZONES:
            hint, text = UTC, text[: suffix.start()]
        elif said in _CENTS:
            hint, text = CENTS, text[: suffix.start()]
        elif said in _DOLLARS:
            hint, text = DOLLARS, f"{text[: suffix.start()]} usd"
    # camelCase and PascalCase words: startTime → start_Time, userID → user_ID, APIKey → API_Key
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    name = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_") or _NAMELESS
    return Header(name, hint)


def normalize(name: str) -> str:
    """A column name as econ knows it: lower snake case, camelCase split, a time-zone or unit
    suffix taken off (see :func:`read_header`)."""
    return read_header(name).name


RESERVED_NAMES: Final = frozenset({"row", "priced_by"})
"""Columns econ adds to every table it reads (each row's number in its file, and how its cost
was found): a file's own column of that name is read as ``row_2``, ``priced_by_2``."""


def normalized_names(names: list[str], reserved: frozenset[str] = RESERVED_NAMES) -> list[str]:
    """Every name normalized; names that collide (with each other or with a ``reserved`` name)
    get ``_2``, ``_3``, … A name already in normal form keeps it (``cost_usd`` beside
    ``Cost USD`` is ``cost_usd``, and ``Cost USD`` is ``cost_usd_2``); otherwise the first in
    file order does.

    Linear in the number of names: each base name remembers the next suffix to try.
    """
    bases = [normalize(name) for name in names]
    out: list[str | None] = [None] * len(names)
    taken: set[str] = set(reserved)
    for index, (name, base) in enumerate(zip(names, bases, strict=True)):
        if name == base and base not in taken:
            out[index] = base
            taken.add(base)
    next_suffix: dict[str, int] = {}
    for index, base in enumerate(bases):
        if out[index] is not None:
            continue
        candidate = base
        suffix = next_suffix.get(base, 2)
        while candidate in taken:
            candidate, suffix = f"{base}_{suffix}", suffix + 1
        next_suffix[base] = suffix
        taken.add(candidate)
        out[index] = candidate
    return [name for name in out if name is not None]


_DUPLICATED: Final = re.compile(r"_duplicated_\d+$")


def name_collisions(names: list[str], renamed: list[str], label: str) -> tuple[str, ...]:
    """Warnings for columns whose names mean the same once normalized (``Cost USD`` and
    ``cost_usd``): which one is read under the name, and what the others are called."""
    groups: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        # polars reads a CSV header's second ``cost_usd`` as ``cost_usd_duplicated_0``
        groups.setdefault(normalize(_DUPLICATED.sub("", name)), []).append(index)
    warnings = []
    for base, indexes in groups.items():
        chosen = next((i for i in indexes if renamed[i] == base), None)
        if len(indexes) < 2 or chosen is None or base == _NAMELESS:
            continue  # names without a letter or digit mean nothing econ reads
        listed = [f"{names[i]!r} as {renamed[i]}" for i in indexes if i != chosen]
        others = ", ".join(listed[:5]) + (
            f" and {len(listed) - 5:,} more" if len(listed) > 5 else ""
        )
        exact = [i for i in indexes if _DUPLICATED.sub("", names[i]) == base]
        rule = "its exact name" if exact == [chosen] else "the first in the file"
        warnings.append(
            f"{label}: {len(indexes)} columns read as {base}: {names[chosen]!r} is used ({rule}); "
            f"the others are read as other columns ({others}). If another one holds the "
            "figures, map it explicitly."
        )
    return tuple(warnings)


def unreadable(error: BaseException, kind: str = "") -> str:
    """What a reader's error means for the file (read as ``kind``, when known), in words a
    user can act on: the rule of a problem whose file could not be read."""
    said = first_line(error)
    lowered = said.lower()
    csv = kind == "csv" or "malformed" in lowered or "quote" in lowered
    if "utf-8" in lowered or "utf8" in lowered:
        return (
            "is not UTF-8 text throughout (some bytes past the start are in another encoding, "
            "such as Latin-1): export or save it as UTF-8"
        )
    if csv or "number of fields" in lowered:
        return (
            "is not a well-formed CSV file: a quoted value may be left open, or rows may have "
            f"different numbers of fields ({said})"
        )
    if "no space left" in lowered:
        return f"could not be read: the disk is full ({said})"
    return f"could not be read ({said})"


READ_ERRORS: Final = (
    pl.exceptions.PolarsError,
    pl.exceptions.PanicException,
    pa.ArrowException,
    OSError,
)
"""What reading a damaged file can raise (a panic in polars' reader reaches Python as a
``PanicException``, which is not an ``Exception``): every one becomes a problem naming the
file."""


def example_row(frame: pl.DataFrame) -> dict[str, object]:
    """A frame's first row as Python values for a message, dates and times as text: a date a
    damaged file claims (the year -48210) has no Python form."""
    temporal = [name for name, dtype in frame.schema.items() if dtype.is_temporal()]
    return frame.head(1).with_columns(pl.col(temporal).cast(pl.String)).row(0, named=True)


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


_Facts: TypeAlias = dict[str, ColumnFacts]


def _read_path(path: Path, label: str, limits: Limits) -> _Opened:
    size = path.stat().st_size
    _check_size(size, label, limits)
    with path.open("rb") as handle:
        head = handle.read(_CSV_SAMPLE)
    if head.startswith(_GZIP_MAGIC):
        with path.open("rb") as handle:
            return _read_bytes(_gunzip(handle, label, limits), label, limits)
    if head.startswith(_PARQUET_MAGIC):
        metadata = _parquet_metadata(path, size, label, limits)
        return _Opened(pl.scan_parquet(path), parquet_facts([metadata]), "parquet")
    return _text_table(path, head, label, limits)


def _gunzip(handle: BinaryIO, label: str, limits: Limits) -> bytes:
    """A gzip file's content (Langfuse's blob exports are gzipped by default), held to the size
    limit as it is decompressed: a small file that would grow past it is refused unread."""
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=handle) as stream:
            while chunk := stream.read(_GZIP_CHUNK):
                out.write(chunk)
                if out.tell() > limits.max_bytes:
                    raise InputError(
                        [
                            Problem(
                                label,
                                None,
                                f"decompresses to more than {_size(limits.max_bytes)}, over the "
                                f"limit (set {MAX_MB_ENV}, in megabytes, to raise it)",
                            )
                        ]
                    )
    except (OSError, EOFError, zlib.error) as error:
        raise InputError(
            [Problem(label, None, f"is a damaged gzip file ({first_line(error)})")]
        ) from None
    if out.tell() == 0:
        raise InputError([Problem(label, None, "is an empty gzip file")])
    return out.getvalue()


def _read_files(files: tuple[Path, ...], label: str, limits: Limits) -> _Opened:
    """Several files as one lazy table; each is checked like a single file.

    Parquet files are scanned together (hive partition keys become columns); text files (JSON
    Lines, JSON, CSV, e.g. one API page per file) are read one by one and stacked, a column
    missing from some files being empty there.
    """
    heads = []
    for path in files:
        name = f"{label} ({path.name})"
        _check_size(path.stat().st_size, name, limits)
        with path.open("rb") as handle:
            heads.append(handle.read(_CSV_SAMPLE))
    parquet = [head.startswith(_PARQUET_MAGIC) for head in heads]
    if any(parquet) and not all(parquet):
        mixed = files[parquet.index(False)].name
        raise InputError([Problem(label, None, f"mixes parquet files with other files ({mixed})")])
    if not all(parquet):
        parts = [_read_path(path, f"{label} ({path.name})", limits) for path in files]
        kinds = {part.kind for part in parts}
        paged = [part for part in parts if part.paged]
        return _Opened(
            pl.concat([part.frame for part in parts], how="diagonal_relaxed"),
            {},
            kinds.pop() if len(kinds) == 1 else "mixed",
            paged=bool(paged),
            # Pages 1 and 2 of 3 say more follow; the listing is whole when one page ends it.
            continues=bool(paged) and all(part.continues for part in paged),
            partial_children=sum(part.partial_children for part in parts),
        )
    metadata = []
    for path in files:
        name = f"{label} ({path.name})"
        metadata.append(_parquet_metadata(path, path.stat().st_size, name, limits))
    rows = sum(m.num_rows for m in metadata)
    if rows > limits.max_rows:
        raise InputError(
            [Problem(label, None, f"holds {rows:,} rows, over the {limits.max_rows:,} row limit")]
        )
    return _Opened(_scan_parquet_files(files, metadata), parquet_facts(metadata), "parquet")


_HIVE_PART: Final = re.compile(r"^([^=/]+)=([^/]*)$")


def _scan_parquet_files(files: tuple[Path, ...], metadata: list[pq.FileMetaData]) -> pl.LazyFrame:
    """Parquet files as one lazy table. Files written alike are scanned together (hive keys
    become columns); files whose columns differ (a column added one month, a count written
    as floats in another file) are scanned one by one and stacked: a column a file lacks is
    empty there, and a column's type widens to hold every file's values."""
    schemas = [m.schema.to_arrow_schema() for m in metadata]
    if all(schema.equals(schemas[0]) for schema in schemas[1:]):
        return pl.scan_parquet(list(files), hive_partitioning=True)
    parts = []
    for path in files:
        keys = [match.groups() for part in path.parent.parts if (match := _HIVE_PART.match(part))]
        parts.append(pl.scan_parquet(path).with_columns(pl.lit(v).alias(k) for k, v in keys))
    return pl.concat(parts, how="diagonal_relaxed")


def _read_bytes(content: bytes, label: str, limits: Limits) -> _Opened:
    _check_size(len(content), label, limits)
    if content.startswith(_GZIP_MAGIC):
        return _read_bytes(_gunzip(io.BytesIO(content), label, limits), label, limits)
    if content.startswith(_PARQUET_MAGIC):
        metadata = _parquet_metadata(content, len(content), label, limits)
        return _Opened(pl.scan_parquet(io.BytesIO(content)), parquet_facts([metadata]), "parquet")
    return _text_table(content, content[:_CSV_SAMPLE], label, limits)


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
                bounds = _bounds(stats)
                if bounds is None:
                    ranges[name] = None
                elif name not in ranges:
                    ranges[name] = _range(None, *bounds)
                elif (known := ranges[name]) is not None:
                    ranges[name] = _range(known, *bounds)
    facts = {}
    for name, count in nulls.items():
        low, high = ranges.get(name) or (None, None)
        facts[name] = ColumnFacts(count, low, high, rows)
    return facts


def _bounds(stats: pq.Statistics | None) -> tuple[object, object] | None:
    """A row group's (min, max), or ``None`` when it has none Python can hold (a timestamp
    past the year 9999, text that is not UTF-8): the statistics are hints, never required."""
    if stats is None or not stats.has_min_max:
        return None
    try:
        return stats.min, stats.max
    except (ValueError, OverflowError, ArithmeticError, TypeError):
        return None


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
    try:
        lows = frame.select(pl.col(ranged).min()).row(0, named=True) if ranged else {}
        highs = frame.select(pl.col(ranged).max()).row(0, named=True) if ranged else {}
    except (ValueError, OverflowError):  # a date Python cannot hold: no ranges, only counts
        lows, highs = {}, {}
    return {
        name: ColumnFacts(int(nulls[name]), lows.get(name), highs.get(name), frame.height)
        for name in frame.columns
    }


def _comparable(value: object) -> bool:
    if isinstance(value, float):
        return not math.isnan(value)
    return isinstance(value, int | dt.date | dt.datetime)


_NOT_READABLE: Final = "is not a readable parquet, CSV, JSON or JSON Lines file"


def _text_table(source: Path | bytes, head: bytes, label: str, limits: Limits) -> _Opened:
    """A CSV, JSON or JSON Lines file (told apart by their content, not their name); other
    text (an HTML error page) is named for what it is."""
    start = head.lstrip()[:1]
    if start in (b"{", b"["):
        return _json_table(source, head, label, limits)
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
    _check_csv_shape(source, head, label)
    return _Opened(_scan_csv(source, head, label), {}, "csv")


MAX_CSV_COLUMNS: Final = 10_000
"""The most columns a CSV file may have (exports have dozens)."""
MAX_LINE_BYTES: Final = 16 * MEGABYTE
"""The longest line a CSV file may have: room for a long prompt in one cell, but a file that is
one gigantic line would take many times its size in memory to parse."""
_LINE_CHUNK: Final = MAX_LINE_BYTES // 2


def _check_csv_shape(source: Path | bytes, head: bytes, label: str) -> None:
    """Refuse a CSV file whose header runs past the first 64 KB or names more than
    :data:`MAX_CSV_COLUMNS` columns, or that has a line longer than :data:`MAX_LINE_BYTES`,
    before polars parses it: one pass over the bytes, a few comparisons per megabytes."""
    end = head.find(b"\n")
    if end < 0 and len(head) >= _CSV_SAMPLE:
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    f"has a first line (its header) longer than {_size(_CSV_SAMPLE)}, which no "
                    "export's header is (is it one line of data without line breaks)",
                )
            ]
        )
    header = head if end < 0 else head[:end]
    separator = max((b",", b";", b"\t"), key=header.count)
    columns = header.count(separator) + 1
    if columns > MAX_CSV_COLUMNS:
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    f"has {columns:,} columns, more than the {MAX_CSV_COLUMNS:,} a table may have",
                )
            ]
        )
    run = 0  # the length of the line still open at the end of what has been read
    for chunk in _chunks(source):
        first = chunk.find(b"\n")
        longest = run + (len(chunk) if first < 0 else first)
        run = len(chunk) - chunk.rfind(b"\n") - 1 if first >= 0 else longest
        if longest > MAX_LINE_BYTES or run > MAX_LINE_BYTES:
            raise InputError(
                [
                    Problem(
                        label,
                        None,
                        f"has a line longer than {_size(MAX_LINE_BYTES)}, which no row of a table "
                        "is (is it one value written without line breaks)",
                    )
                ]
            )


def _chunks(source: Path | bytes) -> Iterable[bytes]:
    if isinstance(source, bytes):
        view = memoryview(source)
        for start in range(0, len(source), _LINE_CHUNK):
            yield bytes(view[start : start + _LINE_CHUNK])
        return
    with source.open("rb") as handle:
        while chunk := handle.read(_LINE_CHUNK):
            yield chunk


# --- JSON ----------------------------------------------------------------------------------

_RECORD_LISTS: Final = ("data", "invoices", "entries")
"""Where an API page keeps its records: ``data`` (Stripe lists, OpenAI pages, LiteLLM's
``/spend/logs/v2``), ``invoices`` and ``entries`` (ChartMogul)."""
_PAGE_KEYS: Final = frozenset(
    {
        "object",
        "has_more",
        "next_page",
        "total",
        "total_count",
        "page",
        "page_size",
        "per_page",
        "current_page",
        "total_pages",
        "total_is_capped",
        "url",
        "cursor",
        "error",
    }
)
"""The other keys a page may have: an object with a record list and only these is a page."""
_CHILD_LISTS: Final = {
    "results": "bucket",
    "lines": "invoice",
    "line_items": "invoice",
    "items": "subscription",
}
"""Lists of records inside a record, and what the parent is called when a name collides:
OpenAI usage buckets hold ``results``; Stripe invoices their ``lines`` and subscriptions their
``items`` (list objects); ChartMogul invoices their ``line_items``."""
_CHILD: Final = "__child__"


def _json_table(source: Path | bytes, head: bytes, label: str, limits: Limits) -> _Opened:
    """JSON Lines (one record a line, streamed; see :func:`_lines_schema`), a JSON array of
    records, or API pages (an object with a record list, or one such page a line), as one table
    of records.

    In arrays and pages, read whole, nested objects are records (structs) with every key any
    row has. Lists of child records (OpenAI's ``results``, Stripe's invoice ``lines``) become
    one row per child, carrying the parent's fields.
    """
    text = head.lstrip()
    opening = text.split(b"\n", 1)[0]
    try:
        if text.startswith(b"["):
            content = _bytes_of(source)
            _check_whole_json(len(content), label, limits)
            whole = _json_value(content)
            if isinstance(whole, list):
                _check_width(whole, label)
            try:
                frame = pl.read_json(content, infer_schema_length=None).lazy()
            except pl.exceptions.PolarsError:
                raise InputError([Problem(label, None, _json_error(content))]) from None
            return _Opened(_unwrap(frame), {}, "json")
        if isinstance(first := _json_value(opening), dict) and not _is_page(first):
            frame = pl.scan_ndjson(source, schema=_lines_schema(source, label))
            return _Opened(_unwrap(frame), {}, "jsonl")
        opened = _pages(_bytes_of(source), label, limits)
        return replace(opened, frame=_unwrap(opened.frame))
    except InputError:
        raise
    except RecursionError:
        problem = Problem(
            label, None, "is JSON nested thousands of levels deep, which no export is"
        )
        raise InputError([problem]) from None
    except (pl.exceptions.PolarsError, ValueError, OSError) as error:
        problem = Problem(label, None, f"is not readable JSON ({first_line(error)})")
        raise InputError([problem]) from None


_SAMPLE_HEAD: Final = 1024 * 1024
_SAMPLE_SLICES: Final = 16
_SAMPLE_SLICE: Final = 256 * 1024


def _lines_schema(source: Path | bytes, label: str) -> pl.Schema:
    """The columns of a JSON Lines file, learned from a sample: its first megabyte and 16
    slices spread over the rest, so a stream of any size is read in bounded memory.

    Values are read as text (numbers, flags and times are converted where they are used), so
    no row can contradict a type the sample suggested, and objects as their JSON text, so a key
    that first appears late inside one is never lost. Lists of child records
    (:data:`_CHILD_LISTS`) keep their structure, to be read one row per child; other lists are
    lists of text. Exporters write the same top-level keys on every line, which the sample
    finds.
    """
    sample = _sample_lines(source)
    _check_width([_json_value(line) for line in sample.splitlines() if line.strip()], label)
    inferred = pl.read_ndjson(io.BytesIO(sample), infer_schema_length=None).schema
    columns: dict[str, pl.DataType] = {}
    for name, dtype in inferred.items():
        if name in _CHILD_LISTS and isinstance(dtype, pl.List | pl.Struct):
            columns[name] = dtype
        elif isinstance(dtype, pl.List) and not isinstance(dtype.inner, pl.Struct | pl.List):
            columns[name] = pl.List(pl.String())
        else:
            columns[name] = pl.String()
    return pl.Schema(columns)


def _sample_lines(source: Path | bytes) -> bytes:
    """Whole lines from the head of a file and from slices spread over it."""
    size = len(source) if isinstance(source, bytes) else source.stat().st_size

    def read(offset: int, length: int) -> bytes:
        if isinstance(source, bytes):
            return source[offset : offset + length]
        with source.open("rb") as handle:
            handle.seek(offset)
            return handle.read(length)

    head = read(0, _SAMPLE_HEAD)
    parts = [head if size <= _SAMPLE_HEAD else head[: head.rfind(b"\n") + 1]]
    if size > _SAMPLE_HEAD:
        step = (size - _SAMPLE_HEAD) // _SAMPLE_SLICES
        for index in range(_SAMPLE_SLICES):
            chunk = read(_SAMPLE_HEAD + index * step, _SAMPLE_SLICE)
            start, end = chunk.find(b"\n") + 1, chunk.rfind(b"\n") + 1
            if 0 < start < end:
                parts.append(chunk[start:end])
    return b"".join(parts)


def _json_error(content: bytes) -> str:
    """Why a JSON document does not parse, where, and the usual cause when it is one."""
    try:
        json.loads(content)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}: {error.msg}"
        before = content[: error.pos].rstrip()
        after = content[error.pos : error.pos + 1]
        if before.endswith(b",") and after in (b"]", b"}"):
            return (
                f"is not readable JSON ({where}): a comma before the closing bracket (the "
                "Helicone export tool's JSON mode writes one when no --limit is given); export "
                "JSON Lines, or remove that comma"
            )
        return f"is not readable JSON ({where})"
    except UnicodeDecodeError:
        return "is not readable JSON (it is not UTF-8 text)"
    return "is not readable JSON (its values cannot form one table: an array of objects is read)"


def _bytes_of(source: Path | bytes) -> bytes:
    return source if isinstance(source, bytes) else source.read_bytes()


def _json_value(line: bytes) -> object:
    try:
        return json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _is_page(value: dict[str, object]) -> bool:
    lists = [key for key in _RECORD_LISTS if isinstance(value.get(key), list)]
    return len(lists) == 1 and set(value) - {lists[0]} <= _PAGE_KEYS


def _page_records(value: dict[str, object]) -> list[object]:
    key = next(key for key in _RECORD_LISTS if isinstance(value.get(key), list))
    records = value[key]
    return list(records) if isinstance(records, list) else []


def _continues(page: Mapping[str, object]) -> bool:
    """Whether an API page says the listing goes on: ``has_more`` (Stripe, OpenAI, ChartMogul),
    a ``next_page`` cursor, or a page number below ``total_pages`` (LiteLLM)."""
    if page.get("has_more") is True or page.get("next_page") not in (None, ""):
        return True
    number, pages = page.get("page"), page.get("total_pages")
    return isinstance(number, int) and isinstance(pages, int) and number < pages


MAX_JSON_KEYS: Final = 500
"""The most distinct top-level keys the records of a JSON file may have (exports have
dozens): each becomes a column of every row."""
MAX_JSON_CELLS: Final = 50_000_000
"""The most cells (records × distinct keys) a JSON document read whole may make: a file whose
every record has a key of its own would be a table of mostly empty cells, quadratic in size."""


def _check_whole_json(size: int, label: str, limits: Limits) -> None:
    if size > limits.max_json_bytes:
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    f"is a JSON document of {_size(size)}, over the "
                    f"{_size(limits.max_json_bytes)} that is read whole; export it as JSON Lines "
                    "(one record a line), which is read in a stream",
                )
            ]
        )


def _check_width(records: Sequence[object], label: str) -> None:
    """Refuse records with more distinct keys than a table has columns, or that would make
    a table of more than :data:`MAX_JSON_CELLS` cells, before a frame is built from them."""
    keys: set[str] = set()
    for record in records:
        if isinstance(record, dict):
            keys.update(record)
            if len(keys) > MAX_JSON_KEYS:
                raise InputError(
                    [
                        Problem(
                            label,
                            None,
                            f"has records with more than {MAX_JSON_KEYS:,} different keys, more "
                            "columns than any export has (is each record keyed by its own id?)",
                        )
                    ]
                )
    if len(records) * len(keys) > MAX_JSON_CELLS:
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    f"would be a table of {len(records):,} records × {len(keys):,} keys, over "
                    f"the {MAX_JSON_CELLS:,} cells a JSON document read whole may make; export "
                    "it as JSON Lines, which is read in a stream",
                )
            ]
        )


def _pages(content: bytes, label: str, limits: Limits) -> _Opened:
    """The records of one API page, or of several (one a line)."""
    _check_whole_json(len(content), label, limits)
    whole = _json_value(content)
    documents = (
        [whole]
        if whole is not None
        else [_json_value(line) for line in content.splitlines() if line.strip()]
    )
    records: list[object] = []
    pages: list[bool] = []
    for number, document in enumerate(documents, start=1):
        if isinstance(document, dict) and _is_page(document):
            records.extend(_page_records(document))
            pages.append(_continues(document))
        elif isinstance(document, dict):
            records.append(document)
        else:
            where = f"line {number}" if whole is None else "the document"
            raise InputError(
                [Problem(label, None, f"is not readable JSON ({where} is not a JSON object)")]
            )
    if not records:
        raise InputError([Problem(label, None, "has no rows (its JSON holds no records)")])
    if not all(isinstance(record, dict) for record in records):
        raise InputError([Problem(label, None, "is JSON whose records are not objects")])
    partial = sum(
        1
        for record in records
        if isinstance(record, dict)
        and any(
            isinstance(children := record.get(name), dict) and _continues(children)
            for name in _CHILD_LISTS
        )
    )
    _check_width(records, label)
    return _Opened(
        pl.read_json(json.dumps(records).encode(), infer_schema_length=None).lazy(),
        {},
        "json",
        paged=bool(pages),
        continues=bool(pages) and all(pages),
        partial_children=partial,
    )


def _unwrap(frame: pl.LazyFrame) -> pl.LazyFrame:
    """One row per child record when records hold a list of them (see :data:`_CHILD_LISTS`)."""
    schema = frame.collect_schema()
    for name, parent in _CHILD_LISTS.items():
        dtype = schema.get(name)
        children: pl.Expr | None = None
        inner: object = None
        if isinstance(dtype, pl.List):
            children, inner = pl.col(name), dtype.inner
        elif isinstance(dtype, pl.Struct):
            fields = {f.name: f.dtype for f in dtype.fields}
            data = fields.get("data")
            if isinstance(data, pl.List):
                children, inner = pl.col(name).struct.field("data"), data.inner
        if children is None or not isinstance(inner, pl.Struct):
            continue
        child_names = {f.name for f in inner.fields}
        parents = [
            pl.col(column).alias(f"{parent}_{column}" if column in child_names else column)
            for column in schema.names()
            if column != name
        ]
        return frame.select(*parents, children.alias(_CHILD)).explode(_CHILD).unnest(_CHILD)
    return frame


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
    """A size in decimal units (1 MB is :data:`MEGABYTE` bytes), as the uploader shows it."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1000
    return f"{size:,.1f} GB"


def _parquet_metadata(
    source: Path | bytes, size: int, label: str, limits: Limits
) -> pq.FileMetaData:
    """A parquet file's footer, checked (see :mod:`econ.inputs.footer`) before pyarrow decodes it,
    and held to the row limit and the decompression-bomb rule."""

    if isinstance(source, bytes):
        check_footer(lambda offset, length: source[offset : offset + length], size, label)
    else:
        with source.open("rb") as handle:

            def read_at(offset: int, length: int) -> bytes:
                handle.seek(offset)
                return handle.read(length)

            check_footer(read_at, size, label)
    try:
        metadata = pq.read_metadata(source if isinstance(source, Path) else io.BytesIO(source))
    except Exception:  # a damaged footer raises OSError or ArrowInvalid depending on the damage
        problem = Problem(label, None, "is not a readable parquet file (damaged footer)")
        raise InputError([problem]) from None
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


def _scan_csv(source: Path | bytes, head: bytes, label: str) -> pl.LazyFrame:
    """A CSV file scanned lazily, from a path or from bytes alike: inspecting an upload (its
    columns and layout) reads only its first rows, not the whole file."""
    first = head.decode("utf-8", errors="replace").splitlines()[0]
    separator = max((",", ";", "\t"), key=first.count)
    scanned = source if isinstance(source, Path) else io.BytesIO(source)
    try:
        return pl.scan_csv(scanned, separator=separator, infer_schema_length=10_000)
    except READ_ERRORS as error:
        problem = Problem(label, None, unreadable(error, "csv"))
        raise InputError([problem]) from None
