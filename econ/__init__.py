"""Unit economics of AI products: compute-adjusted LTV per segment and margin per AI feature.

A pure, typed computation package. Stage 1 (:func:`load_dataset`) reads and validates the usage
ledger and revenue table, rolls the ledger up and prepares the tables every scenario starts from
(kept in a rollup cache when given ``cache_dir``); stage 2 (:func:`analyze_dataset`) computes
every figure of a :class:`Report` for one :class:`Scenario`. :func:`analyze` does both. Stage 2
splits in two for callers that keep state: :func:`build_customer_months` (which depends only on
:func:`shaping` of the scenario) and :func:`analyze_customer_months`.
"""

from econ.decisions.compare import Comparison, Named, Option, compare, compare_scenarios
from econ.decisions.estimate import Estimate, estimate
from econ.decisions.freemium import FreeTier, free_tier
from econ.decisions.model_swap import ModelSwap, swap_model
from econ.decisions.pricing import BillChanges, Simulation, simulate
from econ.decisions.projection import PROJECTION_SCHEMA, Projection, project
from econ.decisions.recommend import Recommendation, recommend
from econ.decisions.response import Response
from econ.errors import (
    AccessDeniedError,
    DatasetNotFoundError,
    EconError,
    InputError,
    Problem,
    ReportRenderError,
    SavedScenarioNotFoundError,
    ScenarioError,
    StaleCustomerMonthsError,
    UnknownNameError,
)
from econ.inputs.imports import ImportSpec
from econ.inputs.imports.currencies import Currencies, parse_rates
from econ.inputs.ingest import (
    Dataset,
    IngestOptions,
    RevenueLoad,
    Source,
    UsageLoad,
    load_dataset,
    load_revenue,
    load_usage,
    rollup_usage,
)
from econ.inputs.sample import sample_paths, sample_scenario
from econ.inputs.spark_rollup import polars_rollup, spark_rollup
from econ.inputs.token_prices import ModelPrice
from econ.inputs.warehouse import RollupSql, rollup_sql
from econ.measures import LTV_CAC_BENCHMARK
from econ.model.acquisition import (
    AI_ADJUSTED_CAC_SCHEMA,
    AiAdjustedCac,
    TrialCompute,
    ai_adjusted_cac,
    trial_compute,
)
from econ.model.customer_months import CustomerMonths, Window, build_customer_months, shaping
from econ.model.features import FEATURE_SCHEMA, feature_table
from econ.model.report import Report, Totals, analyze, analyze_customer_months, analyze_dataset
from econ.model.retention.sbg import SbgFit, fit_sbg
from econ.model.retention.value import RETENTION_SCHEMA
from econ.model.scenario_fit import FittedScenario, fit_scenario
from econ.model.segments import SEGMENT_SCHEMA
from econ.scenario.ai import AiRevenue, AiRevenueBasis, AiUnitCosts
from econ.scenario.assumptions import Allocation, Cogs, Retention, Scenario
from econ.scenario.launch import Launch
from econ.scenario.levers import (
    ALL_FEATURES,
    Discount,
    Freemium,
    Levers,
    Optimize,
    Patch,
    PlanPrice,
    PriceBook,
    Route,
    TierBand,
    Tiers,
)
from econ.schema import CATEGORY_BANDS, Band
from econ.storage.access import Access, AccessStore, AuditEvent, SignedLink, User, may_open
from econ.storage.scenarios import SavedScenario, ScenarioStore

__all__ = [
    "AI_ADJUSTED_CAC_SCHEMA",
    "ALL_FEATURES",
    "CATEGORY_BANDS",
    "FEATURE_SCHEMA",
    "LTV_CAC_BENCHMARK",
    "PROJECTION_SCHEMA",
    "RETENTION_SCHEMA",
    "SEGMENT_SCHEMA",
    "Access",
    "AccessDeniedError",
    "AccessStore",
    "AiAdjustedCac",
    "AiRevenue",
    "AiRevenueBasis",
    "AiUnitCosts",
    "Allocation",
    "AuditEvent",
    "Band",
    "BillChanges",
    "Cogs",
    "Comparison",
    "Currencies",
    "CustomerMonths",
    "Dataset",
    "DatasetNotFoundError",
    "Discount",
    "EconError",
    "Estimate",
    "FittedScenario",
    "FreeTier",
    "Freemium",
    "ImportSpec",
    "IngestOptions",
    "InputError",
    "Launch",
    "Levers",
    "ModelPrice",
    "ModelSwap",
    "Named",
    "Optimize",
    "Option",
    "Patch",
    "PlanPrice",
    "PriceBook",
    "Problem",
    "Projection",
    "Recommendation",
    "Report",
    "ReportRenderError",
    "Response",
    "Retention",
    "RevenueLoad",
    "RollupSql",
    "Route",
    "SavedScenario",
    "SavedScenarioNotFoundError",
    "SbgFit",
    "Scenario",
    "ScenarioError",
    "ScenarioStore",
    "SignedLink",
    "Simulation",
    "Source",
    "StaleCustomerMonthsError",
    "TierBand",
    "Tiers",
    "Totals",
    "TrialCompute",
    "UnknownNameError",
    "UsageLoad",
    "User",
    "Window",
    "ai_adjusted_cac",
    "analyze",
    "analyze_customer_months",
    "analyze_dataset",
    "build_customer_months",
    "compare",
    "compare_scenarios",
    "estimate",
    "feature_table",
    "fit_sbg",
    "fit_scenario",
    "free_tier",
    "load_dataset",
    "load_revenue",
    "load_usage",
    "may_open",
    "parse_rates",
    "polars_rollup",
    "project",
    "recommend",
    "rollup_sql",
    "rollup_usage",
    "sample_paths",
    "sample_scenario",
    "shaping",
    "simulate",
    "spark_rollup",
    "swap_model",
    "trial_compute",
]
