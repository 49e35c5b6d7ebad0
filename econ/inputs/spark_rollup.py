"""The ledger rollup on Spark, for a ledger one machine cannot read in good time.

:func:`spark_rollup` reads a usage ledger in the econ layout (:mod:`econ.schema`) from parquet
(a file, a directory, a hive-partitioned directory, a glob or any URI Spark reads) and writes
one pre-aggregated parquet file that ``econ analyze --usage`` (and the app) read back with the
same report as the ledger itself: the same customers, features and months, the same calls,
costs, tokens and outcomes.

What it computes, and how it matches the polars path (:mod:`econ.inputs.ingest.usage`):

- Ids as text; a call with no customer (null or empty) is counted as
  :data:`econ.schema.UNKNOWN_CUSTOMER`, one with no feature as :data:`econ.schema.UNTAGGED`.
- The month of a timestamp in UTC: a time-zone-aware stamp is its instant (its UTC day), a
  naive one is taken as UTC; a ``month`` column (a date) is truncated to the 1st. The session's
  own time zone never enters.
- One row per customer × feature × month × model, with ``calls``, ``cost_usd``, the token sums
  and ``outcome`` (the sum of the rows' outcomes, an empty one counting as 0). ``model`` is
  kept so econ can still price what has no cost and keep its per-model token summary
  (:mod:`econ.inputs.model_usage`).
- Rows with a cost and rows without one are never summed together. Rows without one keep a
  blank (null) ``cost_usd``, never $0, and are grouped by their UTC *day* (written in ``month``:
  econ reads any day as its month) so that econ prices their tokens at that day's rates
  (:mod:`econ.inputs.token_prices`), as it prices the ledger's own rows; their cached tokens are
  summed as econ prices them, at most each row's input tokens.
- Only the columns the ledger has are written (a ledger without an ``outcome`` column gives no
  ``outcome``, whose blank would read as "no call succeeded").

Before rolling up, every row rule of the polars path is counted in one aggregation pass (null
or out-of-range months, ids too long or holding control characters, negative, NaN, infinite or
too large costs and counts, a cost neither logged nor priceable, outcomes above calls), each with
its first offending row; any break raises :class:`~econ.errors.InputError` with the problems
worded exactly as the polars path words them (:mod:`econ.inputs.ingest.failures`; the row
number counts from 1 across the files in path order). What only econ can know (a model without
a price, a cost priced from negative tokens) is checked when the rollup is read back.

A ledger's ``user_id`` is not rolled up: distinct users do not add across features, so a ledger
read back from this rollup has no users (``users`` null in the customer-months).

PySpark is optional (``pip install 'econ[spark]'``) and needs a Java runtime (17 or later);
``import econ`` never imports it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import polars as pl

from econ import schema as s
from econ.errors import EconError, InputError, Problem
from econ.inputs.imports import ROW, ImportSpec
from econ.inputs.ingest.failures import describe_rule
from econ.inputs.ingest.refusals import refuse_missing
from econ.inputs.ingest.usage import OUTCOME_RULE, load_usage
from econ.inputs.readers import Source, default_name, example_row, first_line, normalized_names
from econ.inputs.rollup import ROWS_READ, check_totals

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

INSTALL_HINT: Final = (
    "the Spark engine needs PySpark and a Java runtime (17 or later): "
    "pip install 'econ[spark]', and on Debian apt-get install openjdk-17-jre-headless"
)

_FILE: Final = "_econ_file"
_INDEX: Final = "_econ_index"
_HAS_COST: Final = "_econ_has_cost"
_TIME: Final = "_econ_time"
_RAW: Final = "_econ_raw_"
"""The prefix of the file's own columns, kept as read for an example row."""
_SEEN_MAX: Final = "_seen_{}_max"
"""Each group's largest count (:func:`econ.inputs.rollup.check_totals` bounds its sum)."""

_ID_TYPES: Final = ("string", "byte", "short", "int", "bigint")
_COUNT_TYPES: Final = ("byte", "short", "int", "bigint")
_NUMBER_TYPES: Final = (*_COUNT_TYPES, "float", "double")


class SparkUnavailableError(EconError):
    """PySpark is not installed, or Spark cannot start (no Java runtime)."""


@dataclass(frozen=True)
class WrittenRollup:
    """What :func:`spark_rollup` (or :func:`polars_rollup`) wrote.

    Attributes:
        path: the parquet file written.
        rollup: its rows (sorted by customer, feature, month and model).
        rows_read: the ledger's rows.
    """

    path: Path
    rollup: pl.DataFrame
    rows_read: int


