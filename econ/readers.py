"""Reading input files safely: parquet or CSV, within size limits, refusing decompression bombs.

Everything here is file-level: a file that cannot be read at all, is too big, or claims far more
rows than its bytes could honestly hold is refused before any row is decoded, so a hostile file
costs neither memory nor minutes.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeAlias

import polars as pl
import pyarrow.parquet as pq

from econ.errors import InputError, Problem

Source: TypeAlias = str | os.PathLike[str] | bytes | pl.DataFrame | pl.LazyFrame
"""A parquet or CSV path, the bytes of such a file, or a polars frame (eager or lazy)."""

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


def default_name(source: Source, fallback: str) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return fallback


def read_table(source: Source, label: str, limits: Limits | None = None) -> pl.LazyFrame:
    """A lazy frame over the file's rows, its column names normalized (see :func:`normalize`)."""
    limits = limits or Limits.from_environment()
    if isinstance(source, pl.LazyFrame | pl.DataFrame):
        frame = source.lazy()
    elif isinstance(source, bytes):
        frame = _read_bytes(source, label, limits)
    else:
        frame = _read_path(Path(source), label, limits)
    try:
        names = frame.collect_schema().names()
    except (pl.exceptions.PolarsError, OSError) as error:
        problem = Problem(label, None, f"is not a readable file ({first_line(error)})")
        raise InputError([problem]) from None
    renamed = normalized_names(names)
    return frame.rename(dict(zip(names, renamed, strict=True))) if renamed != names else frame


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


def _read_path(path: Path, label: str, limits: Limits) -> pl.LazyFrame:
    if not path.exists():
        raise InputError([Problem(label, None, f"was not found at {path}")])
    if path.is_dir():
        raise InputError([Problem(label, None, f"is a folder, not a file: {path}")])
    size = path.stat().st_size
    _check_size(size, label, limits)
    with path.open("rb") as handle:
        head = handle.read(_CSV_SAMPLE)
    if head.startswith(_PARQUET_MAGIC):
        _check_parquet(pq.ParquetFile(path) if _footer_ok(path) else None, size, label, limits)
        return pl.scan_parquet(path)
    return _text_table(path, head, label)


def _read_bytes(content: bytes, label: str, limits: Limits) -> pl.LazyFrame:
    _check_size(len(content), label, limits)
    if content.startswith(_PARQUET_MAGIC):
        try:
            parquet = pq.ParquetFile(io.BytesIO(content))
        except Exception:  # pyarrow raises several types for damaged footers
            parquet = None
        _check_parquet(parquet, len(content), label, limits)
        return pl.scan_parquet(io.BytesIO(content))
    return _text_table(io.BytesIO(content), content[:_CSV_SAMPLE], label)


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


def _check_parquet(parquet: pq.ParquetFile | None, size: int, label: str, limits: Limits) -> None:
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
