"""Revenue in several currencies, converted to one reporting currency at rates the user gives.

A rate is how many units of the reporting currency one unit of a currency is worth (EUR at
1.08 with USD reporting: €1 counts $1.08). It is one number per currency, or one per month
(``YYYY-MM``) for a currency whose rate moved. Rates are never looked up anywhere: a currency
(or, in a per-month table, a month) without one refuses the file, naming it. The reporting
currency itself has rate 1.

Each revenue line is converted at its own currency's rate for the month it counts in, before
the lines are summed per customer-month (a customer-month may mix currencies); the usage
ledger's costs are in US dollars and are converted at the USD rate of their month when another
currency is the reporting one. What was converted is kept as a small table (one row per side,
currency and, for per-month rates, month: the amount before, the rate, the amount after).

Rates in a file: CSV ``currency,rate`` or ``currency,month,rate`` (a header row, any letter
case), or JSON ``{"eur": 1.08, "gbp": {"2026-01": 1.27}}`` (or ``{"reporting": "usd",
"rates": {...}}``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

import polars as pl

from econ import schema as s
from econ.errors import InputError, Problem, ScenarioError
from econ.inputs.readers import example_row
from econ.scenario.values import LARGEST, freeze, known_keys, mapping, number

REPORTING_DEFAULT: Final = "usd"
"""The reporting currency when none is given (and the revenue is not all in one other)."""
USD: Final = "usd"
"""The usage ledger's costs are in US dollars (``cost_usd``, and every token price)."""
RATE: Final = "rate"
AMOUNT: Final = "amount"
CONVERTED: Final = "converted"
SIDE: Final = "side"
REVENUE_SIDE: Final = "revenue"
COST_SIDE: Final = "usage cost"

CONVERSION_SCHEMA: Final = pl.Schema(
    {
        SIDE: pl.String(),
        s.CURRENCY: pl.String(),
        s.MONTH: pl.Date(),
        AMOUNT: pl.Float64(),
        RATE: pl.Float64(),
        CONVERTED: pl.Float64(),
    }
)
"""What conversion did: per side (revenue, usage cost), currency and (for a per-month rate)
month, the amount in that currency, the rate and the amount in the reporting currency."""

Rate: TypeAlias = float | Mapping[str, float]
_CODE: Final = re.compile(r"[a-z]{3}")
_MONTH: Final = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_SMALLEST_RATE: Final = 1e-9


def currency_code(value: object, what: str = "currency") -> str:
    """An ISO 4217 style code, lowercase (``"EUR"`` → ``"eur"``); anything else is refused."""
    text = value.strip().lower() if isinstance(value, str) else ""
    if not _CODE.fullmatch(text):
        raise ScenarioError(
            f"{what} must be a three-letter currency code such as USD or EUR, got {value!r}"
        )
    return text


def _rate(value: object, what: str) -> float:
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ScenarioError(f"{what} must be a number, got {value!r}") from None
    rate = number(value, what, high=LARGEST)
    if rate < _SMALLEST_RATE:
        raise ScenarioError(f"{what} must be more than zero, got {rate!r}")
    return rate


def _rates(value: object, reporting: str) -> dict[str, Rate]:
    out: dict[str, Rate] = {}
    for key, item in mapping(value, "rates").items():
        code = currency_code(key, f"rates key {key!r}")
        what = f"rates[{code.upper()}]"
        if code in out:
            raise ScenarioError(f"{what} is given twice")
        if isinstance(item, Mapping):
            months: dict[str, float] = {}
            for month, rate in mapping(item, what).items():
                if not _MONTH.fullmatch(month):
                    raise ScenarioError(f"{what} keys must be months as YYYY-MM, got {month!r}")
                months[month] = _rate(rate, f"{what}[{month}]")
            if not months:
                raise ScenarioError(f"{what} has no month")
            parsed: Rate = freeze(dict(sorted(months.items())))
            values = set(months.values())
        else:
            parsed = _rate(item, what)
            values = {parsed}
        if code == reporting and values != {1.0}:
            raise ScenarioError(
                f"{what}: {code.upper()} is the reporting currency, so its rate is 1"
            )
        out[code] = parsed
    return out


