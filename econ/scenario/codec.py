"""The one JSON form of every record of the scenario tree, read and written by field.

Writing: each dataclass field, in declaration order, becomes a key; a nested record becomes an
object, a map an object, a tuple a list; numbers, text and ``None`` stay as they are.

Reading: the keys must be the record's fields (a typo is refused, not ignored) and ``null`` means
the field's default. Each value is read by its field's type: a tuple from a list, a record from
an object, a map of records from an object of objects, each record read the same way. Every
other value is handed to the record's constructor, whose ``__post_init__`` checks it with
:mod:`econ.scenario.values`. So a record built in code and one read from JSON pass the same
checks, and each failure is a :class:`~econ.errors.ScenarioError` naming the value's JSON path.
"""

from __future__ import annotations

import dataclasses
import functools
import types
from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from econ.scenario.values import known_keys, mapping, sequence

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


class Record:
    """A record of the scenario tree: its JSON form is :func:`to_plain`'s, read by
    :func:`from_plain` (subclasses are frozen dataclasses)."""

    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values; :meth:`from_dict` turns them back into an equal record."""
        return to_plain(self)

    @classmethod
    def from_dict(cls: type[R], data: object, what: str) -> R:
        """Read from JSON values; ``what`` is the record's JSON path, named in every error."""
        return from_plain(cls, data, what)


def to_plain(record: DataclassInstance) -> dict[str, Any]:
    """Every field of ``record`` as plain JSON values, in declaration order."""
    return {item.name: _plain(getattr(record, item.name)) for item in dataclasses.fields(record)}


def _plain(value: object) -> Any:
    """A field's value as JSON: records and maps as objects, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_plain(value)
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def from_plain(kind: type[R], data: object, what: str) -> R:
    """A ``kind`` record read from a JSON object (see the module docstring).

    Raises:
        ScenarioError: naming the JSON path (``what`` and below) of the value at fault.
    """
    values = known_keys(data, what, _types(kind))
    return kind(**read_fields(kind, values, what))


def read_fields(kind: type[R], values: Mapping[str, object], what: str) -> dict[str, Any]:
    """The constructor arguments of a ``kind`` record from its JSON object's values (checked to
    be its fields); ``null`` values are left out, so those fields take their defaults.

    A record's lists are read before its nested records, so a document's own shape faults are
    reported before those inside its parts.
    """
    hints = _types(kind)
    given = [name for name in hints if values.get(name) is not None]
    return {
        name: _read(hints[name], values[name], _path(what, name), name)
        for name in sorted(given, key=lambda name: _holds_records(hints[name]))
    }


def _read(hint: object, value: object, path: str, name: str) -> Any:
    """One field's JSON value read by the field's type (``path`` locates it; lists are
    named by the field alone, as their checks in the records name them)."""
    hint = _without_none(hint)
    record = _record_type(hint)
    if record is not None:
        return from_plain(record, value, path)
    item = _record_map_item(hint)
    if item is not None:
        entries = mapping(value, path)
        return {key: from_plain(item, entry, f"{path}[{key!r}]") for key, entry in entries.items()}
    if get_origin(hint) is tuple:
        return tuple(sequence(value, name))
    return value


def _holds_records(hint: object) -> bool:
    """Whether a field holds a record or a map of records (read after the other fields)."""
    hint = _without_none(hint)
    return _record_type(hint) is not None or _record_map_item(hint) is not None


def _record_map_item(hint: object) -> type[DataclassInstance] | None:
    """``R`` for ``Mapping[str, R]`` where ``R`` is a record; else ``None``."""
    if get_origin(hint) is not Mapping:
        return None
    return _record_type(get_args(hint)[1])


def _path(what: str, name: str) -> str:
    return f"{what}.{name}" if what else name


def _without_none(hint: object) -> object:
    """``X`` for ``X | None``; any other type as it is."""
    if get_origin(hint) not in (Union, types.UnionType):
        return hint
    kept = [arg for arg in get_args(hint) if arg is not type(None)]
    return kept[0] if len(kept) == 1 else hint


def _record_type(hint: object) -> type[DataclassInstance] | None:
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return hint
    return None


@functools.cache
def _types(kind: type[DataclassInstance]) -> Mapping[str, object]:
    """Each field's name and type, in declaration order (the annotations resolved)."""
    hints = get_type_hints(kind)
    return types.MappingProxyType(
        {item.name: hints[item.name] for item in dataclasses.fields(kind)}
    )
