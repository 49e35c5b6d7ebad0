"""Langfuse: observations, as its UI export and its blob-storage export write them.

Sources of truth (``langfuse/langfuse`` at ``62751446149b``):

- **UI export** ("Export" on the observations table; CSV, JSON or JSON Lines): rows built in
  ``worker/src/features/database-read-stream/observation-stream.ts`` (camelCase keys; ``userId``,
  ``traceName`` and ``traceTags`` joined from the trace; ``model`` is the provided model name)
  or, with the v4 beta, ``event-stream.ts`` (``providedModelName``, ``tags``); written by
  ``packages/shared/src/server/utils/transforms/transformStreamToCsv.ts`` with
  ``packages/shared/src/utils/stringify.ts``: every CSV field quoted, objects as JSON text, and
  dates JSON-stringified, so a cell holds ``"2026-03-02T00:42:19.160Z"`` with its quotes.
- **Blob-storage export**: ``worker/src/features/blobstorage/
  handleBlobStorageIntegrationProjectJob.ts``. The events table (folder ``observations_v2``)
  has snake_case columns from ``packages/shared/src/server/queries/clickhouse-sql/
  event-query-builder.ts``, ``user_id`` ``""`` when unset, maps as parquet MAPs or JSON objects.
  The legacy observations table (``packages/shared/src/domain/observation-field-groups.ts``) has
  no user id and no tags: they live on traces.
- **Token meaning**: ``packages/shared/src/server/ingestion/types.ts`` and
  ``packages/shared/src/server/otel/OtelIngestionProcessor.ts`` store ``input`` without the
  cached and cache-creation tokens (kept under ``input_cached_tokens``, ``input_cache_read``,
  ``input_cache_creation…``) and ``output`` without reasoning and audio tokens (``output_*``).
  A call's prompt tokens are therefore the sum of every ``input`` bucket; adding them back is
  right, subtracting the cached ones again would count them twice.
- **Unpriced generations** (``IngestionService.calculateUsageCosts``): with no price for the
  model, ``cost_details`` is empty and ``total_cost`` reads 0 (or null). That is "no cost", not
  $0: such rows are priced from their tokens here, or refused when their model has no price.
- **Which observations are calls**: ``packages/shared/src/domain/observations.ts`` lists the
  generation-like types (GENERATION, AGENT, TOOL, CHAIN, RETRIEVER, EVALUATOR, EMBEDDING,
  GUARDRAIL); SPAN and EVENT rows are skipped, and so are generation-like steps that carry no
  model, cost or tokens (an agent step wrapping the calls that do).
"""

from __future__ import annotations

from typing import Final

import polars as pl

from econ import schema as s
from econ.inputs.imports.fields import Fields
from econ.inputs.imports.layout import Layout, Tally, UsageRead
from econ.inputs.imports.spec import ImportSpec

GENERATION_LIKE: Final = (
    "GENERATION",
    "AGENT",
    "TOOL",
    "CHAIN",
    "RETRIEVER",
    "EVALUATOR",
    "EMBEDDING",
    "GUARDRAIL",
)
CACHE_READ: Final = ("input_cached_tokens", "input_cache_read")
"""Usage keys of prompt tokens read from a cache (priced at the cached-input rate)."""
_SOURCE: Final = "langfuse/langfuse"
_COST, _INPUT, _OUTPUT, _KIND, _FAILED = "_cost", "_input", "_output", "_kind", "_failed"


