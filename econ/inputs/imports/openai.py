"""OpenAI: the organization usage API for completions.

Source of truth: ``openai/openai-openapi`` ``openapi.yaml`` (``f85dbe2``), path
``/organization/usage/completions`` and schemas ``UsageResponse``, ``UsageTimeBucket`` and
``UsageCompletionsResult``. The API answers JSON only: a page (``object: "page"``) of ``data``
buckets, each with ``start_time``/``end_time`` (Unix seconds, UTC) and ``results``; a result
carries ``num_model_requests`` and token counts, and ``project_id``, ``user_id``,
``api_key_id`` and ``model`` only when the request grouped by them (null otherwise).
``input_tokens`` includes the cached (and cache-write) tokens, which ``input_cached_tokens``
counts again. The API logs tokens, not dollars: every row is priced from its tokens.

The API knows your OpenAI organization (its projects, keys and members), not your customers or
your product's features: which of its ids stands for a customer is an assumption, shown as a
warning.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from econ import schema as s
from econ.inputs.imports.fields import Fields
from econ.inputs.imports.layout import Layout, UsageRead
from econ.inputs.imports.spec import ImportSpec


def read_completions(fields: Fields, spec: ImportSpec) -> UsageRead:
    """Each result row: its bucket's start time, requests and tokens; cost from tokens."""
    del spec
    return UsageRead(
        columns={
            s.TIMESTAMP: fields.time("start_time"),
            s.COST_USD: pl.lit(None, pl.Float64),
            s.CALLS: fields.count("num_model_requests"),
            s.MODEL: fields.text("model"),
            s.INPUT_TOKENS: fields.count("input_tokens"),
            s.OUTPUT_TOKENS: fields.count("output_tokens"),
            s.CACHED_INPUT_TOKENS: fields.count("input_cached_tokens"),
        },
        notes=(
            "the usage API logs tokens, not dollars: every row is priced from its tokens "
            "(audio and image tokens at the text rates)",
        ),
    )


COMPLETIONS: Final = Layout(
    id="openai",
    title="OpenAI organization usage (completions)",
    side="usage",
    truth="openai/openai-openapi: openapi.yaml, /organization/usage/completions "
    "(UsageResponse, UsageTimeBucket, UsageCompletionsResult)",
    signatures=(frozenset({"num_model_requests", "start_time"}),),
    customer=("column:project_id", "column:api_key_id"),
    feature=("column:model",),
    default_warnings={
        "customer": "customers are taken from {source}, an id of your OpenAI organization: "
        "right only if each customer has its own OpenAI project (or key)",
        "feature": "features are OpenAI models: the usage API does not know your product's "
        "features",
    },
    missing_help={
        "customer": "The usage API gives project, key or user ids only when asked to group by "
        "them: export it with group_by=project_id (or api_key_id).",
        "feature": "The usage API gives the model only when asked to group by it: export it "
        "with group_by=model.",
    },
    read_usage=read_completions,
)

LAYOUTS: Final = (COMPLETIONS,)