@dataclass(frozen=True)
class Currencies:
    """How revenue in several currencies becomes one reporting currency.

    Attributes:
        reporting: the currency every amount is shown in (a code, stored lowercase).
        rates: ``{code: rate}`` or ``{code: {"YYYY-MM": rate}}``: units of the reporting
            currency per unit of that currency (one number, or one per month; a month a table
            lacks is a missing rate, never the nearest month's). USD needs one when another
            currency is the reporting one (the usage ledger's costs are in USD).
    """

    reporting: str = REPORTING_DEFAULT
    rates: Mapping[str, Rate] = field(default_factory=dict)

    def __post_init__(self) -> None:
        reporting = currency_code(self.reporting, "the reporting currency")
        object.__setattr__(self, "reporting", reporting)
        object.__setattr__(self, "rates", freeze(_rates(self.rates, reporting)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "reporting": self.reporting,
            "rates": {
                code: rate if isinstance(rate, float) else dict(rate)
                for code, rate in sorted(self.rates.items())
            },
        }

    @classmethod
    def from_dict(cls, data: object, what: str = "currencies") -> Currencies:
        values = known_keys(data, what, ("reporting", "rates"))
        return cls(
            reporting=values.get("reporting") or REPORTING_DEFAULT,
            rates=values.get("rates") or {},
        )

    def rate_frame(self) -> pl.DataFrame:
        """One row per rate: ``currency``, ``month`` (null for one rate for every month) and
        ``rate``; the reporting currency at 1."""
        rows: list[tuple[str, dt.date | None, float]] = [(self.reporting, None, 1.0)]
        for code, rate in self.rates.items():
            if code == self.reporting:
                continue
            if isinstance(rate, float):
                rows.append((code, None, rate))
            else:
                rows.extend((code, _first_of(month), value) for month, value in rate.items())
        return pl.DataFrame(
            rows,
            schema={s.CURRENCY: pl.String(), s.MONTH: pl.Date(), RATE: pl.Float64()},
            orient="row",
        )


def reporting_of(
    found: list[str], currencies: Currencies | None, label: str
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The reporting currency and what to say about it: as given; else, without rates, the
    file's one currency (several are refused)."""
    if currencies is not None:
        others = [code for code in found if code != currencies.reporting]
        if not others:
            return currencies.reporting, (), ()
        return (
            currencies.reporting,
            (
                f"{label}: amounts in {', '.join(c.upper() for c in others)} converted to "
                f"{currencies.reporting.upper()} at the rates given, month by month.",
            ),
            (),
        )
    if len(found) > 1:
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    f"is in several currencies ({', '.join(c.upper() for c in found)}): give "
                    "the rate of each to the reporting currency (--currency and --rates, or "
                    "the Data page's currency settings) to convert them into one; no rate is "
                    "ever looked up",
                )
            ]
        )
    if not found or found[0] == REPORTING_DEFAULT:
        return REPORTING_DEFAULT, (), ()
    code = found[0].upper()
    return (
        found[0],
        (),
        (
            f"{label}: amounts are all in {code}, so {code} is the reporting currency: every "
            f"amount is shown in {code}, and the usage ledger's costs (USD) need a USD rate in "
            f"{code} to be set against it (or give an {code} rate to report in USD).",
        ),
    )


def _first_of(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:]), 1)


def parse_rates(text: str, what: str = "rates", reporting: str | None = None) -> Currencies:
    """Rates written as CSV (``currency,rate`` or ``currency,month,rate``) or JSON (see the
    module docstring), as :class:`Currencies` (reporting in ``reporting``, else as the JSON
    says, else USD).

    Raises:
        ScenarioError: text that is neither, a rate that is no positive number, a month not
            ``YYYY-MM``, a currency or month given twice.
    """
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        raise ScenarioError(f"{what}: no rates given")
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise ScenarioError(f"{what}: not valid JSON ({error.msg})") from None
        if isinstance(data, dict) and set(data) <= {"reporting", "rates"} and "rates" in data:
            given = Currencies.from_dict(data, what)
            return Currencies(reporting or given.reporting, given.rates)
        return Currencies(reporting or REPORTING_DEFAULT, data)
    return Currencies(reporting or REPORTING_DEFAULT, _csv_rates(stripped, what))


