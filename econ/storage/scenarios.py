"""Saved scenarios: named sets of assumptions kept on the server next to the dataset they are for.

Layout under the data directory (the datasets' own, see :mod:`econ.storage.store`)::

    scenarios/<dataset id>/<scenario id>.json     one saved scenario: its name, when it was
                                                  saved and by whom (when the app's sign-in
                                                  is on), and the scenario's JSON

A saved scenario's id is the first 32 hex digits (128 bits) of the BLAKE3 hash of the dataset
id, its name and the scenario's canonical JSON. It names exactly that content, so saving the
same thing twice writes one file, and a link to it cannot be guessed without the dataset id
(itself a hash of the uploaded bytes). Two sessions saving different scenarios under one name
at once write two files, and both stay readable (listed with the time each was saved).

A saved file never changes. Renaming saves the scenario under its new name (a new id) and
replaces the old file with a pointer to the new one, so a link made before the rename still
opens it; deleting removes the file and any pointer to it. Every write goes to a temporary file
in the same folder and is renamed into place (no half-written file after a crash). When the
store drops a dataset it drops the dataset's saved scenarios with it.

The same files serve the app (a sidebar section and the Compare page), the CLI (``econ scenario
save/list/show/rename/delete`` and ``econ analyze --scenario NAME``) and the Python API.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from econ.errors import SavedScenarioNotFoundError, ScenarioError, StoreWriteError
from econ.inputs.cache import bytes_hash
from econ.scenario.assumptions import Scenario
from econ.scenario.values import parse_json
from econ.storage.store import SAVED_SCENARIOS, default_data_dir, write_atomically, write_problem_of

MAX_NAME: Final = 80
"""The longest name a saved scenario may have, in characters."""
MAX_SAVER: Final = 400
"""The longest ``saved_by`` kept, in characters (a user's key)."""
_ID: Final = re.compile(r"[0-9a-f]{32}")
_DATASET: Final = re.compile(r"sample|[0-9a-f]{32}")
_MAX_HOPS: Final = 16
"""How many renames a link may follow (a pointer chain longer than this is damaged)."""
_FILE_VERSION: Final = 1


@dataclass(frozen=True)
class SavedScenario:
    """One scenario saved for a dataset.

    Attributes:
        scenario_id: 32 hex digits naming the dataset, the name and the content.
        name: the name its user gave it.
        dataset_id: the dataset it was saved for.
        saved_at: when it was saved (UTC).
        scenario: the assumptions.
        saved_by: who saved it first (a signed-in user's key, see
            :attr:`econ.storage.access.User.key`), or ``None``: saved without sign-in, or
            before owners were recorded.
    """

    scenario_id: str
    name: str
    dataset_id: str
    saved_at: dt.datetime
    scenario: Scenario
    saved_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.scenario_id,
            "name": self.name,
            "dataset": self.dataset_id,
            "saved_at": self.saved_at.isoformat(),
            "saved_by": self.saved_by,
            "scenario": self.scenario.to_dict(),
        }


def scenario_id_for(dataset_id: str, name: str, scenario: Scenario) -> str:
    """128 bits of BLAKE3 over the dataset id, the name and the scenario's canonical JSON."""
    canonical = json.dumps(scenario.to_dict(), sort_keys=True, separators=(",", ":"))
    return bytes_hash(f"{dataset_id}\n{name}\n{canonical}".encode())[:32]


def clean_name(name: object) -> str:
    """A scenario name as it is kept: surrounding spaces removed; refused (with the rule) when
    it is empty, longer than :data:`MAX_NAME` characters, or holds control characters."""
    if not isinstance(name, str):
        raise ScenarioError(f"a scenario name must be text, got {type(name).__name__}")
    cleaned = name.strip()
    if not cleaned:
        raise ScenarioError("a scenario name cannot be empty")
    if len(cleaned) > MAX_NAME:
        raise ScenarioError(
            f"a scenario name has at most {MAX_NAME} characters, got {len(cleaned)}"
        )
    if any(unicodedata.category(char).startswith("C") for char in cleaned):
        raise ScenarioError("a scenario name cannot hold control characters (such as newlines)")
    return cleaned


