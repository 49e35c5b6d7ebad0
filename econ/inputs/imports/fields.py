"""Reading one value out of a file, however the export nested it.

The same field reaches us in many shapes: Langfuse's ``usage_details.input`` is a parquet MAP in
its blob export, a JSON object (a struct once read) in its JSON Lines export and JSON text in its
CSV export; Stripe's ``period.start`` is a nested object in the API's JSON and a flattened
``period_start`` column in a CSV; Helicone's CSV export escapes its JSON objects twice. A layout
names the field once, as a dotted *path* (``"usage_details.input"``), and :class:`Fields` finds
it in whichever shape the file holds:

1. the path's first part as a column, and the rest looked up inside it: a struct's fields, a
   map's keys, or the keys of JSON text;
2. else a column with the path's flattened name (``usage_details_input``).

The first part of a path is a normalized column name (see :func:`econ.inputs.readers.normalize`);
the rest are keys exactly as the tool writes them.

Also here: turning times, numbers and flags in any of those shapes into one type, so every layout
reads ``"2026-03-02T00:42:19.160Z"``, ``1772412139`` or ``"2026-03-02 00:42:19.16+00"`` alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

import polars as pl

from econ.inputs.readers import normalize

TIMESTAMP_FORMATS: Final = (
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M%#z",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)
"""Text times accepted: ISO 8601 with ``T`` or a space, seconds with or without a fraction, an
offset (``Z``, ``+00``, ``+05:30``) or none (UTC), or a date alone."""
_EPOCH_MILLISECONDS: Final = 100_000_000_000
"""Epoch numbers above this are milliseconds (as seconds they would lie past the year 5000)."""
_TRUE: Final = ("true", "t", "1", "yes", "y")


class Fields:
    """The columns of one file, and lookups of paths inside them (see the module docstring).

    Args:
        schema: the file's schema (normalized names).
        hints: what each column's header suffix said (``"utc"``, ``"cents"``, ``"dollars"``).
    """

    def __init__(self, schema: pl.Schema, hints: Mapping[str, str] | None = None) -> None:
        self.schema = schema
        self.hints: Mapping[str, str] = hints or {}

    @property
    def names(self) -> set[str]:
        return set(self.schema.names())

    def column_of(self, path: str) -> str | None:
        """The file column a path reads from (its flattened name, else its first part)."""
        flat = normalize(path)
        if flat in self.schema:
            return flat
        top = path.split(".", 1)[0]
        return top if top in self.schema else None

    def has(self, *paths: str) -> bool:
        """Whether any of the paths can be read from this file's columns."""
        return any(self._lookup(path) is not None for path in paths)

    def found(self, *paths: str) -> str | None:
        """The first of the paths this file has."""
        return next((path for path in paths if self._lookup(path) is not None), None)

    def value(self, *paths: str) -> pl.Expr | None:
        """The first path this file has, in its own type (text for JSON text), or ``None``."""
        for path in paths:
            expr = self._lookup(path)
            if expr is not None:
                return expr
        return None

    def raw(self, *paths: str) -> pl.Expr:
        """The first path the file has, in its own type; a null text where it has none."""
        expr = self.value(*paths)
        return pl.lit(None, pl.String) if expr is None else expr

    def text(self, *paths: str) -> pl.Expr:
        """The first path the file has, as text; null where the file has none of them."""
        expr = self.value(*paths)
        return pl.lit(None, pl.String) if expr is None else expr.cast(pl.String)

    def number(self, *paths: str) -> pl.Expr:
        """As a float (text that is no number reads as null)."""
        expr = self.value(*paths)
        if expr is None:
            return pl.lit(None, pl.Float64)
        return _unquoted(expr.cast(pl.String)).cast(pl.Float64, strict=False)

    def count(self, *paths: str) -> pl.Expr:
        """As a whole number (rounded; null where absent)."""
        return self.number(*paths).round(0).cast(pl.Int64)

    def total(self, paths: Sequence[str]) -> pl.Expr:
        """The sum of several counts (each absent one counts 0); null when all are absent."""
        present = [self.number(path) for path in paths if self._lookup(path) is not None]
        if not present:
            return pl.lit(None, pl.Int64)
        known = pl.any_horizontal(part.is_not_null() for part in present)
        summed = pl.sum_horizontal(part.fill_null(0.0) for part in present)
        return pl.when(known).then(summed).otherwise(None).round(0).cast(pl.Int64)

    def bucket_sum(self, path: str, prefixes: Sequence[str]) -> pl.Expr:
        """The sum of a key-value field's numbers whose key is one of ``prefixes`` or starts
        with one of them followed by ``_`` (``input`` sums ``input``, ``input_cached_tokens``,
        ``input_cache_creation``, …); null where the row has none of those keys.

        Works on structs, maps and JSON text (numbers written bare or quoted).
        """
        expr = self.value(path)
        if expr is None:
            return pl.lit(None, pl.Float64)
        dtype = self._dtype(path)

        def wanted(key: str) -> bool:
            return any(key == p or key.startswith(f"{p}_") for p in prefixes)

        if isinstance(dtype, pl.Struct):
            names = [f.name for f in dtype.fields if wanted(f.name)]
            if not names:
                return pl.lit(None, pl.Float64)
            parts = [expr.struct.field(n).cast(pl.Float64, strict=False) for n in names]
            known = pl.any_horizontal(part.is_not_null() for part in parts)
            total = pl.sum_horizontal(part.fill_null(0.0) for part in parts)
            return pl.when(known).then(total).otherwise(None)
        if isinstance(dtype, pl.Map):
            key = pl.element().struct.field("key")
            match = pl.any_horizontal([(key == p) | key.str.starts_with(f"{p}_") for p in prefixes])
            values = expr.map.entries().list.eval(
                pl.element().filter(match).struct.field("value").cast(pl.Float64, strict=False)
            )
            return pl.when(values.list.len() > 0).then(values.list.sum()).otherwise(None)
        alternatives = "|".join(re.escape(p) for p in prefixes)
        pairs = json_text(expr).str.extract_all(
            rf'"(?:{alternatives})(?:_[^"]*)?"\s*:\s*"?-?[0-9][0-9.eE+-]*'
        )
        values = pairs.list.eval(
            pl.element()
            .str.extract(r':\s*"?(-?[0-9][0-9.eE+-]*)', 1)
            .cast(pl.Float64, strict=False)
        )
        return pl.when(values.list.len() > 0).then(values.list.sum()).otherwise(None)

    def list_sum(self, path: str, key: str) -> pl.Expr:
        """The sum of ``key`` over a list of objects (``discount_amounts[].amount``), from a
        list of structs or JSON text; null where the row has no list."""
        expr = self.value(path)
        if expr is None:
            return pl.lit(None, pl.Float64)
        dtype = self._dtype(path)
        if isinstance(dtype, pl.List):
            inner = dtype.inner
            if not isinstance(inner, pl.Struct) or key not in {f.name for f in inner.fields}:
                # Every list empty (a list of nulls once read), or objects without the key.
                return pl.when(expr.is_null()).then(None).otherwise(pl.lit(0.0))
            values = expr.list.eval(pl.element().struct.field(key).cast(pl.Float64, strict=False))
            return pl.when(expr.is_null()).then(None).otherwise(values.list.sum())
        text = json_text(expr)
        pairs = text.str.extract_all(rf'"{re.escape(key)}"\s*:\s*"?-?[0-9][0-9.eE+-]*')
        values = pairs.list.eval(
            pl.element()
            .str.extract(r':\s*"?(-?[0-9][0-9.eE+-]*)', 1)
            .cast(pl.Float64, strict=False)
        )
        return pl.when(text.is_null()).then(None).otherwise(values.list.sum())

    def flag(self, *paths: str) -> pl.Expr:
        """As true/false (``true``, ``t``, ``1``, ``yes``; null where absent)."""
        expr = self.value(*paths)
        if expr is None:
            return pl.lit(None, pl.Boolean)
        text = _unquoted(expr.cast(pl.String)).str.strip_chars().str.to_lowercase()
        return pl.when(text.is_null() | (text == "")).then(None).otherwise(text.is_in(_TRUE))

    def time(self, *paths: str) -> pl.Expr:
        """As a UTC datetime (naive), from epoch seconds or milliseconds, a datetime, a date or
        text (see :data:`TIMESTAMP_FORMATS`); null where it cannot be read."""
        for path in paths:
            expr = self._lookup(path)
            if expr is not None:
                return utc_time(expr, self._dtype(path))
        return pl.lit(None, pl.Datetime("us"))

    def keys(self, head: pl.DataFrame, path: str) -> list[str]:
        """The keys seen at a key-value path in a file's first rows (struct fields, map keys,
        or the keys of JSON objects)."""
        expr = self.value(path)
        if expr is None:
            return []
        try:
            values = head.select(expr.alias("v"))["v"]
        except pl.exceptions.PolarsError:
            return []
        if values.dtype == pl.String:
            return _json_keys(head.select(json_text(expr).alias("v"))["v"])
        return _nested_keys(values)

    # --- lookups ---------------------------------------------------------------------------

    def _dtype(self, path: str) -> pl.DataType:
        top, _, rest = path.partition(".")
        if top in self.schema:
            dtype = _as_type(self.schema[top])
            for key in rest.split(".") if rest else []:
                if isinstance(dtype, pl.Struct):
                    match = _field(dtype, key)
                    if match is None:
                        break
                    dtype = _as_type(next(f.dtype for f in dtype.fields if f.name == match))
                elif isinstance(dtype, pl.Map):
                    dtype = _as_type(dtype.value)
                else:
                    return pl.String()  # a key inside JSON text reads as text
            else:
                return dtype
        flat = normalize(path)
        return _as_type(self.schema[flat]) if flat in self.schema else pl.String()

    def _lookup(self, path: str) -> pl.Expr | None:
        top, _, rest = path.partition(".")
        if top in self.schema:
            if not rest:
                return pl.col(top)
            found = inside(pl.col(top), self.schema[top], rest.split("."))
            if found is not None:
                return found
        # A nested path wins over a flattened name: an invoice's own period_start is not its
        # line's period.start.
        flat = normalize(path)
        return pl.col(flat) if flat in self.schema else None