def _csv_rates(text: str, what: str) -> dict[str, Rate]:
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    header = [cell.strip().lower() for cell in rows[0]]
    if header not in (["currency", "rate"], ["currency", "month", "rate"]):
        raise ScenarioError(
            f"{what}: the CSV header must be currency,rate or currency,month,rate, got "
            f"{','.join(rows[0])!r}"
        )
    flat: dict[str, object] = {}
    monthly: dict[str, dict[str, object]] = {}
    for number_, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ScenarioError(f"{what}: line {number_} has {len(row)} values, not {len(header)}")
        cells = dict(zip(header, (cell.strip() for cell in row), strict=True))
        code = currency_code(cells["currency"], f"{what} line {number_}")
        month = cells.get("month", "")
        if not month:
            if code in flat or code in monthly:
                raise ScenarioError(f"{what}: {code.upper()} is given twice")
            flat[code] = cells["rate"]
            continue
        if code in flat:
            raise ScenarioError(f"{what}: {code.upper()} has one rate and per-month rates")
        if month in monthly.setdefault(code, {}):
            raise ScenarioError(f"{what}: {code.upper()} {month} is given twice")
        monthly[code][month] = cells["rate"]
    parsed: dict[str, Any] = {**flat, **monthly}
    return parsed


@dataclass(frozen=True)
class Conversion:
    """Amounts converted, and what conversion did (:data:`CONVERSION_SCHEMA`)."""

    frame: pl.DataFrame
    summary: pl.DataFrame


def convert(
    frame: pl.DataFrame,
    amounts: Iterable[str],
    currencies: Currencies,
    *,
    side: str,
    label: str,
    column: str,
    examples: pl.LazyFrame | None = None,
    row: str = "row",
) -> Conversion:
    """``frame`` (with ``currency``, lowercase, and ``month``) with its ``amounts`` columns at
    the rate of each row's currency and month, the ``currency`` column dropped.

    Raises:
        InputError: a currency (or, for per-month rates, a month) without a rate: one problem
            per currency, naming it, its months, how many rows and an example (from
            ``examples``, the file's rows by ``row``, when given).
    """
    amounts = [name for name in amounts if name in frame.columns]
    rates = currencies.rate_frame()
    flat = rates.filter(pl.col(s.MONTH).is_null()).drop(s.MONTH)
    monthly = rates.filter(pl.col(s.MONTH).is_not_null()).rename({RATE: "_monthly"})
    per_month = set(monthly[s.CURRENCY].to_list())
    joined = frame.join(flat, on=s.CURRENCY, how="left").join(
        monthly, on=[s.CURRENCY, s.MONTH], how="left"
    )
    joined = joined.with_columns(pl.coalesce(RATE, "_monthly").alias(RATE)).drop("_monthly")
    missing = joined.filter(pl.col(RATE).is_null())
    if missing.height:
        raise InputError(
            _missing(
                missing,
                currencies,
                per_month,
                label=label,
                column=column,
                examples=examples,
                row=row,
            )
        )
    summary = _summary(joined, amounts[0] if amounts else None, per_month, side)
    out = joined.with_columns(
        *((pl.col(name) * pl.col(RATE)).alias(name) for name in amounts)
    ).drop(RATE, s.CURRENCY)
    return Conversion(out, summary)


