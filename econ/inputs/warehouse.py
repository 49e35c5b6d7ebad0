"""The ledger rollup as warehouse SQL: for a ledger too large to leave the warehouse it lives in.

:func:`rollup_sql` builds two queries over a table in the econ native ledger layout (the
contract's column names, see :mod:`econ.schema`; other names through ``mapping``, as
``--map usage.COLUMN=SOURCE``) once, as SQLGlot expression trees, and renders them in one of
:data:`DIALECTS`. Nothing is templated per dialect: SQLGlot spells each function the dialect's
way (the one exception: Snowflake's ``REGEXP_LIKE`` matches a whole string, so the control
character test is rendered there as ``REGEXP_INSTR(…) > 0`` with a POSIX class).

The rollup query returns one row per customer × feature × month × model (``model`` only when
the table has one), with the columns of a pre-aggregated ledger, which ``econ analyze --usage``
(and the app) read back as they read any ledger:

- ``customer_id``, ``feature_id``: as text; a null or empty id becomes ``(unknown)`` or
  ``(untagged)`` (:data:`econ.schema.UNKNOWN_CUSTOMER`, :data:`econ.schema.UNTAGGED`), as econ
  reads a ledger;
- ``month``: the first of the month, in UTC: a time-zone-aware timestamp is converted to UTC
  first (``zoned=True``; a naive one is read as UTC), a ``month`` column is taken instead of a
  timestamp (any day truncated to the 1st). Rows without a logged cost keep their UTC day
  instead, so econ prices them at that day's rates, as it prices a raw row (it buckets the
  day to its month when it reads the result);
- ``calls``: the sum of ``calls`` (one a row when the table has no such column);
- ``cost_usd``: the sum of the logged costs. Rows with and without a cost are summed apart
  (a group's cost is blank exactly when none of its rows logged one), so econ prices the rows
  without a cost from their tokens and never at $0; likewise rows with and without tokens, and
  rows claiming more cached than input tokens, are summed apart, so that pricing and the
  per-model token summary (:mod:`econ.inputs.model_usage`) come out as they would row by row;
- ``input_tokens``, ``output_tokens``, ``cached_input_tokens``: sums (blank when no row of the
  group logged them);
- ``outcome``: the number of the group's calls that succeeded (an empty value counts 0).

Columns the table lacks are left out of the result too, so the result reads back as the table
would. One thing differs from reading the rows themselves: the row counts econ reports (a
result row stands for many).

The checks query counts the rows that break each of the ledger's row rules (the rules econ
checks reading it, :class:`econ.schema.UsageSchema`, worded as econ words them:
:mod:`econ.inputs.ingest.failures`), one row per rule: ``check_number``, ``column_name``,
``rule``, ``broken_rows`` (0 when none does) and ``example`` (one such row's converted values as
text; blank when none). The rollup leaves those rows out, as ``econ analyze --drop-invalid``
does: run the checks first, and fix the table when a count is not 0.

The SQL assumes the contract's types: ids as text or whole numbers, a ``TIMESTAMP`` (or ``DATE``
month), numbers for money, whole numbers for counts, ``outcome`` as a flag or a whole number
(read through a 32-bit integer).

A ``user_id`` column is accepted but not rolled up: distinct users do not add across features,
and the rollup is per customer × feature × month, so a ledger read back from it has no users
(``users`` null in the customer-months). Load the ledger's rows to count them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from sqlglot import exp
from sqlglot.errors import ParseError

from econ import schema as s
from econ.errors import ScenarioError
from econ.inputs.imports.mapping import USAGE_TARGETS
from econ.inputs.ingest.failures import describe_rule  # the rules as econ words them
from econ.inputs.ingest.usage import OUTCOME_RULE

DIALECTS: Final = ("snowflake", "bigquery", "databricks", "duckdb", "postgres", "clickhouse")
"""The warehouses :func:`rollup_sql` writes for (SQLGlot's dialect names)."""

NATIVE_COLUMNS: Final = tuple(column for column in USAGE_TARGETS if column != s.MONTH)
"""The columns a table is taken to have when the caller does not say: the whole native layout."""

CHECK_COLUMNS: Final = ("check_number", "column_name", "rule", "broken_rows", "example")
"""The checks query's columns."""

_ROWS: Final = "ledger_rows"
_FLAGGED: Final = "flagged_rows"
_TALLY: Final = "tally"
_BROKEN: Final = "_broken"
_COST_KNOWN: Final = "_cost_known"
_TOKENS_KNOWN: Final = "_tokens_known"
_CACHED_OVER: Final = "_cached_over_input"
_EXAMPLE: Final = "_example"
_PLAIN_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONTROLS: Final = r"[\x00-\x1f\x7f]"
""":data:`econ.schema.CONTROL_CHARACTERS`, as a regular expression's text."""


@dataclass(frozen=True)
class RollupSql:
    """The rollup and its checks, as SQL in one dialect (see the module's docstring)."""

    dialect: str
    rollup: str
    checks: str


@dataclass(frozen=True)
class _Rule:
    column: str
    text: str
    broken: exp.Expr


def rollup_sql(
    table: str,
    dialect: str,
    *,
    columns: Sequence[str] = NATIVE_COLUMNS,
    mapping: Mapping[str, str] | None = None,
    zoned: bool = False,
) -> RollupSql:
    """The rollup of a ledger table, and the counts of its rows that break a rule, as SQL.

    Args:
        table: the table's name as the warehouse spells it (``db.schema.table`` allowed).
        dialect: one of :data:`DIALECTS`.
        columns: the contract columns the table has (``customer_id``, ``feature_id``, and
            ``timestamp`` or ``month`` are required; see :mod:`econ.schema`).
        mapping: contract column → the table's column holding it, for columns named otherwise.
        zoned: the timestamp column holds time-zone-aware values (converted to UTC first).

    Raises:
        ScenarioError: an unknown dialect, a missing required column, an unknown contract
            column, or a table name the dialect cannot read.
    """
    rollup, checks = rollup_expressions(
        table, dialect, columns=columns, mapping=mapping, zoned=zoned
    )
    return RollupSql(
        dialect,
        rollup.sql(dialect=dialect, pretty=True),
        checks.sql(dialect=dialect, pretty=True),
    )


def rollup_expressions(
    table: str,
    dialect: str,
    *,
    columns: Sequence[str] = NATIVE_COLUMNS,
    mapping: Mapping[str, str] | None = None,
    zoned: bool = False,
) -> tuple[exp.Query, exp.Query]:
    """The rollup and checks queries as SQLGlot trees (what :func:`rollup_sql` renders)."""
    if dialect not in DIALECTS:
        raise ScenarioError(f"unknown dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")
    present = _columns(columns, mapping or {})
    try:
        source = exp.to_table(table, dialect=dialect)
    except ParseError:
        raise ScenarioError(f"{table!r} is not a table name {dialect} can read") from None
    rules = _rules(present, dialect)
    rows = _converted(source, present, zoned)
    checked = exp.select(
        exp.Star(),
        *(exp.alias_(rule.broken, f"_check_{i}") for i, rule in enumerate(rules, 1)),
        exp.alias_(_any([exp.column(f"_check_{i}") for i in range(1, len(rules) + 1)]), _BROKEN),
    ).from_(_ROWS)
    rollup = _rollup(present).with_(_ROWS, rows).with_(_FLAGGED, checked)
    checks = (
        _checks(rules, present)
        .with_(_ROWS, rows.copy())
        .with_(_FLAGGED, checked.copy())
        .with_(_TALLY, _tally(rules, present))
    )
    return rollup, checks


def _columns(columns: Sequence[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """Contract column → the table's column, for the columns the table has."""
    known = set(NATIVE_COLUMNS) | {s.MONTH}
    unknown = sorted((set(columns) | set(mapping)) - known)
    if unknown:
        raise ScenarioError(
            f"{', '.join(unknown)}: not a ledger column; the ledger's columns are "
            f"{', '.join(sorted(known))}"
        )
    present = {name: mapping.get(name, name) for name in (*columns, *mapping)}
    missing = [name for name in s.USAGE_REQUIRED if name not in present]
    if not (s.TIMESTAMP in present or s.MONTH in present):
        missing.append("timestamp or month")
    if s.COST_USD not in present and not {s.MODEL, s.INPUT_TOKENS} <= set(present):
        missing.append("cost_usd (or model and input_tokens to price from)")
    if missing:
        raise ScenarioError(f"the ledger table needs {', '.join(missing)}")
    if s.TIMESTAMP in present:
        present.pop(s.MONTH, None)
    return present


def _source(name: str) -> exp.Column:
    """A table column: quoted only when it must be (a quoted name is case-sensitive in most
    warehouses, and ``customer_id`` should find ``CUSTOMER_ID`` in Snowflake)."""
    return exp.column(name, quoted=not _PLAIN_NAME.match(name))


def _text(value: exp.Expr) -> exp.Expr:
    return exp.cast(value, exp.DataType.Type.TEXT)


def _converted(source: exp.Table, present: Mapping[str, str], zoned: bool) -> exp.Select:
    """The table's rows in the contract's types, as econ converts them
    (:mod:`econ.inputs.ingest.usage`), with the flags the rollup's groups are split by."""
    values: dict[str, exp.Expr] = {}
    for name, missing in ((s.CUSTOMER_ID, s.UNKNOWN_CUSTOMER), (s.FEATURE_ID, s.UNTAGGED)):
        text = _text(_source(present[name]))
        empty = exp.or_(
            exp.Is(this=text, expression=exp.Null()),
            exp.EQ(this=text.copy(), expression=exp.Literal.string("")),
        )
        values[name] = exp.Case(
            ifs=[exp.If(this=empty, true=exp.Literal.string(missing))], default=text.copy()
        )
    values[_DAY], values[s.MONTH] = _day_and_month(present, zoned)
    if s.MODEL in present:
        values[s.MODEL] = _text(_source(present[s.MODEL]))
    if s.COST_USD in present:
        values[s.COST_USD] = exp.cast(_source(present[s.COST_USD]), exp.DataType.Type.DOUBLE)
    values[s.CALLS] = (
        exp.cast(_source(present[s.CALLS]), exp.DataType.Type.BIGINT)
        if s.CALLS in present
        else exp.Literal.number(1)
    )
    for name in s.TOKEN_COLUMNS:
        if name in present:
            values[name] = exp.cast(_source(present[name]), exp.DataType.Type.BIGINT)
    if s.OUTCOME in present:
        count = exp.cast(
            exp.cast(_source(present[s.OUTCOME]), exp.DataType.Type.INT), exp.DataType.Type.BIGINT
        )
        values[s.OUTCOME] = exp.func("COALESCE", count, exp.Literal.number(0))
    return exp.select(*(exp.alias_(value, name) for name, value in values.items())).from_(source)


_DAY: Final = "_day"
"""A row's day in UTC: the date a row without a logged cost is priced at."""


def _day_and_month(present: Mapping[str, str], zoned: bool) -> tuple[exp.Expr, exp.Expr]:
    """Each row's day and the first of its month, in UTC."""
    if s.TIMESTAMP in present:
        time: exp.Expr = _source(present[s.TIMESTAMP])
        if zoned:
            time = exp.ConvertTimezone(target_tz=exp.Literal.string("UTC"), timestamp=time)
    else:
        time = _source(present[s.MONTH])
    day = exp.cast(time, exp.DataType.Type.DATE)
    first = exp.DateTrunc(this=day.copy(), unit=exp.var("MONTH"))  # type: ignore[no-untyped-call]
    return day, exp.cast(first, exp.DataType.Type.DATE)


def _any(flags: Sequence[exp.Expr]) -> exp.Expr:
    return exp.or_(*flags, wrap=False) if flags else exp.false()


def _flag(condition: exp.Expr) -> exp.Expr:
    """A condition that is never null (a null value breaks no rule but its own)."""
    return exp.func("COALESCE", condition, exp.false())


def _rule_text(column: str, rule: str) -> str:
    return describe_rule(f"{column}|{rule}", s.UsageSchema)[1]


def _rules(present: Mapping[str, str], dialect: str) -> list[_Rule]:
    """Every row rule econ checks on these columns, in econ's words, with the rows that
    break it."""
    rules: list[_Rule] = []
    for name in (s.CUSTOMER_ID, s.FEATURE_ID, *([s.MODEL] if s.MODEL in present else [])):
        value = exp.column(name)
        too_long = exp.GT(
            this=exp.Length(this=value), expression=exp.Literal.number(s.ID_MAX_LENGTH)
        )
        rules.append(_Rule(name, _rule_text(name, f"check__{s.MAX_CHARS}"), _flag(too_long)))
        rules.append(
            _Rule(
                name,
                _rule_text(name, f"check__{s.NO_CONTROLS}"),
                _flag(_controls(value.copy(), dialect)),
            )
        )
    month = exp.column(s.MONTH)
    rules.append(
        _Rule(
            s.MONTH, _rule_text(s.MONTH, "nullability"), exp.Is(this=month, expression=exp.Null())
        )
    )
    outside = exp.or_(
        exp.LT(this=month.copy(), expression=_date(s.EARLIEST_MONTH.isoformat())),
        exp.GT(this=month.copy(), expression=_date(s.LATEST_MONTH.isoformat())),
    )
    rules.append(_Rule(s.MONTH, _rule_text(s.MONTH, "min"), _flag(outside)))
    rules.append(_unpriceable(present))
    if s.COST_USD in present:
        rules += _money_rules()
    if s.CALLS in present:
        calls = exp.column(s.CALLS)
        rules.append(
            _Rule(
                s.CALLS,
                _rule_text(s.CALLS, "nullability"),
                exp.Is(this=calls, expression=exp.Null()),
            )
        )
    for name in (s.CALLS, *s.TOKEN_COLUMNS, s.OUTCOME):
        if name in present:
            rules += _count_rules(name)
    if s.OUTCOME in present:
        over = exp.GT(this=exp.column(s.OUTCOME), expression=exp.column(s.CALLS))
        rules.append(_Rule(s.OUTCOME, OUTCOME_RULE, _flag(over)))
    return rules


def _unpriceable(present: Mapping[str, str]) -> _Rule:
    """A row with neither a cost nor tokens to price it from (econ refuses it: its cost must
    not be empty)."""
    missing = [
        exp.Is(this=exp.column(c), expression=exp.Null())
        for c in (s.COST_USD, s.INPUT_TOKENS, s.OUTPUT_TOKENS)
        if c in present
    ]
    text = _rule_text(s.COST_USD, "nullability")
    return _Rule(s.COST_USD, text, exp.and_(*missing) if missing else exp.true())


def _date(text: str) -> exp.Expr:
    return exp.cast(exp.Literal.string(text), exp.DataType.Type.DATE)


def _controls(value: exp.Expr, dialect: str) -> exp.Expr:
    """Whether an id holds a control character (:data:`econ.schema.CONTROL_CHARACTERS`)."""
    if dialect == "snowflake":  # REGEXP_LIKE is anchored there, and knows no \x escapes
        found = exp.Anonymous(
            this="REGEXP_INSTR", expressions=[value, exp.Literal.string("[[:cntrl:]]")]
        )
        return exp.GT(this=found, expression=exp.Literal.number(0))
    return exp.RegexpLike(this=value, expression=exp.Literal.string(_CONTROLS))


def _infinity(sign: str = "") -> exp.Expr:
    return exp.cast(exp.Literal.string(f"{sign}inf"), exp.DataType.Type.DOUBLE)


def _money_rules() -> list[_Rule]:
    """A logged cost's rules: at least zero, a number, finite, at most a trillion. A missing
    cost breaks none (econ prices it from its tokens)."""
    cost = exp.column(s.COST_USD)
    infinite = exp.In(this=cost.copy(), expressions=[_infinity(), _infinity("-")])
    # x - x = 0 for every finite x, in every dialect (NaN = NaN is true in some of them)
    finite = exp.EQ(
        this=exp.Sub(this=cost.copy(), expression=cost.copy()), expression=exp.Literal.number(0)
    )
    nan = exp.and_(exp.Not(this=exp.paren(finite.copy())), exp.Not(this=exp.paren(infinite.copy())))
    too_large = exp.and_(
        finite.copy(), exp.GT(this=cost.copy(), expression=exp.Literal.number(s.MAX_MONEY))
    )
    return [
        _Rule(s.COST_USD, _rule_text(s.COST_USD, f"check__{s.AT_MOST}"), _flag(too_large)),
        _Rule(
            s.COST_USD,
            _rule_text(s.COST_USD, "min"),
            _flag(exp.LT(this=cost, expression=exp.Literal.number(0))),
        ),
        _Rule(s.COST_USD, _rule_text(s.COST_USD, "inf"), _flag(infinite)),
        _Rule(s.COST_USD, _rule_text(s.COST_USD, "nan"), _flag(nan)),
    ]


def _count_rules(name: str) -> list[_Rule]:
    value = exp.column(name)
    return [
        _Rule(
            name,
            _rule_text(name, "min"),
            _flag(exp.LT(this=value, expression=exp.Literal.number(0))),
        ),
        _Rule(
            name,
            _rule_text(name, "max"),
            _flag(exp.GT(this=value.copy(), expression=exp.Literal.number(s.MAX_COUNT))),
        ),
    ]


def _rollup(present: Mapping[str, str]) -> exp.Select:
    """The rows keeping every rule, summed per customer × feature × month × model, apart by
    whether they logged a cost, logged tokens, and claim more cached tokens than input ones."""
    # A row priced from its tokens is priced at its day's rates, as econ prices a raw row: such
    # rows keep their day in ``month`` (econ buckets it to its month when it reads it back).
    priced_later = (
        exp.Is(this=exp.column(s.COST_USD), expression=exp.Null())
        if s.COST_USD in present
        else exp.true()
    )
    month = exp.Case(
        ifs=[exp.If(this=priced_later, true=exp.column(_DAY))], default=exp.column(s.MONTH)
    )
    keys = [s.CUSTOMER_ID, s.FEATURE_ID, *([s.MODEL] if s.MODEL in present else [])]
    splits: list[exp.Expr] = []
    if s.COST_USD in present:
        splits.append(exp.Is(this=exp.column(s.COST_USD), expression=exp.Null()))
    tokens = [exp.column(c) for c in (s.INPUT_TOKENS, s.OUTPUT_TOKENS) if c in present]
    if tokens:
        splits.append(
            exp.and_(*(exp.Is(this=t, expression=exp.Null()) for t in tokens), wrap=False)
        )
    if s.CACHED_INPUT_TOKENS in present:
        cached = exp.func("COALESCE", exp.column(s.CACHED_INPUT_TOKENS), exp.Literal.number(0))
        given = exp.column(s.INPUT_TOKENS) if s.INPUT_TOKENS in present else exp.Literal.number(0)
        splits.append(
            exp.GT(this=cached, expression=exp.func("COALESCE", given, exp.Literal.number(0)))
        )
    sums = [s.CALLS, s.COST_USD, *s.TOKEN_COLUMNS, s.OUTCOME]
    selected = [
        exp.column(s.CUSTOMER_ID),
        exp.column(s.FEATURE_ID),
        exp.alias_(month, s.MONTH),
        *([exp.column(s.MODEL)] if s.MODEL in present else []),
    ] + [
        exp.alias_(
            exp.Sum(this=exp.column(name))
            if name == s.COST_USD
            else _whole(exp.Sum(this=exp.column(name))),
            name,
        )
        for name in sums
        if name in present or name == s.CALLS
    ]
    return (
        exp.select(*selected)
        .from_(_FLAGGED)
        .where(exp.Not(this=exp.column(_BROKEN)))
        .group_by(*(exp.column(k) for k in keys), month.copy(), *splits)
        .order_by(exp.column(s.CUSTOMER_ID), exp.column(s.FEATURE_ID), exp.column(s.MONTH))
    )


def _whole(value: exp.Expr) -> exp.Expr:
    """A sum of counts as a 64-bit integer (some warehouses widen integer sums)."""
    return exp.cast(value, exp.DataType.Type.BIGINT)


def _example(present: Mapping[str, str]) -> exp.Expr:
    """A row's converted values as text: ``customer_id=…, feature_id=…, …``."""
    names = [n for n in s.ROLLED_UP_COLUMNS if n in present or n in (s.MONTH, s.CALLS)]
    parts: list[exp.Expr] = []
    for i, name in enumerate(names):
        parts.append(exp.Literal.string(f"{', ' if i else ''}{name}="))
        parts.append(exp.func("COALESCE", _text(exp.column(name)), exp.Literal.string("null")))
    return exp.Concat(expressions=parts)


def _tally(rules: Sequence[_Rule], present: Mapping[str, str]) -> exp.Select:
    """In one pass: how many rows break each rule, and one of them."""
    example = _example(present)
    tallies: list[exp.Expr] = []
    for i in range(1, len(rules) + 1):
        flag = exp.column(f"_check_{i}")
        one = exp.If(this=flag, true=exp.Literal.number(1))
        counted = exp.Case(ifs=[one], default=exp.Literal.number(0))
        total = exp.func("COALESCE", _whole(exp.Sum(this=counted)), exp.Literal.number(0))
        tallies.append(exp.alias_(total, f"rows_{i}"))
        shown = exp.Case(ifs=[exp.If(this=flag.copy(), true=example.copy())])
        tallies.append(exp.alias_(exp.Min(this=shown), f"example_{i}"))
    return exp.select(*tallies).from_(_FLAGGED)


def _checks(rules: Sequence[_Rule], present: Mapping[str, str]) -> exp.Select:
    """One row per rule, from the tally: its column, its text, its count and its example."""
    selects = [
        exp.select(
            exp.alias_(exp.Literal.number(i), "check_number"),
            exp.alias_(exp.Literal.string(rule.column), "column_name"),
            exp.alias_(exp.Literal.string(rule.text), "rule"),
            exp.alias_(exp.column(f"rows_{i}"), "broken_rows"),
            exp.alias_(exp.column(f"example_{i}"), "example"),
        ).from_(_TALLY)
        for i, rule in enumerate(rules, 1)
    ]
    union: exp.Query = selects[0]
    for select in selects[1:]:
        union = exp.union(union, select, distinct=False)
    return (
        exp.select(*(exp.column(c) for c in CHECK_COLUMNS))
        .from_(union.subquery("checks"))
        .order_by(exp.column("check_number"))
    )
