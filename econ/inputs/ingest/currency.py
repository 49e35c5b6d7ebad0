"""Money in one reporting currency: a plain revenue table's ``currency`` column converted once
its rows are checked, and the usage ledger's costs (US dollars) converted when another currency
is the reporting one (:mod:`econ.inputs.imports.currencies` says how rates are given).

A billing export's lines are converted while they are spread over their months
(:mod:`econ.inputs.imports.revenue`); a plain table holds one row per customer-month, so each
row is converted at its own currency's rate for its month, every money column alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from econ import schema as s
from econ.errors import InputError, Problem
from econ.inputs.imports import ROW, ImportSpec
from econ.inputs.imports.currencies import (
    CONVERSION_SCHEMA,
    COST_SIDE,
    REVENUE_SIDE,
    USD,
    Currencies,
    convert,
    reporting_of,
    unconverted,
)
from econ.inputs.imports.usage import Converted
from econ.inputs.readers import example_row


@dataclass(frozen=True)
class InCurrency:
    """A revenue table in its reporting currency, and what converting it did."""

    frame: pl.DataFrame
    reporting: str
    conversion: pl.DataFrame
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def in_reporting_currency(
    out: pl.DataFrame, converted: Converted, spec: ImportSpec, label: str
) -> InCurrency:
    """The checked revenue rows in the reporting currency, the ``currency`` column dropped.

    Raises:
        InputError: rows without a currency where others name one; several currencies without
            rates; a currency (or month) without a rate.
    """
    if converted.conversion is not None:  # a billing export: converted line by line already
        return InCurrency(out, converted.reporting, converted.conversion)
    if s.CURRENCY not in out.columns:
        return InCurrency(
            out, converted.reporting, unconverted(out, s.MRR_USD, converted.reporting, REVENUE_SIDE)
        )
    code = pl.col(s.CURRENCY).str.strip_chars().str.to_lowercase()
    rows = out.with_columns(pl.when(code != "").then(code).alias(s.CURRENCY))
    found = sorted(rows[s.CURRENCY].drop_nulls().unique().to_list())
    empty = rows.filter(pl.col(s.CURRENCY).is_null())
    if found and empty.height:
        raise InputError(
            [
                Problem(
                    label,
                    s.CURRENCY,
                    "must name the currency of every row, as the file's other rows do "
                    f"({', '.join(c.upper() for c in found)}): a row without one is in no "
                    "known currency",
                    empty.height,
                    example_row(empty.head(1)),
                )
            ]
        )
    reporting, notes, warnings = reporting_of(found, spec.currencies, label)
    if spec.currencies is None or not found:
        frame = rows.drop(s.CURRENCY)
        return InCurrency(
            frame,
            reporting,
            unconverted(frame, s.MRR_USD, reporting, REVENUE_SIDE),
            notes,
            warnings,
        )
    money = [s.MRR_USD, *(c for c in s.REVENUE_MONEY if c in rows.columns)]
    conversion = convert(
        rows,
        money,
        spec.currencies,
        side=REVENUE_SIDE,
        label=label,
        column=s.CURRENCY,
        examples=converted.frame,
        row=ROW,
    )
    return InCurrency(conversion.frame, reporting, conversion.summary, notes, warnings)


@dataclass(frozen=True)
class CostsIn:
    """The usage rollup's costs in the reporting currency, and what converting them did."""

    rollup: pl.DataFrame
    conversion: pl.DataFrame
    notes: tuple[str, ...] = ()


def costs_in(
    rollup: pl.DataFrame, reporting: str, currencies: Currencies | None, label: str
) -> CostsIn:
    """The rollup's ``cost_usd`` (US dollars, as every ledger and token price gives it) in
    ``reporting``, at the USD rate of each row's month; unchanged when that is USD.

    Raises:
        InputError: no USD rate (for a month), naming USD and the months.
    """
    if reporting == USD:
        return CostsIn(rollup, pl.DataFrame(schema=CONVERSION_SCHEMA))
    rates = currencies if currencies is not None else Currencies(reporting)
    if USD not in rates.rates:
        # Say it once, for the whole ledger: no row is at fault.
        code = reporting.upper()
        raise InputError(
            [
                Problem(
                    label,
                    s.COST_USD,
                    f"is in USD while the revenue is reported in {code}: give the USD rate "
                    f"({code} per USD: --currency {code} and a rates file with a usd row, or "
                    f"the Data page's Currencies box), or report in USD by giving the rate of "
                    f"{code} instead; rates are never looked up",
                )
            ]
        )
    conversion = convert(
        rollup.with_columns(pl.lit(USD).alias(s.CURRENCY)),
        (s.COST_USD,),
        rates,
        side=COST_SIDE,
        label=label,
        column=s.COST_USD,
    )
    note = (
        f"{label}: costs converted from USD to {reporting.upper()} at the USD rate of each "
        "month; the token price table (and the model swap, which re-prices at it) stays in USD, "
        f"so a model swap is not offered while revenue is reported in {reporting.upper()}."
    )
    return CostsIn(conversion.frame.select(rollup.columns), conversion.summary, (note,))
