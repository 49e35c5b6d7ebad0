"""Import presets: the exports people already have, turned into the input contract.

Usage: Langfuse observations, LiteLLM spend logs and daily tag / end-user spend tables, OpenAI
organization usage buckets, Helicone request exports. Revenue: Stripe invoice lines, and
subscription exports (Stripe's, or the common subscription-metrics import layout). Anything else
goes through a column mapping, guessed from the column names and confirmed by the user.

Column names are normalized first (``"Customer ID"`` → ``customer_id``). Which field names the
customer and which the feature is a *source*, chosen per file with a sensible default:

- ``column:<name>`` — a column's value;
- ``metadata:<key>`` — a key of the format's metadata (a JSON text, struct or map column);
- ``tag:<prefix>`` — the first tag starting with the prefix, prefix removed (``tag:feature:``);
- ``constant:<text>`` — the same value for every row.

The choices travel with the dataset as an :class:`ImportSpec`, so a shared link re-reads the
files exactly as they were read the first time.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import polars as pl

from econ import schema as s
from econ.errors import InputError, Problem, ScenarioError
from econ.token_prices import ModelPrice
from econ.values import freeze, known_keys, mapping, record_map

Side = Literal["usage", "revenue"]
ROW: Final = "row"
TIME: Final = "_time"
"""The converted usage frame's time column: UTC datetime (or the month's date)."""

AUTO: Final = "auto"
NATIVE: Final = "native"
MAPPED: Final = "mapped"


@dataclass(frozen=True)
class ImportSpec:
    """How to read one file.

    Attributes:
        format: a preset id, ``"native"`` (already the contract), ``"mapped"`` (use
            ``mapping``) or ``"auto"`` (detect from the columns).
        customer, feature: the sources of the customer and feature ids (usage files);
            ``None`` takes the format's default.
        mapping: ``{contract column: file column}`` for mapped files (also renames in native
            ones).
        amounts_in: whether revenue amounts are in ``"cents"`` (Stripe's API) or ``"dollars"``.
        through: ``"YYYY-MM"``, the last month of subscriptions that have not ended (default:
            the usage ledger's last month).
        include_prorations: count Stripe proration lines as revenue.
        price_overrides: ``{model: ModelPrice}`` for rows priced from tokens.
    """

    format: str = AUTO
    customer: str | None = None
    feature: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    amounts_in: Literal["cents", "dollars"] = "cents"
    through: str | None = None
    include_prorations: bool = False
    price_overrides: Mapping[str, ModelPrice] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "mapping", freeze(_text_map(self.mapping, "mapping")))
        if self.amounts_in not in ("cents", "dollars"):
            raise ScenarioError(f"amounts_in must be 'cents' or 'dollars', got {self.amounts_in!r}")
        object.__setattr__(
            self,
            "price_overrides",
            record_map(self.price_overrides, "price_overrides", ModelPrice, ModelPrice.from_dict),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "customer": self.customer,
            "feature": self.feature,
            "mapping": dict(self.mapping),
            "amounts_in": self.amounts_in,
            "through": self.through,
            "include_prorations": self.include_prorations,
            "price_overrides": {k: v.to_dict() for k, v in self.price_overrides.items()},
        }

    @classmethod
    def from_dict(cls, data: object, what: str = "import") -> ImportSpec:
        allowed = list(cls.__dataclass_fields__)
        values = known_keys(data, what, allowed)
        return cls(**{k: v for k, v in values.items() if v is not None})


def _text_map(value: object, what: str) -> dict[str, str]:
    items = mapping(value, what)
    for key, item in items.items():
        if not isinstance(item, str) or not item:
            raise ScenarioError(f"{what}[{key!r}] must be a column name, got {item!r}")
    return dict(items)


@dataclass(frozen=True)
class Preset:
    """A known export layout.

    Attributes:
        id, side, title: identity and how it is shown.
        signature: normalized columns whose presence identifies the layout (any one set).
        tags: the column holding a list of tags, if any.
        metadata: columns holding key-value metadata (JSON text, struct or map), in order.
        customer, feature: default sources, in order of preference (the first that exists
            in the file wins).
    """

    id: str
    side: Side
    title: str
    signature: tuple[frozenset[str], ...]
    tags: str | None = None
    metadata: tuple[str, ...] = ()
    customer: tuple[str, ...] = ()
    feature: tuple[str, ...] = ()


PRESETS: Final[tuple[Preset, ...]] = (
    Preset(
        "langfuse",
        "usage",
        "Langfuse observations export",
        (
            frozenset({"start_time", "usage_details"}),
            frozenset({"start_time", "provided_model_name"}),
            frozenset({"trace_id", "start_time", "total_cost"}),
        ),
        tags="tags",
        metadata=("metadata",),
        customer=("column:user_id", "metadata:customer_id", "metadata:user_id"),
        feature=("tag:feature:", "metadata:feature", "column:trace_name", "column:name"),
    ),
    Preset(
        "litellm_daily",
        "usage",
        "LiteLLM daily spend table (tag or end user)",
        (frozenset({"date", "spend", "api_requests"}),),
        customer=("column:end_user", "column:end_user_id", "column:api_key", "column:team_id"),
        feature=("tag:feature:", "column:tag", "column:model_group", "column:model"),
    ),
    Preset(
        "litellm",
        "usage",
        "LiteLLM spend logs",
        (frozenset({"spend", "starttime"}), frozenset({"spend", "request_tags"})),
        tags="request_tags",
        metadata=("metadata",),
        customer=("column:end_user", "column:user", "metadata:user_api_key_end_user_id"),
        feature=("tag:feature:", "metadata:feature", "column:call_type"),
    ),
    Preset(
        "openai",
        "usage",
        "OpenAI organization usage",
        (frozenset({"num_model_requests", "start_time"}),),
        customer=("column:project_id", "column:user_id", "column:api_key_id"),
        feature=("column:model", "column:api_key_id"),
    ),
    Preset(
        "helicone",
        "usage",
        "Helicone request export",
        (
            frozenset({"request_created_at", "request_user_id"}),
            frozenset({"request_created_at", "request_properties"}),
        ),
        metadata=("request_properties",),
        customer=("column:request_user_id", "metadata:customer_id", "metadata:user"),
        feature=("metadata:feature", "metadata:Feature", "column:request_path"),
    ),
    Preset(
        "stripe_invoices",
        "revenue",
        "Stripe invoice line items",
        (frozenset({"period_start", "period_end", "amount"}),),
    ),
    Preset(
        "subscriptions",
        "revenue",
        "Subscriptions export (Stripe, or the subscription-metrics import layout)",
        (
            frozenset({"plan_amount", "plan_interval"}),
            frozenset({"unit_amount", "plan_interval"}),
            frozenset({"plan_amount", "interval"}),
            frozenset({"amount", "interval", "canceled_at"}),
        ),
    ),
)
PRESET_BY_ID: Final = {preset.id: preset for preset in PRESETS}


def detect(columns: Sequence[str], side: Side) -> str:
    """The layout a file's (normalized) columns say it is: a preset id, native, or mapped."""
    names = set(columns)
    native = (
        {s.CUSTOMER_ID, s.FEATURE_ID} <= names and bool(names & set(s.USAGE_TIME_COLUMNS))
        if side == "usage"
        else set(s.REVENUE_REQUIRED) <= names
    )
    if native:
        return NATIVE
    for preset in PRESETS:
        if preset.side == side and any(signature <= names for signature in preset.signature):
            return preset.id
    return MAPPED


def title_of(format_id: str) -> str:
    if format_id in PRESET_BY_ID:
        return PRESET_BY_ID[format_id].title
    return {NATIVE: "The econ contract", MAPPED: "Another layout (map its columns)"}.get(
        format_id, format_id
    )


# --- column mapping ------------------------------------------------------------------------

SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    s.CUSTOMER_ID: (
        "customer_id",
        "customer",
        "account_id",
        "account",
        "user_id",
        "user",
        "org_id",
        "organization_id",
        "tenant_id",
        "client_id",
        "end_user",
        "company_id",
    ),
    s.FEATURE_ID: (
        "feature_id",
        "feature",
        "feature_name",
        "use_case",
        "tag",
        "endpoint",
        "route",
        "trace_name",
        "workflow",
        "name",
    ),
    s.TIMESTAMP: (
        "timestamp",
        "time",
        "created_at",
        "created",
        "start_time",
        "starttime",
        "request_created_at",
        "datetime",
        "date_time",
        "ts",
    ),
    s.MONTH: ("month", "billing_month", "period", "date"),
    s.COST_USD: ("cost_usd", "cost", "spend", "total_cost", "usd", "cost_dollars", "price"),
    s.CALLS: ("calls", "requests", "num_requests", "request_count", "count", "api_requests"),
    s.MODEL: ("model", "model_name", "provided_model_name", "llm"),
    s.INPUT_TOKENS: ("input_tokens", "prompt_tokens", "tokens_in", "input_usage"),
    s.OUTPUT_TOKENS: ("output_tokens", "completion_tokens", "tokens_out", "output_usage"),
    s.CACHED_INPUT_TOKENS: (
        "cached_input_tokens",
        "input_cached_tokens",
        "cache_read_input_tokens",
    ),
    s.MRR_USD: ("mrr_usd", "mrr", "revenue", "amount_usd", "amount", "monthly_revenue"),
    s.PLAN: ("plan", "plan_name", "tier", "product", "package", "price_nickname"),
}
USAGE_TARGETS: Final = (
    s.CUSTOMER_ID,
    s.FEATURE_ID,
    s.TIMESTAMP,
    s.MONTH,
    s.COST_USD,
    s.CALLS,
    s.MODEL,
    s.INPUT_TOKENS,
    s.OUTPUT_TOKENS,
    s.CACHED_INPUT_TOKENS,
)
REVENUE_TARGETS: Final = (s.CUSTOMER_ID, s.MONTH, s.MRR_USD, s.PLAN)


def guess_mapping(columns: Sequence[str], side: Side) -> dict[str, str]:
    """Contract column → the file column most likely to hold it (by name), one column each."""
    targets = USAGE_TARGETS if side == "usage" else REVENUE_TARGETS
    available = list(columns)
    guessed: dict[str, str] = {}
    for target in targets:
        candidates = [c for c in SYNONYMS[target] if c in available]
        if not candidates:
            close = difflib.get_close_matches(target, available, n=1, cutoff=0.8)
            candidates = close
        if candidates:
            guessed[target] = candidates[0]
            available.remove(candidates[0])
    if side == "usage" and s.TIMESTAMP in guessed and s.MONTH in guessed:
        del guessed[s.MONTH]  # one time column is enough; the timestamp is finer
    return guessed


# --- sources: where a customer or a feature id comes from ---------------------------------


def _key_lookup(name: str, dtype: pl.DataType, key: str) -> pl.Expr:
    column = pl.col(name)
    if isinstance(dtype, pl.Struct):
        fields = {f.name: f.name for f in dtype.fields}
        match = next((f for f in fields if f.lower() == key.lower()), None)
        return column.struct.field(match).cast(pl.String) if match else pl.lit(None, pl.String)
    if isinstance(dtype, pl.Map):
        return column.map.get(key).cast(pl.String)
    if dtype == pl.String:
        return column.str.json_path_match(f"$['{key}']")
    return pl.lit(None, pl.String)


def _tags(name: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if isinstance(dtype, pl.List):
        return column.cast(pl.List(pl.String))
    if dtype == pl.String:
        # JSON arrays (LiteLLM) or one plain tag per row (LiteLLM's daily tag table).
        return (
            pl.when(column.str.starts_with("["))
            .then(column.str.json_decode(pl.List(pl.String)))
            .otherwise(pl.concat_list(column))
        )
    return pl.lit(None, pl.List(pl.String))


def source_expr(
    source: str, schema: pl.Schema, preset: Preset | None, label: str, role: str
) -> pl.Expr:
    """The expression that reads a customer or feature id from ``source``."""
    kind, _, value = source.partition(":")
    if kind == "column":
        if value not in schema:
            raise InputError(
                [
                    Problem(
                        label, value, f"is not a column of this file, so it cannot give the {role}"
                    )
                ]
            )
        return pl.col(value).cast(pl.String)
    if kind == "constant":
        return pl.lit(value or role, pl.String)
    if kind == "metadata":
        columns = [c for c in (preset.metadata if preset else ()) if c in schema]
        if not columns:
            raise InputError(
                [Problem(label, None, f"has no metadata column to read the {role} from")]
            )
        return pl.coalesce(_key_lookup(c, schema[c], value) for c in columns)
    if kind == "tag":
        tags = (
            preset.tags
            if preset and preset.tags in schema
            else ("tag" if "tag" in schema else None)
        )
        if tags is None:
            raise InputError([Problem(label, None, f"has no tags column to read the {role} from")])
        listed = _tags(tags, schema[tags])
        chosen = listed.list.eval(
            pl.element().filter(pl.element().str.starts_with(value))
        ).list.first()
        return chosen.str.strip_prefix(value)
    raise ScenarioError(
        f"{role} source {source!r} must look like column:<name>, metadata:<key>, tag:<prefix> "
        "or constant:<text>"
    )


def source_choices(frame: pl.LazyFrame, preset: Preset | None, sample: int = 2000) -> list[str]:
    """Sources worth offering for this file: its text-like columns, metadata keys and tag
    prefixes seen in the first rows."""
    schema = frame.collect_schema()
    choices = [
        f"column:{name}"
        for name, dtype in schema.items()
        if dtype == pl.String or dtype.is_integer() or isinstance(dtype, pl.Categorical | pl.Enum)
    ]
    head = frame.head(sample).collect()
    if preset is not None:
        for column in preset.metadata:
            if column in schema:
                choices += [f"metadata:{key}" for key in _metadata_keys(head, column)]
        tags = preset.tags if preset.tags in schema else ("tag" if "tag" in schema else None)
        if tags:
            prefixes = (
                head.select(
                    _tags(tags, schema[tags]).explode().str.extract(r"^([^:]+:)").alias("p")
                )
                .drop_nulls()["p"]
                .unique()
                .sort()
                .to_list()
            )
            choices += [f"tag:{prefix}" for prefix in prefixes]
    return list(dict.fromkeys(choices))


def _metadata_keys(head: pl.DataFrame, column: str) -> list[str]:
    dtype = head.schema[column]
    if isinstance(dtype, pl.Struct):
        return [f.name for f in dtype.fields]
    if isinstance(dtype, pl.Map):
        return head[column].map.keys().explode().drop_nulls().unique().sort().to_list()
    if dtype == pl.String:
        values = head[column].drop_nulls()
        values = values.filter(values.str.starts_with("{"))
        if values.len() == 0:
            return []
        try:
            decoded = values.str.json_decode(infer_schema_length=values.len())
        except pl.exceptions.PolarsError:
            return []
        return (
            [f.name for f in decoded.dtype.fields] if isinstance(decoded.dtype, pl.Struct) else []
        )
    return []


def default_source(
    frame: pl.LazyFrame, preset: Preset | None, role: Literal["customer", "feature"]
) -> str | None:
    """The first of the preset's preferred sources that this file can give values for."""
    if preset is None:
        return None
    preferences = preset.customer if role == "customer" else preset.feature
    available = set(source_choices(frame, preset))
    return next((source for source in preferences if source in available), None)


# --- usage ---------------------------------------------------------------------------------

UNTAGGED: Final = "(untagged)"
UNKNOWN_CUSTOMER: Final = "(unknown)"


@dataclass(frozen=True)
class Converted:
    """A file in contract columns (plus ``row``, its row number in the file), and notes."""

    frame: pl.LazyFrame
    format: str
    notes: tuple[str, ...] = ()
    sources: Mapping[str, str] | None = None
    """For plain layouts (native or mapped): contract column → file column; else ``None``."""


@dataclass(frozen=True)
class _Layout:
    """What a usage preset contributes: contract columns, a row filter, and notes."""

    columns: dict[str, pl.Expr]
    keep: pl.Expr | None = None
    notes: tuple[str, ...] = ()


def usage_formats() -> list[str]:
    return [NATIVE, MAPPED, *(p.id for p in PRESETS if p.side == "usage")]


def revenue_formats() -> list[str]:
    return [NATIVE, MAPPED, *(p.id for p in PRESETS if p.side == "revenue")]


def resolve_format(frame: pl.LazyFrame, spec: ImportSpec, side: Side) -> str:
    names = frame.collect_schema().names()
    format_id = detect(names, side) if spec.format == AUTO else spec.format
    allowed = usage_formats() if side == "usage" else revenue_formats()
    if format_id not in allowed:
        raise ScenarioError(f"{format_id!r} is not a {side} format; use one of {allowed}")
    return format_id


def usage_to_contract(frame: pl.LazyFrame, spec: ImportSpec, label: str) -> Converted:
    """A usage export in the contract's columns, plus ``row``. Types are the contract's job."""
    schema = frame.collect_schema()
    format_id = resolve_format(frame, spec, "usage")
    numbered = _numbered(frame)
    if format_id in (NATIVE, MAPPED):
        sources = plain_sources(schema, spec, format_id, side="usage", label=label)
        return Converted(_renamed(numbered, sources), format_id, (), sources)
    preset = PRESET_BY_ID[format_id]
    customer = spec.customer or default_source(frame, preset, "customer") or "constant:all"
    feature = spec.feature or default_source(frame, preset, "feature") or "constant:all"
    layout = _USAGE_LAYOUTS[format_id](schema, feature)
    customer_id = source_expr(customer, schema, preset, label, "customer")
    feature_id = source_expr(feature, schema, preset, label, "feature")
    if not customer.startswith("column:"):
        customer_id = customer_id.fill_null(UNKNOWN_CUSTOMER)
    if not feature.startswith("column:"):
        feature_id = feature_id.fill_null(UNTAGGED)
    rows = numbered.filter(layout.keep) if layout.keep is not None else numbered
    converted = rows.select(
        ROW,
        customer_id.alias(s.CUSTOMER_ID),
        feature_id.alias(s.FEATURE_ID),
        *(expr.alias(name) for name, expr in layout.columns.items()),
    )
    notes = (
        f"{label} read as: {preset.title}; customers from {customer}, features from {feature}.",
        *(f"{label}: {note}" for note in layout.notes),
    )
    return Converted(converted, format_id, notes)


def _numbered(frame: pl.LazyFrame) -> pl.LazyFrame:
    """The file's rows numbered from 1, so a problem can point at its row."""
    return frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))


