"""Every assumption behind a report, in one frozen value that round-trips through JSON.

The app's controls, the share link and the CLI's ``--scenario file.json`` all read and write a
:class:`Scenario`; nothing else carries assumptions. Values are checked when the scenario is
built (ranges, formats); what depends on the data (does the segment column exist?) is checked
by :func:`econ.analyze`. Both raise :class:`~econ.errors.ScenarioError` with a readable message.
The JSON form is :mod:`econ.scenario.codec`'s, every record of the tree alike, with the
scenario's ``version`` as its first key.

Per-segment values (``churn``, ``cac_usd``, each ``cogs`` burden) are a number for every segment
or a map ``{segment: number}``. How a map is read:

- ``churn``: a listed segment uses its rate; an unlisted one uses the rate estimated from the
  data. The ``"all"`` key sets the blended row's rate (otherwise estimated over all customers).
- ``cac_usd``: a listed segment uses its CAC, an unlisted one the ``"all"`` value, else none.
  The blended row uses ``"all"``, else the customer-weighted CAC of the segments.
- ``cogs`` burdens: a listed segment uses its value, an unlisted one the ``"all"`` value, else 0
  (with a warning). The blended row is always the customer-month-weighted mean.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias, cast, get_args

from econ.errors import ScenarioError
from econ.scenario.ai import AiRevenue, AiUnitCosts
from econ.scenario.codec import Record, read_fields, to_plain
from econ.scenario.launch import Launch
from econ.scenario.levers import Levers, PriceBook
from econ.scenario.values import (
    LARGEST,
    freeze,
    number,
    number_map,
    parse_json,
    record_map,
)
from econ.schema import (
    CATEGORIES,
    CATEGORY_BANDS,
    EARLIEST_MONTH,
    USAGE_TIER,
    Category,
)

SCENARIO_VERSION: Final = 1
"""Bumped when a field changes meaning; new optional fields do not bump it."""

ALL: Final = "all"
"""The key of the blended row in per-segment maps."""

PerSegment: TypeAlias = float | Mapping[str, float]
AllocationMethod = Literal["usage", "custom"]

_MONTH_PATTERN: Final = re.compile(r"([0-9]{4})-([0-9]{2})")


def _per_segment(value: object, what: str, *, high: float = LARGEST) -> PerSegment:
    if isinstance(value, Mapping):
        return number_map(value, what, high=high)
    return number(value, what, high=high)


@dataclass(frozen=True)
class Allocation(Record):
    """How each customer-month's revenue is split over features.

    ``usage``: by the customer-month's share of calls. ``custom``: by ``weights`` (normalized, so
    any positive scale works; features missing from the map get nothing).
    """

    method: AllocationMethod = "usage"
    weights: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.method not in get_args(AllocationMethod):
            raise ScenarioError(
                f"allocation.method must be 'usage' or 'custom', got {self.method!r}"
            )
        weights = number_map(self.weights, "allocation.weights")
        object.__setattr__(self, "weights", weights)
        if self.method == "custom" and not any(weight > 0 for weight in weights.values()):
            raise ScenarioError(
                "allocation.weights must give at least one feature a weight above zero "
                "when allocation.method is 'custom'"
            )


@dataclass(frozen=True)
class Cogs(Record):
    """Cost burdens per active customer-month, in dollars, besides inference.

    ``ai_infra_usd``, ``support_usd`` and ``cs_usd`` enter compute-adjusted gross profit;
    ``hosting_usd`` (hosting/DevOps) replaces inference and AI infra in the traditional view.
    """

    ai_infra_usd: PerSegment = 0.0
    support_usd: PerSegment = 0.0
    cs_usd: PerSegment = 0.0
    hosting_usd: PerSegment = 0.0

    def __post_init__(self) -> None:
        for burden in fields(self):
            value = getattr(self, burden.name)
            object.__setattr__(self, burden.name, _per_segment(value, f"cogs.{burden.name}"))


BURDENS: Final = tuple(burden.name for burden in fields(Cogs))

LtvMethod = Literal["simple", "sbg"]
LTV_METHODS: Final[tuple[LtvMethod, ...]] = get_args(LtvMethod)


@dataclass(frozen=True)
class Retention(Record):
    """How retention is modelled and lifetime value discounted.

    Attributes:
        ltv_method: the LTV that LTV:CAC and payback use: ``simple`` (monthly gross profit ÷
            monthly churn, the reference article's formula) or ``sbg`` (monthly gross profit ×
            the discounted expected lifetime of the segment's fitted shifted-beta-geometric
            retention curve).
        discount_rate: the annual rate that discounts future gross profit in the ``sbg`` LTV and
            the value of the existing base (converted to a monthly rate).
        new_customers_per_month: new customers a month in the 12-month projection; ``None``
            uses the recent acquisition rate of the data.
        trend_months: the months at the end of the window the compute-spiral trends are fitted
            on (:mod:`econ.present.spiral`), 2 to 24.
    """

    ltv_method: LtvMethod = "simple"
    discount_rate: float = 0.10
    new_customers_per_month: float | None = None
    trend_months: int = 6

    def __post_init__(self) -> None:
        if isinstance(self.trend_months, bool) or not isinstance(self.trend_months, int | float):
            raise ScenarioError(
                f"retention.trend_months must be a whole number, got {self.trend_months!r}"
            )
        if self.trend_months != int(self.trend_months) or not 2 <= self.trend_months <= 24:
            raise ScenarioError(
                "retention.trend_months must be a whole number from 2 to 24, "
                f"got {self.trend_months!r}"
            )
        object.__setattr__(self, "trend_months", int(self.trend_months))
        if self.ltv_method not in LTV_METHODS:
            raise ScenarioError(
                f"retention.ltv_method must be 'simple' or 'sbg', got {self.ltv_method!r}"
            )
        object.__setattr__(
            self,
            "discount_rate",
            number(self.discount_rate, "retention.discount_rate", low=0.0, high=1.0),
        )
        if self.new_customers_per_month is not None:
            object.__setattr__(
                self,
                "new_customers_per_month",
                number(self.new_customers_per_month, "retention.new_customers_per_month"),
            )


@dataclass(frozen=True)
class Scenario:
    """Every assumption of a report. See the module docstring for per-segment maps.

    Attributes:
        segment_by: ``"usage_tier"``, ``"plan"`` or a segment column of the revenue table.
        usage_tier_percentiles: the two percentiles of per-customer monthly inference cost that
            split light / core / power users.
        allocation: how revenue is split over features.
        churn: monthly revenue churn (0 to 1); ``None`` estimates it from the data.
        cac_usd: customer acquisition cost; ``None`` leaves LTV:CAC and payback undefined.
        cogs: burdens per customer-month besides inference.
        prices: ``{plan: monthly price}`` replacing the recorded MRR of that plan's months.
        months: inclusive ``("YYYY-MM", "YYYY-MM")`` window; ``None`` means every revenue month.
        feature_categories: ``{feature_id: category}``; unlisted features are ``core``.
        targets: ``{feature_id: gross margin}`` a feature should reach; unlisted features aim at
            the low end of their category's band.
        price_book: the pricing the simulator applies to history (see :mod:`econ.scenario.levers`).
        levers: inputs of the recommendations (routing, optimization, fair use).
        retention: the LTV method, the discount rate, the projection's acquisition rate and
            the compute-spiral trend's months.
        launches: ``{name: Launch}``, features not launched yet, for their pre-launch estimate
            (see :mod:`econ.scenario.launch`).
        ai_revenue: what counts as AI revenue: all MRR, the direct AI revenue column, or an AI
            plan's attributed uplift (see :mod:`econ.scenario.ai`).
        ai_costs: the AI unit-profit inputs no ledger holds (model-efficiency value, data
            acquisition, model maintenance), per month; 0 by default.
    """

    segment_by: str = USAGE_TIER
    usage_tier_percentiles: tuple[float, float] = (50.0, 90.0)
    allocation: Allocation = field(default_factory=Allocation)
    churn: PerSegment | None = None
    cac_usd: PerSegment | None = None
    cogs: Cogs = field(default_factory=Cogs)
    prices: Mapping[str, float] = field(default_factory=dict)
    months: tuple[str, str] | None = None
    feature_categories: Mapping[str, Category] = field(default_factory=dict)
    targets: Mapping[str, float] = field(default_factory=dict)
    price_book: PriceBook = field(default_factory=PriceBook)
    levers: Levers = field(default_factory=Levers)
    retention: Retention = field(default_factory=Retention)
    launches: Mapping[str, Launch] = field(default_factory=dict)
    ai_revenue: AiRevenue = field(default_factory=AiRevenue)
    ai_costs: AiUnitCosts = field(default_factory=AiUnitCosts)

    def __post_init__(self) -> None:
        if not isinstance(self.segment_by, str) or not self.segment_by:
            raise ScenarioError(f"segment_by must be a column name, got {self.segment_by!r}")
        self._check_percentiles()
        if self.churn is not None:
            object.__setattr__(self, "churn", _per_segment(self.churn, "churn", high=1.0))
        if self.cac_usd is not None:
            object.__setattr__(self, "cac_usd", _per_segment(self.cac_usd, "cac_usd"))
        object.__setattr__(self, "prices", number_map(self.prices, "prices"))
        if self.months is not None:
            object.__setattr__(self, "months", _check_months(self.months))
        object.__setattr__(self, "feature_categories", _check_categories(self.feature_categories))
        object.__setattr__(self, "targets", number_map(self.targets, "targets", high=0.99))
        self._read_records()
        launches = record_map(self.launches, "launches", Launch, Launch.from_dict)
        for key, launch in launches.items():
            if launch.name != key:
                raise ScenarioError(
                    f"launches[{key!r}] is named {launch.name!r}; a launch is keyed by its name"
                )
        object.__setattr__(self, "launches", launches)

    def _read_records(self) -> None:
        """The nested records, read from plain values when they were given as such."""
        records: tuple[tuple[str, type[Record]], ...] = (
            ("price_book", PriceBook),
            ("levers", Levers),
            ("retention", Retention),
            ("ai_revenue", AiRevenue),
            ("ai_costs", AiUnitCosts),
        )
        for name, kind in records:
            value = getattr(self, name)
            if not isinstance(value, kind):
                object.__setattr__(self, name, kind.from_dict(value, name))

    def _check_percentiles(self) -> None:
        pair = self.usage_tier_percentiles
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ScenarioError(f"usage_tier_percentiles must be two numbers, got {pair!r}")
        low = number(pair[0], "usage_tier_percentiles[0]", high=100.0)
        high = number(pair[1], "usage_tier_percentiles[1]", high=100.0)
        if not 0 < low < high < 100:
            raise ScenarioError(
                "usage_tier_percentiles must rise strictly between 0 and 100 "
                f"(e.g. [50, 90]), got [{low:g}, {high:g}]"
            )
        object.__setattr__(self, "usage_tier_percentiles", (low, high))

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    def category_of(self, feature_id: str) -> Category:
        return self.feature_categories.get(feature_id, "core")

    def target_of(self, feature_id: str) -> float:
        """The gross margin a feature should reach: its own target, else its band's low end."""
        if feature_id in self.targets:
            return self.targets[feature_id]
        return CATEGORY_BANDS[self.category_of(feature_id)].low

    # --- JSON ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values; :meth:`from_dict` turns them back into an equal scenario."""
        return {"version": SCENARIO_VERSION, **to_plain(self)}

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False, allow_nan=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """Build from plain values; missing keys take their defaults, unknown keys are refused."""
        _check_keys(data, known=[item.name for item in fields(cls)])
        _check_version(data.get("version", SCENARIO_VERSION))
        return cls(**read_fields(cls, data, ""))

    @classmethod
    def from_json(cls, text: str | bytes) -> Scenario:
        return cls.from_dict(parse_json(text, "the scenario"))


