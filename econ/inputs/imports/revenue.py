"""A revenue file, in any layout, as one row per customer-month.

A layout reads its file into *lines*: an amount (dollars) over a run of months. Invoice lines
cover their service period, so an annual line counts a twelfth in each of its twelve months;
a subscription covers every month from its start (or the end of its trial) through the month
before it ended (a month counts when it began before the end), or through ``through`` while it
runs. Lines are spread over their months and summed per customer-month; a customer-month's plan
is that of its largest line.

What is MRR here: recurring lines net of the discounts the export carries, before tax;
proration lines left out unless asked for. Cents are told from dollars by the layout, a header
suffix or, failing both, the amounts themselves (with a warning); a currency without minor
units (JPY) is whole units either way, line by line.

Currencies (:mod:`econ.inputs.imports.currencies`): each line is converted to the reporting
currency at its currency's rate for each month it counts in, before lines are summed per
customer-month. Without rates, a file in one currency is reported in that currency and a file
mixing currencies is refused; a line without a currency in a file whose other lines name one is
refused too (never taken to be in some currency).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Final

import polars as pl

from econ import formats
from econ import schema as s
from econ.errors import InputError, Problem, ScenarioError
from econ.inputs.imports.currencies import (
    REPORTING_DEFAULT,
    REVENUE_SIDE,
    convert,
    reporting_of,
    unconverted,
)
from econ.inputs.imports.fields import Fields
from econ.inputs.imports.layout import ROW, Check, Layout, Lines, RevenueContext, report
from econ.inputs.imports.lines import (
    AI_LINE,
    MAX_CUSTOMER_MONTHS,
    customer_months,
    month_of,
    months_covered,
    spread,
    tag_ai_lines,
)
from econ.inputs.imports.registry import LAYOUT_BY_ID
from econ.inputs.imports.spec import MAPPED, NATIVE, ImportSpec
from econ.inputs.imports.usage import Converted, numbered, plain, resolve_format
from econ.inputs.readers import CENTS, DOLLARS, example_row

ZERO_DECIMAL: Final = frozenset(
    {
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    }
)
"""Currencies without minor units: an amount "in cents" of these is already whole units."""
_MAPPABLE: Final = (s.CUSTOMER_ID, s.PLAN)


def revenue_to_contract(
    frame: pl.LazyFrame,
    spec: ImportSpec,
    label: str,
    through: str | None,
    hints: Mapping[str, str] | None = None,
) -> Converted:
    """A revenue export as one row per customer-month: contract columns, segments, ``row``."""
    format_id = resolve_format(frame, spec, "revenue")
    if format_id in (NATIVE, MAPPED):
        return _plain_currency(plain(frame, spec, format_id, "revenue", label), spec)
    layout = LAYOUT_BY_ID[format_id]
    if layout.read_revenue is None:
        raise ScenarioError(f"{format_id!r} is not a revenue format")
    unknown = sorted(set(spec.mapping) - set(_MAPPABLE))
    if unknown:
        raise ScenarioError(
            f"on top of {layout.title}, the revenue mapping may name only {list(_MAPPABLE)}, "
            f"not {unknown}"
        )
    fields = Fields(frame.collect_schema(), hints)
    rows = numbered(frame)
    found = _currencies(rows, fields, layout, label)
    reporting, currency_notes, currency_warnings = reporting_of(found, spec.currencies, label)
    divisor, amount_notes, amount_warnings = _divisor(
        rows, fields, layout, spec=spec, found=found, label=label
    )
    context = RevenueContext(spec, divisor, through, label)
    lines = layout.read_revenue(rows, fields, context)
    lines = _mapped_over(lines, rows, fields, spec.mapping, label)
    rejected = _rejected(rows, lines.checks, label)
    tally_notes, tally_warnings = report(rows, lines.tallies, label)
    frame_lines = lines.frame
    for _, bad in rejected:
        frame_lines = frame_lines.join(bad.select(ROW).collect(), on=ROW, how="anti")
    frame_lines = tag_ai_lines(frame_lines, spec.ai_lines)
    if found:
        codes = rows.select(ROW, _code(fields, layout).alias(s.CURRENCY)).collect()
        frame_lines = frame_lines.join(codes, on=ROW, how="left")
    # A prepaid year spreads past the data: keep only months up to the last one shown.
    last = month_of(through) if through is not None else None
    notes = (
        f"{label} read as: {layout.title}; {_unit_text(divisor, found or [reporting])}.",
        *amount_notes,
        *currency_notes,
        *(f"{label}: {note}" for note in lines.notes),
        *tally_notes,
        *_ai_line_notes(frame_lines, spec.ai_lines, label),
    )
    warnings = (
        *amount_warnings,
        *currency_warnings,
        *(f"{label}: {warning}" for warning in lines.warnings),
        *tally_warnings,
    )
    covered = months_covered(frame_lines)
    if covered > MAX_CUSTOMER_MONTHS:
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    f"covers {covered:,} customer-months (its lines span "
                    f"{formats.count_of(frame_lines.height, 'line')} × their months), more than "
                    f"the {MAX_CUSTOMER_MONTHS:,} a revenue table may hold: export a shorter "
                    "window, or check the start dates",
                )
            ]
        )
    spread_lines = spread(frame_lines, last)
    if spec.currencies is not None and found:
        conversion = convert(
            spread_lines,
            (s.MRR_USD,),
            spec.currencies,
            side=REVENUE_SIDE,
            label=label,
            column=fields.found(*layout.currency_fields) or s.CURRENCY,
            examples=rows,
            row=ROW,
        )
        spread_lines, summary = conversion.frame, conversion.summary
    else:
        summary = unconverted(spread_lines, s.MRR_USD, reporting, REVENUE_SIDE)
        spread_lines = spread_lines.drop(s.CURRENCY, strict=False)
    return Converted(
        customer_months(spread_lines),
        format_id,
        notes,
        warnings,
        problems=tuple(problem for problem, _ in rejected),
        dropped=tuple(bad.collect() for _, bad in rejected),
        reporting=reporting,
        conversion=summary,
    )


def _ai_line_notes(lines: pl.DataFrame, pattern: str | None, label: str) -> tuple[str, ...]:
    """What tagging AI lines found: how many lines, how much, and which plan names matched."""
    if pattern is None:
        return ()
    tagged = lines.filter(pl.col(AI_LINE))
    if tagged.height == 0:
        return (
            f"{label}: no line's plan or product matches the AI lines pattern {pattern!r}, so "
            "direct AI revenue is $0 everywhere.",
        )
    names = sorted(tagged[s.PLAN].unique().to_list())
    shown = ", ".join(repr(name) for name in names[:5]) + (" …" if len(names) > 5 else "")
    return (
        f"{label}: {formats.count_of(tagged.height, 'line')} tagged as AI revenue by "
        f"{pattern!r} ({shown}): their amounts are the months' direct AI revenue.",
    )


def _unit_text(divisor: float | pl.Expr, found: list[str]) -> str:
    codes = "/".join(code.upper() for code in found) or "the reporting currency"
    if isinstance(divisor, pl.Expr):
        return f"amounts in cents of {codes} (divided by 100, except currencies without cents)"
    if divisor == 100:
        return f"amounts in cents of {codes} (divided by 100)"
    return f"amounts in whole {codes}"


def _code(fields: Fields, layout: Layout) -> pl.Expr:
    """A row's currency code, lowercase (null when empty)."""
    code = fields.text(*layout.currency_fields).str.strip_chars().str.to_lowercase()
    return pl.when(code != "").then(code)