def plain_sources(
    schema: pl.Schema, spec: ImportSpec, format_id: str, *, side: Side, label: str
) -> dict[str, str]:
    """For the econ layout (renamed where the spec maps columns) or a fully mapped one: each
    contract column the file has → the file column holding it."""
    renames = dict(spec.mapping)
    if format_id == MAPPED:
        renames = renames or guess_mapping(schema.names(), side)
        _require_mapping(renames, side, label, schema.names())
    targets = USAGE_TARGETS if side == "usage" else REVENUE_TARGETS
    sources = {}
    for target in targets:
        source = renames.get(target, target if target in schema else None)
        if source is not None and source in schema:
            sources[target] = source
    if side == "revenue":  # segment columns ride along under their own names
        mapped = set(renames.values())
        sources |= {c: c for c in schema.names() if c not in targets and c not in mapped}
    return sources


def _renamed(frame: pl.LazyFrame, sources: Mapping[str, str]) -> pl.LazyFrame:
    """The row number and the contract columns, each from its file column."""
    return frame.select(ROW, *(pl.col(source).alias(target) for target, source in sources.items()))


def _require_mapping(
    renames: Mapping[str, str], side: Side, label: str, found: Sequence[str]
) -> None:
    groups = (
        [[s.CUSTOMER_ID], [s.FEATURE_ID], [s.TIMESTAMP, s.MONTH]]
        if side == "usage"
        else [[target] for target in REVENUE_TARGETS]
    )
    missing = [" or ".join(group) for group in groups if not any(t in renames for t in group)]
    if missing:
        columns = ", ".join(c for c in found if c != ROW) or "none"
        raise InputError(
            [
                Problem(
                    label,
                    column,
                    f"is required but missing, and no column looks like it (columns found: "
                    f"{columns}); map one to it in the app's import step or with --map",
                )
                for column in missing
            ]
        )