def read_observations(fields: Fields, spec: ImportSpec) -> UsageRead:
    """Observations as calls (see the module docstring)."""
    del spec
    model = fields.text("provided_model_name", "model")
    if fields.has("cost_details"):
        # total_cost is derived from cost_details['total'] and reads 0 when it is absent.
        cost = fields.number("cost_details.total")
    else:
        cost = fields.number("total_cost", "calculated_total_cost")
    derived = {
        _COST: cost,
        _INPUT: fields.bucket_sum("usage_details", ["input"]).round(0).cast(pl.Int64),
        _OUTPUT: fields.bucket_sum("usage_details", ["output"]).round(0).cast(pl.Int64),
        _KIND: fields.text("type").str.to_uppercase() if fields.has("type") else pl.lit(None),
        _FAILED: (fields.text("level").str.to_uppercase() == "ERROR").fill_null(False),
    }
    cost, failed, kind = pl.col(_COST), pl.col(_FAILED), pl.col(_KIND)
    tokens = (pl.col(_INPUT).fill_null(0) + pl.col(_OUTPUT).fill_null(0)) > 0
    evidence = cost.fill_null(0.0).gt(0) | tokens
    generation_like = kind.is_in(GENERATION_LIKE) if fields.has("type") else pl.lit(True)
    generation = kind == "GENERATION" if fields.has("type") else pl.lit(True)
    keep = generation_like & (evidence | failed)
    tallies = (
        Tally(~generation_like, "{rows} span{s} and event{s} skipped: not calls"),
        Tally(
            generation_like & ~generation & ~evidence & ~failed,
            "{rows} agent, tool or chain step{s} with no cost or tokens skipped",
        ),
        Tally(
            generation & ~evidence & ~failed,
            "{rows} generation{s} with no cost and no tokens left out: what they cost cannot "
            "be known",
            warn=True,
        ),
        Tally(
            failed & generation_like,
            "{rows} observation{s} that ended in an error (level ERROR): not counted as calls; "
            "any cost and tokens they carry are kept",
        ),
        Tally(
            keep & cost.is_null() & tokens,
            "{rows} generation{s} with no cost in Langfuse (an empty cost_details: it had no "
            "price for the model): priced from their tokens where a price is known, never "
            "counted as $0",
        ),
    )
    return UsageRead(
        derived=derived,
        columns={
            s.TIMESTAMP: fields.raw("start_time", "timestamp"),
            s.COST_USD: pl.when(failed & ~tokens).then(pl.lit(0.0)).otherwise(cost),
            s.CALLS: pl.when(failed).then(0).otherwise(1).cast(pl.Int64),
            s.MODEL: pl.when(model.str.strip_chars() == "").then(None).otherwise(model),
            s.INPUT_TOKENS: pl.col(_INPUT),
            s.OUTPUT_TOKENS: pl.col(_OUTPUT),
            s.CACHED_INPUT_TOKENS: fields.bucket_sum("usage_details", CACHE_READ)
            .round(0)
            .cast(pl.Int64),
        },
        keep=keep,
        tallies=tallies,
        notes=(
            "prompt tokens are the sum of Langfuse's input buckets (cached and cache-write "
            "tokens included); cache writes are priced at the input rate",
        ),
    )


OBSERVATIONS: Final = Layout(
    id="langfuse",
    title="Langfuse observations (UI export, or the events table of a blob export)",
    side="usage",
    truth=f"{_SOURCE}: worker/src/features/database-read-stream/observation-stream.ts, "
    "event-stream.ts; packages/shared/src/server/utils/transforms/transformStreamToCsv.ts; "
    "packages/shared/src/server/queries/clickhouse-sql/event-query-builder.ts",
    signatures=(
        frozenset({"trace_id", "start_time", "usage_details", "user_id"}),
        frozenset({"trace_id", "start_time", "cost_details", "trace_tags"}),
        frozenset({"trace_id", "start_time", "total_cost", "user_id"}),
    ),
    tags=("trace_tags", "tags"),
    metadata=("metadata",),
    customer=("column:user_id", "metadata:customer_id", "metadata:user_id"),
    feature=("tag:feature:", "metadata:feature", "column:trace_name"),
    read_usage=read_observations,
)

LEGACY_OBSERVATIONS: Final = Layout(
    id="langfuse_observations",
    title="Langfuse observations table of a blob export (no user ids)",
    side="usage",
    truth=f"{_SOURCE}: packages/shared/src/domain/observation-field-groups.ts "
    "(LEGACY_OBSERVATION_EXPORT_FIELDS); packages/shared/src/server/repositories/observations.ts",
    signatures=(
        frozenset({"trace_id", "start_time", "usage_details", "provided_model_name"}),
        frozenset({"trace_id", "start_time", "cost_details", "parent_observation_id"}),
    ),
    excludes=frozenset({"user_id", "trace_tags", "tags", "trace_name"}),
    metadata=("metadata",),
    customer=("metadata:customer_id", "metadata:user_id"),
    feature=("metadata:feature", "column:name"),
    missing_help={
        "customer": "Langfuse's observations table carries no user id (it lives on the trace): "
        "export the events table instead (observations_v2 in the blob export, or the UI "
        "export), or add the traces export's user_id to each observation by trace_id first.",
        "feature": "Langfuse's observations table carries no trace name or tags: export the "
        "events table instead, or tag calls with a 'feature' metadata key.",
    },
    read_usage=read_observations,
)

LAYOUTS: Final = (OBSERVATIONS, LEGACY_OBSERVATIONS)
