"""Stage 1's results kept on disk, so re-opening a dataset skips reading the ledger again.

A loaded :class:`~econ.inputs.ingest.Dataset` (the rollup, the revenue table, the prepared tables
and what reading found) is written as parquet files plus a small JSON manifest into one folder per
*cache key*::

    <root>/<key>/manifest.json, usage.parquet, revenue.parquet, ...

The key is a BLAKE3 hash over everything the result depends on: the bytes of every input file,
the names they are shown under, how they are read (import specs, ingest options) and the
versions of this cache layout and of the price table used for token pricing. Any change to any
of them is a different key, so an entry is never stale; it is only ever unused.

BLAKE3 because hashing is on the critical path of every open: on the 2-core machine of the
README's benchmark it reads a 300 MB ledger in about 0.05 s, against 0.8 s for SHA-256 (which
this machine's CPU does not accelerate). It is a cryptographic hash, so keys (and the dataset
ids derived from the same digests) cannot be guessed.

An entry is written to a temporary folder and renamed into place, so a crash never leaves half
an entry; a damaged or unreadable entry is removed and the files are read again. The cache keeps
the entries used most recently (16 by default: about 40 MB each for a 20-million-call ledger).
Temporary folders a killed process left behind are removed once they are
:data:`STALE_TEMP_SECONDS` old (younger ones may belong to a writer still at work).

The cache is only an optimization: a folder that cannot be written (read-only, or on a full disk,
where polars raises its own errors rather than :class:`OSError`) means the dataset is analyzed
without it, never an error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any, Final

import blake3
import polars as pl

from econ.errors import Problem
from econ.inputs.dataset import Dataset, Frame, IngestOptions
from econ.inputs.imports import ImportSpec
from econ.inputs.prepare import Prepared
from econ.inputs.readers import Source, source_files

CACHE_VERSION: Final = 5
"""Bump when the layout or the meaning of a cached file changes (4: the per-model token summary,
``model_usage.parquet``, which entries of 3 lack: they are read again from their files; 5: the
ledger's users per customer-month, ``users.parquet``, and their count per revenue row; and the
reporting currency, with ``currency_conversion.parquet``: what was converted into it)."""
DEFAULT_MAX_ENTRIES: Final = 16
_BACKGROUND: Final = ThreadPoolExecutor(max_workers=2, thread_name_prefix="econ-cache")
STALE_TEMP_SECONDS: Final = 30 * 60
"""A temporary file or folder (``.<name>.<random>.tmp``) this old was left by a writer that died:
writes take seconds, and reading the largest upload to validate it well under this."""
_MANIFEST: Final = "manifest.json"
_FRAMES: Final = (
    "usage",
    "revenue",
    "dropped",
    "pricing",
    "revenue_usage",
    "cells",
    "unbilled",
    "segment_values",
)
_USERS: Final = "users"
"""The ledger's users per customer-month: written when its ledger names users; an entry
without it loads as a dataset whose ledger has no user column."""
_CONVERSION: Final = "currency_conversion"
"""What reading converted into the reporting currency (:mod:`econ.inputs.imports.currencies`)."""
_MODEL_USAGE: Final = "model_usage"
"""The per-model token summary (:mod:`econ.inputs.model_usage`): written when the dataset has
one; an entry without it loads as a dataset without it."""


def content_hash(source: Source) -> str | None:
    """The BLAKE3 hex digest of a source's bytes (every file of a folder or glob, with their
    relative paths); ``None`` for polars frames, which have no bytes to hash."""
    if isinstance(source, pl.DataFrame | pl.LazyFrame):
        return None
    if isinstance(source, bytes):
        return bytes_hash(source)
    files = source_files(source, str(source))
    if len(files) == 1:
        return file_hash(files[0])
    digest = blake3.blake3()
    base = Path(os.path.commonpath([str(f) for f in files]))
    for path in files:
        digest.update(f"{path.relative_to(base)}\0{file_hash(path)}\n".encode())
    return str(digest.hexdigest())


def file_hash(path: Path) -> str:
    """The BLAKE3 hex digest of a file's bytes (read memory-mapped, on every core)."""
    digest = blake3.blake3(max_threads=blake3.blake3.AUTO)
    digest.update_mmap(path)
    return str(digest.hexdigest())


def bytes_hash(content: bytes) -> str:
    """The BLAKE3 hex digest of some bytes."""
    return str(blake3.blake3(content, max_threads=blake3.blake3.AUTO).hexdigest())


def cache_key(
    usage_hash: str,
    revenue_hash: str,
    *,
    usage_name: str,
    revenue_name: str,
    usage_spec: ImportSpec,
    revenue_spec: ImportSpec,
    options: IngestOptions,
) -> str:
    """The key of a dataset's cache entry (32 hex digits, 128 bits)."""
    parts = {
        "version": CACHE_VERSION,
        "genai_prices": _version("genai-prices"),
        "usage": usage_hash,
        "revenue": revenue_hash,
        "usage_name": usage_name,
        "revenue_name": revenue_name,
        "usage_spec": usage_spec.to_dict(),
        "revenue_spec": revenue_spec.to_dict(),
        "on_invalid": options.on_invalid,
        "limits": asdict(options.limits),
    }
    return bytes_hash(json.dumps(parts, sort_keys=True, default=str).encode())[:32]