def _first(schema: pl.Schema, *names: str, dtype: pl.DataType | None = None) -> pl.Expr:
    """The first of ``names`` the file has (cast to ``dtype`` when given), else null."""
    for name in names:
        if name in schema:
            return pl.col(name) if dtype is None else pl.col(name).cast(dtype, strict=False)
    return pl.lit(None, dtype or pl.String)


def _count(schema: pl.Schema, container: str, keys: Sequence[str], flat: Sequence[str]) -> pl.Expr:
    """A token count from a key-value column (JSON, struct or map) or from flat columns."""
    parts = (
        [_key_lookup(container, schema[container], k) for k in keys] if container in schema else []
    )
    parts += [pl.col(name).cast(pl.String) for name in flat if name in schema]
    if not parts:
        return pl.lit(None, pl.Int64)
    return pl.coalesce(parts).cast(pl.Float64, strict=False).round(0).cast(pl.Int64)


def _langfuse(schema: pl.Schema, feature: str) -> _Layout:
    del feature
    cost_details = (
        _key_lookup("cost_details", schema["cost_details"], "total").cast(pl.Float64, strict=False)
        if "cost_details" in schema
        else pl.lit(None, pl.Float64)
    )
    generations = (
        pl.col("type").cast(pl.String).str.to_uppercase() == "GENERATION"
        if "type" in schema
        else None
    )
    return _Layout(
        columns={
            s.TIMESTAMP: _first(schema, "start_time", "timestamp"),
            s.COST_USD: pl.coalesce(
                _first(schema, "total_cost", "calculated_total_cost", dtype=pl.Float64()),
                cost_details,
            ),
            s.CALLS: pl.lit(1, pl.Int64),
            s.MODEL: _first(schema, "provided_model_name", "model", dtype=pl.String()),
            s.INPUT_TOKENS: _count(schema, "usage_details", ["input"], ["prompt_tokens"]),
            s.OUTPUT_TOKENS: _count(schema, "usage_details", ["output"], ["completion_tokens"]),
            s.CACHED_INPUT_TOKENS: _count(
                schema, "usage_details", ["input_cached_tokens", "cache_read_input_tokens"], []
            ),
        },
        keep=generations,
        notes=("only GENERATION observations are inference calls; spans and events are skipped",)
        if generations is not None
        else (),
    )


