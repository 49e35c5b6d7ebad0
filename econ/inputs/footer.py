"""Parquet footers checked before pyarrow decodes them.

A parquet file ends with its footer: a ``FileMetaData`` record in Thrift's compact protocol
(the parquet format's ``parquet.thrift``), then its length and ``PAR1``. pyarrow parses it
safely, but decodes each column chunk's statistics lazily, and a statistic whose bytes do not
fit its column's type (a 3-byte minimum for a DOUBLE column) makes it throw from code that
cannot pass the error on: the process aborts (``std::terminate``), taking a server and every
session in it down. So the footer is read here first, with a small reader of the compact
protocol that never trusts a length, and every statistic is held to its column's width.

What is checked, per file:

- the footer parses: every length inside it fits, and nesting is bounded;
- each column chunk's statistics (``min``, ``max``, ``min_value``, ``max_value``) are as wide
  as its physical type (BOOLEAN 1 byte, INT32 and FLOAT 4, INT64 and DOUBLE 8, INT96 12, a
  fixed-length byte array its declared length); null and distinct counts are not negative;
- the row groups' row counts add up to the file's, and a flat column's chunk holds as many
  values as its row group has rows;
- the pages agree: every column chunk's pages, walked header by header, are well formed and
  end where the footer says, and a flat column's hold exactly the rows the footer says (a
  reader trusts the footer's count and would silently skip, or invent, the difference); a page
  whose writer kept its CRC-32 must still match it.

Anything else is refused as a damaged file, naming the column and row group.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, TypeAlias

from econ.errors import InputError, Problem

_MAGIC: Final = b"PAR1"
_MAX_DEPTH: Final = 64
_PHYSICAL: Final = {
    0: ("BOOLEAN", 1),
    1: ("INT32", 4),
    2: ("INT64", 8),
    3: ("INT96", 12),
    4: ("FLOAT", 4),
    5: ("DOUBLE", 8),
    6: ("BYTE_ARRAY", None),
    7: ("FIXED_LEN_BYTE_ARRAY", None),
}
_STATISTIC_NAMES: Final = {1: "max", 2: "min", 5: "max_value", 6: "min_value"}

Value: TypeAlias = "int | float | bool | bytes | list[Value] | dict[int, Value]"


class _DamagedError(Exception):
    """The footer cannot be what the parquet format says it is."""


@dataclass
class _Compact:
    """A reader of Thrift's compact protocol over bytes it does not trust."""

    data: bytes
    at: int = 0

    def byte(self) -> int:
        if self.at >= len(self.data):
            raise _DamagedError("the footer ends early")
        value = self.data[self.at]
        self.at += 1
        return value

    def take(self, length: int) -> bytes:
        if length < 0 or self.at + length > len(self.data):
            raise _DamagedError("a length inside the footer runs past its end")
        value = self.data[self.at : self.at + length]
        self.at += length
        return value

    def varint(self) -> int:
        value = shift = 0
        while True:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7
            if shift > 63:
                raise _DamagedError("a number inside the footer is too long")

    def zigzag(self) -> int:
        raw = self.varint()
        return (raw >> 1) ^ -(raw & 1)

    def value(self, kind: int, depth: int) -> Value:
        if depth > _MAX_DEPTH:
            raise _DamagedError("the footer nests too deep")
        if kind in (9, 10):
            return self.sequence(depth)
        if kind == 11:
            return self.mapping(depth)
        if kind == 12:
            return self.record(depth)
        return self.scalar(kind)

    def scalar(self, kind: int) -> Value:
        """A value that holds no other: a boolean, an integer, a double or bytes."""
        if kind in (1, 2):  # a boolean inside a list: one byte
            return self.byte() == 1
        if kind in (3, 4, 5, 6):  # byte, i16, i32, i64
            return self.zigzag() if kind != 3 else self.byte()
        if kind == 7:
            result: float = struct.unpack("<d", self.take(8))[0]
            return result
        if kind == 8:
            return self.take(self.varint())
        raise _DamagedError(f"the footer holds an unknown value type ({kind})")

    def sequence(self, depth: int) -> list[Value]:
        header = self.byte()
        size, kind = header >> 4, header & 0x0F
        if size == 15:
            size = self.varint()
        if size > len(self.data) - self.at:  # every element takes at least one byte
            raise _DamagedError("a list inside the footer is longer than the footer")
        return [self.value(kind, depth + 1) for _ in range(size)]

    def mapping(self, depth: int) -> list[Value]:
        size = self.varint()
        if size == 0:
            return []
        if 2 * size > len(self.data) - self.at:
            raise _DamagedError("a map inside the footer is longer than the footer")
        kinds = self.byte()
        pairs: list[Value] = []
        for _ in range(size):
            pairs.append([self.value(kinds >> 4, depth + 1), self.value(kinds & 0x0F, depth + 1)])
        return pairs

    def record(self, depth: int) -> dict[int, Value]:
        fields: dict[int, Value] = {}
        last = 0
        while True:
            header = self.byte()
            if header == 0:
                return fields
            kind, delta = header & 0x0F, header >> 4
            last = last + delta if delta else self.zigzag()
            fields[last] = (kind == 1) if kind in (1, 2) else self.value(kind, depth + 1)


