"""The bundled sample dataset and its assumptions: the default input of the app and the CLI.

The files ship inside the package, in ``econ/inputs/sample_data/`` (written by the repository's
``sample_data/generate.py``), and are found through :mod:`importlib.resources`, so they are
there wherever econ is installed. Polars, the app and the CLI read them by path. A checkout or
an installed wheel is a folder of files, where each path is the file itself; imported from a zip
archive, each file is copied once to a temporary file that lives until the process exits.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
from importlib import resources
from pathlib import Path
from typing import Final

from econ.scenario.assumptions import Scenario

SAMPLE_DATA: Final = resources.files("econ.inputs") / "sample_data"
"""The packaged folder of the sample files (a traversable resource, not always a path)."""
_COPIES: Final = contextlib.ExitStack()
"""The temporary copies made when the package is imported from a zip archive."""
atexit.register(_COPIES.close)


@functools.cache
def _sample_file(name: str) -> Path:
    """A real filesystem path to one packaged sample file, the same one every call."""
    return _COPIES.enter_context(resources.as_file(SAMPLE_DATA / name)).resolve()


def sample_paths() -> tuple[Path, Path]:
    """The sample usage ledger and revenue table (made by ``sample_data/generate.py``)."""
    return _sample_file("usage.parquet"), _sample_file("revenue.parquet")


def sample_scenario() -> Scenario:
    """The assumptions that go with the sample data (CAC, cost burdens, feature categories)."""
    return Scenario.from_json((SAMPLE_DATA / "scenario.json").read_text(encoding="utf-8"))
