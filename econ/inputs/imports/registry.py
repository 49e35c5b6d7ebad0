"""Every known export layout, and telling which one a file is.

A file is the econ layout when it has the contract's columns; else the known layout whose
signature it matches most fully; else it must be mapped. For a file that matches none, the
message names the closest layouts and what each lacks, so a user who exported the wrong table
(or the right one without a column) learns which.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from econ import schema as s
from econ.inputs.imports import (
    baremetrics,
    chartmogul,
    helicone,
    langfuse,
    litellm,
    openai,
    stripe,
    subscriptions,
)
from econ.inputs.imports.layout import Layout, Side
from econ.inputs.imports.spec import MAPPED, NATIVE

LAYOUTS: Final[tuple[Layout, ...]] = (
    *langfuse.LAYOUTS,
    *litellm.LAYOUTS,
    *openai.LAYOUTS,
    *helicone.LAYOUTS,
    *stripe.LAYOUTS,
    *baremetrics.LAYOUTS,
    *chartmogul.LAYOUTS,
    *subscriptions.LAYOUTS,
)
LAYOUT_BY_ID: Final = {layout.id: layout for layout in LAYOUTS}
_CLOSEST_SHOWN: Final = 3
_NEAR: Final = 0.5
"""A layout is near a file that holds at least this share of one of its signatures."""


def is_native(names: set[str], side: Side) -> bool:
    if side == "usage":
        return {s.CUSTOMER_ID, s.FEATURE_ID} <= names and bool(names & set(s.USAGE_TIME_COLUMNS))
    return set(s.REVENUE_REQUIRED) <= names


def detect(columns: Sequence[str], side: Side) -> str:
    """The layout a file's (normalized) columns say it is: a layout id, native, or mapped."""
    names = set(columns)
    if is_native(names, side):
        return NATIVE
    best, strength = MAPPED, 0
    for layout in LAYOUTS:
        if layout.side != side:
            continue
        found = layout.match(names)
        if found > strength:
            best, strength = layout.id, found
    return best


def closest(columns: Sequence[str], side: Side) -> str:
    """For a file no layout matches: the nearest layouts and what each lacks, as a sentence."""
    names = set(columns)
    scored = sorted(
        ((layout.lacks(names), layout) for layout in LAYOUTS if layout.side == side),
        key=lambda item: -item[0][0],
    )
    near = [(layout, missing) for (share, missing), layout in scored if share >= _NEAR]
    if not near:
        return "It matches no export econ knows."
    parts = [
        f"{layout.title} ({layout.id}; lacks {', '.join(missing)})"
        for layout, missing in near[:_CLOSEST_SHOWN]
    ]
    return (
        "It is no export econ knows; the closest: "
        + "; ".join(parts)
        + ". If it is one of them, name it (--usage-format or --revenue-format ID, or the "
        "layout box in the app) to read it as such."
    )


def title_of(format_id: str) -> str:
    if format_id in LAYOUT_BY_ID:
        return LAYOUT_BY_ID[format_id].title
    return {NATIVE: "The econ contract", MAPPED: "Another layout (map its columns)"}.get(
        format_id, format_id
    )


def formats(side: Side) -> list[str]:
    """The format ids a file of this side can be read as."""
    return [NATIVE, MAPPED, *(layout.id for layout in LAYOUTS if layout.side == side)]


def usage_formats() -> list[str]:
    return formats("usage")


def revenue_formats() -> list[str]:
    return formats("revenue")