def _nested_keys(values: pl.Series) -> list[str]:
    """The keys of a struct's fields or a map's entries (none for any other type)."""
    if isinstance(values.dtype, pl.Struct):
        return [f.name for f in values.dtype.fields]
    if isinstance(values.dtype, pl.Map):
        return values.map.keys().explode().drop_nulls().unique().sort().to_list()
    return []


def _json_keys(text: pl.Series) -> list[str]:
    """The keys of the JSON objects among ``text``'s values."""
    text = text.drop_nulls()
    text = text.filter(text.str.starts_with("{"))
    if text.len() == 0:
        return []
    try:
        decoded = text.str.json_decode(infer_schema_length=text.len())
    except pl.exceptions.PolarsError:
        return []
    if not isinstance(decoded.dtype, pl.Struct):
        return []
    return [f.name for f in decoded.dtype.fields]


def inside(expr: pl.Expr, dtype: pl.DataType, keys: Sequence[str]) -> pl.Expr | None:
    """The value at ``keys`` inside a struct, map or JSON-text value; ``None`` when a struct
    has no such field (a map or JSON text gives null for a missing key instead)."""
    if not keys:
        return expr
    key, rest = keys[0], keys[1:]
    if isinstance(dtype, pl.Struct):
        match = _field(dtype, key)
        if match is None:
            return None
        inner = _as_type(next(f.dtype for f in dtype.fields if f.name == match))
        return inside(expr.struct.field(match), inner, rest)
    if isinstance(dtype, pl.Map):
        return inside(expr.map.get(key), _as_type(dtype.value), rest)
    if dtype == pl.String:
        path = "$" + "".join(f"['{part}']" for part in keys)
        return json_text(expr).str.json_path_match(path)
    return None


