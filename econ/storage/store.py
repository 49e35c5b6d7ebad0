"""Uploaded datasets, kept on disk under their content hash so a link can find them again.

Layout under the data directory::

    blobs/<BLAKE3 of the file>.bin     each uploaded file (parquet, CSV, JSON), stored once
    datasets/<dataset id>.json         which usage and revenue blobs form a dataset (one or
                                       several a side, e.g. API pages), and how they are read
                                       (their import specs)
    datasets/<dataset id>.access.json  who owns the dataset and who else may open it: private,
                                       named people or email domains, or anyone signed in,
                                       and its signed links with their expiry
                                       (:mod:`econ.storage.access`); written only while the
                                       app's sign-in is on
    datasets/<dataset id>.audit.json   the dataset's audit trail, a JSON list of events newest
                                       last (who uploaded it, opened it, changed its access),
                                       at most 10,000 (the oldest go first); one that could
                                       not be read is kept aside as ``<id>.audit.damaged.json``
    secret.key                         32 random bytes that sign links with an expiry, made on
                                       first use and readable by the server's user alone
                                       (``$ECON_LINK_SECRET`` replaces it)
    scenarios/<dataset id>/            the scenarios saved for a dataset
                                       (:mod:`econ.storage.scenarios`), dropped with it
    rollups/<cache key>/               the dataset as loaded (:mod:`econ.inputs.cache`), so opening
                                       it again skips reading the ledger

Owners, access and audit trails matter only to the app with sign-in on; the command line and
the Python API are local tools that neither sign in nor consult them.

The dataset id is the first 32 hex digits (128 bits) of the BLAKE3 hash of the two files'
hashes and their import specs: it names the exact bytes and reading, and cannot be guessed.
(BLAKE3 rather than SHA-256 because it is over ten times faster here; see :mod:`econ.inputs.cache`.)
Every write goes to a temporary file in the same folder first and is then renamed into place,
so a crash never leaves half a file; temporary files a killed process left behind are removed
when the store is opened, once they are :data:`~econ.inputs.cache.STALE_TEMP_SECONDS` old.

Only what validated is stored (:meth:`DatasetStore.add`): an upload is written to temporary
files, read from them, and renamed into ``blobs/`` only once it can be used, so a refused upload
leaves nothing. The store is bounded (:class:`StoreLimits`: ``$ECON_MAX_DATASETS`` datasets and
``$ECON_MAX_STORE_MB`` megabytes of blobs, 100 and 10,240 by default): past either bound the
datasets used least recently are removed (with their access records, audit trails and saved
scenarios), opening one (a link, the app) counting as a use. A blob
another kept dataset names stays; the bundled sample is not in the store and is always there.

A data directory that cannot be written (read-only, or on a full disk) is not an error: the
rollup cache is skipped, and an upload is still read and validated, then held in this process's
memory only (:attr:`Added.unstored` says why), so links to it last until the server restarts.

The data directory is ``$ECON_DATA_DIR`` when set, else the project's git-ignored ``.data/``
when it can be written, else the platform's user data directory.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeAlias

import platformdirs

from econ import errors
from econ.inputs.cache import STALE_TEMP_SECONDS, bytes_hash, sweep_temporary
from econ.inputs.imports import ImportSpec
from econ.inputs.ingest import Dataset, IngestOptions, load_dataset
from econ.inputs.readers import MEGABYTE, Limits, Source
from econ.inputs.sample import sample_paths
from econ.scenario.link import SAMPLE_DATASET

DATA_DIR_ENV: Final = "ECON_DATA_DIR"
MAX_DATASETS_ENV: Final = "ECON_MAX_DATASETS"
MAX_STORE_MB_ENV: Final = "ECON_MAX_STORE_MB"
DEFAULT_MAX_DATASETS: Final = 100
DEFAULT_MAX_STORE_MB: Final = 10_240
SAVED_SCENARIOS: Final = "scenarios"
"""The folder of saved scenarios (:mod:`econ.storage.scenarios`), one subfolder per dataset."""
ACCESS_SUFFIX: Final = ".access.json"
AUDIT_SUFFIX: Final = ".audit.json"
AUDIT_SET_ASIDE_SUFFIX: Final = ".audit.damaged.json"
"""How ``datasets/<dataset id>`` is followed by the name of its access record, its audit trail,
and an audit trail that could not be read, kept aside (:mod:`econ.storage.access`)."""
LINK_SECRET_FILE: Final = "secret.key"
"""The file in the data directory holding the secret that signs links with an expiry."""
HELD_IN_MEMORY: Final = 4
"""How many datasets that could not be stored are held in memory (the oldest go first)."""
DatasetNotFoundError = errors.DatasetNotFoundError
StoreWriteError = errors.StoreWriteError
"""The store's errors, defined with every other in :mod:`econ.errors` and importable here."""
_SOURCE_ROOT: Final = Path(__file__).resolve().parents[2]
"""The project's folder when run from a source checkout (``make run``)."""
_WRITING: Final = threading.Lock()
"""Held while blobs and manifests are written or removed, so that eviction never removes a blob
a dataset being stored is about to name."""


