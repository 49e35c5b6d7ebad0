"""Uploaded datasets, kept on disk under their content hash so a link can find them again.

Layout under the data directory::

    blobs/<BLAKE3 of the file>.bin     each uploaded file (parquet, CSV, JSON), stored once
    datasets/<dataset id>.json         which usage and revenue blobs form a dataset (one or
                                       several a side, e.g. API pages), and how they are read
                                       (their import specs)
    rollups/<cache key>/               the dataset as loaded (:mod:`econ.cache`), so opening
                                       it again skips reading the ledger

The dataset id is the first 32 hex digits (128 bits) of the BLAKE3 hash of the two files'
hashes and their import specs: it names the exact bytes and reading, and cannot be guessed.
(BLAKE3 rather than SHA-256 because it is over ten times faster here; see :mod:`econ.cache`.)
Every write goes to a temporary file in the same folder first and is then renamed into place,
so a crash never leaves half a file.

The data directory is ``$ECON_DATA_DIR`` when set, else the project's git-ignored ``.data/``
when it can be written, else the platform's user data directory.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeAlias

import platformdirs

from econ.cache import bytes_hash
from econ.imports import ImportSpec
from econ.ingest import Dataset, IngestOptions, load_dataset
from econ.link import SAMPLE_DATASET
from econ.readers import Limits
from econ.sample import SAMPLE_DIR, sample_paths

DATA_DIR_ENV: Final = "ECON_DATA_DIR"
_PROJECT_DATA_DIR: Final = SAMPLE_DIR.parent / ".data"


class DatasetNotFoundError(LookupError):
    """No dataset with that id is stored (it was deleted, or the link came from elsewhere)."""


Content: TypeAlias = bytes | Sequence[bytes]
"""An uploaded side of a dataset: one file's bytes, or several files (API pages, months) read as
one table in this order."""


@dataclass(frozen=True)
class StoredDataset:
    dataset_id: str
    usage_path: Path | tuple[Path, ...]
    revenue_path: Path | tuple[Path, ...]
    usage_name: str
    revenue_name: str
    usage_spec: ImportSpec = field(default_factory=ImportSpec)
    revenue_spec: ImportSpec = field(default_factory=ImportSpec)
    hashes: tuple[str, str] | None = None
    """The BLAKE3 hashes of each side's bytes (several files: of their hashes), which name the
    dataset in the rollup cache (unknown for the sample)."""


def side_hash(hashes: Sequence[str]) -> str:
    """One side's hash: its file's, or for several files the hash of theirs in order."""
    if len(hashes) == 1:
        return hashes[0]
    return bytes_hash("\n".join(hashes).encode())


def default_data_dir() -> Path:
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured)
    project_root = _PROJECT_DATA_DIR.parent
    if os.access(project_root, os.W_OK):
        return _PROJECT_DATA_DIR
    return Path(platformdirs.user_data_dir("econ"))


def dataset_id_for(usage_hash: str, revenue_hash: str, specs: str = "") -> str:
    """128 bits of BLAKE3 over both files' hashes and how they are read."""
    return bytes_hash(f"{usage_hash}:{revenue_hash}:{specs}".encode())[:32]