def _as_type(dtype: object) -> pl.DataType:
    """A data type as an instance (struct fields and map values may hold the class)."""
    if isinstance(dtype, pl.DataType):
        return dtype
    if isinstance(dtype, type) and issubclass(dtype, pl.DataType):
        return dtype()
    return pl.String()


def _field(dtype: pl.Struct, key: str) -> str | None:
    names = [f.name for f in dtype.fields]
    if key in names:
        return key
    wanted = normalize(key)
    return next((name for name in names if normalize(name) == wanted), None)


def json_text(expr: pl.Expr) -> pl.Expr:
    """JSON text as written, with the doubled quotes of exports that escape it twice undone.

    Helicone's CSV export escapes an object's quotes twice, so after CSV parsing its cell
    reads ``{""feature"":""chat""}``; a JSON object written once never starts with ``{""``
    unless its first key is empty (``{"":…``), which is left alone.
    """
    text = expr.cast(pl.String)
    doubled = text.str.starts_with('{""') & ~text.str.starts_with('{"":')
    return pl.when(doubled).then(text.str.replace_all('""', '"', literal=True)).otherwise(text)


def _unquoted(text: pl.Expr) -> pl.Expr:
    """Text without the literal quotes that JSON-stringified cells carry (``"12.5"``)."""
    return text.str.strip_chars('"')


def utc_time(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A time in any of the shapes exports write, as a naive UTC datetime (null if unreadable).

    Numbers are epoch seconds (or milliseconds, when too large for seconds); text follows
    :data:`TIMESTAMP_FORMATS`, with any literal quotes (``"2026-03-02T00:42:19.160Z"``, as
    JSON-stringified CSV cells hold them) taken off; an offset is converted to UTC and text
    without one is read as UTC.
    """
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            return expr.cast(pl.Datetime("us"))
        return expr.dt.convert_time_zone("UTC").dt.replace_time_zone(None).cast(pl.Datetime("us"))
    if dtype == pl.Date:
        return expr.cast(pl.Datetime("us"))
    if dtype.is_numeric():
        number = expr.cast(pl.Float64)
        milliseconds = number.abs() > _EPOCH_MILLISECONDS
        return (
            pl.when(milliseconds)
            .then(pl.from_epoch(number.cast(pl.Int64), time_unit="ms"))
            .otherwise(pl.from_epoch(number.cast(pl.Int64), time_unit="s"))
            .cast(pl.Datetime("us"))
        )
    text = _unquoted(expr.cast(pl.String)).str.strip_chars()
    return parse_utc_text(text)


def parse_utc_text(text: pl.Expr) -> pl.Expr:
    """Text times (see :data:`TIMESTAMP_FORMATS`) as naive UTC datetimes; null if unreadable."""
    return pl.coalesce(
        text.str.to_datetime(fmt, strict=False, time_zone="UTC", time_unit="us")
        for fmt in TIMESTAMP_FORMATS
    ).dt.replace_time_zone(None)