def _missing(
    missing: pl.DataFrame,
    currencies: Currencies,
    per_month: set[str],
    *,
    label: str,
    column: str,
    examples: pl.LazyFrame | None,
    row: str,
) -> list[Problem]:
    problems = []
    reporting = currencies.reporting.upper()
    for code in sorted(missing[s.CURRENCY].unique().to_list()):
        part = missing.filter(pl.col(s.CURRENCY) == code)
        if code in per_month:
            months = sorted({f"{m:%Y-%m}" for m in part[s.MONTH].drop_nulls().to_list()})
            shown = ", ".join(months[:6]) + (" …" if len(months) > 6 else "")
            rule = (
                f"{code.upper()} has no rate to {reporting} for {shown} (its per-month rates "
                f"lack {'that month' if len(months) == 1 else 'those months'}; give one per "
                "month: no rate is carried over from another month)"
            )
        else:
            rule = (
                f"{code.upper()} has no rate to {reporting} (give one: {reporting} per "
                f"{code.upper()}, one number or one per month; rates are never looked up)"
            )
        example: Mapping[str, object] = example_row(part.drop(RATE).head(1))
        if examples is not None and row in part.columns:
            first = part[row][0]
            found = examples.filter(pl.col(row) == first).head(1).collect()
            if found.height:
                example = example_row(found)
        rows = part[row].n_unique() if row in part.columns else part.height
        problems.append(Problem(label, column, rule, int(rows), example, (code.upper(),)))
    return problems


def _summary(
    joined: pl.DataFrame, amount: str | None, per_month: set[str], side: str
) -> pl.DataFrame:
    if amount is None or joined.height == 0:
        return pl.DataFrame(schema=CONVERSION_SCHEMA)
    monthly = pl.col(s.CURRENCY).is_in(list(per_month))
    return (
        joined.with_columns(
            pl.when(monthly).then(pl.col(s.MONTH)).otherwise(None).alias("_month"),
            (pl.col(amount) * pl.col(RATE)).alias(CONVERTED),
        )
        .group_by(s.CURRENCY, "_month")
        .agg(
            pl.col(amount).sum().alias(AMOUNT),
            pl.col(RATE).first(),
            pl.col(CONVERTED).sum(),
        )
        .select(
            pl.lit(side).alias(SIDE),
            s.CURRENCY,
            pl.col("_month").cast(pl.Date).alias(s.MONTH),
            AMOUNT,
            RATE,
            CONVERTED,
        )
        .sort(s.CURRENCY, s.MONTH, nulls_last=False)
    )


def unconverted(frame: pl.DataFrame, amount: str, currency: str, side: str) -> pl.DataFrame:
    """The conversion table of amounts left in ``currency`` (rate 1)."""
    total = float(frame[amount].sum()) if amount in frame.columns and frame.height else 0.0
    return pl.DataFrame(
        [(side, currency, None, total, 1.0, total)], schema=CONVERSION_SCHEMA, orient="row"
    )


def converted_anything(conversion: pl.DataFrame, reporting: str) -> bool:
    """Whether reading converted an amount, or reports in a currency other than US dollars:
    what decides if the currency table and its formula are shown."""
    return reporting != USD or not conversion.filter(pl.col(s.CURRENCY) != reporting).is_empty()


def conversion_text(conversion: pl.DataFrame, reporting: str) -> str:
    """What conversion did, as a plain-text table (empty when every amount was in US dollars
    and nothing was converted)."""
    if not converted_anything(conversion, reporting):
        return ""
    lines = [
        f"Currencies (every amount in {reporting.upper()}; rates given, never looked up)",
        f"{'side':<11} {'currency':<8} {'month':<7} {'amount':>16} {'rate':>12} "
        f"{'in ' + reporting.upper():>16}",
    ]
    for row in conversion.iter_rows(named=True):
        month = row[s.MONTH]
        lines.append(
            f"{row[SIDE]:<11} {str(row[s.CURRENCY]).upper():<8} "
            f"{'all' if month is None else f'{month:%Y-%m}':<7} {row[AMOUNT]:>16,.2f} "
            f"{row[RATE]:>12.6g} {row[CONVERTED]:>16,.2f}"
        )
    return "\n".join(lines)
