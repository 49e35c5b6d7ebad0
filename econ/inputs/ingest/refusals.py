"""Whole files refused: one that cannot be read, lacks a required column, or holds values no
row could use (lists, records, raw bytes, text far longer than any id).

Each refusal is an :class:`~econ.errors.InputError` naming the file and the column, whatever
the caller's choice for rows that break a rule.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Final

import polars as pl

from econ import schema as s
from econ.errors import InputError, Problem, ScenarioError
from econ.inputs.imports import ROW
from econ.inputs.readers import READ_ERRORS, unreadable

_OVERLONG_TOTAL: Final = 64 * 1_000_000
"""How many bytes of over-long text a file's used columns may hold before it is refused
unread."""


@contextlib.contextmanager
def readable(label: str) -> Iterator[None]:
    """What the readers raise on a file they cannot read (polars, pyarrow, the file system)
    ends as a problem naming the file, never a traceback; anything else is a bug, and shows."""
    try:
        yield
    except (InputError, ScenarioError):
        raise
    except READ_ERRORS as error:
        problem = Problem(label, None, unreadable(error))
        raise InputError([problem]) from None


def refuse_missing(columns: pl.Schema, missing: Sequence[str], label: str) -> None:
    """Refuse a file that lacks required columns, naming each and the columns it has."""
    if missing:
        found = ", ".join(c for c in columns.names() if c != ROW) or "none"
        raise InputError(
            [
                Problem(label, c, f"is required but missing (columns found: {found})")
                for c in missing
            ]
        )


def refuse_nested(columns: pl.Schema, used: Sequence[str], label: str) -> None:
    """Lists, records and raw bytes cannot be ids, times or money: refuse the file."""

    def kind(dtype: pl.DataType) -> str:
        if isinstance(dtype, pl.Binary):
            return "raw bytes"
        return "records" if isinstance(dtype, pl.Struct) else "lists"

    problems = [
        Problem(
            label,
            column,
            f"must hold plain values, not {kind(columns[column])} (found {columns[column]})",
        )
        for column in used
        if column in columns and (columns[column].is_nested() or columns[column] == pl.Binary)
    ]
    if problems:
        raise InputError(problems)


def refuse_overlong_text(
    frame: pl.LazyFrame, columns: pl.Schema, names: Sequence[str], label: str
) -> None:
    """Refuse a parquet file whose used text columns hold over-long values in bulk, before any
    row is converted: a value stored once in a column's dictionary can stand for millions of
    rows, and converting it (trimming a cost written as text, reading an id) copies it for
    each (a 14 KB file holding a 10 KB id a million times is 10 GB once read). Lengths are read
    through the dictionary, without copies, so this pass costs little. No value of these columns
    is longer than :data:`econ.schema.ID_MAX_LENGTH` characters in a real file; a few such
    values are left to the row rules, which name them."""
    lengths = _text_lengths(columns, names)
    if not lengths:
        return
    checks = []
    for name, (chars, size) in lengths.items():
        over = chars > s.ID_MAX_LENGTH
        checks += [
            size.filter(over).cast(pl.Int64).sum().alias(f"{name}|bytes"),
            over.sum().alias(f"{name}|rows"),
            chars.max().alias(f"{name}|longest"),
        ]
    found = frame.select(checks).collect(engine="streaming").row(0, named=True)
    problems = [
        Problem(
            label,
            name,
            f"holds {found[f'{name}|rows']:,} values longer than {s.ID_MAX_LENGTH} characters "
            f"(up to {found[f'{name}|longest']:,}; {found[f'{name}|bytes']:,} bytes of text "
            f"once read): no value of this column is that long, so none of these rows could be "
            "used; refused before reading them",
        )
        for name in lengths
        if (found[f"{name}|bytes"] or 0) > _OVERLONG_TOTAL
    ]
    if problems:
        raise InputError(problems)


def _text_lengths(columns: pl.Schema, names: Sequence[str]) -> dict[str, tuple[pl.Expr, pl.Expr]]:
    """Each text column's values' lengths, in characters and in bytes (categories' through
    their dictionary)."""
    lengths = {}
    for name in dict.fromkeys(names):
        dtype = columns.get(name)
        if isinstance(dtype, pl.Categorical | pl.Enum):
            lengths[name] = (pl.col(name).cat.len_chars(), pl.col(name).cat.len_bytes())
        elif dtype == pl.String:
            lengths[name] = (pl.col(name).str.len_chars(), pl.col(name).str.len_bytes())
    return lengths
