r"""Column contracts of the two inputs and of the ledger rollup.

The names here are the only place a column name is spelled; every other module imports them.

Usage ledger (one row per inference call, or pre-aggregated rows):

====================  =========  ==============================================================
column                required   meaning
====================  =========  ==============================================================
``customer_id``       yes        who made the call (text; integer or categorical ids are cast)
``feature_id``        yes        which product feature made the call (text)
``timestamp``         one of     when (datetime, any unit; naive = UTC, aware converted to UTC)
``month``             the two    or the month (date; any day is truncated to the 1st)
``cost_usd``          yes*       what the call cost, in dollars (≥ 0, finite)
``calls``             no         how many calls the row stands for (integer ≥ 0; default 1)
``model``             no*        the model called
``input_tokens``      no*        prompt tokens, cached ones included (integer ≥ 0)
``output_tokens``     no*        completion tokens (integer ≥ 0)
``cached_input_tokens`` no       prompt tokens read from cache (integer ≥ 0)
``outcome``           no         how many of the row's calls reached a successful outcome: true
                                 / false (also yes / no, 1 / 0) for one call, a whole number from
                                 0 to ``calls`` for an aggregated row; empty = none did
``user_id``           no         which of the customer's users made the call (text, the id rules
                                 of ``customer_id``; empty = no user): gives ``users``, the
                                 distinct users of a customer-month

\* a row without ``cost_usd`` is priced from ``model`` and its tokens
(:mod:`econ.inputs.token_prices`).
====================  =========  ==============================================================

Revenue table (one row per customer per month): ``customer_id``, ``month``, ``mrr_usd`` (≥ 0,
finite), ``plan`` are required; every other text column is a segment dimension. Two optional
money columns name article 001's AI revenue buckets:

=====================  ==============================================================
``ai_revenue_usd``     direct AI revenue inside the month's MRR (an AI add-on, seat,
                       credit bundle, overage): ≥ 0 and at most ``mrr_usd``; empty = $0
``ai_influenced_usd``  revenue AI helped win or keep (≥ 0; empty = $0): reported beside
                       the others, never counted in LTV or margins
=====================  ==============================================================

One optional count: ``seats`` (a whole number ≥ 0; empty = not known), the seats the
customer-month was billed for, for per-seat pricing. It is never a segment, even as text.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass
from typing import Final, Literal

import dataframely as dy
import polars as pl

CUSTOMER_ID: Final = "customer_id"
FEATURE_ID: Final = "feature_id"
TIMESTAMP: Final = "timestamp"
MONTH: Final = "month"
COST_USD: Final = "cost_usd"
CALLS: Final = "calls"
MODEL: Final = "model"
INPUT_TOKENS: Final = "input_tokens"
OUTPUT_TOKENS: Final = "output_tokens"
CACHED_INPUT_TOKENS: Final = "cached_input_tokens"
OUTCOME: Final = "outcome"
"""The ledger's optional per-row count of calls that succeeded (a flag for one call)."""
OUTCOMES: Final = "outcomes"
"""The rollup's sum of :data:`OUTCOME`: null when the ledger has no outcome column."""
MRR_USD: Final = "mrr_usd"
PLAN: Final = "plan"
AI_REVENUE_USD: Final = "ai_revenue_usd"
"""Direct AI revenue of a customer-month, part of its MRR (article 001's first bucket)."""
AI_INFLUENCED_USD: Final = "ai_influenced_usd"
"""Revenue AI influenced (article 001's third bucket): tracked, never in unit economics."""
CURRENCY: Final = "currency"
"""The revenue table's optional currency code of a row (converted to the reporting currency
when it is read, then dropped: :mod:`econ.inputs.imports.currencies`)."""
SEATS: Final = "seats"
"""The seats a customer-month was billed for (the revenue table's optional count, or a billing
export's quantity): null where the revenue table does not say."""
USER_ID: Final = "user_id"
"""The ledger's optional user of a call (an id under the rules of :data:`CUSTOMER_ID`; empty
means the call names no user)."""
USERS: Final = "users"
"""The distinct users (:data:`USER_ID`) of a customer-month across all its features: null when
the ledger has no user column, 0 for a customer-month without calls."""

UNKNOWN_CUSTOMER: Final = "(unknown)"
"""The customer of a call whose source names none: its usage is unbilled."""
UNTAGGED: Final = "(untagged)"
"""The feature of a call whose source names none: shown, never priced, gated or optimized."""