def spark_session(master: str = "local[*]", *, shuffle_partitions: int = 8) -> SparkSession:
    """A local Spark session for the rollup (no web UI, UTC session time zone).

    Raises:
        SparkUnavailableError: PySpark is missing or Java cannot start.
    """
    sql = _pyspark()
    try:
        session: SparkSession = (
            sql.SparkSession.builder.master(master)
            .appName("econ-rollup")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
    except Exception as error:  # Spark raises its own runtime errors when Java is missing
        raise SparkUnavailableError(
            f"Spark did not start ({first_line(error)}); {INSTALL_HINT}"
        ) from None
    return session


def _pyspark() -> Any:
    try:
        import pyspark.sql  # noqa: PLC0415  (optional: only the Spark engine needs it)
    except ImportError:
        raise SparkUnavailableError(INSTALL_HINT) from None
    return pyspark.sql


def spark_rollup(
    usage: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    spark: SparkSession | None = None,
    mapping: Mapping[str, str] | None = None,
    name: str | None = None,
) -> WrittenRollup:
    """Roll a parquet usage ledger up on Spark and write it as one pre-aggregated parquet file.

    Args:
        usage: the ledger: a parquet file, a directory of them (hive partitions too), a glob or
            a URI Spark reads (``s3a://…``), or several of these.
        output: the parquet file to write (one file, however many the ledger has).
        spark: the session to run on; by default a local one on every core, stopped after.
        mapping: contract column → the ledger's column holding it (``--map usage.COL=SOURCE``).
        name: the ledger's name in messages (default: its file name).

    Raises:
        InputError: the ledger breaks a rule (worded as the polars path words it).
        SparkUnavailableError: PySpark or Java is missing.
    """
    paths = (
        [os.fspath(usage)]
        if isinstance(usage, str | os.PathLike)
        else [str(os.fspath(u)) for u in usage]
    )
    label = name or default_name(usage, "usage ledger")
    own = spark is None
    session = spark_session() if spark is None else spark
    try:
        frame = _read(session, paths, dict(mapping or {}), label)
        rows = _Rows(frame, label)
        rows.check()
        rollup = rows.rollup()
    finally:
        if own:
            session.stop()
    path = Path(output)
    rollup.write_parquet(path)
    return WrittenRollup(path, rollup, int(rows.rows_read))


def _read(spark: SparkSession, paths: list[str], mapping: dict[str, str], label: str) -> DataFrame:
    """The ledger's rows, its columns named as econ names them (normalized, then mapped), with
    each row's file and index in it."""
    from pyspark.errors import PySparkException  # noqa: PLC0415
    from pyspark.sql import functions as f  # noqa: PLC0415

    try:
        frame = spark.read.parquet(*paths)
        columns = frame.columns
    except PySparkException as error:
        problem = Problem(label, None, f"cannot be read by Spark: {first_line(error)}")
        raise InputError([problem]) from None
    names = normalized_names(columns)
    found = dict(zip(names, columns, strict=True))
    for target, source in mapping.items():
        if source not in found and source not in columns:
            found_text = ", ".join(columns)
            rule = f"is mapped to {source!r}, which is missing (columns found: {found_text})"
            raise InputError([Problem(label, target, rule)])
        found[target] = found.pop(source, source)
    return frame.select(
        *(f.col(f"`{source}`").alias(target) for target, source in found.items()),
        f.col("_metadata.file_path").alias(_FILE),
        f.col("_metadata.row_index").alias(_INDEX),
    )


@dataclass(frozen=True)
class _Rule:
    key: str
    """``column|rule`` as dataframely names it (the polars path sorts its problems by it)."""
    broken: Column
    raw: bool = False
    """Whether its example is the row as read (a conversion rule) or as converted."""


class _Rows:
    """The ledger's rows converted to the contract's columns, their rules and their rollup."""

    def __init__(self, frame: DataFrame, label: str) -> None:
        from pyspark.sql import functions as f  # noqa: PLC0415

        self.f = f
        self.frame = frame
        self.label = label
        self.types = {
            field.name: field.dataType.simpleString()
            for field in frame.schema.fields
            if field.name not in (_FILE, _INDEX)
        }
        self.columns = list(self.types)
        self.time = self._time_column()
        self._refuse_types()
        self.rows_read = 0
        self.converted = frame.select(
            *(f.col(f"`{c}`").alias(_RAW + c) for c in self.columns),
            f.col(_FILE),
            f.col(_INDEX),
            *self._contract(),
        )

    def _time_column(self) -> str:
        """The time column, once every required column is there (else the file is refused as
        the polars path refuses it)."""
        names = pl.Schema(dict.fromkeys(self.columns, pl.String()))
        time_column = next((c for c in s.USAGE_TIME_COLUMNS if c in self.types), "")
        missing = [c for c in s.USAGE_REQUIRED if c not in self.types]
        if not time_column:
            missing.append("timestamp or month")
        if s.COST_USD not in self.types and not {s.MODEL, s.INPUT_TOKENS} <= set(self.types):
            missing.append("cost_usd (or model and input_tokens to price from)")
        refuse_missing(names, missing, self.label)
        return time_column

    def _refuse_types(self) -> None:
        """Columns of a type this engine does not convert (the polars engine converts more)."""
        wanted = {
            s.CUSTOMER_ID: ("text or a whole number", _ID_TYPES),
            s.FEATURE_ID: ("text or a whole number", _ID_TYPES),
            s.MODEL: ("text or a whole number", _ID_TYPES),
            s.COST_USD: ("a number", (*_NUMBER_TYPES, "void")),
            s.CALLS: ("a whole number", _COUNT_TYPES),
            **dict.fromkeys(s.TOKEN_COLUMNS, ("a whole number", _COUNT_TYPES)),
            s.OUTCOME: ("true / false or a whole number", ("boolean", *_COUNT_TYPES)),
            s.TIMESTAMP: ("a timestamp", ("timestamp", "timestamp_ntz")),
            s.MONTH: ("a date", ("date", "timestamp", "timestamp_ntz")),
        }
        problems = []
        for column, (what, types) in wanted.items():
            if column == (s.MONTH if self.time == s.TIMESTAMP else s.TIMESTAMP):
                continue
            given = self.types.get(column)
            if given is not None and given not in types and not given.startswith("decimal"):
                rule = (
                    f"must be {what} for the Spark engine, not {given} (the polars engine, "
                    "econ rollup --engine polars, converts more types)"
                )
                problems.append(Problem(self.label, column, rule))
        if problems:
            raise InputError(problems)

    def _col(self, name: str, default: Column) -> Column:
        return self.f.col(name) if name in self.types else default

    def _contract(self) -> list[Column]:
        """The contract's columns, converted as the polars path converts them."""
        f = self.f
        ids = [
            self._id(s.CUSTOMER_ID, s.UNKNOWN_CUSTOMER),
            self._id(s.FEATURE_ID, s.UNTAGGED),
            self._col(s.MODEL, f.lit(None)).cast("string").alias(s.MODEL),
        ]
        time = f.col(self.time)
        if self.types[self.time] == "timestamp":  # an instant: its UTC day
            day = f.date_from_unix_date(f.floor(f.unix_micros(time) / 86_400_000_000).cast("int"))
        else:  # a naive timestamp (UTC) or a date
            day = f.to_date(time)
        outcome = self._col(s.OUTCOME, f.lit(None)).cast("bigint")
        return [
            *ids,
            day.alias(_TIME),
            f.trunc(day, "month").alias(s.MONTH),
            self._col(s.COST_USD, f.lit(None)).cast("double").alias(s.COST_USD),
            self._col(s.CALLS, f.lit(1)).cast("bigint").alias(s.CALLS),
            *(self._col(c, f.lit(None)).cast("bigint").alias(c) for c in s.TOKEN_COLUMNS),
            (f.coalesce(outcome, f.lit(0)) if s.OUTCOME in self.types else outcome).alias(
                s.OUTCOME
            ),
        ]

    def _id(self, name: str, missing: str) -> Column:
        value = self.f.col(name).cast("string")
        empty = value.isNull() | (value == "")
        return self.f.when(empty, self.f.lit(missing)).otherwise(value).alias(name)

    def rules(self) -> list[_Rule]:
        """Every row rule of the polars path this engine can break, as flags."""
        f = self.f
        c = f.col
        rules = []
        for name in (s.CUSTOMER_ID, s.FEATURE_ID, s.MODEL):
            rules += [
                _Rule(f"{name}|check__{s.MAX_CHARS}", f.length(c(name)) > s.ID_MAX_LENGTH),
                _Rule(f"{name}|check__{s.NO_CONTROLS}", c(name).rlike(s.CONTROL_CHARACTERS)),
            ]
        rules += [
            _Rule(f"{s.MONTH}|nullability", c(s.MONTH).isNull()),
            _Rule(f"{s.MONTH}|min", c(s.MONTH) < f.lit(s.EARLIEST_MONTH)),
            _Rule(f"{s.MONTH}|max", c(s.MONTH) > f.lit(s.LATEST_MONTH)),
        ]
        cost = c(s.COST_USD)
        infinite = (cost == f.lit(float("inf"))) | (cost == f.lit(float("-inf")))
        no_tokens = c(s.INPUT_TOKENS).isNull() & c(s.OUTPUT_TOKENS).isNull()
        rules += [
            _Rule(f"{s.COST_USD}|nullability", cost.isNull() & no_tokens),
            _Rule(f"{s.COST_USD}|min", cost < 0),
            _Rule(f"{s.COST_USD}|nan", f.isnan(cost)),
            _Rule(f"{s.COST_USD}|inf", infinite),
            _Rule(
                f"{s.COST_USD}|check__{s.AT_MOST}",
                ~f.isnan(cost) & ~infinite & (cost > s.MAX_MONEY),
            ),
            _Rule(f"{s.CALLS}|nullability", c(s.CALLS).isNull()),
        ]
        for name in (s.CALLS, *s.TOKEN_COLUMNS, s.OUTCOME):
            rules += [
                _Rule(f"{name}|min", c(name) < 0),
                _Rule(f"{name}|max", c(name) > s.MAX_COUNT),
            ]
        return rules

    def _outcome_rule(self) -> _Rule | None:
        """The conversion rule of ``outcome``: no more successes than the row's calls."""
        if s.OUTCOME not in self.types:
            return None
        f = self.f
        calls = f.col(_RAW + s.CALLS).cast("double") if s.CALLS in self.types else f.lit(1.0)
        return _Rule("outcome|over_calls", f.col(_RAW + s.OUTCOME).cast("double") > calls, raw=True)

    def check(self) -> None:
        """Count every rule's breaks, with each one's first row, in one pass; raise when any
        rule is broken (a conversion rule first, as the polars path does).

        Raises:
            InputError: one problem per broken rule, in the polars path's order and words.
        """
        f = self.f
        outcome = self._outcome_rule()
        rules = self.rules() + ([outcome] if outcome else [])
        where = f.struct(f.col(_FILE), f.col(_INDEX))
        found = self.converted.agg(
            f.count(f.lit(1)).alias(ROWS_READ),
            *(f.sum(rule.broken.cast("int")).alias(f"n{i}") for i, rule in enumerate(rules)),
            *(f.min(f.when(rule.broken, where)).alias(f"at{i}") for i, rule in enumerate(rules)),
        ).collect()[0]
        self.rows_read = int(found[ROWS_READ])
        if self.rows_read == 0:
            raise InputError([Problem(self.label, None, "has no rows")])
        broken = [
            (rule, int(found[f"n{i}"]), found[f"at{i}"])
            for i, rule in enumerate(rules)
            if found[f"n{i}"]
        ]
        raw = [b for b in broken if b[0].raw]
        if raw or broken:
            self._raise(raw or sorted(broken, key=lambda b: b[0].key))

    def _raise(self, broken: list[tuple[_Rule, int, Any]]) -> None:
        """The problems of the broken rules, each with its first offending row."""
        f = self.f
        starts = self._file_starts()
        keys = [(at[0], at[1]) for _, _, at in broken]
        wanted = f.lit(False)
        for file, index in set(keys):
            wanted = wanted | ((f.col(_FILE) == file) & (f.col(_INDEX) == index))
        examples = pl.from_arrow(_arrow(self.converted.filter(wanted)))
        assert isinstance(examples, pl.DataFrame)
        problems = []
        for (rule, count, _), (file, index) in zip(broken, keys, strict=True):
            row = examples.filter((pl.col(_FILE) == file) & (pl.col(_INDEX) == index)).head(1)
            row = row.with_columns(pl.lit(starts[file] + index + 1, pl.Int64).alias(ROW))
            if rule.raw:
                shown = row.select(
                    ROW, *(pl.col(_RAW + c).alias(c) for c in self.columns if c != ROW)
                )
                column, text = s.OUTCOME, OUTCOME_RULE
            else:
                shown = row.select(ROW, *self._shown())
                column, text = describe_rule(rule.key, s.UsageSchema)  # type: ignore[assignment]
            problems.append(Problem(self.label, column, text, count, example_row(shown)))
        raise InputError(problems)

    def _shown(self) -> list[pl.Expr]:
        """A row as the polars path shows it: the contract's columns, converted."""
        shown = []
        for name, dtype in s.UsageSchema.columns().items():
            value = pl.col(name).cast(dtype.dtype)
            if name == s.OUTCOME and s.OUTCOME not in self.types:
                value = pl.lit(None, pl.Int64)
            shown.append(value.alias(name))
        return shown

    def _file_starts(self) -> dict[str, int]:
        """How many rows come before each file (files in path order)."""
        f = self.f
        counts = self.frame.groupBy(_FILE).agg(f.count(f.lit(1)).alias("rows")).collect()
        starts, total = {}, 0
        for row in sorted(counts, key=lambda r: str(r[_FILE])):
            starts[row[_FILE]] = total
            total += int(row["rows"])
        return starts

    def rollup(self) -> pl.DataFrame:
        """The rows rolled up (see the module's docstring), checked for sums a 64-bit integer
        holds, sorted, in the ledger's own contract columns."""
        f = self.f
        has_cost = f.col(s.COST_USD).isNotNull()
        # Rows without a cost are priced by econ at their day's rates: grouped by day.
        period = f.when(has_cost, f.col(s.MONTH)).otherwise(f.col(_TIME)).alias(s.MONTH)
        keys = [
            f.col(s.CUSTOMER_ID),
            f.col(s.FEATURE_ID),
            period,
            f.col(s.MODEL),
            has_cost.alias(_HAS_COST),
        ]
        input_tokens = f.coalesce(f.col(s.INPUT_TOKENS), f.lit(0))
        cached = f.when(has_cost, f.col(s.CACHED_INPUT_TOKENS)).otherwise(
            f.least(f.col(s.CACHED_INPUT_TOKENS), input_tokens)
        )
        counts = {
            s.CALLS: f.col(s.CALLS),
            s.INPUT_TOKENS: f.col(s.INPUT_TOKENS),
            s.OUTPUT_TOKENS: f.col(s.OUTPUT_TOKENS),
            s.CACHED_INPUT_TOKENS: cached,
        }
        grouped = self.converted.groupBy(*keys).agg(
            *(f.sum(value).alias(name) for name, value in counts.items()),
            f.sum(s.COST_USD).alias(s.COST_USD),
            f.sum(s.OUTCOME).alias(s.OUTCOME),
            f.count(f.lit(1)).alias(ROWS_READ),
            *(f.max(value).alias(_SEEN_MAX.format(name)) for name, value in counts.items()),
        )
        table = pl.from_arrow(_arrow(grouped))
        assert isinstance(table, pl.DataFrame)
        table = table.with_columns(pl.col(s.MONTH).cast(pl.Date))
        check_totals(table, self.label)
        kept = [
            name
            for name in s.ROLLED_UP_COLUMNS
            if name in (s.CUSTOMER_ID, s.FEATURE_ID, s.MONTH, s.CALLS, s.COST_USD)
            or name in self.types
        ]
        types = {**s.ROLLUP_SCHEMA, s.MODEL: pl.String(), s.OUTCOME: pl.Int64()}
        return table.select(pl.col(name).cast(types[name]) for name in kept).sort(
            [c for c in (*s.USAGE_REQUIRED, s.MONTH, s.MODEL, s.COST_USD) if c in kept],
            nulls_last=True,
        )


def _arrow(frame: DataFrame) -> Any:
    """A (small) Spark frame as an Arrow table; PySpark's warning about the pandas version is
    about its pandas API, which this does not use."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)
        return frame.toArrow()


def polars_rollup(
    usage: Source,
    output: str | os.PathLike[str],
    *,
    mapping: Mapping[str, str] | None = None,
    name: str | None = None,
) -> WrittenRollup:
    """The polars path's rollup (:func:`econ.inputs.ingest.usage.load_usage`) written as the same
    pre-aggregated file, to compare with :func:`spark_rollup`: its costs already priced, so no
    ``model`` column; ``outcome`` only when the ledger has outcomes, token columns only where
    any row logged them.

    Raises:
        InputError: the ledger breaks a rule.
    """
    loaded = load_usage(usage, name=name, spec=ImportSpec(mapping=dict(mapping or {})))
    rollup = loaded.rollup.rename({s.OUTCOMES: s.OUTCOME})
    empty = [c for c in (*s.TOKEN_COLUMNS, s.OUTCOME) if rollup[c].null_count() == rollup.height]
    rollup = rollup.drop(empty).sort(s.CUSTOMER_ID, s.FEATURE_ID, s.MONTH)
    path = Path(output)
    rollup.write_parquet(path)
    return WrittenRollup(path, rollup, loaded.rows_read)


@contextmanager
def local_session(master: str = "local[2]", shuffle_partitions: int = 4) -> Iterator[SparkSession]:
    """A local session, stopped on leaving (for tests and one-off runs)."""
    session = spark_session(master, shuffle_partitions=shuffle_partitions)
    try:
        yield session
    finally:
        session.stop()