def _litellm(schema: pl.Schema, feature: str) -> _Layout:
    del feature
    return _Layout(
        columns={
            s.TIMESTAMP: _first(schema, "starttime", "start_time"),
            s.COST_USD: _first(schema, "spend", dtype=pl.Float64()),
            s.CALLS: pl.lit(1, pl.Int64),
            s.MODEL: _first(schema, "model", "model_group", dtype=pl.String()),
            s.INPUT_TOKENS: _count(schema, "", [], ["prompt_tokens"]),
            s.OUTPUT_TOKENS: _count(schema, "", [], ["completion_tokens"]),
            s.CACHED_INPUT_TOKENS: pl.lit(None, pl.Int64),
        }
    )


def _litellm_daily(schema: pl.Schema, feature: str) -> _Layout:
    keep = None
    notes: tuple[str, ...] = ()
    if feature.startswith("tag:") and "tag" in schema:
        prefix = feature.removeprefix("tag:")
        # The tag table counts a request once per tag: keep one family of tags, or spend doubles.
        keep = pl.col("tag").cast(pl.String).str.starts_with(prefix)
        notes = (
            f"only rows of tags starting with {prefix!r} are kept: the daily tag table "
            "counts each request once per tag",
        )
    return _Layout(
        columns={
            s.MONTH: _first(schema, "date"),
            s.COST_USD: _first(schema, "spend", dtype=pl.Float64()),
            s.CALLS: _first(schema, "api_requests", "successful_requests", dtype=pl.Int64()),
            s.MODEL: _first(schema, "model", "model_group", dtype=pl.String()),
            s.INPUT_TOKENS: _first(schema, "prompt_tokens", dtype=pl.Int64()),
            s.OUTPUT_TOKENS: _first(schema, "completion_tokens", dtype=pl.Int64()),
            s.CACHED_INPUT_TOKENS: _first(schema, "cache_read_input_tokens", dtype=pl.Int64()),
        },
        keep=keep,
        notes=notes,
    )


