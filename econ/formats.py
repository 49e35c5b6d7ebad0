"""Number formats people read: money, percentages, ratios, counts."""

from __future__ import annotations

NULL_TEXT = "—"


def money(value: float | None, *, cents: bool = True) -> str:
    if value is None:
        return NULL_TEXT
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.{2 if cents else 0}f}"


def amount(value: float | None) -> str:
    """Money in a sentence: cents from a dollar up, four significant digits below
    (``$0.0011`` rather than ``$0.00``)."""
    if value is None:
        return NULL_TEXT
    if value == 0 or abs(value) >= 1:
        return money(value)
    return per_call(value)


def headline(value: float | None) -> str:
    """Money in a headline figure: whole dollars from $10,000, cents from $1, and four
    significant digits below (a small upload's $0.81 of inference is not "$1")."""
    if value is None:
        return NULL_TEXT
    if abs(value) >= 10_000:
        return money(value, cents=False)
    return amount(value)


def percent(value: float | None, *, digits: int = 1) -> str:
    return NULL_TEXT if value is None else f"{value * 100:.{digits}f}%"


def ratio(value: float | None) -> str:
    return NULL_TEXT if value is None else f"{value:.1f}x"


def months(value: float | None) -> str:
    return NULL_TEXT if value is None else f"{value:.1f}"


def count(value: int | None) -> str:
    return NULL_TEXT if value is None else f"{value:,}"


def count_of(value: int, noun: str) -> str:
    """``1 row``, ``2 rows``: a count with its noun."""
    return f"{value:,} {noun}{'' if value == 1 else 's'}"


def per_call(value: float | None) -> str:
    """Per-call costs are often fractions of a cent: keep four significant digits."""
    return NULL_TEXT if value is None else f"${value:.4g}"