ReadAt: TypeAlias = Callable[[int, int], bytes]
"""``read_at(offset, length)``: up to ``length`` bytes of the file from ``offset``."""

_PAGE_HEADER_READS: Final = (1024, 64 * 1024, 4 * 1024 * 1024)
"""How much of a file is read to decode one page header: more only when it needs more."""


def _footer(read_at: ReadAt, size: int) -> bytes:
    """The footer of a parquet file of ``size`` bytes."""
    if size < 12:
        raise _DamagedError("it is too short to hold a parquet footer")
    tail = read_at(size - 8, 8)
    if tail[4:] != _MAGIC:
        raise _DamagedError("it does not end as a parquet file does (it may have been cut short)")
    length = struct.unpack("<I", tail[:4])[0]
    if length + 12 > size:
        raise _DamagedError("the footer's length is longer than the file")
    if length > MAX_FOOTER_BYTES:
        raise _DamagedError(
            f"its footer is {length:,} bytes, over the {MAX_FOOTER_BYTES:,} any ledger needs "
            "(tens of thousands of row groups: write it again with larger row groups)"
        )
    return read_at(size - 8 - length, length)


def check_footer(read_at: ReadAt, size: int, label: str) -> None:
    """Refuse a parquet file whose footer pyarrow must not decode, or whose footer and pages
    disagree (see the module's docstring).

    Args:
        read_at: gives ``length`` bytes of the file from ``offset``.
        size: the file's size in bytes.
        label: the file's name as the user knows it.

    Raises:
        InputError: naming the file, and the column and row group where the damage is.
    """
    try:
        footer = _footer(read_at, size)
        meta = _Compact(footer).record(0)
        widths = _leaf_widths(meta.get(2))
        _check(meta, widths, size - 8 - len(footer))
        _check_pages(meta, widths, read_at)
    except _DamagedError as damage:
        problem = Problem(label, None, f"is a damaged parquet file: {damage}")
        raise InputError([problem]) from None


Widths: TypeAlias = dict[str, tuple[int, int | None, bool]]
"""Per leaf column (dotted path): its physical type, its fixed width, whether it is flat."""


def _check(meta: dict[int, Value], widths: Widths, data_end: int) -> None:
    """Check the footer against itself; ``data_end`` is where the pages must end."""
    groups = meta.get(4, [])
    if not isinstance(groups, list):
        raise _DamagedError("its row groups are not a list")
    total = 0
    for number, group in enumerate(groups, start=1):
        if not isinstance(group, dict):
            raise _DamagedError(f"row group {number} is not a record")
        rows = group.get(3)
        if not isinstance(rows, int) or rows < 0:
            raise _DamagedError(f"row group {number} has no valid row count")
        total += rows
        chunks = group.get(1, [])
        if not isinstance(chunks, list):
            raise _DamagedError(f"row group {number}'s columns are not a list")
        for chunk in chunks:
            meta_data = chunk.get(3) if isinstance(chunk, dict) else None
            if isinstance(meta_data, dict):
                _check_chunk(meta_data, widths, rows, number)
                _check_offsets(meta_data, data_end, number)
    declared = meta.get(3)
    if not isinstance(declared, int) or declared < 0:
        raise _DamagedError("it has no valid row count")
    if groups and declared != total:
        raise _DamagedError(
            f"it says it holds {declared:,} rows, but its row groups hold {total:,} between them"
        )