def _openai(schema: pl.Schema, feature: str) -> _Layout:
    del feature
    start = pl.col("start_time")
    time = (
        pl.from_epoch(start.cast(pl.Int64), time_unit="s")
        if schema["start_time"].is_numeric()
        else start
    )
    return _Layout(
        columns={
            s.TIMESTAMP: time,
            s.COST_USD: pl.lit(None, pl.Float64),
            s.CALLS: _first(schema, "num_model_requests", dtype=pl.Int64()),
            s.MODEL: _first(schema, "model", dtype=pl.String()),
            s.INPUT_TOKENS: _first(schema, "input_tokens", dtype=pl.Int64()),
            s.OUTPUT_TOKENS: _first(schema, "output_tokens", dtype=pl.Int64()),
            s.CACHED_INPUT_TOKENS: _first(schema, "input_cached_tokens", dtype=pl.Int64()),
        },
        notes=("the usage API logs tokens, not dollars: every row is priced from its tokens",),
    )


def _helicone(schema: pl.Schema, feature: str) -> _Layout:
    del feature
    return _Layout(
        columns={
            s.TIMESTAMP: _first(schema, "request_created_at", "created_at"),
            s.COST_USD: _first(schema, "cost", "cost_usd", dtype=pl.Float64()),
            s.CALLS: pl.lit(1, pl.Int64),
            s.MODEL: _first(schema, "model", "response_model", "request_model", dtype=pl.String()),
            s.INPUT_TOKENS: _first(schema, "prompt_tokens", dtype=pl.Int64()),
            s.OUTPUT_TOKENS: _first(schema, "completion_tokens", dtype=pl.Int64()),
            s.CACHED_INPUT_TOKENS: _first(schema, "prompt_cache_read_tokens", dtype=pl.Int64()),
        }
    )


