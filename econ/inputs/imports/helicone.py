"""Helicone: requests exported with its export tool (``@helicone/export``).

Sources of truth (``Helicone/helicone``): ``examples/export/typescript/index.ts`` writes JSON
Lines by default (``output.jsonl``), a JSON array, or CSV; its rows come from
``valhalla/jawn/src/lib/stores/request/request.ts`` (``getRequestsClickhouseNoSort``):
``request_created_at`` as ISO text with ``Z``, ``request_user_id`` ``""`` when unset (the
``Helicone-User-Id`` header, else the request's ``user``), ``request_properties`` the custom
``Helicone-Property-*`` headers without their prefix (``{"feature": "chat"}``), ``cost`` in
dollars (stored × 1e9 and divided back by the query), token counts as numbers or quoted text.
The CSV mode writes twelve columns, every value quoted, and escapes JSON objects twice: after
CSV parsing a cell reads ``{""feature"":""chat""}``.

Helicone stores a cost of 0 when it has no price for the model, so a successful request with
tokens and cost 0 is "no cost" and is priced from its tokens; failed requests (status 400 and
above) are no calls.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from econ import schema as s
from econ.inputs.imports.fields import Fields
from econ.inputs.imports.layout import Layout, Tally, UsageRead, logged_zero_is_no_cost
from econ.inputs.imports.spec import ImportSpec

_SOURCE: Final = "Helicone/helicone"
_FAILED_FROM: Final = 400


def read_requests(fields: Fields, spec: ImportSpec) -> UsageRead:
    """One call per successful request."""
    del spec
    status = fields.number("response_status", "status")
    failed = ((status >= _FAILED_FROM) | (status < 0)).fill_null(False)
    tokens_in = fields.count("prompt_tokens")
    tokens_out = fields.count("completion_tokens")
    given = fields.number("cost", "cost_usd")  # an older server: costUSD, read as cost_usd
    tokens = (tokens_in.fill_null(0) + tokens_out.fill_null(0)) > 0
    unpriced = logged_zero_is_no_cost(given, tokens, called=~failed)
    model = fields.text("model", "request_model")
    return UsageRead(
        columns={
            s.TIMESTAMP: fields.raw("request_created_at", "created_at"),
            # A failed request without a logged cost (an older server's row) cost nothing.
            s.COST_USD: pl.when(unpriced)
            .then(None)
            .when(failed & given.is_null())
            .then(pl.lit(0.0))
            .otherwise(given),
            s.CALLS: pl.when(failed).then(0).otherwise(1).cast(pl.Int64),
            s.MODEL: pl.when(model.str.strip_chars().is_in(["", "unknown"]))
            .then(None)
            .otherwise(model),
            s.INPUT_TOKENS: tokens_in,
            s.OUTPUT_TOKENS: tokens_out,
            s.CACHED_INPUT_TOKENS: fields.count("prompt_cache_read_tokens"),
        },
        tallies=(
            Tally(
                failed,
                "{rows} failed request{s} (status 400 or above, {cost}): not counted as calls",
                cost=given,
            ),
            Tally(
                unpriced,
                "{rows} successful request{s} with tokens logged cost 0 (Helicone had no price "
                "for the model): priced from their tokens where a price is known, never "
                "counted as $0",
            ),
        ),
    )


REQUESTS: Final = Layout(
    id="helicone",
    title="Helicone request export",
    side="usage",
    truth=f"{_SOURCE}: examples/export/typescript/index.ts; "
    "valhalla/jawn/src/lib/stores/request/request.ts",
    signatures=(
        frozenset({"request_created_at", "request_user_id"}),
        frozenset({"request_created_at", "request_properties"}),
    ),
    metadata=("request_properties", "properties"),
    customer=("column:request_user_id", "metadata:customer_id", "metadata:customer"),
    feature=("metadata:feature", "metadata:Feature"),
    missing_help={
        "customer": "Helicone records the customer from the Helicone-User-Id header (or the "
        "request's 'user'); send it with your requests.",
        "feature": "Send a Helicone-Property-Feature header with your requests, so each "
        "request names its feature.",
    },
    read_usage=read_requests,
)

LAYOUTS: Final = (REQUESTS,)