def _currencies(rows: pl.LazyFrame, fields: Fields, layout: Layout, label: str) -> list[str]:
    """The currencies the file's rows are in (lowercase, sorted), refusing rows without one
    when other rows name one."""
    if not fields.has(*layout.currency_fields):
        return []
    code = _code(fields, layout)
    found = sorted(rows.select(code.alias("c")).unique().collect()["c"].drop_nulls().to_list())
    if not found:
        return []
    empty = rows.filter(code.is_null())
    count = empty.select(pl.len()).collect().item()
    if count:
        column = fields.found(*layout.currency_fields)
        raise InputError(
            [
                Problem(
                    label,
                    column,
                    "must name the currency of every row, as the file's other rows do "
                    f"({', '.join(c.upper() for c in found)}): a row without one is in no "
                    "known currency",
                    int(count),
                    example_row(empty.head(1).collect()),
                )
            ]
        )
    return found


def _plain_currency(converted: Converted, spec: ImportSpec) -> Converted:
    """A plain (native or mapped) file: its reporting currency, its ``currency`` column kept
    for the caller to convert once the rows are checked (when it has one)."""
    reporting = REPORTING_DEFAULT if spec.currencies is None else spec.currencies.reporting
    return replace(converted, reporting=reporting)


def _divisor(
    rows: pl.LazyFrame,
    fields: Fields,
    layout: Layout,
    *,
    spec: ImportSpec,
    found: list[str],
    label: str,
) -> tuple[float | pl.Expr, tuple[str, ...], tuple[str, ...]]:
    """100 for amounts in cents, 1 for dollars: as the spec says, else the header suffix, else
    the layout, else the amounts (a decimal point means dollars)."""
    column = fields.column_of(fields.found(*layout.amount_fields) or "") or ""
    hint = fields.hints.get(column)
    unit: str
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    if spec.amounts_in != "auto":
        unit = spec.amounts_in
    elif hint in (CENTS, DOLLARS):
        unit = hint
        notes = (f"{label}: amounts in {hint}, as the header of '{column}' says.",)
    elif layout.amounts is not None:
        unit = layout.amounts
    else:
        amount = fields.text(*layout.amount_fields)
        fractional = (
            rows.select(amount.str.contains(r"\.\d").fill_null(False).any()).collect().item()
        )
        unit = DOLLARS if fractional else CENTS
        warnings = (
            f"{label}: amounts were read as {unit} because "
            + (
                "they are written with a decimal point"
                if fractional
                else "they are whole numbers (19900 = $199.00)"
            )
            + "; if that is wrong, say which (amounts: cents or dollars).",
        )
    whole = [code for code in found if code in ZERO_DECIMAL]
    if unit != CENTS or not whole:
        return (100.0 if unit == CENTS else 1.0), notes, warnings
    notes = (*notes, *(f"{label}: {code.upper()} has no minor unit." for code in whole))
    if len(whole) == len(found):
        return 1.0, notes, warnings
    # Several currencies, some without cents: each line divided as its own currency says.
    code = _code(fields, layout)
    return pl.when(code.is_in(list(ZERO_DECIMAL))).then(1.0).otherwise(100.0), notes, warnings


