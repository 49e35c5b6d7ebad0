"""Files in no known layout: which column holds which contract column, guessed from names.

The guess is only ever a starting point: the app shows it for the user to confirm, and the
command line reports it as a warning, so a column taken for another is seen.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Final

import polars as pl

from econ import schema as s
from econ.errors import InputError, Problem
from econ.inputs.imports.layout import Side
from econ.inputs.imports.spec import MAPPED

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
    s.OUTCOME: ("outcome", "outcomes", "success", "successes", "succeeded"),
    s.MRR_USD: ("mrr_usd", "mrr", "revenue", "amount_usd", "amount", "monthly_revenue"),
    s.PLAN: ("plan", "plan_name", "tier", "product", "package", "price_nickname"),
    s.AI_REVENUE_USD: ("ai_revenue_usd", "ai_revenue", "ai_mrr", "ai_addon_usd"),
    s.AI_INFLUENCED_USD: ("ai_influenced_usd", "ai_influenced_revenue", "ai_influenced"),
    s.SEATS: ("seats", "seat_count", "num_seats", "licenses", "quantity"),
    s.CURRENCY: ("currency", "currency_code", "ccy", "invoice_currency", "plan_currency"),
    s.USER_ID: ("user_id", "end_user_id", "userid", "user"),
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
    s.OUTCOME,
    s.USER_ID,
)
REVENUE_TARGETS: Final = (
    s.CUSTOMER_ID,
    s.MONTH,
    s.MRR_USD,
    s.PLAN,
    *s.REVENUE_MONEY,
    s.SEATS,
    s.CURRENCY,
)


def targets(side: Side) -> tuple[str, ...]:
    return USAGE_TARGETS if side == "usage" else REVENUE_TARGETS


def guess_mapping(columns: Sequence[str], side: Side) -> dict[str, str]:
    """Contract column → the file column most likely to hold it (by name), one column each."""
    available = list(columns)
    guessed: dict[str, str] = {}
    for target in targets(side):
        candidates = [c for c in SYNONYMS[target] if c in available]
        if not candidates:
            candidates = difflib.get_close_matches(target, available, n=1, cutoff=0.8)
        if candidates:
            guessed[target] = candidates[0]
            available.remove(candidates[0])
    if side == "usage" and s.TIMESTAMP in guessed and s.MONTH in guessed:
        del guessed[s.MONTH]  # one time column is enough; the timestamp is finer
    return guessed


def plain_sources(
    schema: pl.Schema,
    mapping: Mapping[str, str],
    format_id: str,
    *,
    side: Side,
    label: str,
    closest: str = "",
) -> dict[str, str]:
    """For the econ layout (renamed where the spec maps columns) or a mapped one: each contract
    column the file has → the file column holding it.

    A mapped file takes the guessed mapping (:func:`guessed_part`) where the spec names no
    column. ``closest`` names the known layouts nearest to an undetected file, for the message
    when the mapping cannot be completed.
    """
    wrong = sorted(target for target, column in mapping.items() if column not in schema)
    if wrong:
        raise InputError(
            [
                Problem(
                    label,
                    mapping[target],
                    f"is not a column of this file, so it cannot give {target}",
                )
                for target in wrong
            ]
        )
    renames = dict(mapping)
    if format_id == MAPPED:
        renames |= guessed_part(schema.names(), mapping, side)
        _require(renames, side, label, schema.names(), closest)
    sources = {}
    for target in targets(side):
        source = renames.get(target, target if target in schema else None)
        if source is not None:
            sources[target] = source
    if side == "revenue":  # segment columns ride along under their own names
        used = set(sources.values())
        sources |= {c: c for c in schema.names() if c not in targets(side) and c not in used}
    return sources


def guessed_part(columns: Sequence[str], mapping: Mapping[str, str], side: Side) -> dict[str, str]:
    """The guessed mapping for the contract columns the spec does not map, from the columns it
    leaves free."""
    free = [c for c in columns if c not in set(mapping.values())]
    guessed = guess_mapping(free, side)
    if side == "usage" and set(mapping) & set(s.USAGE_TIME_COLUMNS):
        for column in s.USAGE_TIME_COLUMNS:
            guessed.pop(column, None)
    return {target: column for target, column in guessed.items() if target not in mapping}


def _require(
    renames: Mapping[str, str], side: Side, label: str, found: Sequence[str], closest: str
) -> None:
    groups = (
        [[s.CUSTOMER_ID], [s.FEATURE_ID], [s.TIMESTAMP, s.MONTH]]
        if side == "usage"
        else [[target] for target in s.REVENUE_REQUIRED]
    )
    missing = [" or ".join(group) for group in groups if not any(t in renames for t in group)]
    if not missing:
        return
    columns = ", ".join(found) or "none"
    nearest = f" {closest}" if closest else ""
    raise InputError(
        [
            Problem(
                label,
                column,
                f"is required but missing, and no column looks like it (columns found: "
                f"{columns}).{nearest} Map a column to it in the app's import step or with "
                "--map",
            )
            for column in missing
        ]
    )
