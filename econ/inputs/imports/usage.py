"""A usage file, in any layout, as the contract's columns (types are the ingest's job)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Final

import polars as pl

from econ import schema as s
from econ.errors import InputError, Problem, ScenarioError
from econ.inputs.imports import sources
from econ.inputs.imports.fields import Fields
from econ.inputs.imports.layout import ROW, Layout, Side, report
from econ.inputs.imports.mapping import guessed_part, plain_sources, targets
from econ.inputs.imports.registry import LAYOUT_BY_ID, closest, detect, formats
from econ.inputs.imports.spec import AUTO, MAPPED, NATIVE, ImportSpec

UNTAGGED: Final = s.UNTAGGED
UNKNOWN_CUSTOMER: Final = s.UNKNOWN_CUSTOMER


@dataclass(frozen=True)
class Converted:
    """A file in contract columns (plus ``row``, its row number in the file), and what reading
    it found.

    Attributes:
        frame: the rows.
        format: the layout read.
        notes: how the file was read.
        warnings: assumptions that change numbers (the app, the report and the CLI show them).
        sources: for plain layouts (native or mapped), contract column → file column.
        problems: rows a layout could not read (revenue), refused or left out by the caller.
        dropped: those rows, as ``row`` and the file's values.
        reporting: the currency the revenue amounts are in once read (a code, lowercase).
        conversion: what converting revenue to it did
            (:data:`econ.inputs.imports.currencies.CONVERSION_SCHEMA`); ``None`` when the rows
            still carry their ``currency`` (plain layouts: converted once they are checked).
    """

    frame: pl.LazyFrame
    format: str
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    sources: Mapping[str, str] | None = None
    problems: tuple[Problem, ...] = ()
    dropped: tuple[pl.DataFrame, ...] = field(default=())
    reporting: str = "usd"
    conversion: pl.DataFrame | None = None


def numbered(frame: pl.LazyFrame) -> pl.LazyFrame:
    """The file's rows numbered from 1, so a problem can point at its row."""
    return frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))


def resolve_format(frame: pl.LazyFrame, spec: ImportSpec, side: Side) -> str:
    names = frame.collect_schema().names()
    format_id = detect(names, side) if spec.format == AUTO else spec.format
    allowed = formats(side)
    if format_id not in allowed:
        raise ScenarioError(f"{format_id!r} is not a {side} format; use one of {allowed}")
    return format_id


def plain(
    frame: pl.LazyFrame, spec: ImportSpec, format_id: str, side: Side, label: str
) -> Converted:
    """A file in the econ layout, or mapped to it column by column."""
    schema = frame.collect_schema()
    column_sources = plain_sources(
        schema,
        spec.mapping,
        format_id,
        side=side,
        label=label,
        closest=closest(schema.names(), side) if format_id == MAPPED else "",
    )
    warnings: tuple[str, ...] = ()
    guessed = guessed_part(schema.names(), spec.mapping, side) if format_id == MAPPED else {}
    if guessed:
        matched = ", ".join(f"{target} ← {column}" for target, column in guessed.items())
        warnings = (
            f"{label} is in no known layout; some columns were matched by their names "
            f"({matched}). Check them (the app's import step, or --map).",
        )
    renamed = numbered(frame).select(
        ROW, *(pl.col(source).alias(target) for target, source in column_sources.items())
    )
    return Converted(renamed, format_id, (), warnings, column_sources)