_USAGE_LAYOUTS: Final = {
    "langfuse": _langfuse,
    "litellm": _litellm,
    "litellm_daily": _litellm_daily,
    "openai": _openai,
    "helicone": _helicone,
}


# --- revenue -------------------------------------------------------------------------------

_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "customer": ("customer_id", "customer", "subscription_customer"),
    "plan": (
        "plan_name",
        "plan_nickname",
        "price_nickname",
        "nickname",
        "product_name",
        "plan",
        "description",
        "plan_id",
        "price_id",
    ),
    "amount": ("plan_amount", "unit_amount", "amount", "price_amount"),
    "interval": ("plan_interval", "interval", "billing_interval", "price_recurring_interval"),
    "interval_count": ("plan_interval_count", "interval_count"),
    "quantity": ("quantity",),
    "start": ("started_at", "start_date", "start", "created", "created_at", "subscription_start"),
    "end": ("canceled_at", "cancelled_at", "ended_at", "end_date", "cancel_date"),
    "trial_end": ("trial_end", "trial_ends_at"),
    "currency": ("currency",),
}
MONTHS_PER: Final = {"month": 1.0, "year": 12.0, "week": 12 / 52, "day": 12 / 365}


def _alias(schema: pl.Schema, role: str) -> str | None:
    return next((name for name in _ALIASES[role] if name in schema), None)


