"""The column names of a customer-month frame and of its usage, shared by the modules that
build them (:mod:`.build`), walk them per customer (:mod:`.runs`) and sum them per feature
(:mod:`.cells`)."""

from __future__ import annotations

from typing import Final

SEGMENT: Final = "segment"
INFERENCE_USD: Final = "inference_usd"
CM_CALLS: Final = "cm_calls"
ALLOCATABLE_USD: Final = "allocatable_usd"
"""The part of a cm's revenue split over features (all of it, unless a simulated price book
bills some of it per use: that part is the feature's own)."""
DIRECT_REVENUE_USD: Final = "direct_revenue_usd"
"""Revenue a usage row earns by itself (per-use prices in a simulation; 0 otherwise)."""
USAGE_REVENUE_USD: Final = "usage_revenue_usd"
"""A cell's share of its cms' allocatable revenue, split by calls (usage-weighted allocation)."""
CHURNED: Final = "churned"
AT_RISK: Final = "at_risk"
"""A cm whose month is not the window's last, so whether the customer stayed is observable."""