SHAPES_CUSTOMER_MONTHS: Final[Mapping[str, bool]] = MappingProxyType(
    {
        "segment_by": True,  # which segment each customer-month falls in
        "usage_tier_percentiles": True,  # where the usage tiers split
        "allocation": False,
        "churn": False,
        "cac_usd": False,
        "cogs": True,  # the burdens added to each customer-month's cost
        "prices": True,  # each customer-month's revenue
        "months": True,  # which customer-months there are
        "feature_categories": False,
        "targets": False,
        "price_book": False,
        "levers": False,
        "retention": False,
        "launches": False,
        "ai_revenue": True,  # which part of each customer-month's revenue is AI revenue
        "ai_costs": False,
    }
)
"""Whether each field of :class:`Scenario` shapes the customer-months built from it
(:func:`econ.model.customer_months.shaping`); the others only change what is computed from
them, so a change of those reuses the customer-months. Every field is listed (a test holds it)."""

SHAPING_FIELDS: Final = tuple(name for name, shapes in SHAPES_CUSTOMER_MONTHS.items() if shapes)
"""The fields that shape the customer-months, in declaration order."""


def _check_keys(data: object, known: list[str]) -> None:
    """A scenario document is an object whose keys are the fields (and ``version``)."""
    if not isinstance(data, Mapping):
        raise ScenarioError(f"a scenario must be a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - {*known, "version"})
    if unknown:
        raise ScenarioError(f"unknown scenario keys {unknown}; the keys are {sorted(known)}")


def _check_version(version: object) -> None:
    """Documents of this version or older are read; a newer one is refused, not misread."""
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ScenarioError(f"scenario version must be a positive integer, got {version!r}")
    if version > SCENARIO_VERSION:
        raise ScenarioError(
            f"this scenario was written by a newer version (v{version}); "
            f"this version reads up to v{SCENARIO_VERSION}"
        )


def _check_months(value: object) -> tuple[str, str]:
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise ScenarioError(f'months must be ["YYYY-MM", "YYYY-MM"], got {value!r}')
    for item in value:
        match = _MONTH_PATTERN.fullmatch(item) if isinstance(item, str) else None
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise ScenarioError(f'months must be ["YYYY-MM", "YYYY-MM"], got {item!r}')
        if int(match.group(1)) < EARLIEST_MONTH.year:  # no data is older; year 0 is no date
            raise ScenarioError(f"months must fall in {EARLIEST_MONTH.year} or later, got {item!r}")
    start, end = cast(tuple[str, str], tuple(value))
    if start > end:
        raise ScenarioError(f"months must run forward: {start} is after {end}")
    return start, end


def _check_categories(value: object) -> Mapping[str, Category]:
    if not isinstance(value, Mapping):
        raise ScenarioError(f"feature_categories must be a map, got {value!r}")
    for feature, category in value.items():
        if category not in CATEGORIES:
            raise ScenarioError(
                f"feature_categories[{feature!r}] must be one of {list(CATEGORIES)}, "
                f"got {category!r}"
            )
    return freeze(value)