def revenue_to_contract(
    frame: pl.LazyFrame, spec: ImportSpec, label: str, through: str | None
) -> Converted:
    """A revenue export as one row per customer-month: contract columns, segments, ``row``."""
    schema = frame.collect_schema()
    format_id = resolve_format(frame, spec, "revenue")
    numbered = _numbered(frame)
    if format_id in (NATIVE, MAPPED):
        sources = plain_sources(schema, spec, format_id, side="revenue", label=label)
        return Converted(_renamed(numbered, sources), format_id, (), sources)
    missing = [role for role in ("customer", "amount") if _alias(schema, role) is None]
    if missing:
        raise InputError(
            [Problem(label, role, f"is needed to read: {title_of(format_id)}") for role in missing]
        )
    divisor = 100.0 if spec.amounts_in == "cents" else 1.0
    notes = [f"{label} read as: {title_of(format_id)}; amounts in {spec.amounts_in}."]
    currencies = _currencies(numbered, schema)
    if len(currencies) > 1:
        raise InputError(
            [Problem(label, "currency", f"must be a single currency, found {sorted(currencies)}")]
        )
    if currencies and currencies != {"usd"}:
        notes.append(f"{label}: amounts are in {currencies.pop().upper()}, shown as dollars.")
    if format_id == "stripe_invoices":
        lines, more = _invoice_lines(numbered, schema, divisor, spec.include_prorations)
        if through is not None:
            # A prepaid year spreads past the data: keep only months up to the ledger's last.
            lines = lines.filter(pl.col(s.MONTH) <= _through(through).date())
    else:
        lines, more = _subscription_months(numbered, schema, divisor, through)
    notes += [f"{label}: {note}" for note in more]
    return Converted(_to_customer_months(lines), format_id, tuple(notes))


def _currencies(frame: pl.LazyFrame, schema: pl.Schema) -> set[str]:
    if "currency" not in schema:
        return set()
    values = frame.select(pl.col("currency").cast(pl.String).str.to_lowercase().unique()).collect()
    return {v for v in values["currency"].to_list() if v}


def _plan_expr(schema: pl.Schema) -> pl.Expr:
    names = [name for name in _ALIASES["plan"] if name in schema]
    return (
        pl.coalesce(pl.col(n).cast(pl.String) for n in names) if names else pl.lit("subscription")
    )


