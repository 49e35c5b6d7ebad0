"""Checks for the plain values a scenario is built from (JSON numbers, maps, lists).

Each raises :class:`~econ.errors.ScenarioError` naming the field by its JSON path, so a user
editing a scenario file knows exactly which value to fix.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from econ.errors import ScenarioError

V = TypeVar("V")


def freeze(mapping: Mapping[str, V]) -> Mapping[str, V]:
    """A read-only copy (the scenario is immutable, maps included)."""
    return MappingProxyType(dict(mapping))


def number(value: object, what: str, *, low: float = 0.0, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f"{what} must be a number, got {value!r}")
    result = float(value)
    if not math.isfinite(result):
        raise ScenarioError(f"{what} must be a finite number, got {value!r}")
    if not low <= result <= high:
        bound = f"between {low:g} and {high:g}" if math.isfinite(high) else f"at least {low:g}"
        raise ScenarioError(f"{what} must be {bound}, got {result:g}")
    return result


def mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ScenarioError(f"{what} must be a map, got {value!r}")
    for key in value:
        if not isinstance(key, str) or not key:
            raise ScenarioError(f"{what} keys must be non-empty text, got {key!r}")
    return value


def number_map(
    value: object, what: str, *, low: float = 0.0, high: float = math.inf
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
