"""What a file looks like, for the import step: its layout and the choices it offers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from econ.inputs.imports import sources
from econ.inputs.imports.fields import Fields
from econ.inputs.imports.layout import Side
from econ.inputs.imports.mapping import guess_mapping
from econ.inputs.imports.registry import LAYOUT_BY_ID, closest, detect
from econ.inputs.imports.spec import AUTO, MAPPED


@dataclass(frozen=True)
class Inspection:
    """How a file would be read, and what the user can choose.

    Attributes:
        format: the detected layout (layout id, native or mapped).
        columns: the file's (normalized) column names.
        sources: customer / feature sources worth offering (usage layouts).
        customer, feature: the sources used by default (usage layouts); ``None`` when the
            layout's preferences find nothing in this file (it must be chosen).
        mapping: the guessed column mapping (mapped and native files).
        closest: for a file no layout matches, the nearest layouts and what each lacks.
    """

    format: str
    columns: tuple[str, ...]
    sources: tuple[str, ...] = ()
    customer: str | None = None
    feature: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    closest: str = ""


def inspect(
    frame: pl.LazyFrame, side: Side, format_id: str = AUTO, hints: Mapping[str, str] | None = None
) -> Inspection:
    """Detect a file's layout (or take ``format_id``) and what can be chosen in it."""
    names = tuple(frame.collect_schema().names())
    format_id = detect(names, side) if format_id == AUTO else format_id
    layout = LAYOUT_BY_ID.get(format_id)
    if layout is None:  # the econ layout, or one to map: a guess to confirm
        nearest = closest(names, side) if format_id == MAPPED else ""
        return Inspection(format_id, names, mapping=guess_mapping(names, side), closest=nearest)
    if layout.side != "usage":
        return Inspection(format_id, names)
    fields = Fields(frame.collect_schema(), hints)
    return Inspection(
        format_id,
        names,
        sources=tuple(sources.choices(frame, fields, layout)),
        customer=sources.default(frame, fields, layout, "customer"),
        feature=sources.default(frame, fields, layout, "feature"),
    )
