"""How one file is read: its :class:`ImportSpec`, stored with the dataset."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from econ.errors import ScenarioError
from econ.inputs.imports.currencies import Currencies
from econ.inputs.token_prices import ModelPrice
from econ.scenario.values import freeze, known_keys, mapping, record_map

AUTO: Final = "auto"
NATIVE: Final = "native"
MAPPED: Final = "mapped"

Amounts = Literal["auto", "cents", "dollars"]
AMOUNTS: Final[tuple[Amounts, ...]] = ("auto", "cents", "dollars")


@dataclass(frozen=True)
class ImportSpec:
    """How to read one file.

    Attributes:
        format: a layout id (see :mod:`econ.inputs.imports.registry`), ``"native"`` (already the
            contract), ``"mapped"`` (use ``mapping``) or ``"auto"`` (detect from the columns).
        customer, feature: the sources of the customer and feature ids (usage files);
            ``None`` takes the layout's default, and a layout with none that fits refuses the
            file rather than guess.
        mapping: ``{contract column: file column}``. For mapped files it says where every
            contract column is; for native files it renames; on top of a detected layout it
            replaces what the layout would read for that column (``cost_usd``, ``plan``, …).
        amounts_in: whether revenue amounts are in ``"cents"`` or ``"dollars"``; ``"auto"``
            takes what the layout says (Stripe's API: cents; its Dashboard exports: dollars), or
            a header suffix such as ``(cents)``, or else the amounts themselves (a decimal point
            means dollars), with a warning when it had to look at the amounts.
        through: ``"YYYY-MM"``, the last month of subscriptions that have not ended (default:
            the usage ledger's last month).
        include_prorations: count proration lines as revenue.
        price_overrides: ``{model: ModelPrice}`` for rows priced from tokens.
        ai_lines: a regular expression (case-insensitive) for the revenue lines of a billing
            export (invoice lines, subscription items) that are AI revenue: an AI add-on, seat,
            credit bundle or overage. Lines whose plan or product name matches it fill the
            customer-month's ``ai_revenue_usd`` (direct AI revenue), and a customer-month's
            plan is then that of its largest other line. ``None``: no line is tagged.
        currencies: the reporting currency and the rates revenue in other currencies is
            converted at (:class:`~econ.inputs.imports.currencies.Currencies`; revenue files).
            ``None``: no rates given, so a file in a single currency is reported in it and one
            mixing currencies is refused.
    """

    format: str = AUTO
    customer: str | None = None
    feature: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    amounts_in: Amounts = "auto"
    through: str | None = None
    include_prorations: bool = False
    price_overrides: Mapping[str, ModelPrice] = field(default_factory=dict)
    ai_lines: str | None = None
    currencies: Currencies | None = None

    def __post_init__(self) -> None:
        if self.ai_lines is not None:
            object.__setattr__(self, "ai_lines", _ai_lines(self.ai_lines))
        object.__setattr__(self, "mapping", freeze(_text_map(self.mapping, "mapping")))
        if self.amounts_in not in AMOUNTS:
            raise ScenarioError(
                f"amounts_in must be one of {list(AMOUNTS)}, got {self.amounts_in!r}"
            )
        if self.through is not None and not _is_month(self.through):
            raise ScenarioError(f"through must be a month as YYYY-MM, got {self.through!r}")
        object.__setattr__(
            self,
            "price_overrides",
            record_map(self.price_overrides, "price_overrides", ModelPrice, ModelPrice.from_dict),
        )
        if self.currencies is not None and not isinstance(self.currencies, Currencies):
            object.__setattr__(self, "currencies", Currencies.from_dict(self.currencies))

    def to_dict(self) -> dict[str, Any]:
        # Currencies only when given, so that a spec without them keeps its dataset id.
        currencies = {} if self.currencies is None else {"currencies": self.currencies.to_dict()}
        return {
            "format": self.format,
            "customer": self.customer,
            "feature": self.feature,
            "mapping": dict(self.mapping),
            "amounts_in": self.amounts_in,
            "through": self.through,
            "include_prorations": self.include_prorations,
            "price_overrides": {k: v.to_dict() for k, v in self.price_overrides.items()},
            "ai_lines": self.ai_lines,
            **currencies,
        }

    @classmethod
    def from_dict(cls, data: object, what: str = "import") -> ImportSpec:
        allowed = list(cls.__dataclass_fields__)
        values = known_keys(data, what, allowed)
        return cls(**{k: v for k, v in values.items() if v is not None})


def _ai_lines(value: object) -> str | None:
    """The AI-lines pattern, checked to be a regular expression (blank means none)."""
    if not isinstance(value, str):
        raise ScenarioError(f"ai_lines must be a regular expression, got {value!r}")
    if not value.strip():
        return None
    try:
        re.compile(value)
    except re.error as error:
        raise ScenarioError(
            f"ai_lines {value!r} is not a regular expression ({error}); e.g. 'AI|assistant'"
        ) from None
    return value


def _is_month(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 7 or value[4] != "-":
        return False
    year, month = value[:4], value[5:]
    return year.isdigit() and month.isdigit() and 1 <= int(month) <= 12


def _text_map(value: object, what: str) -> dict[str, str]:
    items = mapping(value, what)
    for key, item in items.items():
        if not isinstance(item, str) or not item:
            raise ScenarioError(f"{what}[{key!r}] must be a column name, got {item!r}")
    return dict(items)