USAGE_TIER: Final = "usage_tier"
"""The computed segment dimension (light / core / power), always available to ``segment_by``."""

USAGE_REQUIRED: Final = (CUSTOMER_ID, FEATURE_ID)
USAGE_TIME_COLUMNS: Final = (TIMESTAMP, MONTH)
USAGE_OPTIONAL: Final = (
    COST_USD,
    CALLS,
    MODEL,
    INPUT_TOKENS,
    OUTPUT_TOKENS,
    CACHED_INPUT_TOKENS,
    OUTCOME,
)
REVENUE_REQUIRED: Final = (CUSTOMER_ID, MONTH, MRR_USD, PLAN)
ROLLED_UP_COLUMNS: Final = (
    CUSTOMER_ID,
    FEATURE_ID,
    MONTH,
    MODEL,
    CALLS,
    COST_USD,
    INPUT_TOKENS,
    OUTPUT_TOKENS,
    CACHED_INPUT_TOKENS,
    OUTCOME,
)
"""The columns of a ledger rolled up outside econ (on Spark, in a warehouse), in order: a
pre-aggregated ledger econ reads back."""
REVENUE_MONEY: Final = (AI_REVENUE_USD, AI_INFLUENCED_USD)
"""The revenue table's optional money columns (AI revenue buckets)."""

ID_MAX_LENGTH: Final = 256
"""Ids longer than this are refused: no real id is, and hostile ones bloat every table."""
EARLIEST_MONTH: Final = dt.date(1990, 1, 1)
LATEST_MONTH: Final = dt.date(dt.date.today().year + 3, 12, 1)
"""Months outside [EARLIEST_MONTH, LATEST_MONTH] are typos or placeholder dates."""
TOKEN_COLUMNS: Final = (INPUT_TOKENS, OUTPUT_TOKENS, CACHED_INPUT_TOKENS)
MAX_MONEY: Final = 1e12
"""The most one row may say in dollars (a call's cost, a customer-month's MRR): a trillion.
No real row comes near it, and below it every total of a file within the row limit stays a
finite, printable number."""
MAX_CHARS: Final = "max_chars"
"""The name of the rule holding ids to :data:`ID_MAX_LENGTH` characters (not bytes: an id in
Japanese is as long as one in English), reported as ``check__max_chars``."""


def _at_most_chars(value: pl.Expr) -> pl.Expr:
    return value.str.len_chars() <= ID_MAX_LENGTH


CONTROL_CHARACTERS: Final = r"[\x00-\x1f\x7f]"
"""What no id holds (a NUL, an escape, a line break): an id with one is a damaged copy of
another id, which would otherwise be a customer or a feature of its own."""
NO_CONTROLS: Final = "no_controls"


def _no_controls(value: pl.Expr) -> pl.Expr:
    return ~value.str.contains(CONTROL_CHARACTERS)


_ID_CHECKS: Final = {MAX_CHARS: _at_most_chars, NO_CONTROLS: _no_controls}


def valid_id(value: pl.Expr) -> pl.Expr:
    """Whether an id keeps every rule of the contracts' id columns (not empty, at most
    :data:`ID_MAX_LENGTH` characters, no control character): what the rollup checks on each
    distinct id when a file's statistics vouched for its rows."""
    checks = (check(value) for check in _ID_CHECKS.values())
    return functools.reduce(operator.and_, checks, value.str.len_chars() >= 1)


AT_MOST: Final = "at_most"
"""The name of the rule holding money to :data:`MAX_MONEY` (dataframely reports it as
``check__at_most``)."""


def _at_most_money(value: pl.Expr) -> pl.Expr:
    """At most :data:`MAX_MONEY`; NaN and infinity break rules of their own, not this one."""
    return ~value.is_finite() | (value <= MAX_MONEY)


MAX_COUNT: Final = 10**15
"""The most calls or tokens one row may count (a quadrillion): larger counts are corrupt, and
their totals could overflow a 64-bit integer (see :func:`econ.inputs.rollup.check_totals`)."""