def _date(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Stripe exports dates as epoch seconds (API) or text (dashboard): a UTC datetime."""
    if dtype.is_numeric():
        return pl.from_epoch(expr.cast(pl.Int64), time_unit="s")
    if isinstance(dtype, pl.Datetime):
        return (
            expr.dt.replace_time_zone(None)
            if dtype.time_zone is None
            else expr.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        )
    if dtype == pl.Date:
        return expr.cast(pl.Datetime("us"))
    return (
        expr.cast(pl.String)
        .str.slice(0, 19)
        .str.replace("T", " ")
        .str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False)
        .fill_null(expr.cast(pl.String).str.slice(0, 10).str.to_datetime("%Y-%m-%d", strict=False))
    )


def _invoice_lines(
    frame: pl.LazyFrame, schema: pl.Schema, divisor: float, prorations: bool
) -> tuple[pl.DataFrame, list[str]]:
    """Each line's amount spread evenly over the months its period covers."""
    notes = []
    if "proration" in schema and not prorations:
        frame = frame.filter(
            ~pl.col("proration").cast(pl.String).str.to_lowercase().is_in(["true", "1"])
        )
        notes.append("proration lines are left out (set include_prorations to count them)")
    start = _date(pl.col("period_start"), schema["period_start"])
    end = _date(pl.col("period_end"), schema["period_end"])
    days = (end - start).dt.total_days()
    months = (days / (365.25 / 12)).round(0).clip(lower_bound=1).cast(pl.Int64)
    lines = frame.select(
        ROW,
        pl.col(_alias(schema, "customer") or "customer").cast(pl.String).alias(s.CUSTOMER_ID),
        _plan_expr(schema).alias(s.PLAN),
        (
            pl.col(_alias(schema, "amount") or "amount").cast(pl.Float64, strict=False) / divisor
        ).alias("_amount"),
        start.dt.month_start().cast(pl.Date).alias("_first"),
        months.alias("_months"),
    ).collect()
    return _spread(lines), notes


def _subscription_months(
    frame: pl.LazyFrame, schema: pl.Schema, divisor: float, through: str | None
) -> tuple[pl.DataFrame, list[str]]:
    """Each subscription's MRR in every month from its (trial-end) start to its cancellation."""
    interval = _first(schema, *_ALIASES["interval"], dtype=pl.String()).str.to_lowercase()
    interval = interval.fill_null("month")
    count = _first(schema, *_ALIASES["interval_count"], dtype=pl.Float64()).fill_null(1.0)
    quantity = _first(schema, *_ALIASES["quantity"], dtype=pl.Float64()).fill_null(1.0)
    amount = pl.col(_alias(schema, "amount") or "amount").cast(pl.Float64, strict=False) / divisor
    per_month = amount * quantity / (interval.replace_strict(MONTHS_PER, default=None) * count)
    start_name, end_name, trial_name = (_alias(schema, r) for r in ("start", "end", "trial_end"))
    if start_name is None:
        raise InputError(
            [Problem("revenue", "started_at", "is needed to know when each subscription began")]
        )
    start = _date(pl.col(start_name), schema[start_name])
    if trial_name is not None:
        trial = _date(pl.col(trial_name), schema[trial_name])
        start = pl.max_horizontal(start, trial.fill_null(start))
    end = _date(pl.col(end_name), schema[end_name]) if end_name else pl.lit(None, pl.Datetime("us"))
    last_open = _through(through)
    first = start.dt.month_start()
    # Months whose first day falls before the end date were paid for.
    last = (
        pl.when(end.is_not_null())
        .then((end - pl.duration(microseconds=1)).dt.month_start())
        .otherwise(pl.lit(last_open))
    )
    lines = frame.select(
        ROW,
        pl.col(_alias(schema, "customer") or "customer").cast(pl.String).alias(s.CUSTOMER_ID),
        _plan_expr(schema).alias(s.PLAN),
        per_month.alias("_per_month"),
        first.cast(pl.Date).alias("_first"),
        last.cast(pl.Date).alias("_last"),
        interval.alias("billing_interval"),
    ).collect()
    months = (
        (pl.col("_last").dt.year() - pl.col("_first").dt.year()) * 12
        + pl.col("_last").dt.month().cast(pl.Int32)
        - pl.col("_first").dt.month().cast(pl.Int32)
        + 1
    ).clip(lower_bound=0)
    lines = lines.with_columns(
        months.alias("_months"), (pl.col("_per_month") * months).alias("_amount")
    )
    notes = [f"subscriptions still running are counted through {last_open:%Y-%m}"]
    return _spread(lines), notes


def _through(value: str | None) -> dt.datetime:
    """The last month open subscriptions are counted in (default: this month)."""
    if value:
        year, month = value.split("-")
        return dt.datetime(int(year), int(month), 1)
    today = dt.datetime.now(dt.UTC)
    return dt.datetime(today.year, today.month, 1)


def _spread(lines: pl.DataFrame) -> pl.DataFrame:
    """One row per line per month it covers, each with its share of the amount."""
    extra = [c for c in lines.columns if c in ("billing_interval",)]
    return (
        lines.filter(pl.col("_months") > 0)
        .with_columns(pl.int_ranges(0, pl.col("_months")).alias("_offset"))
        .explode("_offset")
        .select(
            ROW,
            s.CUSTOMER_ID,
            s.PLAN,
            pl.col("_first").dt.offset_by(pl.format("{}mo", pl.col("_offset"))).alias(s.MONTH),
            (pl.col("_amount") / pl.col("_months")).round(6).alias(s.MRR_USD),
            *extra,
        )
    )


def _to_customer_months(rows: pl.DataFrame) -> pl.LazyFrame:
    """Sum each customer-month; its plan (and interval) is that of its largest line."""
    extra = [c for c in rows.columns if c == "billing_interval"]
    return (
        rows.sort(s.CUSTOMER_ID, s.MONTH, s.MRR_USD, ROW, descending=[False, False, True, False])
        .group_by(s.CUSTOMER_ID, s.MONTH, maintain_order=True)
        .agg(
            pl.col(ROW).first(),
            pl.col(s.MRR_USD).sum(),
            pl.col(s.PLAN).first(),
            *(pl.col(c).first() for c in extra),
        )
        .select(ROW, s.CUSTOMER_ID, s.MONTH, s.MRR_USD, s.PLAN, *extra)
        .lazy()
    )


@dataclass(frozen=True)
class Inspection:
    """What a file looks like, for the import step: its layout and the choices it offers.

    Attributes:
        format: the detected layout (preset id, native or mapped).
        columns: the file's (normalized) column names.
        sources: customer / feature sources worth offering (usage presets).
        customer, feature: the sources used by default (usage presets).
        mapping: the guessed column mapping (mapped and native files).
    """

    format: str
    columns: tuple[str, ...]
    sources: tuple[str, ...] = ()
    customer: str | None = None
    feature: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)


def inspect(frame: pl.LazyFrame, side: Side, format_id: str = AUTO) -> Inspection:
    """Detect a file's layout (or take ``format_id``) and what can be chosen in it."""
    names = tuple(frame.collect_schema().names())
    format_id = detect(names, side) if format_id == AUTO else format_id
    preset = PRESET_BY_ID.get(format_id)
    if preset is None or preset.side != "usage":
        return Inspection(format_id, names, mapping=guess_mapping(names, side))
    return Inspection(
        format_id,
        names,
        sources=tuple(source_choices(frame, preset)),
        customer=default_source(frame, preset, "customer"),
        feature=default_source(frame, preset, "feature"),
    )