class RollupCache:
    """Cache entries under one folder (see the module docstring).

    At most ``max_entries`` entries are kept: saving one more removes the entries used least
    recently (a load counts as a use).
    """

    def __init__(self, root: Path, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.root = root
        self.max_entries = max_entries

    def load(self, key: str) -> Dataset | None:
        """The dataset stored under ``key``, or ``None`` when there is none (or it is damaged)."""
        folder = self.root / key
        manifest_path = folder / _MANIFEST
        try:
            if not manifest_path.exists():
                return None
        except OSError:
            return None
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            if manifest.get("version") != CACHE_VERSION:
                raise ValueError("written by another cache layout")
            # One chunk per column, as a fresh load has: stage 2 reads them whole.
            frames = {
                name: pl.read_parquet(folder / f"{name}.parquet").rechunk()
                for name in _FRAMES
                if name != "usage"
            }
            # No report needs the rollup itself (only the recommendations and the simulator
            # do), and it is the largest file: read it in the background, once its footer
            # shows it whole.
            pl.read_parquet_schema(folder / "usage.parquet")
            rollup = _BACKGROUND.submit(pl.read_parquet, folder / "usage.parquet")
            models = folder / f"{_MODEL_USAGE}.parquet"
            model_usage = pl.read_parquet(models) if models.exists() else None
            users_path = folder / f"{_USERS}.parquet"
            users = pl.read_parquet(users_path) if users_path.exists() else None
            data = replace(_dataset(manifest, frames, rollup.result, model_usage), users=users)
            data = _with_currency(data, manifest, folder / f"{_CONVERSION}.parquet")
        except (OSError, ValueError, KeyError, pl.exceptions.PolarsError):
            # Damaged or outdated: drop it, so that the files are read and it is written anew.
            shutil.rmtree(folder, ignore_errors=True)
            return None
        with contextlib.suppress(OSError):  # a read-only cache is still read
            _mark_used(manifest_path)
        return data

    def save(self, key: str, data: Dataset) -> bool:
        """Store ``data`` under ``key`` (atomically; an existing entry is kept as it is); whether
        the entry is there now.

        A folder that cannot be written (read-only, full) is not an error: the cache is only an
        optimization, so nothing is kept and nothing half-written is left.
        """
        target = self.root / key
        saved = False
        staging: Path | None = None
        try:
            if target.exists():
                return True
            self.root.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=self.root, prefix=f".{key}.", suffix=".tmp"))
            for name, frame in _frames(data).items():
                frame.write_parquet(staging / f"{name}.parquet", compression="lz4")
            (staging / _MANIFEST).write_text(json.dumps(_manifest(data), indent=1), "utf-8")
            _mark_used(staging / _MANIFEST)
            staging.rename(target)
            saved = True
        except (OSError, pl.exceptions.PolarsError):
            # Read-only, a full disk (polars raises its own errors for that), or another process
            # wrote the same entry meanwhile (then it is there).
            with contextlib.suppress(OSError):
                saved = target.is_dir()
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
        self._evict()
        return saved

    def _evict(self) -> None:
        """Keep the ``max_entries`` entries used most recently; remove stale staging folders
        (left by a crash mid-write)."""
        sweep_temporary(self.root)
        entries: list[tuple[int, Path]] = []
        try:
            folders = list(self.root.iterdir())
        except OSError:
            return
        for folder in folders:
            if folder.name.startswith("."):
                continue
            try:
                entries.append(((folder / _MANIFEST).stat().st_mtime_ns, folder))
            except OSError:
                continue
        entries.sort(reverse=True)
        for _, folder in entries[self.max_entries :]:
            shutil.rmtree(folder, ignore_errors=True)


def sweep_temporary(folder: Path, older_than: float = STALE_TEMP_SECONDS) -> int:
    """Remove the temporary files and folders (``.<name>.<random>.tmp``) in ``folder`` that
    were last written over ``older_than`` seconds ago: a killed process left them. Younger ones
    are kept, as a writer may still be at work on them. Returns how many were removed; a folder
    that cannot be read or written is left as it is."""
    try:
        children = [
            child
            for child in folder.iterdir()
            if child.name.startswith(".") and child.name.endswith(".tmp")
        ]
    except OSError:
        return 0
    cutoff = time.time() - older_than
    removed = 0
    for child in children:
        try:
            if _last_written(child) >= cutoff:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
            removed += 1
        except OSError:
            continue
    return removed


def _last_written(path: Path) -> float:
    """A file's modification time; a folder's, or its newest file's when that is later (a file
    being written in it)."""
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for child in path.iterdir():
            with contextlib.suppress(OSError):
                newest = max(newest, child.lstat().st_mtime)
    return newest


