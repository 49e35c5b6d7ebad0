"""Number formats people read: money, percentages, ratios, counts, and changes of each.

One format per kind, wherever the app, the command line or the board pack writes a number:

- **money**: whole dollars at or above $1,000 (``$12,652``), cents below (``$49.50``,
  ``$0.21``); per-call prices keep four significant digits (``$0.000412``);
- **percentages** to one decimal (``84.3%``);
- **changes** carry their sign (``+$12,652 / month``, ``−$49.50``; a margin or share change in
  percentage points, ``+0.9 pp``, ``−1.2 pp``), and a change too small to show at that precision
  reads ``no change``, never ``+$0`` or ``+0.00%``;
- anything undefined (``None``, NaN, infinity) reads ``—``: "None", "nan" and "inf" are never
  printed.

A level's negative sign is the ASCII hyphen (``-$3.00``, as spreadsheets read it back); a
change's is the minus sign (``−``), beside its ``+``.

Money is in the dataset's reporting currency (:mod:`econ.inputs.imports.currencies`): US dollars
unless the revenue was read into another. In another, money shows its code instead of the
dollar sign (``EUR 12,652``, ``−EUR 49.50``): :func:`in_currency` sets it for a run (the command
line, an app session), :func:`currency_prefix` says what it is.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

NULL_TEXT: Final = "—"
"""What an undefined number reads."""

NO_CHANGE: Final = "no change"
"""What a change reads when it rounds to zero at the precision it is shown with."""

MINUS: Final = "\u2212"
"""The sign of a negative change (a typographic minus, the width of its "+")."""

WHOLE_DOLLARS_FROM: Final = 1_000.0
"""Money at or above this (in absolute value, once rounded to the cent) is shown without cents."""


_CURRENCY: ContextVar[str] = ContextVar("econ_reporting_currency", default="usd")
"""The reporting currency money is shown in (a code, lowercase)."""


def currency_prefix() -> str:
    """What money starts with: ``$`` for US dollars, else the code and a space (``EUR ``)."""
    code = _CURRENCY.get()
    return "$" if code == "usd" else f"{code.upper()} "


def reporting_currency() -> str:
    """The reporting currency money is shown in now (a code, lowercase)."""
    return _CURRENCY.get()


def set_currency(code: str) -> None:
    """Show money in ``code`` from now on in this context (an app session's script run)."""
    _CURRENCY.set(code.lower())


@contextmanager
def in_currency(code: str) -> Iterator[None]:
    """Show money in ``code`` (``"usd"``, ``"eur"``) inside the block."""
    token = _CURRENCY.set(code.lower())
    try:
        yield
    finally:
        _CURRENCY.reset(token)


def finite(value: float | None) -> float | None:
    """``value`` as a float, or ``None`` when it is undefined (``None``, NaN or infinite)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _dollars(size: float, *, cents: bool) -> str:
    """``size`` (not negative) as dollars: whole at or above :data:`WHOLE_DOLLARS_FROM`, or
    always when ``cents`` is false."""
    whole = not cents or round(size, 2) >= WHOLE_DOLLARS_FROM
    prefix = currency_prefix()
    return f"{prefix}{size:,.0f}" if whole else f"{prefix}{size:,.2f}"


def money(value: float | None, *, cents: bool = True) -> str:
    """Money as a level: ``$12,652``, ``$49.50``, ``-$3.00``; ``cents=False`` always rounds to
    whole dollars (``$50``)."""
    number = finite(value)
    if number is None:
        return NULL_TEXT
    text = _dollars(abs(number), cents=cents)
    return f"-{text}" if number < 0 and any(c in "123456789" for c in text) else text


def amount(value: float | None) -> str:
    """Money in a sentence: :func:`money` from a dollar up, four significant digits below
    (``$0.0011`` rather than ``$0.00``)."""
    number = finite(value)
    if number is None:
        return NULL_TEXT
    if number == 0 or abs(number) >= 1:
        return money(number)
    return per_call(number)


def headline(value: float | None) -> str:
    """Money in a headline figure: as :func:`amount` (whole dollars from $1,000, cents from $1,
    and four significant digits below: a small upload's $0.81 of inference is not "$1")."""
    return amount(value)


def percent(value: float | None, *, digits: int = 1) -> str:
    """A share as a percentage: ``0.843`` → ``84.3%`` (never ``-0.0%``)."""
    number = finite(None if value is None else value * 100)
    if number is None:
        return NULL_TEXT
    text = f"{number:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return f"{text}%"


def ratio(value: float | None) -> str:
    """A ratio such as LTV:CAC: ``4.75`` → ``4.8x``."""
    number = finite(value)
    if number is None:
        return NULL_TEXT
    text = f"{number:.1f}"
    return f"{text.lstrip('-') if float(text) == 0 else text}x"


def months(value: float | None) -> str:
    number = finite(value)
    return NULL_TEXT if number is None else f"{number:.1f}"


def count(value: int | None) -> str:
    return NULL_TEXT if value is None else f"{value:,}"


def count_of(value: int, noun: str) -> str:
    """``1 row``, ``2 rows``: a count with its noun."""
    return f"{value:,} {noun}{'' if value == 1 else 's'}"


def number(value: float | None, *, digits: int = 1) -> str:
    """A number that need not be whole, such as an expected count of customers: ``41.5``."""
    finite_value = finite(value)
    if finite_value is None:
        return NULL_TEXT
    text = f"{finite_value:,.{digits}f}"
    return text.lstrip("-") if float(text.replace(",", "")) == 0 else text


def per_call(value: float | None) -> str:
    """Per-call costs are often fractions of a cent: keep four significant digits."""
    number = finite(value)
    return NULL_TEXT if number is None else f"{currency_prefix()}{number:.4g}"


def _signed(value: float, text: str) -> str:
    """``text`` (the size of ``value``) with the sign of ``value``."""
    return f"{MINUS if value < 0 else '+'}{text}"


def money_change(value: float | None, *, per: str | None = None) -> str:
    """A change of money, with its sign: ``+$12,652``, ``−$49.50``; ``per="month"`` adds
    `` / month`` (``+$12,652 / month``). Under half a cent it reads ``no change``."""
    number = finite(value)
    if number is None:
        return NULL_TEXT
    if round(abs(number), 2) == 0:
        return NO_CHANGE
    text = _signed(number, _dollars(abs(number), cents=True))
    return f"{text} / {per}" if per else text


def points(value: float | None, *, digits: int = 1) -> str:
    """A change of a margin or share, in percentage points: ``0.009`` → ``+0.9 pp``,
    ``-0.012`` → ``−1.2 pp``; ``no change`` when it rounds to zero."""
    number = finite(None if value is None else value * 100)
    if number is None:
        return NULL_TEXT
    size = f"{abs(number):.{digits}f}"
    return NO_CHANGE if float(size) == 0 else f"{_signed(number, size)} pp"


def ratio_change(value: float | None) -> str:
    """A change of a ratio such as LTV:CAC: ``+0.2x``, ``−1.1x``, ``no change``."""
    number = finite(value)
    if number is None:
        return NULL_TEXT
    size = f"{abs(number):.1f}"
    return NO_CHANGE if float(size) == 0 else f"{_signed(number, size)}x"


def number_change(value: float | None, *, digits: int = 1) -> str:
    """A change of a count that need not be whole: ``+41.5``, ``−2.0``, ``no change``."""
    number = finite(value)
    if number is None:
        return NULL_TEXT
    size = f"{abs(number):,.{digits}f}"
    return NO_CHANGE if float(size.replace(",", "")) == 0 else _signed(number, size)
