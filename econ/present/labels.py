"""Words for the identifiers a person reads: features, categories, statuses and segments.

The data and the report keep their identifiers (``deep_research``, ``value_add``,
``above_band``, ``all``); a table, chart, finding or board pack shows these labels instead, so a
reader sees "Deep research", "Value-add", "Above band" and "All customers". Identifiers the user
wrote themselves in the revenue table (plan and segment names such as "Starter" or
"Enterprise") are shown as written, apart from snake_case ones, which read as words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Final

import polars as pl

from econ import schema as s

BLENDED: Final = "all"
"""The segment table's blended row."""

BLENDED_LABEL: Final = "All customers"

CATEGORY_LABELS: Final[dict[str, str]] = {
    "core": "Core",
    "value_add": "Value-add",
    "premium": "Premium",
    "commodity": "Commodity",
}

STATUS_LABELS: Final[dict[str, str]] = {
    "negative": "Losing money",
    "act": "Act: below band",
    "watch": "Watch",
    "ok": "In band",
    "above_band": "Above band",
}

USAGE_TIER_LABELS: Final[dict[str, str]] = {
    "light": "Light users",
    "core": "Core users",
    "power": "Power users",
}

SEGMENTATION_LABELS: Final[dict[str, str]] = {s.USAGE_TIER: "Usage tier", s.PLAN: "Plan"}


SNAKE_CASE: Final = re.compile(r"[a-z]+(?:_[a-z0-9]+)*")
"""An identifier that reads as words: lowercase letters, words joined by underscores
(``deep_research``, ``autocomplete``). Anything else (``gpt-4o``, ``o3``, ``SMB``) is a name
someone chose and is shown as written."""


def words(identifier: str) -> str:
    """``deep_research`` → ``Deep research``, ``autocomplete`` → ``Autocomplete``; a name that
    is not snake_case (a model such as ``gpt-4o-mini``, a plan such as ``Pro annual``) is kept
    as written; an empty one reads ``—``."""
    text = identifier.strip()
    if not text:
        return "—"
    if not SNAKE_CASE.fullmatch(text):
        return text
    spaced = text.replace("_", " ")
    return spaced[:1].upper() + spaced[1:]


def feature_label(feature_id: str) -> str:
    """A feature's name as words: ``doc_summary`` → ``Doc summary``."""
    return words(feature_id)


def category_label(category: str) -> str:
    """A feature category as a word: ``value_add`` → ``Value-add``."""
    return CATEGORY_LABELS.get(category, words(category))


def status_label(status: str) -> str:
    """A feature's margin status against its category band: ``above_band`` → ``Above band``."""
    return STATUS_LABELS.get(status, words(status))


def segment_label(segment: str, segment_by: str = s.USAGE_TIER) -> str:
    """A segment's name: the blended row is "All customers", usage tiers read "Power users",
    plan and segment-column values are shown as the user wrote them (snake_case as words)."""
    if segment == BLENDED:
        return BLENDED_LABEL
    if segment_by == s.USAGE_TIER:
        return USAGE_TIER_LABELS.get(segment, words(segment))
    return words(segment)


def segmentation_label(segment_by: str) -> str:
    """What a segmentation is called: "Usage tier", "Plan", or the column as words."""
    return SEGMENTATION_LABELS.get(segment_by, words(segment_by))


def label_for(kind: str, segment_by: str = s.USAGE_TIER) -> Callable[[str], str]:
    """How identifiers of ``kind`` read as words: ``feature`` (or the ``feature_id`` column),
    ``category``, ``status``, ``segment`` (of ``segment_by``); anything else (a plan) by
    :func:`words`."""
    by_kind: dict[str, Callable[[str], str]] = {
        "feature": feature_label,
        s.FEATURE_ID: feature_label,
        "category": category_label,
        "status": status_label,
        "segment": partial(segment_label, segment_by=segment_by),
    }
    return by_kind.get(kind, words)


def relabelled(frame: pl.DataFrame, column: str, relabel: Callable[[str], str]) -> pl.DataFrame:
    """``frame`` with the text ``column``'s values replaced by ``relabel`` of each (nulls stay
    null); a frame without that text column comes back as it is."""
    if column not in frame.columns or frame.schema[column] != pl.String or frame.is_empty():
        return frame
    values = frame.get_column(column).unique().drop_nulls().to_list()
    mapping = {value: relabel(value) for value in values}
    return frame.with_columns(pl.col(column).replace_strict(mapping, default=None))


def labelled(frame: pl.DataFrame, column: str, *, segment_by: str = s.USAGE_TIER) -> pl.DataFrame:
    """``frame`` with ``column``'s identifiers replaced by their labels, chosen by the column's
    name: features, categories, statuses, or segments of ``segment_by``; any other column's
    snake_case values read as words."""
    return relabelled(frame, column, label_for(column, segment_by))