def _mapped_over(
    lines: Lines, rows: pl.LazyFrame, fields: Fields, mapping: Mapping[str, str], label: str
) -> Lines:
    """Lines with the customer or plan read from the columns the spec maps them to."""
    if not mapping:
        return lines
    exprs = []
    for target, column in mapping.items():
        expr = fields.value(column)
        if expr is None:
            raise InputError(
                [
                    Problem(
                        label, column, f"is not a column of this file, so it cannot give {target}"
                    )
                ]
            )
        exprs.append(expr.cast(pl.String).alias(target))
    replaced = rows.select(ROW, *exprs).collect()
    frame = lines.frame.drop(list(mapping)).join(replaced, on=ROW, how="left")
    return Lines(frame.select(lines.frame.columns), lines.notes, lines.warnings, lines.checks)


def _rejected(
    rows: pl.LazyFrame, checks: tuple[Check, ...], label: str
) -> list[tuple[Problem, pl.LazyFrame]]:
    """Each broken check: its problem (count and an example row) and the rows breaking it."""
    if not checks:
        return []
    counts = rows.select(c.broken.fill_null(False).sum() for c in checks).collect().row(0)
    out = []
    for check, count in zip(checks, counts, strict=True):
        if not count:
            continue
        bad = rows.filter(check.broken.fill_null(False))
        example = example_row(bad.head(1).collect())
        out.append((Problem(label, check.column, check.rule, int(count), example), bad))
    return out
