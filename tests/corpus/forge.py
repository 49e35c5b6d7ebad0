"""Rewrite a parquet file's footer, leaving its pages untouched: how the corpus forges lying
or malformed statistics.

The footer is a ``FileMetaData`` record in Thrift's compact protocol (see the parquet format's
``parquet.thrift`` and Thrift's ``doc/specs/thrift-compact-protocol.md``). It is decoded here
into a tree that keeps every value's wire type, edited, and encoded again; the file's pages
and its ``PAR1`` frame stay as they were.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field

STOP, TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(13)


@dataclass
class Node:
    """A value with its compact-protocol type."""

    kind: int
    value: object
    items: int = 0  # a list's element type


@dataclass
class Record:
    fields: dict[int, Node] = field(default_factory=dict)

    def __getitem__(self, field_id: int) -> object:
        return self.fields[field_id].value


class _In:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def byte(self) -> int:
        self.at += 1
        return self.data[self.at - 1]

    def varint(self) -> int:
        value = shift = 0
        while True:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    def zigzag(self) -> int:
        raw = self.varint()
        return (raw >> 1) ^ -(raw & 1)

    def value(self, kind: int) -> Node:
        if kind in (LIST, SET):
            header = self.byte()
            size, items = header >> 4, header & 0x0F
            if size == 15:
                size = self.varint()
            return Node(kind, [self.value(items) for _ in range(size)], items)
        if kind == STRUCT:
            return Node(kind, self.record())
        read = _SCALAR_READERS.get(kind)
        if read is None:
            raise ValueError(f"the corpus forger does not handle type {kind}")
        return Node(kind, read(self))

    def double(self) -> float:
        self.at += 8
        value: float = struct.unpack("<d", self.data[self.at - 8 : self.at])[0]
        return value

    def binary(self) -> bytes:
        length = self.varint()
        self.at += length
        return self.data[self.at - length : self.at]

    def record(self) -> Record:
        record, last = Record(), 0
        while header := self.byte():
            kind, delta = header & 0x0F, header >> 4
            last = last + delta if delta else self.zigzag()
            if kind in (TRUE, FALSE):
                record.fields[last] = Node(TRUE, kind == TRUE)
            else:
                record.fields[last] = self.value(kind)
        return record


_SCALAR_READERS: dict[int, Callable[[_In], object]] = {
    TRUE: lambda reader: reader.byte() == 1,
    FALSE: lambda reader: reader.byte() == 1,
    BYTE: _In.byte,
    I16: _In.zigzag,
    I32: _In.zigzag,
    I64: _In.zigzag,
    DOUBLE: _In.double,
    BINARY: _In.binary,
}
"""How each type that holds no other value is read, by its compact-protocol type."""


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _zigzag(value: int) -> bytes:
    return _varint((value << 1) ^ (value >> 63))


def _encode(node: Node) -> bytes:
    return _ENCODERS.get(node.kind, _encode_struct)(node)


def _encode_flag(node: Node) -> bytes:
    return bytes([1 if node.value else 2])


def _encode_byte(node: Node) -> bytes:
    assert isinstance(node.value, int)
    return bytes([node.value])


def _encode_int(node: Node) -> bytes:
    assert isinstance(node.value, int)
    return _zigzag(node.value)


def _encode_double(node: Node) -> bytes:
    return struct.pack("<d", node.value)


def _encode_binary(node: Node) -> bytes:
    assert isinstance(node.value, bytes)
    return _varint(len(node.value)) + node.value


def _encode_list(node: Node) -> bytes:
    value = node.value
    assert isinstance(value, list)
    size = len(value)
    head = bytes([(size << 4) | node.items]) if size < 15 else bytes([0xF0 | node.items])
    if size >= 15:
        head += _varint(size)
    return head + b"".join(_encode(item) for item in value)


def _encode_struct(node: Node) -> bytes:
    assert isinstance(node.value, Record)
    return _encode_record(node.value)


_ENCODERS: dict[int, Callable[[Node], bytes]] = {
    TRUE: _encode_flag,
    FALSE: _encode_flag,
    BYTE: _encode_byte,
    I16: _encode_int,
    I32: _encode_int,
    I64: _encode_int,
    DOUBLE: _encode_double,
    BINARY: _encode_binary,
    LIST: _encode_list,
    SET: _encode_list,
}
"""How each type is written, by its compact-protocol type (any other is a record)."""


def _encode_record(record: Record) -> bytes:
    out, last = bytearray(), 0
    for field_id in sorted(record.fields):
        node = record.fields[field_id]
        kind = node.kind
        if kind in (TRUE, FALSE):
            kind = TRUE if node.value else FALSE
        delta = field_id - last
        if 0 < delta <= 15:
            out.append((delta << 4) | kind)
        else:
            out.append(kind)
            out += _zigzag(field_id)
        if node.kind not in (TRUE, FALSE):
            out += _encode(node)
        last = field_id
    out.append(STOP)
    return bytes(out)


def footer(data: bytes) -> Record:
    """The decoded footer of a parquet file's bytes."""
    length = struct.unpack("<I", data[-8:-4])[0]
    return _In(data[-8 - length : -8]).record()


def with_footer(data: bytes, meta: Record) -> bytes:
    """The parquet file's bytes with its footer replaced by ``meta``."""
    length = struct.unpack("<I", data[-8:-4])[0]
    body = _encode_record(meta)
    return data[: -8 - length] + body + struct.pack("<I", len(body)) + b"PAR1"


def statistics(meta: Record, column: str) -> list[Record]:
    """The statistics record of ``column`` in every row group (FileMetaData.row_groups →
    RowGroup.columns → ColumnChunk.meta_data → ColumnMetaData.statistics)."""
    found = []
    for group in meta[4]:  # type: ignore[attr-defined]
        for chunk in group.value[1]:
            meta_data = chunk.value[3]
            if b".".join(part.value for part in meta_data[3]) == column.encode():
                found.append(meta_data.fields[12].value)
    return found


def set_statistic(meta: Record, column: str, field_id: int, node: Node) -> None:
    """Set one statistics field (1 max, 2 min, 3 null_count, 5 max_value, 6 min_value) of
    ``column`` in every row group."""
    for stats in statistics(meta, column):
        stats.fields[field_id] = node


def set_rows(meta: Record, rows: int, *, chunks: bool = False) -> None:
    """Make the footer claim ``rows`` rows, in the file and in its one row group (and, with
    ``chunks``, in each of its column chunks' value counts, so the footer agrees with itself
    and only the pages tell the truth)."""
    meta.fields[3] = Node(I64, rows)
    (group,) = meta[4]  # type: ignore[misc]
    group.value.fields[3] = Node(I64, rows)
    if chunks:
        for chunk in group.value[1]:
            chunk.value[3].fields[5] = Node(I64, rows)
