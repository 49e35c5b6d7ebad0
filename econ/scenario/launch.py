"""A feature not launched yet, described for its pre-launch margin estimate (article 002).

Article 002 asks for a documented gross margin estimate before any new AI feature launches to a
tier, "based on estimated usage and known inference cost". A :class:`Launch` holds those
estimates: the feature's category (which sets its target band), the share of each plan's price
its perceived value justifies (willingness-to-pay allocation), its cost per use, and its
expected uses per customer-month per plan, given directly or as a share of an existing feature's
use. :func:`econ.decisions.estimate.estimate` turns it into margins; nothing here depends on
data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from econ.errors import ScenarioError
from econ.scenario.codec import Record
from econ.scenario.values import number, number_map
from econ.schema import CATEGORIES, Category

ANY_PLAN = "all"
"""The key of :attr:`Launch.uses` giving the uses of every plan not listed by name."""


@dataclass(frozen=True)
class Launch(Record):
    """A feature before launch.

    Attributes:
        name: the feature's name (also its key in ``Scenario.launches``).
        category: its category; the estimate is judged against that category's band.
        value_weight: the share (0 to under 1) of each plan's price the feature's perceived
            value justifies (article 002's willingness-to-pay allocation: 0.15 means 15% of a
            $100 price, $15).
        cost_per_use_usd: inference cost of one use (used when no ``model`` is given).
        model: a model whose list price (the ``genai-prices`` table, on the window's last
            month) costs each use from ``input_tokens`` and ``output_tokens`` instead; an
            unknown model is refused, never costed at $0.
        input_tokens, output_tokens: tokens of one use, for ``model``.
        uses: ``{plan: uses per customer-month}``; the ``"all"`` key sets the plans not listed.
        like_feature: an existing feature whose use the new one follows; when set, a plan's uses
            are ``like_share`` × that feature's calls per customer-month on the plan (a plan
            listed by name in ``uses`` keeps its own number; the ``"all"`` value is not used).
        like_share: the share of the existing feature's use the new feature gets (0 to 10).
    """

    name: str = "new_feature"
    category: Category = "core"
    value_weight: float = 0.1
    cost_per_use_usd: float = 0.0
    uses: Mapping[str, float] = field(default_factory=dict)
    like_feature: str | None = None
    like_share: float = 1.0
    model: str | None = None
    input_tokens: float = 0.0
    output_tokens: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ScenarioError(f"launch.name must be non-empty text, got {self.name!r}")
        if self.category not in CATEGORIES:
            raise ScenarioError(
                f"launch.category must be one of {list(CATEGORIES)}, got {self.category!r}"
            )
        object.__setattr__(
            self, "value_weight", number(self.value_weight, "launch.value_weight", high=0.99)
        )
        object.__setattr__(
            self, "cost_per_use_usd", number(self.cost_per_use_usd, "launch.cost_per_use_usd")
        )
        object.__setattr__(self, "uses", number_map(self.uses, "launch.uses"))
        if self.like_feature is not None and (
            not isinstance(self.like_feature, str) or not self.like_feature
        ):
            raise ScenarioError(
                f"launch.like_feature must be a feature id, got {self.like_feature!r}"
            )
        object.__setattr__(
            self, "like_share", number(self.like_share, "launch.like_share", high=10.0)
        )

        if self.model is not None and (not isinstance(self.model, str) or not self.model.strip()):
            raise ScenarioError(f"launch.model must be a model name, got {self.model!r}")
        for name in ("input_tokens", "output_tokens"):
            object.__setattr__(self, name, number(getattr(self, name), f"launch.{name}"))

    def uses_on(self, plan: str) -> float | None:
        """The uses per customer-month typed for ``plan`` (else the ``"all"`` value), or
        ``None`` when neither is given."""
        if plan in self.uses:
            return self.uses[plan]
        return self.uses.get(ANY_PLAN)
