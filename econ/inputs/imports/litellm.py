"""LiteLLM proxy: its spend logs, and its daily spend tables.

Sources of truth (``BerriAI/litellm``, release 1.110.2 and ``litellm-proxy-extras`` 0.4.110):

- ``LiteLLM_SpendLogs``, one row per request (``litellm/proxy/schema.prisma``; columns and types
  from the ``litellm_proxy_extras/migrations``): camelCase ``"startTime"``/``"endTime"``
  (timestamp(3), UTC, written by ``psql \\copy … CSV HEADER`` as ``2026-03-02 00:43:05.9``),
  ``metadata`` and ``request_tags`` as JSONB (a CSV cell reads ``["feature:chat", "User-Agent:
  OpenAI"]``), ``spend`` in dollars. Filled by ``litellm/proxy/spend_tracking/
  spend_tracking_utils.py::get_logging_payload``: ``end_user`` is ``""`` for requests sent
  without a ``user``; custom metadata sits under ``metadata.spend_logs_metadata``; failed requests
  are rows too (``status = 'failure'``, spend 0); responses from LiteLLM's own cache have spend 0.
  Cached prompt tokens are only in ``metadata.usage_object``. The ``/spend/logs`` API returns the
  same rows as a JSON list (``/spend/logs/v2``: a page with ``data``).
- ``LiteLLM_DailyTagSpend`` / ``DailyEndUserSpend`` / ``DailyUserSpend`` / ``DailyTeamSpend``
  (same schema): one row per entity, day (``date`` text), key and model, with
  ``successful_requests`` and ``failed_requests``. The tag table
  (``litellm/proxy/db/db_spend_update_writer.py``) adds a request's full spend to **every** tag,
  the ``User-Agent: …`` tags LiteLLM adds by default included: only one family of tags can be
  summed.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from econ import schema as s
from econ.inputs.imports.fields import Fields
from econ.inputs.imports.layout import Layout, Tally, UsageRead, logged_zero_is_no_cost
from econ.inputs.imports.spec import ImportSpec

_SOURCE: Final = "BerriAI/litellm"
_CACHED_PATHS: Final = (
    "metadata.usage_object.prompt_tokens_details.cached_tokens",
    "metadata.usage_object.cache_read_input_tokens",
    "metadata.additional_usage_values.cache_read_input_tokens",
)


def read_spend_logs(fields: Fields, spec: ImportSpec) -> UsageRead:
    """One call per successful request; failed requests keep their spend but are no calls."""
    del spec
    status = fields.text("status").str.to_lowercase()
    failed = (status == "failure").fill_null(False)
    cache_hit = (fields.text("cache_hit").str.to_lowercase() == "true").fill_null(False)
    spend = fields.number("spend")
    tokens = (
        fields.count("prompt_tokens").fill_null(0) + fields.count("completion_tokens").fill_null(0)
    ) > 0
    # LiteLLM logs 0 for a model it has no price for: that is "no cost", not $0.
    unpriced = logged_zero_is_no_cost(spend, tokens, called=~failed & ~cache_hit)
    return UsageRead(
        columns={
            s.TIMESTAMP: fields.raw("start_time"),
            s.COST_USD: pl.when(unpriced)
            .then(None)
            .when(failed & spend.is_null())
            .then(pl.lit(0.0))
            .otherwise(spend),
            s.CALLS: pl.when(failed).then(0).otherwise(1).cast(pl.Int64),
            s.MODEL: pl.coalesce(
                _text_or_null(fields, "model"), _text_or_null(fields, "model_group")
            ),
            s.INPUT_TOKENS: fields.count("prompt_tokens"),
            s.OUTPUT_TOKENS: fields.count("completion_tokens"),
            s.CACHED_INPUT_TOKENS: pl.coalesce(fields.count(path) for path in _CACHED_PATHS),
        },
        tallies=(
            Tally(
                failed,
                "{rows} failed request{s} (status failure, {cost}): not counted as calls; any "
                "spend is kept",
                cost=spend,
            ),
            Tally(
                cache_hit & ~failed,
                "{rows} request{s} answered from LiteLLM's cache (spend {cost}): counted as "
                "calls that cost nothing",
                cost=spend,
            ),
            Tally(
                unpriced,
                "{rows} successful request{s} with tokens logged spend 0 (LiteLLM had no price "
                "for the model): priced from their tokens where a price is known, never "
                "counted as $0",
            ),
        ),
    )


def _text_or_null(fields: Fields, path: str) -> pl.Expr:
    text = fields.text(path)
    return pl.when(text.str.strip_chars() == "").then(None).otherwise(text)


def read_daily(fields: Fields, spec: ImportSpec) -> UsageRead:
    """Daily spend rows; of the tag table, only the rows of the tag family features come from."""
    keep = None
    warnings: tuple[str, ...] = ()
    feature = spec.feature or ""
    if feature.startswith("tag:") and fields.has("tag"):
        prefix = feature.removeprefix("tag:")
        keep = fields.text("tag").str.starts_with(prefix).fill_null(False)
        warnings = (
            f"only rows of tags starting with {prefix!r} are used: the daily tag table adds a "
            "request's whole spend to each of its tags, so requests without such a tag are not "
            "in these rows",
        )
    successful = fields.count("successful_requests")
    calls = successful if fields.has("successful_requests") else fields.count("api_requests")
    failed = fields.count("failed_requests").fill_null(0)
    spend = fields.number("spend")
    tokens = (
        fields.count("prompt_tokens").fill_null(0) + fields.count("completion_tokens").fill_null(0)
    ) > 0
    # Spend 0 with tokens is a cache hit or a model LiteLLM could not price: a daily row cannot
    # tell which (the spend logs can), so it stays $0 and the user is told.
    ambiguous = (spend == 0) & tokens & (calls.fill_null(0) > 0)
    return UsageRead(
        columns={
            s.MONTH: fields.raw("date"),
            s.COST_USD: spend,
            s.CALLS: calls,
            s.MODEL: pl.coalesce(
                _text_or_null(fields, "model"), _text_or_null(fields, "model_group")
            ),
            s.INPUT_TOKENS: fields.count("prompt_tokens"),
            s.OUTPUT_TOKENS: fields.count("completion_tokens"),
            s.CACHED_INPUT_TOKENS: fields.count("cache_read_input_tokens"),
        },
        keep=keep,
        tallies=(
            Tally(
                failed > 0 if keep is None else (failed > 0) & keep,
                "{rows} row{s} include failed requests, which are not counted as calls",
            ),
            Tally(
                ambiguous if keep is None else ambiguous & keep,
                "{rows} row{s} with tokens logged spend 0: answers from LiteLLM's cache, or a "
                "model it had no price for. Counted as $0; the spend logs tell the two apart",
                warn=True,
            ),
        ),
        warnings=warnings,
    )


SPEND_LOGS: Final = Layout(
    id="litellm",
    title="LiteLLM spend logs (LiteLLM_SpendLogs, or the /spend/logs API)",
    side="usage",
    truth=f"{_SOURCE}: litellm/proxy/schema.prisma (LiteLLM_SpendLogs); "
    "litellm/proxy/spend_tracking/spend_tracking_utils.py (get_logging_payload)",
    signatures=(
        frozenset({"request_id", "spend", "start_time"}),
        frozenset({"spend", "request_tags", "call_type"}),
    ),
    tags=("request_tags",),
    metadata=("metadata.spend_logs_metadata", "metadata"),
    customer=(
        "column:end_user",
        "metadata:customer_id",
        "metadata:user_api_key_end_user_id",
    ),
    feature=("tag:feature:", "metadata:feature"),
    missing_help={
        "customer": "LiteLLM records the customer as end_user only for requests that send a "
        "'user' (or a customer header); send it, or pass a customer_id in "
        "metadata.spend_logs_metadata.",
        "feature": "Tag requests with 'feature:<name>' (the request's tags), or pass a "
        "'feature' key in metadata.spend_logs_metadata.",
    },
    read_usage=read_spend_logs,
)

DAILY: Final = Layout(
    id="litellm_daily",
    title="LiteLLM daily spend table (tags, end users, users or teams)",
    side="usage",
    truth=f"{_SOURCE}: litellm/proxy/schema.prisma (LiteLLM_DailyTagSpend, "
    "LiteLLM_DailyEndUserSpend, …); litellm/proxy/db/db_spend_update_writer.py",
    signatures=(frozenset({"date", "spend", "api_requests"}),),
    tags=("tag",),
    customer=("column:end_user_id", "column:end_user"),
    feature=("tag:feature:",),
    missing_help={
        "customer": "LiteLLM's daily tables name a customer only in the end-user table "
        "(end_user_id); the tag table has none. Export the spend logs instead, or choose a "
        "column that stands for the customer (e.g. --customer column:api_key if every key is "
        "one customer's).",
        "feature": "Only the daily tag table names features (tags starting 'feature:'); export "
        "the spend logs instead, or choose e.g. --feature column:model_group.",
    },
    read_usage=read_daily,
)

LAYOUTS: Final = (SPEND_LOGS, DAILY)
