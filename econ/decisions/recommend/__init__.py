"""Recommendations: what to gate, include, meter, remove, reroute, optimize or reprice, each
with the arithmetic behind it and its monthly dollar impact on the window's own history.

One module per family of levers, each with its formulas:

- :mod:`.losing_features`: a feature losing money on a plan — include an allowance and bill
  the overage (**allowance**), gate it to a higher plan where it meets its target (**gate**),
  or remove it when not even one use pays for itself (**remove**).
- :mod:`.tiers`: a feature below target with long-tailed usage — graduated tiers instead of
  one flat price (**graduated**).
- :mod:`.fair_use`: customers who cost more than they pay — a monthly AI-usage threshold with
  the cost above it billed (**fair_use**).
- :mod:`.ltv_cac`: a segment below 3:1 LTV:CAC, with the churn or CAC that reaches it
  (**ltv_cac**).
- :mod:`.cost_levers`: cheaper inference — route calls to a cheaper model (**route**), or
  invest in optimizing a feature (**optimize**).
- :mod:`.price_signals`: a widely used feature far above its band (**price_signal**).

:mod:`.recommendation` holds the :class:`Recommendation` type and what every family reads;
:mod:`.ranking` runs the families and ranks what they find (:func:`recommend`).
"""

from econ.decisions.recommend.ranking import recommend
from econ.decisions.recommend.recommendation import Recommendation

__all__ = ["Recommendation", "recommend"]
