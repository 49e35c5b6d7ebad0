"""Text timestamps' time zones: which rows carry an offset, and the note that says what the
conversion to UTC did with them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import polars as pl

from econ import schema as s
from econ.inputs.ingest.coerce import is_text

_ZONED: Final = "_zoned"
_NAIVE: Final = "_naive"


def time_zone_flags(columns: pl.Schema, time_column: str) -> dict[str, pl.Expr]:
    """For text timestamps: which carry a time-zone offset and which do not."""
    if time_column != s.TIMESTAMP or not is_text(columns[s.TIMESTAMP]):
        return {}
    text = pl.col(s.TIMESTAMP).cast(pl.String).str.strip_chars().str.strip_chars('"')
    zoned = text.str.contains(r"(Z|[+-]\d\d(:?\d\d)?)$")
    return {_ZONED: zoned, _NAIVE: text.is_not_null() & ~zoned}


def time_zone_notes(tallied: Mapping[str, int], label: str) -> list[str]:
    """Text timestamps that mix time zones are converted to UTC: say so, with counts."""
    zoned, naive = tallied.get(_ZONED, 0), tallied.get(_NAIVE, 0)
    if zoned and naive:
        return [
            f"{label}: column 'timestamp' mixes time zones: {zoned:,} rows carry an offset "
            f"(converted to UTC) and {naive:,} carry none (read as UTC)."
        ]
    if zoned:
        return [f"{label}: timestamps with time-zone offsets were converted to UTC."]
    return []
