"""Errors a user can cause, each carrying a message written for that user.

Both derive from :class:`ValueError`, so callers that only care about "bad input" can catch
one type; the CLI turns them into exit code 2 and the app into an error box.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

_EXAMPLE_VALUE_WIDTH = 60


@dataclass(frozen=True)
class Problem:
    """One broken rule in one input file.

    Attributes:
        source: the file (or frame) name as the user knows it.
        column: the column the rule is about, or ``None`` for a file-level rule.
        rule: what the data must satisfy, in plain words.
        count: how many rows break the rule (0 for file-level rules).
        example: one offending row, column name to value, or ``None``.
        values: the offending values, when there are few and they say what to fix (e.g. the
            models without a price).
    """

    source: str
    column: str | None
    rule: str
    count: int = 0
    example: Mapping[str, object] | None = field(default=None)
    values: tuple[str, ...] = ()

    def message(self) -> str:
        where = f"{self.source}: column '{self.column}'" if self.column else self.source
        text = f"{where}: {self.rule}"
        if self.count:
            noun = "row breaks" if self.count == 1 else "rows break"
            text += f" ({self.count:,} {noun} this rule"
            if self.example is not None:
                text += f"; for example {format_row(self.example)}"
            text += ")"
        return text + "."


def format_row(row: Mapping[str, object]) -> str:
    """Render one row as ``col=value, ...`` with long values shortened."""
    parts = []
    for name, value in row.items():
        shown = repr(value) if isinstance(value, str) else str(value)
        if len(shown) > _EXAMPLE_VALUE_WIDTH:
            shown = shown[: _EXAMPLE_VALUE_WIDTH - 1] + "…"
        parts.append(f"{name}={shown}")
    return ", ".join(parts)


class InputError(ValueError):
    """An input file cannot be used; ``problems`` lists every broken rule found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(" ".join(problem.message() for problem in self.problems))


class ScenarioError(ValueError):
    """A scenario value is out of range, malformed, or does not fit the data."""