def _leaf_widths(schema: Value | None) -> Widths:
    """Each leaf column's physical type, fixed width and flatness (see :data:`Widths`)."""
    if not isinstance(schema, list) or not schema:
        raise _DamagedError("it has no schema")
    leaves: Widths = {}
    # The schema is a tree written depth first; each element says how many children it has.
    stack: list[tuple[str, int]] = []  # (path, children still to come)
    for index, element in enumerate(schema):
        if not isinstance(element, dict):
            raise _DamagedError("a schema element is not a record")
        children = element.get(5)
        if index == 0:
            stack.append(("", children if isinstance(children, int) else 0))
            continue
        path = _child_path(stack, element)
        if isinstance(children, int) and children > 0:
            stack.append((path, children))
            continue
        leaves[path] = _leaf(element, path)
    return leaves


def _child_path(stack: list[tuple[str, int]], element: dict[int, Value]) -> str:
    """The dotted path of a schema element below the root, counted as one of its parent's
    children (``stack`` holds each open parent's path and the children it has still to come)."""
    while stack and stack[-1][1] == 0:
        stack.pop()
    if not stack:
        raise _DamagedError("its schema lists more columns than its root holds")
    parent, left = stack.pop()
    stack.append((parent, left - 1))
    name = element.get(4, b"")
    text = name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)
    return f"{parent}.{text}" if parent else text


def _leaf(element: dict[int, Value], path: str) -> tuple[int, int | None, bool]:
    """A leaf column's physical type, fixed width and flatness."""
    physical = element.get(1)
    if not isinstance(physical, int) or physical not in _PHYSICAL:
        raise _DamagedError(f"column {path!r} has no known physical type")
    width = _PHYSICAL[physical][1]
    if physical == 7:
        length = element.get(2)
        if not isinstance(length, int) or length < 0:
            raise _DamagedError(f"column {path!r} is a fixed-length byte array with no length")
        width = length
    flat = "." not in path and element.get(3) != 2  # REPEATED is 2
    return physical, width, flat


def _check_offsets(meta: dict[int, Value], data_end: int, group: int) -> None:
    """A column chunk's pages lie between the leading ``PAR1`` and the footer."""
    where = f"a column chunk in row group {group}"
    start, end = _chunk_span(meta, where)
    if not _count(meta.get(6)):
        raise _DamagedError(f"{where} does not say how large its pages are")
    dictionary, index = meta.get(11), meta.get(10)
    outside = any(not _count(o, data_end - 1) for o in (dictionary, index) if o)
    if start < 4 or end < start or end > data_end or outside:
        raise _DamagedError(f"{where} says its pages lie outside the file")


def _chunk_span(meta: dict[int, Value], where: str) -> tuple[int, int]:
    """Where a column chunk's pages start (its dictionary page, if before its data pages) and
    end."""
    data, dictionary, length = meta.get(9), meta.get(11), meta.get(7)
    if not isinstance(data, int) or not isinstance(length, int):
        raise _DamagedError(f"{where} does not say where its pages are or how large they are")
    start = dictionary if isinstance(dictionary, int) and 0 < dictionary < data else data
    return start, start + length


def _path(meta: dict[int, Value]) -> str:
    """A column chunk's column, as a dotted path."""
    parts = _list(meta.get(3))
    return ".".join(part.decode("utf-8", "replace") for part in parts if isinstance(part, bytes))