Content: TypeAlias = bytes | Sequence[bytes]
"""An uploaded side of a dataset: one file's bytes, or several files (API pages, months) read as
one table in this order."""


@dataclass(frozen=True)
class StoreLimits:
    """How much the store keeps; past either bound the datasets used least recently go.

    Attributes:
        max_datasets: how many datasets (``$ECON_MAX_DATASETS``, default 100).
        max_bytes: how many bytes of uploaded files, all datasets together, each file counted
            once (``$ECON_MAX_STORE_MB`` megabytes, default 10,240).

    The dataset used most recently is always kept, even alone over ``max_bytes``.
    """

    max_datasets: int = DEFAULT_MAX_DATASETS
    max_bytes: int = DEFAULT_MAX_STORE_MB * MEGABYTE

    @classmethod
    def from_environment(cls) -> StoreLimits:
        """The bounds the environment sets; an unset or malformed variable means its default."""
        datasets = os.environ.get(MAX_DATASETS_ENV, "").strip()
        megabytes = os.environ.get(MAX_STORE_MB_ENV, "").strip()
        size = float(megabytes) if megabytes.replace(".", "", 1).isdigit() else None
        return cls(
            max_datasets=int(datasets) if datasets.isdigit() else DEFAULT_MAX_DATASETS,
            max_bytes=int((DEFAULT_MAX_STORE_MB if size is None else size) * MEGABYTE),
        )


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


@dataclass(frozen=True)
class Added:
    """An upload that validated (see :meth:`DatasetStore.add`)."""

    dataset_id: str
    data: Dataset
    unstored: str | None = None
    """Why it could not be stored (see :func:`write_problem_of`), so that it is held in this
    process's memory only; ``None`` when it is stored."""


def side_hash(hashes: Sequence[str]) -> str:
    """One side's hash: its file's, or for several files the hash of theirs in order."""
    if len(hashes) == 1:
        return hashes[0]
    return bytes_hash("\n".join(hashes).encode())


def default_data_dir() -> Path:
    """``ECON_DATA_DIR`` if set; else ``.data/`` in a writable source checkout (next to its
    ``pyproject.toml``); else the user's data folder (an installed package never writes into
    its own site-packages)."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured)
    checkout = (_SOURCE_ROOT / "pyproject.toml").is_file()
    if checkout and os.access(_SOURCE_ROOT, os.W_OK):
        return _SOURCE_ROOT / ".data"
    return Path(platformdirs.user_data_dir("econ"))


def dataset_id_for(usage_hash: str, revenue_hash: str, specs: str = "") -> str:
    """128 bits of BLAKE3 over both files' hashes and how they are read."""
    return bytes_hash(f"{usage_hash}:{revenue_hash}:{specs}".encode())[:32]