class ScenarioStore:
    """The scenarios saved for each dataset (see the module docstring)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else default_data_dir()

    @property
    def folder(self) -> Path:
        return self.root / SAVED_SCENARIOS

    def _dataset_folder(self, dataset_id: str) -> Path:
        if not _DATASET.fullmatch(dataset_id):
            raise SavedScenarioNotFoundError(f"no dataset {dataset_id!r} has saved scenarios")
        return self.folder / dataset_id

    def _path(self, dataset_id: str, scenario_id: str) -> Path:
        return self._dataset_folder(dataset_id) / f"{scenario_id}.json"

    def save(
        self, dataset_id: str, name: str, scenario: Scenario, saved_by: str | None = None
    ) -> SavedScenario:
        """Save ``scenario`` under ``name`` for the dataset, recording ``saved_by`` (the
        signed-in user's key, ``None`` without sign-in); the same name and content saved
        again is the same saved scenario (its first saving time and saver are kept).

        Raises:
            ScenarioError: the name or ``saved_by`` breaks a rule (:func:`clean_name`).
            StoreWriteError: the data directory cannot be written (says why, in words).
        """
        name = clean_name(name)
        saved_by = _clean_saver(saved_by)
        scenario_id = scenario_id_for(dataset_id, name, scenario)
        path = self._path(dataset_id, scenario_id)
        with contextlib.suppress(SavedScenarioNotFoundError, ScenarioError):
            return self._read(dataset_id, scenario_id)
        saved = SavedScenario(
            scenario_id, name, dataset_id, dt.datetime.now(dt.UTC), scenario, saved_by
        )
        document = {
            "version": _FILE_VERSION,
            "name": name,
            "saved_at": saved.saved_at.isoformat(),
            "saved_by": saved_by,
            "scenario": scenario.to_dict(),
        }
        self._write(path, document)
        return saved

    def list(self, dataset_id: str) -> list[SavedScenario]:
        """The scenarios saved for the dataset, oldest first (then by name); a file that cannot
        be read is left out (it is reported when it is opened by its id)."""
        try:
            paths = sorted(self._dataset_folder(dataset_id).glob("*.json"))
        except (OSError, SavedScenarioNotFoundError):
            return []
        found: list[SavedScenario] = []
        for path in paths:
            if not _ID.fullmatch(path.stem):
                continue
            with contextlib.suppress(SavedScenarioNotFoundError, ScenarioError):
                document = _document(path)
                if "renamed_to" not in document:
                    found.append(_saved(dataset_id, path.stem, document, path))
        return sorted(found, key=lambda item: (item.saved_at, item.name, item.scenario_id))

    def get(self, dataset_id: str, scenario_id: str) -> SavedScenario:
        """The saved scenario with this id, following renames.

        Raises:
            SavedScenarioNotFoundError: no such id (deleted, or saved for another dataset).
            ScenarioError: its file is damaged, or written by a newer version.
        """
        if not _ID.fullmatch(scenario_id):
            raise SavedScenarioNotFoundError(f"{scenario_id!r} is not a saved scenario's id")
        return self._read(dataset_id, scenario_id)

    def find(self, dataset_id: str, name_or_id: str) -> SavedScenario:
        """The saved scenario with this id, or else this name (exactly, then ignoring case).

        Raises:
            SavedScenarioNotFoundError: nothing by that name; the message lists the names saved.
            ScenarioError: the name is saved more than once (the message lists their ids).
        """
        if _ID.fullmatch(name_or_id):
            with contextlib.suppress(SavedScenarioNotFoundError):
                return self.get(dataset_id, name_or_id)
        saved = self.list(dataset_id)
        wanted = name_or_id.strip()
        for matches in (
            [item for item in saved if item.name == wanted],
            [item for item in saved if item.name.casefold() == wanted.casefold()],
        ):
            if len(matches) == 1:
                return matches[0]
            if matches:
                ids = ", ".join(
                    f"{item.scenario_id} (saved {item.saved_at:%Y-%m-%d %H:%M})" for item in matches
                )
                raise ScenarioError(
                    f"{len(matches)} scenarios are saved as {wanted!r}: give one's id ({ids})"
                )
        names = ", ".join(repr(item.name) for item in saved) or "none yet"
        raise SavedScenarioNotFoundError(
            f"no scenario named {wanted!r} is saved for this data (saved: {names})"
        )

    def rename(self, dataset_id: str, scenario_id: str, new_name: str) -> SavedScenario:
        """Save the scenario under ``new_name`` and leave a pointer at its old id, so links to
        it keep working; who saved it stays recorded."""
        current = self.get(dataset_id, scenario_id)
        renamed = self.save(dataset_id, new_name, current.scenario, current.saved_by)
        if renamed.scenario_id != current.scenario_id:
            self._write(
                self._path(dataset_id, current.scenario_id),
                {"version": _FILE_VERSION, "renamed_to": renamed.scenario_id},
            )
        return renamed

    def duplicate(
        self, dataset_id: str, scenario_id: str, new_name: str, saved_by: str | None = None
    ) -> SavedScenario:
        """A copy of a saved scenario under another name (to change one of them), saved by
        ``saved_by``."""
        original = self.get(dataset_id, scenario_id).scenario
        return self.save(dataset_id, new_name, original, saved_by)

    def delete(self, dataset_id: str, scenario_id: str) -> None:
        """Remove a saved scenario, and the pointers renames left to it."""
        target = self.get(dataset_id, scenario_id).scenario_id
        folder = self._dataset_folder(dataset_id)
        try:
            for path in folder.glob("*.json"):
                with contextlib.suppress(SavedScenarioNotFoundError, ScenarioError):
                    if path.stem == target or _points_to(folder, path, target):
                        path.unlink(missing_ok=True)
        except OSError as error:
            raise StoreWriteError(
                f"cannot delete the scenario: {write_problem_of(error)}"
            ) from None

    def forget_dataset(self, dataset_id: str) -> None:
        """Remove every scenario saved for a dataset (when the dataset itself is dropped)."""
        with contextlib.suppress(SavedScenarioNotFoundError):
            shutil.rmtree(self._dataset_folder(dataset_id), ignore_errors=True)

    def _read(self, dataset_id: str, scenario_id: str) -> SavedScenario:
        for _ in range(_MAX_HOPS):
            path = self._path(dataset_id, scenario_id)
            document = _document(path)
            target = document.get("renamed_to")
            if target is None:
                return _saved(dataset_id, scenario_id, document, path)
            if not isinstance(target, str) or not _ID.fullmatch(target):
                raise ScenarioError(f"the saved scenario {scenario_id} is damaged")
            scenario_id = target
        raise ScenarioError(f"the saved scenario {scenario_id} is renamed too many times")

    def _write(self, path: Path, document: dict[str, Any]) -> None:
        try:
            write_atomically(path, json.dumps(document, indent=2, allow_nan=False).encode())
        except OSError as error:
            raise StoreWriteError(f"cannot save the scenario: {write_problem_of(error)}") from None


def _document(path: Path) -> dict[str, Any]:
    """A saved file's JSON object (a missing file is not found; a damaged one says so)."""
    try:
        text = path.read_bytes()
    except OSError:
        raise SavedScenarioNotFoundError(
            f"no saved scenario has the id {path.stem} for this data (deleted, or saved for "
            "other data)"
        ) from None
    data = parse_json(text, f"the saved scenario {path.stem}")
    if not isinstance(data, dict):
        raise ScenarioError(f"the saved scenario {path.stem} is damaged")
    version = data.get("version")
    if not isinstance(version, int) or version > _FILE_VERSION:
        raise ScenarioError(
            f"the saved scenario {path.stem} was written by a newer version of econ"
        )
    return data


def _saved(
    dataset_id: str, scenario_id: str, document: dict[str, Any], path: Path
) -> SavedScenario:
    try:
        name = clean_name(document["name"])
        saved_at = dt.datetime.fromisoformat(str(document["saved_at"]))
        saved_by = _clean_saver(document.get("saved_by"))  # absent from older files
        scenario = Scenario.from_dict(document["scenario"])
    except (KeyError, ValueError, TypeError) as error:
        if isinstance(error, ScenarioError):
            raise ScenarioError(f"the saved scenario {path.stem}: {error}") from None
        raise ScenarioError(f"the saved scenario {path.stem} is damaged") from None
    return SavedScenario(scenario_id, name, dataset_id, saved_at, scenario, saved_by)


def _clean_saver(saved_by: object) -> str | None:
    """Who saved a scenario as it is kept: ``None``, or text of 1 to :data:`MAX_SAVER`
    characters without control characters."""
    if saved_by is None:
        return None
    if (
        not isinstance(saved_by, str)
        or not saved_by.strip()
        or len(saved_by) > MAX_SAVER
        or any(unicodedata.category(char).startswith("C") for char in saved_by)
    ):
        raise ScenarioError(
            f"who saved a scenario is a user's key: text of 1 to {MAX_SAVER} characters "
            "without control characters"
        )
    return saved_by


def _points_to(folder: Path, path: Path, target: str) -> bool:
    """Whether the file at ``path`` is a rename pointer that leads to ``target``."""
    for _ in range(_MAX_HOPS):
        document = _document(path)
        pointed = document.get("renamed_to")
        if not isinstance(pointed, str) or not _ID.fullmatch(pointed):
            return False
        if pointed == target:
            return True
        path = folder / f"{pointed}.json"
    return False
