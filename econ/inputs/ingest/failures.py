"""Rows that break a rule: described for the user, listed for download, counted when dropped.

Each broken rule becomes one :class:`~econ.errors.Problem` (the column, the rule in plain words,
how many rows break it and one example), and its rows are listed in
:data:`~econ.inputs.dataset.DROPPED_SCHEMA` form: every one of them counted, at most
:data:`MAX_LISTED` listed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import dataframely as dy
import polars as pl

from econ import schema as s
from econ.errors import Problem
from econ.inputs.dataset import DROPPED_SCHEMA
from econ.inputs.imports import ROW
from econ.inputs.readers import example_row

MAX_LISTED: Final = 100_000
"""Dropped rows listed (and downloadable) at most; all of them are counted."""
_LISTED_TEXT: Final = 1_000
"""The most characters of one value a dropped row lists."""

_RULE_TEXT: Final[dict[str, str]] = {
    "nullability": "must not be empty (null)",
    "min": "must be zero or more",
    "nan": "must be a number (NaN found)",
    "inf": "must be finite (infinity found)",
    f"check__{s.MAX_CHARS}": f"must be at most {s.ID_MAX_LENGTH} characters long",
    f"check__{s.NO_CONTROLS}": "must not hold control characters (a NUL, an escape, a line break)",
    f"check__{s.WITHIN_MRR}": (
        "must be at most the month's mrr_usd (direct AI revenue is part of the month's MRR)"
    ),
    "min_length": "must not be empty text",
}


@dataclass(frozen=True, eq=False)
class Dropped:
    """The rows a load leaves out: one problem per broken rule, and the rows listed per rule.

    Parts add up in the order the load finds them, which is the order their problems are shown.
    """

    problems: tuple[Problem, ...] = ()
    rows: tuple[pl.DataFrame, ...] = ()

    def __add__(self, other: Dropped) -> Dropped:
        return Dropped(self.problems + other.problems, self.rows + other.rows)

    def listed(self) -> pl.DataFrame:
        """Every listed row in one frame (see :func:`concat_dropped`)."""
        return concat_dropped(self.rows)

    def kept_note(self, label: str, kept: int) -> str:
        """The note that says how many rows were kept and how many left out."""
        rows = self.listed()["row"].n_unique()
        more = "at least " if rows >= MAX_LISTED else ""
        return (
            f"{label}: {kept:,} rows kept, {more}{rows:,} left out because they break a rule "
            "(listed with their row numbers under the dropped rows)."
        )


def rule_breaks(frame: pl.LazyFrame, contract: type[dy.Schema]) -> list[pl.Expr]:
    """How many rows break each rule of ``contract`` (dataframely's own rules, and values that
    cannot be cast to the contract's types), as streaming sums.

    The contract's lazy validation keeps the rows' order, which holds every row in memory;
    counting its rules instead lets a ledger of any size stream through, and a file with broken
    rows goes to :func:`row_failures`, which names them.
    """
    present = frame.collect_schema()
    out = []
    for name, column in contract.columns().items():
        if name not in present:
            continue
        typed = pl.col(name).cast(column.dtype, strict=False)
        out.append((pl.col(name).is_not_null() & typed.is_null()).sum().alias(f"{name}|dtype"))
        out += [
            ok.not_().fill_null(False).sum().alias(f"{name}|{rule}")
            for rule, ok in column.validation_rules(typed).items()
        ]
    return out


def row_failures(
    frame: pl.DataFrame, contract: type[dy.Schema], label: str
) -> tuple[pl.DataFrame, Dropped]:
    """Check every row rule of ``contract``: the valid rows, and the invalid ones (one problem
    per broken rule, with its count and an example row, and the rows listed per rule)."""
    numbered: type[dy.Schema] = type(
        f"{contract.__name__}Numbered", (contract,), {ROW: dy.Int64(nullable=False)}
    )
    good, failure = numbered.filter(frame, cast=True)
    counts = failure.counts()
    if not counts:
        return good.drop(ROW), Dropped(rows=(pl.DataFrame(schema=DROPPED_SCHEMA),))
    details = failure.details()
    shown = [ROW, *contract.column_names()]
    problems, listed_rows = [], []
    for key, count in sorted(counts.items()):
        column, rule = describe_rule(key, numbered)
        invalid = details.filter(pl.col(key) == "invalid") if key in details.columns else details
        example = example_row(invalid.select(shown)) if invalid.height else None
        problems.append(Problem(label, column, rule, int(count), example))
        listed_rows.append(listed(invalid.select(shown).lazy(), label, column, rule))
    return good.drop(ROW), Dropped(tuple(problems), (concat_dropped(listed_rows),))


def describe_rule(key: str, contract: type[dy.Schema]) -> tuple[str | None, str]:
    """The column and the rule, in plain words, of one of dataframely's failure keys."""
    if key == "primary_key":
        keys = ", ".join(contract.primary_key())
        return keys, "must identify one row: each customer may have only one row per month"
    if "|" not in key:
        return None, key.replace("_", " ")
    column, rule = key.split("|", 1)
    if rule == "dtype":
        wanted = contract.columns()[column].dtype
        return column, f"must hold values convertible to {_type_name(wanted)}"
    if column == s.MONTH and rule in ("min", "max"):
        return column, (
            f"must fall between {s.EARLIEST_MONTH:%Y-%m} and {s.LATEST_MONTH:%Y-%m} "
            "(earlier or later dates are typos or placeholders)"
        )
    if rule in ("max", f"check__{s.AT_MOST}"):
        return column, at_most(column)
    return column, _RULE_TEXT.get(rule, rule)


def at_most(column: str) -> str:
    """The rule for a value too large to be real, or to be added up."""
    if column in (s.COST_USD, s.MRR_USD, *s.REVENUE_MONEY):
        return f"must be at most ${s.MAX_MONEY:,.0f} (no real row is; larger sums overflow)"
    return f"must be at most {s.MAX_COUNT:,} (no real row is; larger sums overflow)"


def _type_name(dtype: pl.DataType) -> str:
    names: dict[type[pl.DataType], str] = {
        pl.Float64: "a number",
        pl.Int64: "a whole number",
        pl.String: "text",
        pl.Date: "a date",
    }
    return names.get(type(dtype), str(dtype))


def listed(rows: pl.LazyFrame, label: str, column: str | None, rule: str) -> pl.DataFrame:
    """Dropped rows in :data:`DROPPED_SCHEMA` form (values as JSON), at most :data:`MAX_LISTED`."""
    head = rows.head(MAX_LISTED).collect()
    shown = [k for k in head.columns if k != ROW and not k.startswith("_")]
    # Dates and times as text (a damaged file's year -48210 has no Python form), long text cut
    # to a length a reader can use.
    text = head.select(
        pl.col(shown).cast(pl.String).str.slice(0, _LISTED_TEXT) if shown else pl.lit(None)
    )
    texts = {k: text[k].to_list() for k in shown}
    numbers = {
        k: head[k].to_list()
        for k in shown
        if head.schema[k].is_numeric() or head.schema[k] == pl.Boolean
    }

    def cell(name: str, index: int) -> object:
        """Finite numbers and flags as they are; everything else (NaN too) as text."""
        if name in numbers:
            value = numbers[name][index]
            if not (isinstance(value, float) and not math.isfinite(value)):
                return value
        return texts[name][index]

    values = [json.dumps({k: cell(k, i) for k in shown}) for i in range(head.height)]
    return pl.DataFrame(
        {
            "file": [label] * head.height,
            "row": head[ROW] if ROW in head.columns else [None] * head.height,
            "column": [column] * head.height,
            "rule": [rule] * head.height,
            "values": values,
        },
        schema=DROPPED_SCHEMA,
    )


def concat_dropped(parts: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """Listed rows in one frame, sorted by file, row and rule."""
    frames = [p for p in parts if p.height]
    if not frames:
        return pl.DataFrame(schema=DROPPED_SCHEMA)
    return pl.concat(frames).sort("file", "row", "rule")