def usage_to_contract(
    frame: pl.LazyFrame, spec: ImportSpec, label: str, hints: Mapping[str, str] | None = None
) -> Converted:
    """A usage export in the contract's columns, plus ``row``."""
    format_id = resolve_format(frame, spec, "usage")
    if format_id in (NATIVE, MAPPED):
        return plain(frame, spec, format_id, "usage", label)
    layout = LAYOUT_BY_ID[format_id]
    if layout.read_usage is None:
        raise ScenarioError(f"{format_id!r} is not a usage format")
    fields = Fields(frame.collect_schema(), hints)
    mapped = dict(spec.mapping)
    customer = _chosen(
        frame, fields, layout, given=spec.customer, mapped=mapped.pop(s.CUSTOMER_ID, None)
    )
    feature = _chosen(
        frame,
        fields,
        layout,
        given=spec.feature,
        mapped=mapped.pop(s.FEATURE_ID, None),
        role="feature",
    )
    missing = []
    if customer is None:
        missing.append(sources.missing_problem(layout, "customer", label))
    if feature is None:
        missing.append(sources.missing_problem(layout, "feature", label))
    if missing or customer is None or feature is None:
        raise InputError(missing)
    customer_id = sources.source_expr(customer, fields, layout, label, "customer")
    feature_id = sources.source_expr(feature, fields, layout, label, "feature")
    read = layout.read_usage(fields, replace(spec, customer=customer, feature=feature))
    columns = _mapped_over(read.columns, mapped, fields, label)
    chosen_warnings = [
        warning
        for role, chosen in (("customer", customer), ("feature", feature))
        if (warning := _source_warning(layout, role, chosen, label))
    ]
    rows = numbered(frame)
    if read.derived:
        rows = rows.with_columns(expr.alias(name) for name, expr in read.derived.items())
    notes, warnings = report(rows, read.tallies, label)
    kept = rows.filter(read.keep) if read.keep is not None else rows
    converted = kept.select(
        ROW,
        customer_id.alias(s.CUSTOMER_ID),
        feature_id.alias(s.FEATURE_ID),
        *(expr.alias(name) for name, expr in columns.items()),
    )
    return Converted(
        converted,
        format_id,
        (
            f"{label} read as: {layout.title}; customers from {customer}, features from {feature}.",
            *(f"{label}: {note}" for note in read.notes),
            *notes,
        ),
        (*chosen_warnings, *(f"{label}: {warning}" for warning in read.warnings), *warnings),
    )


def _source_warning(layout: Layout, role: str, chosen: str, label: str) -> str:
    """What to say when a role's source is one the layout knows to be an assumption: its own
    caveat (OpenAI's ids are not your customers), or that a stand-in took the place of the
    source it prefers, which this file lacks. Said however the source was chosen."""
    preferences = layout.customer if role == "customer" else layout.feature
    if chosen not in preferences:
        return ""
    text = layout.default_warnings.get(role)
    if text:
        return f"{label}: {text.format(source=chosen)}"
    if chosen != preferences[0]:
        return (
            f"{label}: {role}s are taken from {chosen}, since this file has no {preferences[0]}; "
            f"choose another source with --{role} (or in the app's import step) if that is wrong"
        )
    return ""


def _chosen(
    frame: pl.LazyFrame,
    fields: Fields,
    layout: Layout,
    *,
    given: str | None,
    mapped: str | None,
    role: sources.Role = "customer",
) -> str | None:
    """The source of the customer (or feature): as given, as mapped, or the layout's default."""
    if given is not None:
        return given
    if mapped is not None:
        return f"column:{mapped}"
    return sources.default(frame, fields, layout, role)


def _mapped_over(
    columns: dict[str, pl.Expr], mapped: Mapping[str, str], fields: Fields, label: str
) -> dict[str, pl.Expr]:
    """The layout's columns, with those the spec maps read from the named file columns."""
    unknown = sorted(set(mapped) - set(targets("usage")))
    if unknown:
        raise ScenarioError(f"usage mapping names {unknown}; map only {list(targets('usage'))}")
    out = dict(columns)
    for target, column in mapped.items():
        expr = fields.value(column)
        if expr is None:
            raise InputError(
                [
                    Problem(
                        label, column, f"is not a column of this file, so it cannot give {target}"
                    )
                ]
            )
        if target in s.USAGE_TIME_COLUMNS:
            for other in s.USAGE_TIME_COLUMNS:
                out.pop(other, None)
        out[target] = expr
    return out
