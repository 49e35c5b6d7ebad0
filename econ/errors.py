"""Every error the package raises on purpose, each carrying a message written for its user.

One base class, :class:`EconError`, so a caller can catch everything the package refuses in one
``except`` clause. Each also derives from a built-in exception, so ``except ValueError`` (or
``KeyError``, ``LookupError``) catches it as well::

    EconError(Exception)
    ├── InputError(ValueError)            an input file breaks rules; carries each Problem
    ├── ScenarioError(ValueError)         a scenario value is out of range, malformed, or does
    │                                     not fit the data
    ├── DatasetNotFoundError(LookupError) no stored dataset has that id
    ├── SavedScenarioNotFoundError(LookupError)
    │                                     no saved scenario of the dataset has that name or id
    ├── StoreWriteError                   an upload can be neither stored nor read from memory
    ├── AccessDeniedError                 the signed-in user (or a signed link) may not open a
    │                                     dataset; names its owner, never its files or features
    ├── UnknownNameError(KeyError)        a report has no segment or feature of that name
    ├── StaleCustomerMonthsError(ValueError)
    │                                     customer-months built for another scenario's shaping
    └── ReportRenderError                 the board pack cannot be rendered in that format here
                                          (the PDF needs the system's Pango)

The CLI turns every :class:`EconError` into exit code 2 and the app into
an error box. ``str()`` of an :class:`UnknownNameError` quotes its message, as every
:class:`KeyError`'s does; ``args[0]`` holds the words alone.
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


class EconError(Exception):
    """The base of every error the package raises on purpose; its message is for the user."""


class InputError(EconError, ValueError):
    """An input file cannot be used; ``problems`` lists every broken rule found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(" ".join(problem.message() for problem in self.problems))


class ScenarioError(EconError, ValueError):
    """A scenario value is out of range, malformed, or does not fit the data."""


class DatasetNotFoundError(EconError, LookupError):
    """No dataset with that id is stored (it was deleted, or the link came from elsewhere)."""


class SavedScenarioNotFoundError(EconError, LookupError):
    """No scenario saved for the dataset has that name or id (it was deleted, renamed away, or
    saved for other data); the message lists the names that are saved."""


class StoreWriteError(EconError):
    """An upload cannot even be read: neither the data directory nor a temporary folder can be
    written, and its files cannot be read from memory. Its message, for the user, is a rule
    the upload breaks ("cannot be read now: ...")."""


class AccessDeniedError(EconError):
    """A dataset may not be opened by whoever asks: it is not shared with them, a signed link is
    expired, changed, revoked or made for other data, or its access record cannot be read (then
    nobody may open it). The message says why in words safe to show to anyone: it never names
    the dataset's files or features. ``owner_name`` is who to ask for access, when known."""

    def __init__(self, message: str, owner_name: str | None = None) -> None:
        super().__init__(message)
        self.owner_name = owner_name


class UnknownNameError(EconError, KeyError):
    """A report was asked for a segment or feature it does not have ("no segment 'x'; segments
    are [...]")."""


class ReportRenderError(EconError):
    """The board pack cannot be rendered in the format asked for on this machine (the PDF
    needs the system's Pango library); the message names what to install."""


class StaleCustomerMonthsError(EconError, ValueError):
    """Customer-months were built for another scenario's shaping part (window, prices,
    segmentation or burdens) than the one they are asked to report on."""
