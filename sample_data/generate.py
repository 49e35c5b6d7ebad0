"""Generate the sample dataset: a fictional AI writing-and-research SaaS, "Quillstack".

The story the data tells (all of it drawn from seeded random numbers, so every run writes the
same files):

- 15 months (Aug 2025 to Oct 2026), ~2,000 paying accounts plus free trials that never convert.
- Three plans sold as flat subscriptions: Starter $49, Pro $199, Business $799 a month; some
  accounts prepaid annually at a 20% discount.
- Eight AI features whose cost per call spans three orders of magnitude, from autocomplete on a
  nano model (~$0.0004) to agentic deep research on a reasoning model (~$0.24).
- Usage is heavy-tailed (log-normal per account), grows month over month, and deep research
  grows fastest, so its margin slides over the window; on the Starter plan it loses money.
- Each new account runs a free trial the month before it first pays (unbilled usage); accounts
  churn (Starter most, Business least), and some upgrade from Starter to Pro or Pro to Business.
- Segment columns: ``company_size``, ``channel``, ``region``.

Usage is written pre-aggregated to one row per account × feature × month (a ``month`` column and
a ``calls`` count) to keep the committed files small; ``--calls N`` instead writes one row per
inference call with a ``timestamp``, scaled to about N calls in total, for benchmarks
(``--files K`` splits the ledger into K parquet files, one group of months each, so huge
ledgers never sit in memory; ``--dense`` makes every account call every feature in every month
it is active, the most customer × feature × month groups a ledger of that size can have).

By default it writes the files the package ships, in ``econ/inputs/sample_data/``. Run
``python sample_data/generate.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

SEED = 20251101
PACKAGED = Path(__file__).resolve().parent.parent / "econ" / "inputs" / "sample_data"
"""Where the package reads the sample from (``econ.sample_paths()``)."""
FIRST_MONTH = dt.date(2025, 8, 1)


@dataclass(frozen=True)
class Feature:
    feature_id: str
    model: str
    cost_per_call: float
    input_tokens: int
    output_tokens: int
    popularity: float
    monthly_growth: float


FEATURES = (
    Feature("autocomplete", "gpt-4.1-nano", 0.0004, 900, 40, 0.34, 0.00),
    Feature("semantic_search", "text-embedding-3-small", 0.0011, 1200, 0, 0.19, 0.00),
    Feature("doc_summary", "gpt-4.1-mini", 0.02, 6000, 450, 0.15, 0.01),
    Feature("chat_assistant", "claude-sonnet-4", 0.045, 5200, 800, 0.15, 0.01),
    Feature("meeting_notes", "gpt-4o-transcribe", 0.03, 14000, 1500, 0.06, 0.02),
    Feature("data_insights", "gpt-4.1", 0.045, 22000, 2200, 0.05, 0.03),
    Feature("image_gen", "gpt-image-1", 0.07, 300, 4200, 0.03, 0.02),
    Feature("deep_research", "o3", 0.21, 38000, 9000, 0.03, 0.09),
)

PLANS = ("Starter", "Pro", "Business")
LIST_PRICE = np.array([49.0, 199.0, 799.0])
BASE_CALLS = np.array([300.0, 520.0, 900.0])  # median calls per account-month, by plan
MONTHLY_CHURN = np.array([0.045, 0.025, 0.012])
UPGRADE = np.array([0.022, 0.010, 0.0])  # to the next plan, per month

SIZES = ("SMB", "Mid-Market", "Enterprise")
SIZE_SHARE = np.array([0.62, 0.29, 0.09])
SIZE_CALLS = np.array([0.8, 1.3, 2.2])
PLAN_BY_SIZE = np.array([[0.66, 0.30, 0.04], [0.26, 0.54, 0.20], [0.04, 0.36, 0.60]])

CHANNELS = ("self_serve", "paid_search", "partner", "sales")
CHANNEL_BY_SIZE = np.array(
    [[0.58, 0.30, 0.10, 0.02], [0.25, 0.20, 0.25, 0.30], [0.05, 0.05, 0.20, 0.70]]
)
CHANNEL_CHURN = np.array([1.0, 1.35, 0.9, 0.75])

REGIONS = ("North America", "EMEA", "APAC")
REGION_SHARE = np.array([0.55, 0.30, 0.15])

USAGE_GROWTH = 0.025  # all features, per month of calendar time


@dataclass
class Accounts:
    """Per-account attributes, index = account number."""

    ids: np.ndarray
    size: np.ndarray
    channel: np.ndarray
    region: np.ndarray
    start: np.ndarray  # month index of the first paid month (may be negative: before window)
    converts: np.ndarray  # False for trials that never pay
    intensity: np.ndarray
    discount: np.ndarray
    mix: np.ndarray  # (accounts, features) share of calls


def month_starts(count: int) -> list[dt.date]:
    out = []
    year, month = FIRST_MONTH.year, FIRST_MONTH.month
    for _ in range(count):
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def make_accounts(rng: np.random.Generator, paying: int, months: int) -> Accounts:
    trials = paying // 4
    total = paying + trials
    size = rng.choice(3, total, p=SIZE_SHARE)
    channel = np.array([rng.choice(4, p=CHANNEL_BY_SIZE[s]) for s in size])
    existing = rng.random(total) < 0.35
    start = np.where(existing, -rng.integers(1, 24, total), rng.integers(0, months, total))
    converts = np.arange(total) < paying
    start[~converts] = rng.integers(0, months, trials)
    popularity = np.array([f.popularity for f in FEATURES])
    mix = rng.dirichlet(popularity * 6.0, total)
    return Accounts(
        ids=np.array([f"acct_{i:05d}" for i in range(total)]),
        size=size,
        channel=channel,
        region=rng.choice(3, total, p=REGION_SHARE),
        start=start,
        converts=converts,
        intensity=rng.lognormal(0.0, 1.15, total),
        discount=np.where(rng.random(total) < 0.15, 0.8, 1.0),
        mix=mix,
    )


def simulate(
    accounts: Accounts, rng: np.random.Generator, months: int
) -> tuple[pl.DataFrame, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Walk month by month: who pays, on which plan, and who uses how much.

    Returns the revenue table and, per month, (account index, plan or -1 for a trial, tenure).
    """
    total = accounts.ids.size
    plan = np.array([rng.choice(3, p=PLAN_BY_SIZE[s]) for s in accounts.size])
    alive = np.ones(total, dtype=bool)
    revenue_parts = []
    usage_months = []
    heavy = accounts.intensity > 2.0
    starts = month_starts(months)
    for m in range(months):
        paying = alive & accounts.converts & (accounts.start <= m)
        trial = (accounts.start == m + 1) | (~accounts.converts & (accounts.start == m))
        idx = np.flatnonzero(paying)
        revenue_parts.append(
            pl.DataFrame(
                {
                    "customer_id": accounts.ids[idx],
                    "month": [starts[m]] * idx.size,
                    "mrr_usd": LIST_PRICE[plan[idx]] * accounts.discount[idx],
                    "plan": np.array(PLANS)[plan[idx]],
                    "company_size": np.array(SIZES)[accounts.size[idx]],
                    "channel": np.array(CHANNELS)[accounts.channel[idx]],
                    "region": np.array(REGIONS)[accounts.region[idx]],
                }
            )
        )
        trial_idx = np.flatnonzero(trial & alive)
        users = np.concatenate([idx, trial_idx])
        plans = np.concatenate([plan[idx], np.full(trial_idx.size, -1)])
        tenure = np.concatenate([m - accounts.start[idx], np.zeros(trial_idx.size, dtype=int)])
        usage_months.append((users, plans, tenure))
        # End of month: some leave, some upgrade (heavy users upgrade more often).
        hazard = MONTHLY_CHURN[plan[idx]] * CHANNEL_CHURN[accounts.channel[idx]]
        alive[idx[rng.random(idx.size) < hazard]] = False
        upgrade = UPGRADE[plan[idx]] * np.where(heavy[idx], 1.5, 1.0)
        plan[idx[rng.random(idx.size) < upgrade]] += 1
        np.minimum(plan, 2, out=plan)
    revenue = pl.concat(revenue_parts).with_columns(pl.col("mrr_usd").round(2))
    return revenue, usage_months