def _mark_used(manifest: Path) -> None:
    """Record a use of an entry in its manifest's modification time, for choosing what to
    evict. The time is set explicitly, to the nanosecond: a file system stamps writes from a
    coarse clock, which can give a save and a use made moments apart the same time."""
    now = time.time_ns()
    os.utime(manifest, ns=(now, now))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def _frames(data: Dataset) -> dict[str, pl.DataFrame]:
    prepared = data.prepared
    frames = {
        "usage": data.usage,
        "revenue": data.revenue,
        "dropped": data.dropped,
        "pricing": data.pricing,
        "revenue_usage": prepared.revenue_usage,
        "cells": prepared.cells,
        "unbilled": prepared.unbilled,
        "segment_values": prepared.segment_values,
    }
    if data.model_usage is not None:
        frames[_MODEL_USAGE] = data.model_usage
    if data.users is not None:
        frames[_USERS] = data.users
    frames[_CONVERSION] = data.currency_conversion
    return frames


def _with_currency(data: Dataset, manifest: Mapping[str, Any], conversion: Path) -> Dataset:
    """The dataset with its reporting currency and what was converted into it (an entry
    without them is in US dollars, nothing converted)."""
    return replace(
        data,
        reporting_currency=str(manifest.get("reporting_currency", "usd")),
        currency_conversion=(
            pl.read_parquet(conversion) if conversion.exists() else data.currency_conversion
        ),
    )


def _manifest(data: Dataset) -> dict[str, Any]:
    return {
        "version": CACHE_VERSION,
        "segment_columns": list(data.segment_columns),
        "usage_rows": data.usage_rows,
        "usage_name": data.usage_name,
        "revenue_name": data.revenue_name,
        "usage_format": data.usage_format,
        "revenue_format": data.revenue_format,
        "dropped_problems": [_problem_to_json(p) for p in data.dropped_problems],
        "notes": list(data.notes),
        "unpriced_models": list(data.unpriced_models),
        "warnings": list(data.warnings),
        "plans": list(data.prepared.plans),
        "months": [month.isoformat() for month in data.prepared.months],
        "reporting_currency": data.reporting_currency,
    }


def _dataset(
    manifest: Mapping[str, Any],
    frames: Mapping[str, pl.DataFrame],
    rollup: Frame,
    model_usage: pl.DataFrame | None = None,
) -> Dataset:
    first, last = (dt.date.fromisoformat(month) for month in manifest["months"])
    prepared = Prepared(
        revenue_usage=frames["revenue_usage"],
        cells=frames["cells"],
        unbilled=frames["unbilled"],
        segment_values=frames["segment_values"],
        plans=tuple(manifest["plans"]),
        months=(first, last),
    )
    return Dataset(
        usage_source=rollup,
        revenue=frames["revenue"],
        prepared=prepared,
        segment_columns=tuple(manifest["segment_columns"]),
        usage_rows=int(manifest["usage_rows"]),
        usage_name=str(manifest["usage_name"]),
        revenue_name=str(manifest["revenue_name"]),
        usage_format=str(manifest["usage_format"]),
        revenue_format=str(manifest["revenue_format"]),
        dropped=frames["dropped"],
        dropped_problems=tuple(_problem_from_json(p) for p in manifest["dropped_problems"]),
        notes=tuple(manifest["notes"]),
        pricing=frames["pricing"],
        unpriced_models=tuple(manifest["unpriced_models"]),
        warnings=tuple(manifest["warnings"]),
        model_usage=model_usage,
    )


# Example rows hold dates and numbers as well as text; each value keeps its type through JSON
# so that a problem reads the same from the cache as when it was found.
def _problem_to_json(problem: Problem) -> dict[str, Any]:
    example = (
        None
        if problem.example is None
        else [[name, *_value_to_json(value)] for name, value in problem.example.items()]
    )
    return {
        "source": problem.source,
        "column": problem.column,
        "rule": problem.rule,
        "count": problem.count,
        "example": example,
        "values": list(problem.values),
    }


def _problem_from_json(data: Mapping[str, Any]) -> Problem:
    example = data["example"]
    return Problem(
        source=data["source"],
        column=data["column"],
        rule=data["rule"],
        count=int(data["count"]),
        example=None
        if example is None
        else {name: _value_from_json(kind, value) for name, kind, value in example},
        values=tuple(data["values"]),
    )


@dataclass(frozen=True)
class _Shown:
    """A value that was neither text, number nor date (a list, a decimal), kept as shown."""

    text: str

    def __str__(self) -> str:
        return self.text


def _value_to_json(value: object) -> tuple[str, object]:
    if value is None or isinstance(value, bool | int | float | str):
        return "plain", value
    if isinstance(value, dt.datetime):
        return "datetime", value.isoformat()
    if isinstance(value, dt.date):
        return "date", value.isoformat()
    return "shown", str(value)


def _value_from_json(kind: str, value: Any) -> object:
    if kind == "datetime":
        return dt.datetime.fromisoformat(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "shown":
        return _Shown(str(value))
    return value