class UsageSchema(dy.Schema):
    """A usage ledger after its time column was bucketed to ``month``."""

    customer_id = dy.String(nullable=False, min_length=1, check=_ID_CHECKS)
    feature_id = dy.String(nullable=False, min_length=1, check=_ID_CHECKS)
    month = dy.Date(nullable=False, min=EARLIEST_MONTH, max=LATEST_MONTH)
    cost_usd = dy.Float64(nullable=False, min=0.0, check={AT_MOST: _at_most_money})
    calls = dy.Int64(nullable=False, min=0, max=MAX_COUNT)
    model = dy.String(nullable=True, check=_ID_CHECKS)
    input_tokens = dy.Int64(nullable=True, min=0, max=MAX_COUNT)
    output_tokens = dy.Int64(nullable=True, min=0, max=MAX_COUNT)
    cached_input_tokens = dy.Int64(nullable=True, min=0, max=MAX_COUNT)
    outcome = dy.Int64(nullable=True, min=0, max=MAX_COUNT)
    """Null only when the ledger has no outcome column (an empty value is read as 0); at most
    the row's calls, which reading checks as it converts the column."""


class UsageWithUsersSchema(UsageSchema):
    """A usage ledger with a user column (:data:`USER_ID`): a call may name no user."""

    user_id = dy.String(nullable=True, min_length=1, check=_ID_CHECKS)


class RevenueSchema(dy.Schema):
    """The revenue table's required columns; segment columns are added per file."""

    customer_id = dy.String(nullable=False, primary_key=True, min_length=1, check=_ID_CHECKS)
    month = dy.Date(nullable=False, primary_key=True, min=EARLIEST_MONTH, max=LATEST_MONTH)
    mrr_usd = dy.Float64(nullable=False, min=0.0, check={AT_MOST: _at_most_money})
    plan = dy.String(nullable=False, min_length=1, check=_ID_CHECKS)


WITHIN_MRR: Final = "within_mrr"
"""The name of the rule holding direct AI revenue to at most the month's MRR."""


def revenue_schema(
    segment_columns: tuple[str, ...],
    money_columns: tuple[str, ...] = (),
    *,
    seats: bool = False,
) -> type[RevenueSchema]:
    """The revenue contract for a file with these segment columns (nullable text) and these
    of the optional money columns (:data:`REVENUE_MONEY`: nullable dollars, ≥ 0, finite; direct
    AI revenue at most the month's MRR); with ``seats``, the optional :data:`SEATS` count
    (nullable whole number, 0 to :data:`MAX_COUNT`)."""
    if not segment_columns and not money_columns and not seats:
        return RevenueSchema
    members: dict[str, object] = {
        name: dy.String(nullable=True, check=_ID_CHECKS) for name in segment_columns
    }
    if seats:
        members[SEATS] = dy.Int64(nullable=True, min=0, max=MAX_COUNT)
    for name in money_columns:
        checks = {AT_MOST: _at_most_money}
        if name == AI_REVENUE_USD:
            checks[WITHIN_MRR] = _within_mrr
        members[name] = dy.Float64(nullable=True, min=0.0, check=checks)
    return type("RevenueWithSegments", (RevenueSchema,), members)


def _within_mrr(value: pl.Expr) -> pl.Expr:
    """Direct AI revenue is part of the month's MRR, so at most it (a cent of rounding allowed);
    an empty value passes."""
    return value.is_null() | (value <= pl.col(MRR_USD) + 0.005)


ROLLUP_SCHEMA: Final = pl.Schema(
    {
        CUSTOMER_ID: pl.String(),
        FEATURE_ID: pl.String(),
        MONTH: pl.Date(),
        CALLS: pl.Int64(),
        COST_USD: pl.Float64(),
        INPUT_TOKENS: pl.Int64(),
        OUTPUT_TOKENS: pl.Int64(),
        CACHED_INPUT_TOKENS: pl.Int64(),
        OUTCOMES: pl.Int64(),
    }
)
"""The ledger rolled up to one row per customer × feature × month (tokens null when unknown;
outcomes null when the ledger has no outcome column)."""

Category = Literal["core", "value_add", "premium", "commodity"]
CATEGORIES: Final[tuple[Category, ...]] = ("core", "value_add", "premium", "commodity")

Status = Literal["negative", "act", "watch", "ok", "above_band"]


@dataclass(frozen=True, slots=True)
class Band:
    """A feature category's target gross-margin band and its action threshold."""

    low: float
    high: float
    act_below: float


CATEGORY_BANDS: Final[dict[Category, Band]] = {
    "core": Band(low=0.55, high=0.75, act_below=0.40),
    "value_add": Band(low=0.70, high=0.85, act_below=0.55),
    "premium": Band(low=0.45, high=0.65, act_below=0.35),
    "commodity": Band(low=0.80, high=0.95, act_below=0.60),
}
"""Target feature gross margin per category (KeyBanc / SaaS Capital benchmarks, article 002)."""