class DatasetStore:
    """Content-addressed storage of uploaded (usage, revenue) pairs."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else default_data_dir()

    @property
    def _blobs(self) -> Path:
        return self.root / "blobs"

    @property
    def _datasets(self) -> Path:
        return self.root / "datasets"

    def put(
        self,
        usage: Content,
        revenue: Content,
        *,
        usage_name: str,
        revenue_name: str,
        usage_spec: ImportSpec | None = None,
        revenue_spec: ImportSpec | None = None,
    ) -> str:
        """Store both sides' files (each blob once) and how to read them; return the dataset
        id."""
        sides = []
        for content in (usage, revenue):
            contents = [content] if isinstance(content, bytes) else list(content)
            hashes = [bytes_hash(part) for part in contents]
            for digest, part in zip(hashes, contents, strict=True):
                blob = self._blobs / f"{digest}.bin"
                if not blob.exists():
                    _write_atomically(blob, part)
            sides.append(hashes)
        usage_hashes, revenue_hashes = sides
        specs = {
            "usage_spec": (usage_spec or ImportSpec()).to_dict(),
            "revenue_spec": (revenue_spec or ImportSpec()).to_dict(),
        }
        dataset_id = dataset_id_for(
            side_hash(usage_hashes), side_hash(revenue_hashes), json.dumps(specs, sort_keys=True)
        )
        manifest = {
            "usage": usage_hashes[0] if len(usage_hashes) == 1 else usage_hashes,
            "revenue": revenue_hashes[0] if len(revenue_hashes) == 1 else revenue_hashes,
            "usage_name": usage_name,
            "revenue_name": revenue_name,
            **specs,
        }
        _write_atomically(
            self._datasets / f"{dataset_id}.json", json.dumps(manifest, indent=2).encode()
        )
        return dataset_id

    def find(self, dataset_id: str) -> StoredDataset:
        """Where a dataset's files are; the sample data is always there."""
        if dataset_id == SAMPLE_DATASET:
            usage, revenue = sample_paths()
            return StoredDataset(dataset_id, usage, revenue, usage.name, revenue.name)
        manifest_path = self._datasets / f"{dataset_id}.json"
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise DatasetNotFoundError(dataset_id) from None
        try:
            usage_hashes, revenue_hashes = (
                [
                    str(h)
                    for h in (
                        [manifest[side]] if isinstance(manifest[side], str) else manifest[side]
                    )
                ]
                for side in ("usage", "revenue")
            )
        except (KeyError, TypeError):
            raise DatasetNotFoundError(dataset_id) from None
        usage_paths = tuple(self._blobs / f"{digest}.bin" for digest in usage_hashes)
        revenue_paths = tuple(self._blobs / f"{digest}.bin" for digest in revenue_hashes)
        stored = StoredDataset(
            dataset_id,
            usage_paths[0] if len(usage_paths) == 1 else usage_paths,
            revenue_paths[0] if len(revenue_paths) == 1 else revenue_paths,
            str(manifest["usage_name"]),
            str(manifest["revenue_name"]),
            ImportSpec.from_dict(manifest.get("usage_spec", {}), "usage_spec"),
            ImportSpec.from_dict(manifest.get("revenue_spec", {}), "revenue_spec"),
            (side_hash(usage_hashes), side_hash(revenue_hashes)),
        )
        if not all(path.exists() for path in (*usage_paths, *revenue_paths)):
            raise DatasetNotFoundError(dataset_id)
        return stored

    @property
    def rollups(self) -> Path:
        """Where loaded datasets are cached (:mod:`econ.cache`)."""
        return self.root / "rollups"

    def load(self, dataset_id: str, options: IngestOptions | None = None) -> Dataset:
        """Read and validate a stored dataset as it was imported (raises :class:`InputError`);
        from the rollup cache when it was loaded the same way before."""
        stored = self.find(dataset_id)
        if dataset_id == SAMPLE_DATASET:
            # The bundled sample is trusted: upload limits (which may be set low) do not apply.
            options = IngestOptions(
                on_invalid=options.on_invalid if options else "raise", limits=Limits()
            )
        return load_dataset(
            stored.usage_path,
            stored.revenue_path,
            usage_name=stored.usage_name,
            revenue_name=stored.revenue_name,
            usage_spec=stored.usage_spec,
            revenue_spec=stored.revenue_spec,
            options=options,
            cache_dir=self.rollups,
            content_hashes=stored.hashes,
        )

    def forget(self, dataset_id: str) -> None:
        """Drop a dataset's manifest (its blobs may be shared with other datasets)."""
        if dataset_id != SAMPLE_DATASET:
            (self._datasets / f"{dataset_id}.json").unlink(missing_ok=True)


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
