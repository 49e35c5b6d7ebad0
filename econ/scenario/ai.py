"""What counts as AI revenue, and the AI costs that sit outside the ledger.

Article 001 splits AI revenue into three buckets. **Direct** AI revenue (an AI SKU, add-on,
seat, credit bundle or overage) is the cleanest numerator; **attributed** AI revenue (the
uplift of an AI plan over the plan it extends: "$275 − $200 = $75") may be used when the
allocation is defensible and documented; **influenced** revenue (renewals or deals AI helped
win) is tracked beside the others and never enters unit economics. An AI-native product, whose
whole price buys AI, counts all of its revenue. :class:`AiRevenue` says which the report uses.

Article 000 §2 extends unit profit with costs no usage ledger holds: the value of a model that
improves with use, the cost of its data, and the cost of maintaining it. :class:`AiUnitCosts`
holds them, each a company-wide amount per month that defaults to 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal, get_args

from econ.errors import ScenarioError
from econ.scenario.codec import Record
from econ.scenario.values import freeze, mapping, number, number_map

AiRevenueBasis = Literal["all", "direct", "attributed"]
AI_REVENUE_BASES: Final[tuple[AiRevenueBasis, ...]] = get_args(AiRevenueBasis)


@dataclass(frozen=True)
class AiRevenue(Record):
    """The revenue that compute-adjusted economics count as AI revenue (article 001).

    Attributes:
        basis: ``"all"``: every dollar of MRR (an AI-native product; the default).
            ``"direct"``: the revenue table's ``ai_revenue_usd`` column (AI add-ons, seats,
            credits, overage; an import can fill it from invoice lines tagged as AI), plus
            any usage billing the simulated price book adds. ``"attributed"``: on each AI
            plan's customer-months, that plan's uplift over its base (below), at most the
            month's MRR; every other plan's months count no AI revenue.
        uplift_over: ``{AI plan: base plan}``: the uplift is the AI plan's price minus the base
            plan's (each plan's price in the scenario, else its most common recorded MRR).
        uplift_usd: ``{AI plan: dollars per customer-month}``, for an AI plan whose base is
            not in the data; a plan named in both takes this amount.

    The revenue table's ``ai_influenced_usd`` column, when present, is reported beside these and
    never enters LTV, margins or recommendations, whatever the basis.
    """

    basis: AiRevenueBasis = "all"
    uplift_over: Mapping[str, str] = field(default_factory=dict)
    uplift_usd: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.basis not in AI_REVENUE_BASES:
            raise ScenarioError(
                f"ai_revenue.basis must be one of {list(AI_REVENUE_BASES)}, got {self.basis!r}"
            )
        over = mapping(self.uplift_over, "ai_revenue.uplift_over")
        for plan, base in over.items():
            if not isinstance(base, str) or not base:
                raise ScenarioError(
                    f"ai_revenue.uplift_over[{plan!r}] must name a base plan, got {base!r}"
                )
            if base == plan:
                raise ScenarioError(
                    f"ai_revenue.uplift_over[{plan!r}] names the plan itself: its uplift "
                    "would always be $0"
                )
        object.__setattr__(self, "uplift_over", freeze(dict(over)))
        object.__setattr__(self, "uplift_usd", number_map(self.uplift_usd, "ai_revenue.uplift_usd"))
        if self.basis == "attributed" and not (self.uplift_over or self.uplift_usd):
            raise ScenarioError(
                "ai_revenue.basis 'attributed' needs at least one AI plan: give its base plan "
                "(uplift_over) or its uplift in dollars (uplift_usd)"
            )

    @property
    def ai_plans(self) -> tuple[str, ...]:
        """The plans with an attributed uplift, sorted."""
        return tuple(sorted({*self.uplift_over, *self.uplift_usd}))


@dataclass(frozen=True)
class AiUnitCosts(Record):
    """Article 000's AI unit-profit inputs no ledger holds, in dollars per month for the
    whole company (each 0 until the user sets it, and labelled so wherever it is shown).

    Attributes:
        model_efficiency_value_usd: the value a model that improves with use creates (lower
            churn, higher conversion), as the user estimates it.
        data_acquisition_usd: labelling, storing, cleaning and sourcing training data.
        model_maintenance_usd: the people and engineering that maintain, retrain and monitor
            the models.
    """

    model_efficiency_value_usd: float = 0.0
    data_acquisition_usd: float = 0.0
    model_maintenance_usd: float = 0.0

    def __post_init__(self) -> None:
        for name in ("model_efficiency_value_usd", "data_acquisition_usd", "model_maintenance_usd"):
            object.__setattr__(self, name, number(getattr(self, name), f"ai_costs.{name}"))

    @property
    def all_zero(self) -> bool:
        return not (
            self.model_efficiency_value_usd
            or self.data_acquisition_usd
            or self.model_maintenance_usd
        )
