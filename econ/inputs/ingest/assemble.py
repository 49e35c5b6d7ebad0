"""Stage 1 end to end: both inputs loaded (or an earlier load of the same bytes taken from the
rollup cache) and assembled into one :class:`~econ.inputs.dataset.Dataset`."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

import polars as pl

from econ import schema as s
from econ.errors import InputError, Problem
from econ.inputs.cache import RollupCache, cache_key, content_hash
from econ.inputs.dataset import Dataset, IngestOptions
from econ.inputs.imports import ImportSpec
from econ.inputs.imports.currencies import CONVERSION_SCHEMA, USD
from econ.inputs.ingest.currency import costs_in
from econ.inputs.ingest.revenue import RevenueLoad, load_revenue
from econ.inputs.ingest.usage import UsageLoad, load_usage
from econ.inputs.prepare import prepare
from econ.inputs.readers import Source, default_name


def load_dataset(
    usage: Source,
    revenue: Source,
    *,
    usage_name: str | None = None,
    revenue_name: str | None = None,
    usage_spec: ImportSpec | None = None,
    revenue_spec: ImportSpec | None = None,
    options: IngestOptions | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    content_hashes: tuple[str, str] | None = None,
) -> Dataset:
    """Read, validate and prepare both inputs; raise :class:`InputError` listing every problem.

    Problems in both files are collected before raising, so a user fixes them in one go.
    Subscriptions that have not ended run through the usage ledger's last month unless the
    revenue spec says otherwise.

    With ``cache_dir``, the result is kept there (see :mod:`econ.inputs.cache`) and the next load of
    the same bytes, read the same way, comes from it instead of from the files. Frames (which
    have no bytes to hash) are never cached. ``content_hashes`` are the BLAKE3 hashes of the
    two sources' bytes when the caller knows them already (the dataset store names its files
    by them); otherwise they are computed.
    """
    options = options or IngestOptions()
    usage_label = usage_name or default_name(usage, "usage ledger")
    revenue_label = revenue_name or default_name(revenue, "revenue table")
    usage_spec, revenue_spec = usage_spec or ImportSpec(), revenue_spec or ImportSpec()
    cache, key = None, None
    if cache_dir is not None:
        cache = RollupCache(Path(cache_dir))
        key = _cache_key(
            usage,
            revenue,
            content_hashes=content_hashes,
            usage_label=usage_label,
            revenue_label=revenue_label,
            usage_spec=usage_spec,
            revenue_spec=revenue_spec,
            options=options,
        )
        cached = cache.load(key) if key is not None else None
        if cached is not None:
            return cached
    data = _read_dataset(
        usage,
        revenue,
        usage_label=usage_label,
        revenue_label=revenue_label,
        usage_spec=usage_spec,
        revenue_spec=revenue_spec,
        options=options,
    )
    if cache is not None and key is not None:
        cache.save(key, data)
    return data


def _cache_key(
    usage: Source,
    revenue: Source,
    *,
    content_hashes: tuple[str, str] | None,
    usage_label: str,
    revenue_label: str,
    usage_spec: ImportSpec,
    revenue_spec: ImportSpec,
    options: IngestOptions,
) -> str | None:
    """The rollup cache's key for these sources read this way, or ``None`` when they cannot be
    hashed (frames, or files that cannot be read)."""
    hashes: tuple[str | None, str | None] = content_hashes or (None, None)
    if content_hashes is None:
        try:
            hashes = content_hash(usage), content_hash(revenue)
        except (InputError, OSError):
            return None  # reading the files will say what is wrong with them
    usage_hash, revenue_hash = hashes
    if usage_hash is None or revenue_hash is None:
        return None
    return cache_key(
        usage_hash,
        revenue_hash,
        usage_name=usage_label,
        revenue_name=revenue_label,
        usage_spec=usage_spec,
        revenue_spec=revenue_spec,
        options=options,
    )


def _read_dataset(
    usage: Source,
    revenue: Source,
    *,
    usage_label: str,
    revenue_label: str,
    usage_spec: ImportSpec,
    revenue_spec: ImportSpec,
    options: IngestOptions,
) -> Dataset:
    """Both inputs read from their files, every problem in either collected before raising."""
    problems: list[Problem] = []
    usage_load: UsageLoad | None = None
    revenue_load: RevenueLoad | None = None
    try:
        usage_load = load_usage(usage, name=usage_label, spec=usage_spec, options=options)
    except InputError as error:
        problems.extend(error.problems)
    revenue_spec = _through_usage(revenue_spec, usage_load)
    try:
        revenue_load = load_revenue(revenue, name=revenue_label, spec=revenue_spec, options=options)
    except InputError as error:
        problems.extend(error.problems)
    if problems or usage_load is None or revenue_load is None:
        raise InputError(problems)
    usage_load, costs = _costs_in_reporting(usage_load, revenue_load, revenue_spec, usage_label)
    data = _assembled(usage_load, revenue_load, usage_label, revenue_label)
    revenue_conversion = revenue_load.conversion
    if revenue_conversion is None:
        revenue_conversion = pl.DataFrame(schema=CONVERSION_SCHEMA)
    return replace(
        data,
        reporting_currency=revenue_load.reporting,
        currency_conversion=pl.concat([revenue_conversion, costs]),
    )


def _costs_in_reporting(
    usage_load: UsageLoad, revenue_load: RevenueLoad, revenue_spec: ImportSpec, label: str
) -> tuple[UsageLoad, pl.DataFrame]:
    """The usage load with its costs in the revenue's reporting currency (unchanged in USD),
    and what converting them did; no per-model summary in another currency (a model swap
    re-prices at the token price table, which is in USD)."""
    if revenue_load.reporting == USD:
        return usage_load, pl.DataFrame(schema=CONVERSION_SCHEMA)
    costs = costs_in(usage_load.rollup, revenue_load.reporting, revenue_spec.currencies, label)
    converted = replace(
        usage_load,
        rollup=costs.rollup,
        model_usage=None,
        notes=(*usage_load.notes, *costs.notes),
    )
    return converted, costs.conversion


def _through_usage(revenue_spec: ImportSpec, usage_load: UsageLoad | None) -> ImportSpec:
    """The revenue spec, with subscriptions that have not ended running through the usage
    ledger's last month (unless the spec says through when)."""
    if revenue_spec.through is None and usage_load is not None and usage_load.rollup.height:
        last = usage_load.rollup[s.MONTH].max()
        if isinstance(last, dt.date):
            return replace(revenue_spec, through=f"{last:%Y-%m}")
    return revenue_spec