def _check_chunk(meta: dict[int, Value], widths: Widths, rows: int, group: int) -> None:
    """A column chunk against the schema and its row group: a column the schema has, of its
    type, holding as many values as the group has rows (when flat), and statistics that fit."""
    parts = meta.get(3, [])
    if not isinstance(parts, list) or not all(isinstance(part, bytes) for part in parts):
        raise _DamagedError(f"a column chunk in row group {group} has no valid path")
    path = _path(meta)
    if path not in widths:
        raise _DamagedError(f"row group {group} holds column {path!r}, which its schema lacks")
    physical, width, flat = widths[path]
    if meta.get(1) != physical:
        raise _DamagedError(f"column {path!r} in row group {group} has a type its schema does not")
    values = meta.get(5)
    if not isinstance(values, int) or values < 0 or (flat and values != rows):
        raise _DamagedError(
            f"column {path!r} in row group {group} says it holds {_shown(values)} values in "
            f"{rows:,} rows"
        )
    statistics = meta.get(12)
    if statistics is None:
        return
    where = f"column {path!r} in row group {group}"
    if not isinstance(statistics, dict):
        raise _DamagedError(f"{where} has statistics that are not a record")
    _check_statistic_widths(statistics, physical, width, where)
    _check_statistic_counts(statistics, values, where)


def _check_statistic_widths(
    statistics: dict[int, Value], physical: int, width: int | None, where: str
) -> None:
    """Each minimum and maximum is as wide as its column's physical type (when that is
    fixed)."""
    for field_id, name in _STATISTIC_NAMES.items():
        raw = statistics.get(field_id)
        if raw is None:
            continue
        if not isinstance(raw, bytes) or (width is not None and len(raw) != width):
            size = len(raw) if isinstance(raw, bytes) else "not"
            kind = _PHYSICAL[physical][0]
            raise _DamagedError(
                f"the {name} statistic of {where} is {size} bytes long, but a {kind} value "
                f"takes {width}"
            )


def _check_statistic_counts(statistics: dict[int, Value], values: int, where: str) -> None:
    """The null and distinct counts lie between 0 and the chunk's values."""
    for field_id, name in ((3, "null count"), (4, "distinct count")):
        count = statistics.get(field_id)
        if count is not None and (not isinstance(count, int) or not 0 <= count <= values):
            raise _DamagedError(
                f"the {name} of {where} is {_shown(count)}, not between 0 and its {values:,} values"
            )


_PAGE_TYPES: Final = {0: 5, 1: None, 2: 7, 3: 8}
"""A page type (DATA_PAGE, INDEX_PAGE, DICTIONARY_PAGE, DATA_PAGE_V2) → the header field that
describes it."""
_ENCODINGS: Final = frozenset({0, 2, 3, 4, 5, 6, 7, 8, 9})
_CODECS: Final = frozenset(range(8))
_MAX_PAGE_BYTES: Final = 2**31 - 1
_MAX_UNPACKED_PAGE: Final = 256 * 1_000_000
"""The largest page once decompressed (writers make pages of about 1 MB): a reader allocates
this much before it learns the page is not that large."""
MAX_FOOTER_BYTES: Final = 8 * 1_000_000
"""The largest footer read (an honest one is kilobytes; this one is checked in Python)."""


def _check_pages(meta: dict[int, Value], widths: Widths, read_at: ReadAt) -> None:
    """Walk every column chunk's pages, header by header: each header well formed, the pages
    ending where the footer says, and each flat column holding its row group's rows. (Run after
    :func:`_check`, which vouched for each chunk's path and span.)"""
    for number, group in enumerate(_list(meta.get(4)), start=1):
        if not isinstance(group, dict):
            continue
        for chunk in _list(group.get(1)):
            column = chunk.get(3) if isinstance(chunk, dict) else None
            if not isinstance(column, dict):
                continue
            path = _path(column)
            where = f"column {path!r} in row group {number}"
            codec = column.get(4)
            encodings = _list(column.get(2))
            if not _one_of(codec, _CODECS) or not all(_one_of(e, _ENCODINGS) for e in encodings):
                raise _DamagedError(f"{where} names an encoding or compression that does not exist")
            rows = _page_rows(column, read_at, where)
            if widths[path][2] and rows != group.get(3):
                raise _DamagedError(
                    f"its footer says row group {number} holds {_shown(group.get(3))} rows, but "
                    f"the pages of column {path!r} hold {rows:,}"
                )


