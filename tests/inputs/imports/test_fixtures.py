"""The committed fixtures are what their generator writes, byte for byte."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fixtures.imports import make
from import_support import FIXTURES


def digests(folder: Path, names: list[str]) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in names}


def test_fixtures_match_their_generator(tmp_path: Path) -> None:
    written = make.main(tmp_path)
    committed = sorted(
        p.name for p in FIXTURES.iterdir() if p.suffix in (".csv", ".json", ".jsonl", ".parquet")
    )
    assert sorted(written) == committed
    assert digests(tmp_path, written) == digests(FIXTURES, written), (
        "fixtures differ from make.py: run it and commit the files"
    )
