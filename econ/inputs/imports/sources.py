"""Where a usage row's customer and feature come from: a *source*, chosen per file.

- ``column:<name>`` — a column's value (a dotted path reads inside a nested one);
- ``metadata:<key>`` — a key of the layout's key-value fields (JSON text, struct or map);
  ``metadata:spend_logs_metadata.feature`` reads a nested key;
- ``tag:<prefix>`` — the first tag starting with the prefix, prefix removed (``tag:feature:``);
- ``constant:<text>`` — the same value for every row.

A layout lists its preferred sources; the first one this file can give values for is the
default. When none can, the file is refused with a message saying what is missing and how to
give it: a plausible-looking default (every call to one customer) would be a silent guess.
"""

from __future__ import annotations

from typing import Final, Literal

import polars as pl

from econ.errors import InputError, Problem, ScenarioError
from econ.inputs.imports.fields import Fields, json_text
from econ.inputs.imports.layout import Layout

Role = Literal["customer", "feature"]
SAMPLE_ROWS: Final = 2000
"""How many first rows are looked at to offer sources and pick the default."""
KINDS: Final = ("column", "metadata", "tag", "constant")


def parse(source: str, role: str) -> tuple[str, str]:
    """``"tag:feature:"`` → ``("tag", "feature:")``; refuses a malformed source."""
    kind, separator, value = source.partition(":")
    if kind not in KINDS or not separator or (kind != "constant" and not value):
        raise ScenarioError(
            f"{role} source {source!r} must look like column:<name>, metadata:<key>, "
            "tag:<prefix> or constant:<text>"
        )
    return kind, value


def source_expr(
    source: str, fields: Fields, layout: Layout | None, label: str, role: str
) -> pl.Expr:
    """The expression that reads a customer or feature id from ``source`` (null where the row
    has none)."""
    kind, value = parse(source, role)
    if kind == "constant":
        return pl.lit(value or role, pl.String)
    if kind == "column":
        expr = fields.value(value)
        if expr is None:
            raise InputError(
                [
                    Problem(
                        label,
                        value,
                        f"is not a column of this file, so it cannot give the {role}",
                    )
                ]
            )
        return _id_text(expr)
    if kind == "metadata":
        containers = [c for c in (layout.metadata if layout else ()) if fields.has(c)]
        if not containers:
            raise InputError(
                [Problem(label, None, f"has no metadata column to read the {role} from")]
            )
        found = [fields.value(f"{c}.{value}") for c in containers]
        return pl.coalesce(_id_text(expr) for expr in found if expr is not None)
    columns = [c for c in (layout.tags if layout else ()) if c in fields.schema]
    if not columns:
        raise InputError([Problem(label, None, f"has no tags column to read the {role} from")])
    chosen = pl.coalesce(
        tag_list(pl.col(c), fields.schema[c])
        .list.eval(pl.element().filter(pl.element().str.starts_with(value)))
        .list.first()
        for c in columns
    )
    return chosen.str.strip_prefix(value)


def _id_text(expr: pl.Expr) -> pl.Expr:
    """An id as text, with the literal quotes of JSON-stringified cells taken off."""
    text = expr.cast(pl.String)
    quoted = text.str.starts_with('"') & text.str.ends_with('"') & (text.str.len_chars() >= 2)
    return pl.when(quoted).then(text.str.slice(1, text.str.len_chars() - 2)).otherwise(text)


def tag_list(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A row's tags as a list of text, from a list column, JSON array text (``["a", "b"]``), a
    Postgres array (``{a,b}``) or one plain tag per row (LiteLLM's daily tag table)."""
    if isinstance(dtype, pl.List):
        return column.cast(pl.List(pl.String))
    if dtype != pl.String:
        return pl.lit(None, pl.List(pl.String))
    text = json_text(column).str.strip_chars()
    postgres = (
        text.str.strip_chars("{}").str.split(",").list.eval(pl.element().str.strip_chars('"'))
    )
    return (
        pl.when(text.str.starts_with("["))
        .then(text.str.json_decode(pl.List(pl.String)))
        .when(text.str.starts_with("{"))
        .then(postgres)
        .when(text.is_null() | (text == ""))
        .then(pl.lit(None, pl.List(pl.String)))
        .otherwise(pl.concat_list(text))
    )


def choices(frame: pl.LazyFrame, fields: Fields, layout: Layout | None) -> list[str]:
    """Sources worth offering for this file: its text-like columns, the metadata keys and tag
    prefixes seen in its first rows."""
    out = [
        f"column:{name}"
        for name, dtype in fields.schema.items()
        if dtype == pl.String or dtype.is_integer() or isinstance(dtype, pl.Categorical | pl.Enum)
    ]
    if layout is None:
        return out
    head = frame.head(SAMPLE_ROWS).collect()
    for container in layout.metadata:
        out += [f"metadata:{key}" for key in fields.keys(head, container)]
    for column in layout.tags:
        if column not in fields.schema:
            continue
        prefixes = (
            head.select(
                tag_list(pl.col(column), fields.schema[column])
                .explode()
                .str.extract(r"^([^:]+:)")
                .alias("p")
            )
            .drop_nulls()["p"]
            .unique()
            .sort()
            .to_list()
        )
        out += [f"tag:{prefix}" for prefix in prefixes]
    return list(dict.fromkeys(out))


def default(frame: pl.LazyFrame, fields: Fields, layout: Layout, role: Role) -> str | None:
    """The first of the layout's preferred sources that gives a value in the file's first rows
    (``None``: none does)."""
    preferences = layout.customer if role == "customer" else layout.feature
    offered = set(choices(frame, fields, layout))
    head = frame.head(SAMPLE_ROWS)
    for source in preferences:
        kind, _ = parse(source, role)
        if kind == "constant":
            return source
        if kind in ("metadata", "tag") and source not in offered:
            continue
        try:
            expr = source_expr(source, fields, layout, "file", role)
        except InputError:
            continue
        given = head.select((expr.is_not_null() & (expr != "")).sum()).collect().item()
        if given:
            return source
    return None


def missing_problem(layout: Layout, role: Role, label: str) -> Problem:
    """Why the file cannot be read: no source for the customer (or feature), and how to give
    one."""
    preferences = layout.customer if role == "customer" else layout.feature
    looked = ", ".join(preferences) or "none"
    help_text = layout.missing_help.get(role, "")
    flag = f"--{role}"
    return Problem(
        label,
        None,
        f"names no {role} for its calls: none of {looked} has a value in its first "
        f"{SAMPLE_ROWS:,} rows. {help_text + ' ' if help_text else ''}Or choose where the "
        f"{role} comes from ({flag} on the command line, 'Customer/Feature comes from' in the "
        f"app), e.g. {flag} column:<name>, or {flag} constant:<name> if every call is one "
        f"{role}'s",
    )