def expected_calls(
    accounts: Accounts, users: np.ndarray, plans: np.ndarray, tenure: np.ndarray, m: int
) -> np.ndarray:
    """Expected calls per (user, feature) in month ``m``: shape (users, features)."""
    base = np.where(plans >= 0, BASE_CALLS[np.maximum(plans, 0)], BASE_CALLS[0] * 0.6)
    ramp = np.select([tenure == 0, tenure == 1], [0.6, 0.85], 1.0)
    per_user = base * SIZE_CALLS[accounts.size[users]] * accounts.intensity[users] * ramp
    per_user = per_user * (1 + USAGE_GROWTH) ** m
    growth = np.array([(1 + f.monthly_growth) ** m for f in FEATURES])
    mix = accounts.mix[users] * growth
    mix = mix / mix.sum(axis=1, keepdims=True)
    return per_user[:, None] * mix


def usage_rows(
    accounts: Accounts,
    rng: np.random.Generator,
    users: np.ndarray,
    lam: np.ndarray,
    month: dt.date,
    *,
    per_call: bool,
    dense: bool = False,
) -> pl.DataFrame:
    """Draw calls: one row per call (timestamped), or one per account × feature × month.
    ``dense``: every account calls every feature at least once a month."""
    # dense: one call, plus the rest of the expected calls drawn as usual
    calls = 1 + rng.poisson(np.maximum(lam - 1.0, 0.0)) if dense else rng.poisson(lam)
    user_pos, feature = np.nonzero(calls)
    count = calls[user_pos, feature].astype(np.int64)
    if per_call:
        row = np.repeat(np.arange(count.size), count)
        user_pos, feature, count = user_pos[row], feature[row], np.ones(row.size, np.int64)
    unit = np.array([f.cost_per_call for f in FEATURES])[feature]
    # A sum of n calls' log-normal costs varies less than one call's cost.
    sigma = 0.35 / np.sqrt(count)
    cost = unit * count * rng.lognormal(-(sigma**2) / 2, sigma)
    token_noise = rng.lognormal(0.0, 0.25 / np.sqrt(count))
    columns: dict[str, object] = {
        "customer_id": accounts.ids[users[user_pos]],
        "feature_id": np.array([f.feature_id for f in FEATURES])[feature],
        "model": np.array([f.model for f in FEATURES])[feature],
    }
    if per_call:
        days = (dt.date(month.year + month.month // 12, month.month % 12 + 1, 1) - month).days
        offset_us = rng.integers(0, days * 86_400_000_000, count.size)
        start = dt.datetime(month.year, month.month, 1)
        columns["timestamp"] = pl.Series(offset_us).cast(pl.Duration("us")) + start
    else:
        columns["month"] = pl.Series([month] * count.size, dtype=pl.Date)
        columns["calls"] = count
    for name in ("input_tokens", "output_tokens"):
        per_call_tokens = np.array([getattr(f, name) for f in FEATURES])[feature]
        columns[name] = np.rint(per_call_tokens * count * token_noise).astype(np.int64)
    columns["cost_usd"] = np.round(cost, 6)
    order = "timestamp" if per_call else "feature_id"
    return pl.DataFrame(columns).sort("customer_id", order)


def dense_scale(expectations: list[np.ndarray], calls: int, start: float) -> float:
    """The scale at which a dense ledger expects ``calls`` calls in total (each account ×
    feature × month expecting max(λ, 1)), by bisection below ``start``."""
    low, high = 0.0, start
    for _ in range(40):
        middle = (low + high) / 2
        total = sum(float(np.maximum(lam * middle, 1.0).sum()) for lam in expectations)
        low, high = (middle, high) if total < calls else (low, middle)
    return low


def generate(
    out: Path,
    *,
    customers: int,
    months: int,
    calls: int | None,
    files: int,
    seed: int,
    dense: bool = False,
) -> dict[str, int]:
    """Write ``revenue.parquet`` and the usage ledger under ``out``; return row counts."""
    rng = np.random.default_rng(seed)
    accounts = make_accounts(rng, customers, months)
    revenue, usage_months = simulate(accounts, rng, months)
    starts = month_starts(months)
    expectations = [
        expected_calls(accounts, users, plans, tenure, m)
        for m, (users, plans, tenure) in enumerate(usage_months)
    ]
    scale = 1.0
    if calls is not None:
        scale = calls / sum(float(lam.sum()) for lam in expectations)
        if dense:  # every account-feature-month draws at least one call: aim the total at N
            scale = dense_scale(expectations, calls, scale)
    out.mkdir(parents=True, exist_ok=True)
    revenue.write_parquet(out / "revenue.parquet", statistics=True)
    groups = np.array_split(np.arange(months), files)
    usage_total = 0
    for part, group in enumerate(groups):
        frames = [
            usage_rows(
                accounts,
                rng,
                usage_months[m][0],
                expectations[m] * scale,
                starts[m],
                per_call=calls is not None,
                dense=dense,
            )
            for m in group
        ]
        usage = pl.concat(frames)
        usage_total += usage.height
        if files == 1:
            target = out / "usage.parquet"
        else:
            (out / "usage").mkdir(exist_ok=True)
            target = out / "usage" / f"part-{part:03d}.parquet"
        usage.write_parquet(target, statistics=True, row_group_size=1_000_000)
    return {"revenue_rows": revenue.height, "usage_rows": usage_total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=PACKAGED, help="folder to write to (default: the package's)"
    )
    parser.add_argument("--customers", type=int, default=2000, help="paying accounts")
    parser.add_argument("--months", type=int, default=15)
    parser.add_argument(
        "--calls", type=int, help="write one row per call, about this many calls in total"
    )
    parser.add_argument("--files", type=int, default=1, help="split the ledger into this many")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--dense",
        action="store_true",
        help="every account calls every feature every month it is active (for benchmarks)",
    )
    args = parser.parse_args()
    counts = generate(
        args.out,
        customers=args.customers,
        months=args.months,
        calls=args.calls,
        files=args.files,
        seed=args.seed,
        dense=args.dense,
    )
    print(f"wrote {counts['revenue_rows']:,} revenue rows, {counts['usage_rows']:,} usage rows")


if __name__ == "__main__":
    main()
