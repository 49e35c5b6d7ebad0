"""Cohort retention: customers grouped by the month they first paid, followed month by month.

Definitions (the window's active customer-months are the only data; see
:mod:`econ.model.customer_months`):

- A customer's **cohort** is its first active month in the window, and its **segment** is its
  segment in that month (where it was acquired, as the blended CAC counts it). A customer who
  was already paying before the window starts is counted in the window's first cohort: its
  earlier months are not in the customer-months.
- **Tenure** t is the number of calendar months since the cohort month (0 in the cohort month).
- The **first spell** is the run of consecutive active months starting in the cohort month. It
  ends at the first month without an active cm, which is exactly when the segment table's
  churn counts the customer as churned (README, Definitions: ``revenue_churn``); a pause ends it.
- **Logo retention** at tenure t: the share of the cohort still in its first spell. A customer
  who comes back after a gap does not count again: reactivations are not survivals, so logo
  retention is what the shifted-beta-geometric model (:mod:`econ.model.retention.sbg`) fits.
- **Revenue retention** at tenure t: the cohort's MRR in month cohort + t (every active cm of
  the cohort's customers: upgrades, downgrades and reactivated customers included) ÷ its MRR at
  tenure 0; net revenue retention (NRR) of one cohort, which can exceed 1.
- **Monthly GRR and NRR** (per calendar month m, customers active in m − 1): starting MRR = their
  MRR in m − 1; churned = the MRR in m − 1 of those with no active cm in m; contraction and
  expansion = the fall and rise of MRR from m − 1 to m of those who stayed. GRR = (start −
  churned − contraction) ÷ start; NRR = (start − churned − contraction + expansion +
  reactivation) ÷ start, where reactivation is the MRR in m of customers who paid before the
  window's month m − 1 but not in it (they come back: counted as expansion of the existing base,
  not as new customers). New customers' first MRR is reported beside them and in neither ratio.
  Undefined (null, with the reason) when nobody was active in m − 1.
  Sources: the GRR/NRR definitions of SaaS Capital, "What Is Net Revenue Retention?" and
  KeyBanc Capital Markets' SaaS survey; cohort tables as in Fader & Hardie (2007), "How to
  Project Customer Retention", Journal of Interactive Marketing 21(1).
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
import polars as pl

from econ import schema as s
from econ.inputs.prepare import CUSTOMER_CODE
from econ.model.customer_months import (
    COHORT,
    SEGMENT,
    SPELL,
    CustomerMonths,
    Window,
)
from econ.model.customer_months.runs import index_of, month_index
from econ.scenario.assumptions import ALL

TENURE: Final = "tenure"
COHORT_SCHEMA: Final = pl.Schema(
    {
        COHORT: pl.Date(),
        SEGMENT: pl.String(),
        TENURE: pl.Int64(),
        "customers": pl.Int64(),
        "alive": pl.Int64(),
        "logo_retention": pl.Float64(),
        "revenue_usd": pl.Float64(),
        "revenue_retention": pl.Float64(),
    }
)
"""One row per cohort × segment × tenure 0 .. (window's last month − cohort month): the cohort's
size, how many are still in their first spell (``alive``) and that share, the cohort's MRR that
month and its ratio to tenure 0. ``segment`` is ``"all"`` unless the table is by segment."""

GRR_NRR_SCHEMA: Final = pl.Schema(
    {
        s.MONTH: pl.Date(),
        "starting_mrr_usd": pl.Float64(),
        "churned_usd": pl.Float64(),
        "contraction_usd": pl.Float64(),
        "expansion_usd": pl.Float64(),
        "reactivation_usd": pl.Float64(),
        "new_usd": pl.Float64(),
        "grr": pl.Float64(),
        "nrr": pl.Float64(),
        "null_reason": pl.String(),
    }
)
"""One row per calendar month of the window after its first (see the module docstring)."""

_INDEX: Final = "_month_index"
_NO_START: Final = "no customer was active the month before"


def customer_spells(cms: CustomerMonths) -> pl.DataFrame:
    """Per customer (:data:`~econ.model.customer_months.CUSTOMER_SPELLS_SCHEMA`): its cohort,
    acquisition segment, first spell and current spell; kept with the customer-months."""
    return cms.spells


def _observable(window: Window, cohort: dt.date) -> int:
    """Tenures observable for a cohort: 0 .. this many (the window's last month)."""
    return index_of(window.last) - index_of(cohort)


def _alive_by_tenure(spells: np.ndarray, periods: int) -> list[int]:
    """How many of a cohort's first spells last beyond each tenure 0 .. periods − 1."""
    counts = np.bincount(np.minimum(spells, periods), minlength=periods + 1)
    # alive at t = customers whose spell is longer than t
    return [int(n) for n in (spells.size - np.cumsum(counts))[:periods]]


def _survival_rows(spells: pl.DataFrame, window: Window, keys: list[str]) -> pl.DataFrame:
    """Per cohort (× segment): customers and first-spell survivors at each observable tenure."""
    rows: list[dict[str, object]] = []
    for key, group in spells.group_by(keys, maintain_order=True):
        cohort = group[COHORT][0]
        periods = _observable(window, cohort) + 1
        alive = _alive_by_tenure(group[SPELL].to_numpy(), periods)
        segment = key[1] if len(keys) > 1 else ALL
        rows += [
            {COHORT: cohort, SEGMENT: segment, TENURE: t, "customers": group.height, "alive": n}
            for t, n in enumerate(alive)
        ]
    schema = {name: COHORT_SCHEMA[name] for name in (COHORT, SEGMENT, TENURE, "customers", "alive")}
    return pl.DataFrame(rows, schema=schema, orient="row")


def cohort_table(cms: CustomerMonths, *, by_segment: bool = False) -> pl.DataFrame:
    """Logo and revenue retention per cohort (and acquisition segment) and tenure
    (:data:`COHORT_SCHEMA`), sorted by cohort, segment and tenure.

    Logo retention counts customers still in their first spell; revenue retention counts every
    MRR of the cohort's customers (expansion and reactivations included, NRR-style), against
    the cohort's MRR at tenure 0. Source: Fader & Hardie (2007), "How to Project Customer
    Retention", for the cohort layout; SaaS Capital for revenue retention.
    """
    spells = customer_spells(cms)
    if by_segment:
        keys = [COHORT, SEGMENT]
    else:
        keys = [COHORT]
        spells = spells.with_columns(pl.lit(ALL).alias(SEGMENT))
    survival = _survival_rows(spells.sort(keys, maintain_order=True), cms.window, keys)
    acquired = spells.select(CUSTOMER_CODE, COHORT, SEGMENT)
    revenue = (
        cms.frame.select(CUSTOMER_CODE, month_index().alias(_INDEX), s.MRR_USD)
        .join(acquired, on=CUSTOMER_CODE)
        .with_columns((pl.col(_INDEX) - month_index(COHORT)).alias(TENURE))
        .group_by(COHORT, SEGMENT, TENURE)
        .agg(pl.col(s.MRR_USD).sum().alias("revenue_usd"))
    )
    table = survival.join(revenue, on=[COHORT, SEGMENT, TENURE], how="left").with_columns(
        pl.col("revenue_usd").fill_null(0.0)
    )
    base = pl.col("revenue_usd").first().over(COHORT, SEGMENT)  # sorted: tenure 0 first
    return (
        table.sort(COHORT, SEGMENT, TENURE)
        .with_columns(
            (pl.col("alive") / pl.col("customers")).alias("logo_retention"),
            pl.when(base > 0).then(pl.col("revenue_usd") / base).alias("revenue_retention"),
        )
        .select(COHORT_SCHEMA.names())
        .cast(dict(COHORT_SCHEMA))  # type: ignore[arg-type]
    )


def survivors_by_cohort(cms: CustomerMonths, segment: str | None = None) -> list[list[int]]:
    """First-spell survivors per cohort, oldest cohort first: for each cohort (of customers
    acquired in ``segment``, or every customer when None) the number still in their first spell
    at tenure 0, 1, …, up to the window's last month (right-censored there: a cohort that starts
    in the window's last month has one period). Cohort months without new customers are left
    out. The input of :func:`econ.model.retention.sbg.fit_sbg`."""
    return survivors_of(customer_spells(cms), cms.window, segment)


def survivors_of(spells: pl.DataFrame, window: Window, segment: str | None) -> list[list[int]]:
    """:func:`survivors_by_cohort` from :func:`customer_spells` already computed."""
    if segment is not None:
        spells = spells.filter(pl.col(SEGMENT) == segment)
    survivors: list[list[int]] = []
    for _, group in spells.sort(COHORT, maintain_order=True).group_by(COHORT, maintain_order=True):
        periods = _observable(window, group[COHORT][0]) + 1
        survivors.append(_alive_by_tenure(group[SPELL].to_numpy(), periods))
    return survivors


def _flows(cms: CustomerMonths) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(what each month receives: expansion, contraction, reactivation, new MRR, keyed by the
    month; what each month starts from: starting and churned MRR, keyed by the month after)."""
    code, index, mrr = pl.col(CUSTOMER_CODE), pl.col(_INDEX), pl.col(s.MRR_USD)
    same = code == code.shift(1)
    follows = (same & (index - index.shift(1) == 1)).fill_null(False)
    stays = ((code == code.shift(-1)) & (index.shift(-1) - index == 1)).fill_null(False)
    change = pl.when(follows).then(mrr - mrr.shift(1)).otherwise(0.0)
    rows = (
        cms.frame.select(CUSTOMER_CODE, s.MONTH, s.MRR_USD)
        .with_columns(month_index().alias(_INDEX))
        .with_columns(
            code.is_first_distinct().alias("_first"),
            follows.alias("_follows"),
            stays.alias("_stays"),
            change.alias("_change"),
        )
    )
    received = rows.group_by(s.MONTH).agg(
        pl.col("_change").clip(lower_bound=0.0).sum().alias("expansion_usd"),
        (-pl.col("_change")).clip(lower_bound=0.0).sum().alias("contraction_usd"),
        mrr.filter(~pl.col("_follows") & ~pl.col("_first")).sum().alias("reactivation_usd"),
        mrr.filter(pl.col("_first")).sum().alias("new_usd"),
    )
    started = rows.group_by(pl.col(s.MONTH).dt.offset_by("1mo")).agg(
        mrr.sum().alias("starting_mrr_usd"),
        mrr.filter(~pl.col("_stays")).sum().alias("churned_usd"),
    )
    return received, started


def monthly_grr_nrr(cms: CustomerMonths) -> pl.DataFrame:
    """Gross and net revenue retention per calendar month (:data:`GRR_NRR_SCHEMA`), from the
    window's second month to its last; see the module docstring for every term.

    GRR = (start − churned − contraction) ÷ start and NRR = (start − churned − contraction +
    expansion + reactivation) ÷ start (SaaS Capital, "What Is Net Revenue Retention?"); null when
    nobody was active the month before. Churned MRR is what :func:`econ.measures.revenue_churn`
    counts as churned, so 1 − churned ÷ start is one month's retention of that measure.
    """
    window = cms.window
    months = pl.date_range(window.first, window.last, "1mo", eager=True).alias(s.MONTH)[1:]
    received, started = _flows(cms)
    zero = ["starting_mrr_usd", "churned_usd", "contraction_usd", "expansion_usd"]
    zero += ["reactivation_usd", "new_usd"]
    table = (
        pl.DataFrame({s.MONTH: months})
        .join(started, on=s.MONTH, how="left")
        .join(received, on=s.MONTH, how="left")
        .with_columns(pl.col(zero).fill_null(0.0))
    )
    start = pl.col("starting_mrr_usd")
    kept = start - pl.col("churned_usd") - pl.col("contraction_usd")
    grown = kept + pl.col("expansion_usd") + pl.col("reactivation_usd")
    defined = start > 0
    return (
        table.with_columns(
            pl.when(defined).then(kept / start).alias("grr"),
            pl.when(defined).then(grown / start).alias("nrr"),
            pl.when(~defined).then(pl.lit(_NO_START)).alias("null_reason"),
        )
        .select(GRR_NRR_SCHEMA.names())
        .cast(dict(GRR_NRR_SCHEMA))  # type: ignore[arg-type]
        .sort(s.MONTH)
    )
