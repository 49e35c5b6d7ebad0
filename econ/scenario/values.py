"""Checks for the plain values a scenario is built from (JSON numbers, maps, lists).

Each raises :class:`~econ.errors.ScenarioError` naming the field by its JSON path, so a user
editing a scenario file knows exactly which value to fix.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final, TypeVar

from econ.errors import ScenarioError

V = TypeVar("V")

LARGEST: Final = 1e9
"""The largest number any assumption may be (a price, a burden, a CAC, a weight, in dollars a
customer-month or plain): a billion. Larger numbers are typos, and they overflow the sums
built from them into infinity and NaN."""
MAX_JSON_DEPTH: Final = 32
"""How deeply a scenario's JSON may nest; a real one nests four levels."""


def freeze(mapping: Mapping[str, V]) -> Mapping[str, V]:
    """A read-only copy (the scenario is immutable, maps included)."""
    return MappingProxyType(dict(mapping))


def number(value: object, what: str, *, low: float = 0.0, high: float = LARGEST) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f"{what} must be a number, got {_brief(value)}")
    try:
        result = float(value)
    except OverflowError:  # an integer with hundreds of digits
        result = math.inf
    if not math.isfinite(result):
        raise ScenarioError(f"{what} must be a finite number, got {_brief(value)}")
    if not low <= result <= high:
        raise ScenarioError(
            f"{what} must be between {_shown(low)} and {_shown(high)}, got {_shown(result)}"
        )
    return result


def _brief(value: object) -> str:
    """A value in a message, cut to 60 characters (a number can have thousands of digits)."""
    try:
        text = repr(value)
    except ValueError:  # an int past Python's digit limit for text
        return "a number with too many digits"
    return text if len(text) <= 60 else text[:59] + "…"


def _shown(value: float) -> str:
    """``1,000,000,000`` for a whole number below 1e15, else the shortest form (``0.99``)."""
    if value.is_integer() and abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:g}"


def parse_json(text: str | bytes, what: str) -> Any:
    """JSON text read, refusing nesting deeper than :data:`MAX_JSON_DEPTH` before it is parsed
    (Python's parser recurses, and a document nested thousands deep exhausts its stack).

    Raises:
        ScenarioError: naming ``what`` and the problem.
    """
    raw = text.encode() if isinstance(text, str) else text
    _refuse_deep_nesting(raw, what)
    try:
        return json.loads(raw)
    except ValueError as error:  # not JSON, not UTF-8, or a number with thousands of digits
        raise ScenarioError(f"{what} is not valid JSON: {error}") from None


def _refuse_deep_nesting(raw: bytes, what: str) -> None:
    """Refuse JSON bytes that open more than :data:`MAX_JSON_DEPTH` lists or objects inside one
    another, counting brackets outside strings in one pass, without parsing."""
    depth = deepest = 0
    in_text = escaped = False
    for byte in raw:
        if in_text:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_text = False
        elif byte == 0x22:
            in_text = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                raise ScenarioError(
                    f"{what} nests deeper than {MAX_JSON_DEPTH} levels; no scenario does"
                )
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1


def mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ScenarioError(f"{what} must be a map, got {value!r}")
    for key in value:
        if not isinstance(key, str) or not key:
            raise ScenarioError(f"{what} keys must be non-empty text, got {key!r}")
    return value


def number_map(
    value: object, what: str, *, low: float = 0.0, high: float = LARGEST
) -> Mapping[str, float]:
    items = mapping(value, what)
    return freeze(
        {key: number(item, f"{what}[{key!r}]", low=low, high=high) for key, item in items.items()}
    )


def sequence(value: object, what: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise ScenarioError(f"{what} must be a list, got {value!r}")
    return list(value)


def names(value: object, what: str) -> tuple[str, ...]:
    items = sequence(value, what)
    for item in items:
        if not isinstance(item, str) or not item:
            raise ScenarioError(f"{what} must list non-empty names, got {item!r}")
    return tuple(sorted(set(items)))


def known_keys(value: object, what: str, allowed: Iterable[str]) -> Mapping[str, Any]:
    """``value`` as a map whose keys are all in ``allowed`` (typos are refused, not ignored)."""
    if not isinstance(value, Mapping):
        raise ScenarioError(f"{what} must be a JSON object, got {value!r}")
    allowed = set(allowed)
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ScenarioError(f"unknown keys in {what}: {unknown}; the keys are {sorted(allowed)}")
    return value


R = TypeVar("R")


def record_map(
    value: object, what: str, kind: type[R], build: Callable[[object, str], R]
) -> Mapping[str, R]:
    """A read-only ``{name: record}`` map, building records given as JSON objects."""
    items = mapping(value, what)
    return freeze(
        {
            key: item if isinstance(item, kind) else build(item, f"{what}[{key!r}]")
            for key, item in items.items()
        }
    )