def _assembled(
    usage_load: UsageLoad, revenue_load: RevenueLoad, usage_label: str, revenue_label: str
) -> Dataset:
    """The dataset of both loads: the rollup, the revenue table, the prepared tables and what
    reading found."""
    segments = segment_columns_of(revenue_load.frame)
    return Dataset(
        usage_source=usage_load.rollup,
        revenue=revenue_load.frame,
        prepared=prepare(usage_load.rollup, revenue_load.frame, segments, usage_load.users),
        segment_columns=segments,
        usage_rows=usage_load.rows_read,
        usage_name=usage_label,
        revenue_name=revenue_label,
        usage_format=usage_load.format,
        revenue_format=revenue_load.format,
        dropped=pl.concat([usage_load.dropped, revenue_load.dropped]),
        dropped_problems=usage_load.dropped_problems + revenue_load.dropped_problems,
        notes=usage_load.notes + revenue_load.notes,
        pricing=usage_load.pricing,
        unpriced_models=usage_load.unpriced_models,
        warnings=usage_load.warnings + revenue_load.warnings,
        model_usage=usage_load.model_usage,
        users=usage_load.users,
    )


def segment_columns_of(revenue: pl.DataFrame) -> tuple[str, ...]:
    """The segment dimensions of a validated revenue table."""
    return tuple(
        name
        for name in revenue.columns
        if name not in s.REVENUE_REQUIRED and name not in (*s.REVENUE_MONEY, s.SEATS)
    )