def write_problem_of(error: OSError) -> str:
    """Why the data directory cannot be written, in words for the app's user (no path)."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk holding the server's data directory is full"
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "the server's data directory is read-only"
    reason = error.strerror or type(error).__name__
    return f"the server's data directory cannot be written ({reason})"


class DatasetStore:
    """Content-addressed storage of uploaded (usage, revenue) pairs.

    Opening a store removes the temporary files a killed process left behind and applies its
    bounds (which the environment may have lowered); a data directory that cannot be written
    is opened all the same (see the module docstring).
    """

    def __init__(self, root: Path | None = None, limits: StoreLimits | None = None) -> None:
        self.root = root if root is not None else default_data_dir()
        self.limits = limits if limits is not None else StoreLimits.from_environment()
        self._held: OrderedDict[str, tuple[Dataset, IngestOptions, bool]] = OrderedDict()
        self._holding = threading.Lock()
        with contextlib.suppress(OSError):
            for folder in (self._blobs, self._datasets, self.rollups):
                folder.mkdir(parents=True, exist_ok=True)
        self.sweep()
        with _WRITING:
            self._evict()

    @property
    def _blobs(self) -> Path:
        return self.root / "blobs"

    @property
    def _datasets(self) -> Path:
        return self.root / "datasets"

    @property
    def rollups(self) -> Path:
        """Where loaded datasets are cached (:mod:`econ.inputs.cache`)."""
        return self.root / "rollups"

    def sweep(self, older_than: float = STALE_TEMP_SECONDS) -> int:
        """Remove temporary files (and the cache's temporary folders) last written over
        ``older_than`` seconds ago; return how many. Only the store's own folders are swept,
        never the data directory itself (``$ECON_DATA_DIR`` may name a folder others use)."""
        folders = (self._blobs, self._datasets, self.rollups)
        return sum(sweep_temporary(folder, older_than) for folder in folders)

    def write_problem(self) -> str | None:
        """Why the data directory cannot be written now (see :func:`write_problem_of`), or
        ``None`` when it can; found by writing and removing a small file in each folder."""
        try:
            for folder in (self._blobs, self._datasets, self.rollups):
                folder.mkdir(parents=True, exist_ok=True)
                _write_temporary(folder, "probe", b"\0" * 4096).unlink()
        except OSError as error:
            return write_problem_of(error)
        return None

    def add(
        self,
        usage: Content,
        revenue: Content,
        *,
        usage_name: str,
        revenue_name: str,
        usage_spec: ImportSpec | None = None,
        revenue_spec: ImportSpec | None = None,
        options: IngestOptions | None = None,
    ) -> Added:
        """Read and validate an uploaded pair (raises :class:`~econ.errors.InputError`), and
        store it only once it validated: a refused pair leaves no file behind.

        The files are written to temporary files in ``blobs/``, read from there (loading also
        fills the rollup cache) and renamed into place. When the data directory cannot be
        written, they are read from a temporary folder elsewhere (or from memory) and the
        dataset is held in memory (:attr:`Added.unstored`); when nothing can be written and the
        files cannot be read from memory, :class:`StoreWriteError`.
        """
        usage_spec, revenue_spec = usage_spec or ImportSpec(), revenue_spec or ImportSpec()
        options = options or IngestOptions()
        sides = (_parts(usage), _parts(revenue))
        hashes = ([bytes_hash(p) for p in sides[0]], [bytes_hash(p) for p in sides[1]])
        dataset_id, manifest = _manifest(hashes, usage_name, revenue_name, usage_spec, revenue_spec)
        unstored: str | None = None
        try:
            self._blobs.mkdir(parents=True, exist_ok=True)
            staged = _Staged.write(self._blobs, hashes, sides)
        except OSError as error:
            unstored = write_problem_of(error)
            staged = _Staged.elsewhere(hashes, sides, unstored)
        try:
            data = load_dataset(
                staged.usage,
                staged.revenue,
                usage_name=usage_name,
                revenue_name=revenue_name,
                usage_spec=usage_spec,
                revenue_spec=revenue_spec,
                options=options,
                cache_dir=self.rollups,
                content_hashes=(side_hash(hashes[0]), side_hash(hashes[1])),
            )
            if unstored is None:
                unstored = self._commit(dataset_id, manifest, staged.files)
        finally:
            staged.discard()
        self._hold(dataset_id, data, options, stored=unstored is None)
        return Added(dataset_id, data, unstored)

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
        """Store both sides' files (each blob once) and how to read them, *without reading
        them*; return the dataset id. Uploads go through :meth:`add`, which stores only what
        validated."""
        sides = (_parts(usage), _parts(revenue))
        hashes = ([bytes_hash(p) for p in sides[0]], [bytes_hash(p) for p in sides[1]])
        dataset_id, manifest = _manifest(
            hashes,
            usage_name,
            revenue_name,
            usage_spec or ImportSpec(),
            revenue_spec or ImportSpec(),
        )
        with _WRITING:
            for digests, parts in zip(hashes, sides, strict=True):
                for digest, part in zip(digests, parts, strict=True):
                    blob = self._blob(digest)
                    if blob.exists():
                        _touch(blob)
                    else:
                        write_atomically(blob, part)
            self._write_manifest(dataset_id, manifest)
            self._evict(keep=dataset_id)
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
        usage_paths = tuple(self._blob(digest) for digest in usage_hashes)
        revenue_paths = tuple(self._blob(digest) for digest in revenue_hashes)
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

    def load(self, dataset_id: str, options: IngestOptions | None = None) -> Dataset:
        """Read and validate a stored dataset as it was imported (raises :class:`InputError`);
        from the rollup cache when it was loaded the same way before, or from memory when it
        was just added (or could not be stored). Counts as a use (see :meth:`mark_used`)."""
        held = self._take_held(dataset_id, options or IngestOptions())
        if held is not None:
            self.mark_used(dataset_id)
            return held
        stored = self.find(dataset_id)
        self.mark_used(dataset_id)
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

    def mark_used(self, dataset_id: str) -> None:
        """Record a use of a dataset (opening it, a link to it): the datasets used least
        recently are the first to go when the store is over its bounds."""
        if dataset_id != SAMPLE_DATASET:
            with contextlib.suppress(OSError):
                _mark_used(self._datasets / f"{dataset_id}.json")

    def forget(self, dataset_id: str) -> None:
        """Drop a dataset, and the blobs no other dataset names."""
        if dataset_id == SAMPLE_DATASET:
            return
        with self._holding:
            self._held.pop(dataset_id, None)
        with _WRITING:
            self._evict(drop=dataset_id)
        self._drop_records(dataset_id)

    def _blob(self, digest: str) -> Path:
        return self._blobs / f"{digest}.bin"

    def _drop_records(self, dataset_id: str) -> None:
        """Remove a dropped dataset's access record and audit trail (see the layout)."""
        for suffix in (ACCESS_SUFFIX, AUDIT_SUFFIX, AUDIT_SET_ASIDE_SUFFIX):
            with contextlib.suppress(OSError):
                (self._datasets / f"{dataset_id}{suffix}").unlink(missing_ok=True)

    def _write_manifest(self, dataset_id: str, manifest: dict[str, Any]) -> None:
        path = self._datasets / f"{dataset_id}.json"
        write_atomically(path, json.dumps(manifest, indent=2).encode())
        with contextlib.suppress(OSError):  # it is written: a use not recorded is no failure
            _mark_used(path)

    def _commit(
        self, dataset_id: str, manifest: dict[str, Any], staged: Sequence[tuple[Path, str]]
    ) -> str | None:
        """Rename validated temporary files into ``blobs/`` and write the manifest; ``None``,
        or why the dataset could not be stored (then nothing of it is left)."""
        with _WRITING:
            renamed: list[Path] = []
            try:
                for temporary, digest in staged:
                    blob = self._blob(digest)
                    if blob.exists():
                        _touch(blob)
                        temporary.unlink()
                    else:
                        temporary.replace(blob)
                        renamed.append(blob)
                self._write_manifest(dataset_id, manifest)
            except OSError as error:
                for blob in renamed:
                    blob.unlink(missing_ok=True)
                return write_problem_of(error)
            self._evict(keep=dataset_id)
        return None

    def _evict(self, keep: str | None = None, drop: str | None = None) -> None:
        """Apply the bounds (hold :data:`_WRITING`): keep the datasets used most recently
        (``keep`` first, and at least one), remove the others (and ``drop``), then the blobs
        no kept dataset names. A blob no dataset names that is not old is left: a writer in
        another process may be about to name it."""
        try:
            manifests = [  # ``<id>.json``, not ``<id>.access.json`` and the like
                path
                for path in self._datasets.iterdir()
                if path.suffix == ".json" and "." not in path.stem
            ]
            blobs = [
                path
                for path in self._blobs.iterdir()
                if path.suffix == ".bin" and not path.name.startswith(".")
            ]
        except OSError:
            return
        datasets: list[tuple[bool, int, str, frozenset[str]]] = []
        for path in manifests:
            with contextlib.suppress(OSError):
                used = path.stat().st_mtime_ns
                datasets.append((path.stem == keep, used, path.stem, _digests(path)))
        sizes: dict[str, tuple[int, float]] = {}
        for path in blobs:
            with contextlib.suppress(OSError):
                status = path.stat()
                sizes[path.stem] = (status.st_size, status.st_mtime)
        datasets.sort(reverse=True)  # ``keep``, then the most recently used
        kept: set[str] = set()
        dropped: set[str] = set()
        count, total, full = 0, 0, False
        for _, _, dataset_id, digests in datasets:
            extra = sum(sizes[d][0] for d in digests - kept if d in sizes)
            fits = count < self.limits.max_datasets and total + extra <= self.limits.max_bytes
            if dataset_id != drop and (count == 0 or (fits and not full)):
                kept |= digests
                count, total = count + 1, total + extra
                continue
            full = full or dataset_id != drop
            dropped |= digests
            with contextlib.suppress(OSError):
                (self._datasets / f"{dataset_id}.json").unlink(missing_ok=True)
            shutil.rmtree(self.root / SAVED_SCENARIOS / dataset_id, ignore_errors=True)
            self._drop_records(dataset_id)
        cutoff = time.time() - STALE_TEMP_SECONDS
        for digest, (_, modified) in sizes.items():
            if digest not in kept and (digest in dropped or modified < cutoff):
                with contextlib.suppress(OSError):
                    self._blob(digest).unlink(missing_ok=True)

    def _hold(
        self, dataset_id: str, data: Dataset, options: IngestOptions, *, stored: bool
    ) -> None:
        """Keep a dataset just added in memory: until it is first loaded when it is stored, for
        as long as room allows when it is not."""
        with self._holding:
            self._held[dataset_id] = (data, options, stored)
            self._held.move_to_end(dataset_id)
            while len(self._held) > HELD_IN_MEMORY:
                self._held.popitem(last=False)

    def _take_held(self, dataset_id: str, options: IngestOptions) -> Dataset | None:
        with self._holding:
            entry = self._held.get(dataset_id)
            if entry is None or entry[1] != options:
                return None
            data, _, stored = entry
            if stored:
                del self._held[dataset_id]
            else:
                self._held.move_to_end(dataset_id)
            return data


@dataclass(frozen=True)
class _Staged:
    """An upload's files where they are read from before it is stored."""

    usage: Source
    revenue: Source
    files: tuple[tuple[Path, str], ...] = ()
    """Temporary files in ``blobs/`` and the digest each is stored under once it validated."""
    folder: Path | None = None
    """A temporary folder outside the data directory, removed once read."""

    @classmethod
    def write(
        cls, folder: Path, hashes: Sequence[Sequence[str]], sides: Sequence[Sequence[bytes]]
    ) -> _Staged:
        """Every file into a temporary file in ``folder`` (nothing is left when one fails)."""
        written: list[tuple[Path, str]] = []
        try:
            for digests, parts in zip(hashes, sides, strict=True):
                for digest, part in zip(digests, parts, strict=True):
                    written.append((_write_temporary(folder, f"{digest}.bin", part), digest))
        except BaseException:
            for path, _ in written:
                path.unlink(missing_ok=True)
            raise
        paths = [path for path, _ in written]
        usage_count = len(sides[0])
        usage, revenue = paths[:usage_count], paths[usage_count:]
        return cls(_source(usage), _source(revenue), tuple(written))

    @classmethod
    def elsewhere(
        cls, hashes: Sequence[Sequence[str]], sides: Sequence[Sequence[bytes]], why: str
    ) -> _Staged:
        """The files in a temporary folder outside the data directory; or, failing that, read
        from memory (one file a side)."""
        try:
            folder = Path(tempfile.mkdtemp(prefix="econ-upload-"))
        except OSError:
            folder = None
        if folder is not None:
            try:
                staged = cls.write(folder, hashes, sides)
            except OSError:
                shutil.rmtree(folder, ignore_errors=True)
            else:
                return cls(staged.usage, staged.revenue, folder=folder)
        if all(len(parts) == 1 for parts in sides):
            return cls(sides[0][0], sides[1][0])
        raise StoreWriteError(
            f"cannot be read now: {why}, and no temporary folder can be written (try again "
            "later, or tell whoever runs this server)"
        )

    def discard(self) -> None:
        """Remove what is left of the temporary files (those stored were renamed away)."""
        for path, _ in self.files:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _source(paths: Sequence[Path]) -> Path | tuple[Path, ...]:
    return paths[0] if len(paths) == 1 else tuple(paths)


def _parts(content: Content) -> list[bytes]:
    return [content] if isinstance(content, bytes) else list(content)


def _manifest(
    hashes: tuple[Sequence[str], Sequence[str]],
    usage_name: str,
    revenue_name: str,
    usage_spec: ImportSpec,
    revenue_spec: ImportSpec,
) -> tuple[str, dict[str, Any]]:
    """A dataset's id and manifest."""
    usage_hashes, revenue_hashes = hashes
    specs = {"usage_spec": usage_spec.to_dict(), "revenue_spec": revenue_spec.to_dict()}
    dataset_id = dataset_id_for(
        side_hash(usage_hashes), side_hash(revenue_hashes), json.dumps(specs, sort_keys=True)
    )
    manifest = {
        "usage": usage_hashes[0] if len(usage_hashes) == 1 else list(usage_hashes),
        "revenue": revenue_hashes[0] if len(revenue_hashes) == 1 else list(revenue_hashes),
        "usage_name": usage_name,
        "revenue_name": revenue_name,
        **specs,
    }
    return dataset_id, manifest


def _digests(manifest: Path) -> frozenset[str]:
    """The blobs a manifest names (none when it cannot be read: its dataset cannot be found)."""
    try:
        content = json.loads(manifest.read_text(encoding="utf-8"))
        names = [content[side] for side in ("usage", "revenue")]
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()
    return frozenset(
        str(digest) for name in names for digest in ([name] if isinstance(name, str) else name)
    )


class _Clock:
    """Nanosecond times, each later than the one before, so that uses moments apart keep their
    order (a file system's own stamps come from a coarse clock; see :mod:`econ.inputs.cache`)."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def now(self) -> int:
        with self._lock:
            self._last = max(time.time_ns(), self._last + 1)
            return self._last


_CLOCK: Final = _Clock()


def _mark_used(path: Path) -> None:
    """Set a file's modification time to now (see :class:`_Clock`)."""
    now = _CLOCK.now()
    os.utime(path, ns=(now, now))


def _touch(blob: Path) -> None:
    """Mark a blob as just named, so that no other process takes it for one left behind."""
    with contextlib.suppress(OSError):
        _mark_used(blob)


def _write_temporary(folder: Path, name: str, content: bytes) -> Path:
    """``content`` in a new temporary file ``.<name>.<random>.tmp`` in ``folder``."""
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _write_temporary(path.parent, path.name, content)
    try:
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