def _list(value: Value | None) -> list[Value]:
    return value if isinstance(value, list) else []


def _page_rows(column: dict[int, Value], read_at: ReadAt, where: str) -> int:
    """How many rows (for a nested column: values) a column chunk's data pages hold, from
    their headers, each checked (see :func:`_check_page`)."""
    start, end = _chunk_span(column, where)
    rows, at = 0, start
    while at < end:
        header, used = _page_header(read_at, at, end - at, where)
        page_size, count = _check_page(header, where)
        # A page whose writer kept its CRC-32 and whose bytes changed since is refused: readers
        # do not check it, and would read the changed numbers.
        checksum = header.get(4)
        if (
            isinstance(checksum, int)
            and not isinstance(checksum, bool)
            and zlib.crc32(read_at(at + used, page_size)) != checksum & 0xFFFFFFFF
        ):
            raise _DamagedError(f"a page of {where} does not match its checksum")
        rows += count
        at += used + page_size
    if at != end:
        raise _DamagedError(f"the pages of {where} do not end where its footer says")
    return rows


def _check_page(header: dict[int, Value], where: str) -> tuple[int, int]:
    """A page header's compressed size and the rows its page holds (0 for a dictionary).

    Raises :class:`_DamagedError` for a field a reader could not take: an unknown page type or
    encoding, or a size or count that is negative or too large.
    """
    kind, unpacked, packed = header.get(1), header.get(2), header.get(3)
    if not isinstance(kind, int) or kind not in _PAGE_TYPES:
        raise _DamagedError(f"a page of {where} is of no known type")
    if not (_count(unpacked, _MAX_UNPACKED_PAGE) and isinstance(packed, int)):
        raise _DamagedError(f"a page of {where} has no valid size")
    if not _count(packed, _MAX_PAGE_BYTES):
        raise _DamagedError(f"a page of {where} has no valid size")
    field_id = _PAGE_TYPES[kind]
    if field_id is None:
        return packed, 0
    page = header.get(field_id)
    if not isinstance(page, dict):
        raise _DamagedError(f"a page of {where} does not describe itself")
    counts = [page.get(1)] + ([page.get(2), page.get(3)] if field_id == 8 else [])
    if not all(_count(v) for v in counts):
        raise _DamagedError(f"a page of {where} has no valid value count")
    encoding_fields = {5: (2, 3, 4), 7: (2,), 8: (4,)}[field_id]
    if not all(_one_of(page.get(f), _ENCODINGS) for f in encoding_fields if f in page):
        raise _DamagedError(f"a page of {where} names an encoding that does not exist")
    if field_id == 8:
        levels = [page.get(5, 0), page.get(6, 0)]
        if not all(_count(v, packed) for v in levels) or _total(levels) > packed:
            raise _DamagedError(f"a page of {where} has levels longer than the page")
    rows = counts[2] if field_id == 8 else counts[0] if field_id == 5 else 0
    return packed, rows if isinstance(rows, int) else 0


def _count(value: Value | None, most: int = 2**63 - 1) -> bool:
    """Whether a footer value is a whole number from 0 to ``most``."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= most


def _one_of(value: Value | None, allowed: frozenset[int]) -> bool:
    return isinstance(value, int) and value in allowed


def _total(values: Sequence[Value | None]) -> int:
    return sum(v for v in values if isinstance(v, int))


def _page_header(read_at: ReadAt, at: int, left: int, where: str) -> tuple[dict[int, Value], int]:
    """The page header at ``at`` and its length in bytes."""
    for window in _PAGE_HEADER_READS:
        reader = _Compact(read_at(at, min(window, left)))
        try:
            return reader.record(0), reader.at
        except _DamagedError:
            if window >= left:
                break
    raise _DamagedError(f"a page header of {where} cannot be read")


def _shown(value: Value | None) -> str:
    """A footer value in a message: a count with thousands separators, else what it is."""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else "no number"
