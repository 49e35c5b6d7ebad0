"""The unit every figure is built from: the active customer-month.

An active customer-month (cm) is a revenue row inside the window whose MRR, after the scenario's
plan prices, is above zero. Each cm carries its customer's usage in that calendar month (UTC),
its segment, and the scenario's cost burdens for that segment. Usage that falls outside every
active cm (free trials, churned or unknown customers, zero-MRR months) is *unbilled*.

- :mod:`.build`: the customer-months themselves (:class:`Window`, :class:`CustomerMonths`,
  :func:`build_customer_months`, :func:`shaping`): window, prices, segments, churn flags and
  cost burdens.
- :mod:`.runs`: per-customer figures as sums over each customer's run of rows
  (:func:`per_customer`), and the usage tiers cut from them.
- :mod:`.cells`: feature cells, usage summed per plan × month × feature (:func:`cells_of`).
- :mod:`.ai_revenue`: the revenue unit economics count (all MRR, direct or attributed AI
  revenue: :data:`COUNTED_REVENUE_USD`).
- :mod:`.columns`: the column names the three share.
"""

from econ.model.customer_months.ai_revenue import (
    BASIS_TEXT,
    COUNTED_REVENUE_USD,
    Uplifts,
    basis_sentence,
    counted_revenue,
    list_prices,
    uplifts,
)
from econ.model.customer_months.build import (
    CustomerMonths,
    Window,
    build_customer_months,
    resolve_window,
    shaping,
)
from econ.model.customer_months.cells import CELL_COLUMNS, cells_of, usage_in_customer_months
from econ.model.customer_months.columns import (
    ALLOCATABLE_USD,
    AT_RISK,
    CHURNED,
    CM_CALLS,
    DIRECT_REVENUE_USD,
    INFERENCE_USD,
    SEGMENT,
    USAGE_REVENUE_USD,
)
from econ.model.customer_months.runs import (
    COHORT,
    CURRENT_SPELL,
    CUSTOMER_SPELLS_SCHEMA,
    MONTHLY_INFERENCE,
    SPELL,
    TIER_CORE,
    TIER_LIGHT,
    TIER_POWER,
    TIERS,
    per_customer,
)

__all__ = [
    "ALLOCATABLE_USD",
    "AT_RISK",
    "BASIS_TEXT",
    "CELL_COLUMNS",
    "CHURNED",
    "CM_CALLS",
    "COHORT",
    "COUNTED_REVENUE_USD",
    "CURRENT_SPELL",
    "CUSTOMER_SPELLS_SCHEMA",
    "DIRECT_REVENUE_USD",
    "INFERENCE_USD",
    "MONTHLY_INFERENCE",
    "SEGMENT",
    "SPELL",
    "TIERS",
    "TIER_CORE",
    "TIER_LIGHT",
    "TIER_POWER",
    "USAGE_REVENUE_USD",
    "CustomerMonths",
    "Uplifts",
    "Window",
    "basis_sentence",
    "build_customer_months",
    "cells_of",
    "counted_revenue",
    "list_prices",
    "per_customer",
    "resolve_window",
    "shaping",
    "uplifts",
    "usage_in_customer_months",
]
