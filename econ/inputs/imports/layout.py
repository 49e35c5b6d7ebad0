"""What a known export layout is: how to recognise it and how to read it.

Each export family has a module of its own (:mod:`econ.inputs.imports.langfuse`, …) that defines its
layouts with the types here; :mod:`econ.inputs.imports.registry` lists them all. Adding a format is
adding one such module (with its fixtures and tests) and naming it in the registry.

A usage layout turns a file's rows into the contract's columns (:class:`UsageRead`); a revenue
layout turns them into *lines*, each an amount over a run of months (:class:`RevenueRead`), which
:mod:`econ.inputs.imports.revenue` spreads into customer-months.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

import polars as pl

from econ import formats
from econ.inputs.imports.fields import Fields
from econ.inputs.imports.spec import ImportSpec

Side = Literal["usage", "revenue"]
ROW: Final = "row"
"""The row number in the file (from 1), carried through so a problem can point at its row."""


@dataclass(frozen=True)
class Tally:
    """Rows a layout treats in a way the user should know about, counted and reported.

    Attributes:
        when: which rows (an expression over the file's columns).
        text: what was done with them, completed by the count: ``"{rows} failed request{s}:
            not counted as calls"``. ``{rows}`` is the number of rows, ``{s}`` an ``s`` unless
            it is one, ``{cost}`` their cost when ``cost`` is given.
        cost: their cost in dollars, when it says something.
        warn: show it as a warning (it changes numbers), not only as a note.
    """

    when: pl.Expr
    text: str
    cost: pl.Expr | None = None
    warn: bool = False


def logged_zero_is_no_cost(cost: pl.Expr, tokens: pl.Expr, *, called: pl.Expr) -> pl.Expr:
    """Rows a tool logged at cost 0 although they carry tokens and were answered by a model
    (``called``): tools that store 0 for a model they have no price for (LiteLLM, Helicone)
    mean "no cost", not $0, so such rows are priced from their tokens."""
    return (cost == 0) & tokens & called


@dataclass(frozen=True)
class UsageRead:
    """A usage layout's reading of one file.

    Attributes:
        derived: intermediate columns (name → expression over the file's columns), computed
            once per row before anything else reads them: an expression that several columns,
            the row filter and the tallies need (a token sum over JSON text, say) is worked out
            once rather than in each. Names start with ``_``.
        columns: contract column → expression over the file's columns and ``derived`` (customer
            and feature come from the chosen sources, not from here).
        keep: the rows that are inference calls (``None``: all of them).
        tallies: rows to count and report (skipped ones, rows read specially).
        notes: what the user should know about how the file was read.
        warnings: assumptions that change numbers.
    """

    columns: dict[str, pl.Expr]
    keep: pl.Expr | None = None
    tallies: tuple[Tally, ...] = ()
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    derived: dict[str, pl.Expr] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    """A rule on the file's rows that a layout needs to hold (e.g. "a start date that can be
    read"), with the file column it is about, for the message."""

    column: str
    rule: str
    broken: pl.Expr


@dataclass(frozen=True)
class Lines:
    """Revenue lines, each an amount over a run of months (before spreading).

    ``frame`` has ``row`` (the file row), ``customer_id``, ``plan``, ``_amount`` (dollars for
    the whole run), ``_first`` (the first month, a date on the 1st), ``_months`` (how many
    months the amount covers) and optionally ``billing_interval``.
    """

    frame: pl.DataFrame
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    tallies: tuple[Tally, ...] = ()


@dataclass(frozen=True)
class RevenueContext:
    """What a revenue layout reads with beyond the file: the spec, how many of the file's
    amounts to divide by (100 for cents), and the last month of open subscriptions."""

    spec: ImportSpec
    divisor: float | pl.Expr
    through: str | None
    label: str


@dataclass(frozen=True)
class Layout:
    """A known export layout.

    Attributes:
        id, title: identity and how it is shown.
        side: usage or revenue.
        truth: where the layout is defined: the tool's own source file or API reference that
            writes it (the README's import table lists it).
        signatures: normalized column sets whose presence identifies the layout (any one set;
            the layout whose matching set is largest wins).
        excludes: columns whose presence says the file is not this layout.
        tags: columns holding lists of tags, in order.
        metadata: key-value paths (JSON text, struct or map) the ``metadata:<key>`` sources
            look in, in order.
        customer, feature: default sources, in order of preference (the first this file can
            give wins); when none fits, the file is refused with ``missing_help``.
        missing_help: how to give a customer or feature this layout lacks.
        default_warnings: per role, a warning shown whenever that role's source is one of the
            layout's preferences (``{source}`` is replaced by it): for layouts whose sources are
            an assumption about the user's business.
        read_usage: the usage reading (usage layouts).
        read_revenue: the revenue reading (revenue layouts).
        amounts: what the layout says revenue amounts are in (``None``: it does not say).
        amount_fields: the paths revenue amounts are read from (to tell cents from dollars).
        currency_fields: the paths of the currency code.
    """

    id: str
    title: str
    side: Side
    truth: str
    signatures: tuple[frozenset[str], ...]
    excludes: frozenset[str] = frozenset()
    tags: tuple[str, ...] = ()
    metadata: tuple[str, ...] = ()
    customer: tuple[str, ...] = ()
    feature: tuple[str, ...] = ()
    missing_help: Mapping[str, str] = field(default_factory=dict)
    default_warnings: Mapping[str, str] = field(default_factory=dict)
    read_usage: Callable[[Fields, ImportSpec], UsageRead] | None = None
    read_revenue: Callable[[pl.LazyFrame, Fields, RevenueContext], Lines] | None = None
    amounts: Literal["cents", "dollars"] | None = None
    amount_fields: tuple[str, ...] = ()
    currency_fields: tuple[str, ...] = ("currency",)

    def match(self, names: set[str]) -> int:
        """How strongly the columns say this layout: the size of the largest signature they
        hold (0: none)."""
        if self.excludes & names:
            return 0
        return max((len(sig) for sig in self.signatures if sig <= names), default=0)

    def lacks(self, names: set[str]) -> tuple[float, list[str]]:
        """The share of the closest signature that the columns hold, and what they lack of it."""
        scored = [(len(sig & names) / len(sig), sorted(sig - names)) for sig in self.signatures]
        return max(scored, key=lambda item: item[0])


def report(
    rows: pl.LazyFrame, tallies: tuple[Tally, ...], label: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Each tally's row count (and cost) over ``rows``, as notes and warnings (tallies that
    count no row say nothing)."""
    if not tallies:
        return (), ()
    exprs = []
    for index, tally in enumerate(tallies):
        exprs.append(tally.when.fill_null(False).sum().alias(f"rows{index}"))
        cost = tally.cost if tally.cost is not None else pl.lit(0.0)
        exprs.append(cost.filter(tally.when.fill_null(False)).sum().alias(f"cost{index}"))
    counts = rows.select(exprs).collect().row(0, named=True)
    notes: list[str] = []
    warnings: list[str] = []
    for index, tally in enumerate(tallies):
        count = int(counts[f"rows{index}"] or 0)
        if not count:
            continue
        text = tally.text.format(
            rows=f"{count:,}",
            s="" if count == 1 else "s",
            cost=formats.amount(counts[f"cost{index}"] or 0.0),
        )
        (warnings if tally.warn else notes).append(f"{label}: {text}")
    return tuple(notes), tuple(warnings)
