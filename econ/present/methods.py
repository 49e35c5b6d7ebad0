"""The formulas of the Methods page, each tied to the one function that computes it.

The Methods page shows these formulas, the README's Definitions section names the same
functions, and a test checks all three agree: a formula cannot be shown without the function
behind it, and a function cannot be renamed without the page and the README following.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import polars as pl

from econ.present.labels import category_label
from econ.schema import CATEGORY_BANDS


@dataclass(frozen=True, slots=True)
class Formula:
    """One formula as the Methods page shows it.

    Attributes:
        key: a short stable name.
        latex: the formula, as LaTeX.
        functions: dotted paths of the functions that compute it, the defining one first.
    """

    key: str
    latex: str
    functions: tuple[str, ...]

    @property
    def caption(self) -> str:
        """The line under the formula naming its functions."""
        return "Computed by " + " and ".join(f"`{name}`" for name in self.functions) + "."


def resolve(dotted: str) -> Callable[..., Any]:
    """The function a dotted path names (``econ.measures.gross_profit``)."""
    module, _, name = dotted.rpartition(".")
    found: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return found


def _m(name: str) -> str:
    return f"econ.measures.{name}"


_SBG: Final = "econ.model.retention.sbg"


FORMULAS: Final = (
    Formula(
        "token_cost",
        r"\text{cost} = (n_\text{in} - n_\text{cached})\,p_\text{in} + n_\text{cached}\,"
        r"p_\text{cached} + n_\text{out}\,p_\text{out}",
        (_m("token_cost"),),
    ),
    Formula(
        "gross_profit",
        r"\text{GP} = \text{ARPA} - \text{inference} - \text{AI infra} - \text{support}"
        r" - \text{CS}",
        (_m("gross_profit"), _m("compute_burdens")),
    ),
    Formula(
        "ai_revenue",
        r"R_\text{AI} = \min(P_\text{AI plan} - P_\text{base plan},\ \text{MRR}) \qquad "
        r"R_\text{AI} = \min(\text{direct AI revenue},\ \text{MRR})",
        (
            _m("attributed_uplift"),
            "econ.model.customer_months.ai_revenue.counted_revenue",
            "econ.model.customer_months.ai_revenue.uplifts",
        ),
    ),
    Formula(
        "gross_margin",
        r"\text{gross margin} = \frac{\text{GP}}{\text{ARPA}} \qquad "
        r"\text{inference share} = \frac{\text{inference}}{\text{ARPA}}",
        (_m("gross_margin"), _m("inference_share")),
    ),
    Formula(
        "churn",
        r"\text{churn} = \frac{\sum \text{MRR of customer-months whose customer is gone"
        r" the next month}}{\sum \text{MRR of all customer-months before the window's last month}}",
        (_m("revenue_churn"),),
    ),
    Formula(
        "blended_churn",
        r"\text{churn}_\text{all} = \frac{\sum_s \text{churn}_s \times \text{MRR at risk}_s}"
        r"{\sum_s \text{MRR at risk}_s}\quad\text{(once a segment's rate is set)}",
        (_m("blended_churn"),),
    ),
    Formula(
        "ltv_revenue",
        r"\text{LTV}_\text{revenue} = \frac{\text{ARPA}}{\text{churn}}",
        (_m("lifetime_value"),),
    ),
    Formula(
        "ltv_traditional",
        r"\text{LTV}_\text{traditional} = \frac{\text{ARPA} - \text{hosting} - \text{support}"
        r" - \text{CS}}{\text{churn}}",
        (_m("lifetime_value"), _m("traditional_profit")),
    ),
    Formula(
        "ltv_compute_adjusted",
        r"\text{LTV}_\text{compute-adjusted} = \frac{\text{GP}}{\text{churn}}",
        (_m("lifetime_value"), _m("gross_profit")),
    ),
    Formula(
        "ltv_cac",
        r"\text{LTV:CAC} = \frac{\text{LTV}_\text{compute-adjusted}}{\text{CAC}} \qquad "
        r"\text{payback} = \frac{\text{CAC}}{\text{GP}}\ \text{months}",
        (_m("ltv_cac"), _m("payback_months")),
    ),
    Formula(
        "feature_revenue",
        r"\text{revenue}_f = \sum_{\text{customer-months}} \text{MRR} \times"
        r"\frac{\text{calls}_f}{\text{calls}} \quad\text{(usage)}\qquad "
        r"\text{revenue}_f = \sum \text{MRR} \times \frac{w_f}{\sum_g w_g} \quad\text{(custom)}",
        ("econ.model.features.feature_table",),
    ),
    Formula(
        "feature_margin",
        r"\text{margin}_f = \frac{\text{revenue}_f - \text{cost}_f}{\text{revenue}_f} \qquad "
        r"\text{cost per call}_f = \frac{\text{cost}_f}{\text{calls}_f}",
        (_m("gross_margin"), _m("cost_per_call")),
    ),
    Formula(
        "feature_status",
        r"\text{status}_f = \begin{cases} \text{negative} & \text{GP}_f < 0 \\"
        r" \text{act} & \text{margin}_f < \text{act below} \\"
        r" \text{watch} & \text{margin}_f < \text{band low} \\"
        r" \text{above band} & \text{margin}_f > \text{band high} \\"
        r" \text{ok} & \text{otherwise} \end{cases}",
        (_m("feature_status"), _m("feature_status_expr")),
    ),
    Formula(
        "minimum_price",
        r"\text{minimum tier price} = \frac{c}{s\,(1 - t)}",
        (_m("minimum_price"),),
    ),
    Formula(
        "allowance",
        r"N_\text{included} = \left\lfloor \frac{R\,(1 - t)}{u} \right\rfloor \qquad "
        r"\text{overage price} = \frac{u}{1 - t}",
        (_m("included_uses"), _m("overage_price")),
    ),
    Formula(
        "optimization_roi",
        r"\text{optimization ROI} = \frac{(u - u_\text{after}) \times \text{monthly calls}"
        r" \times 12}{\text{engineering investment}}",
        (_m("optimization_roi"),),
    ),
    Formula(
        "routing",
        r"\text{cost factor} = 1 - \sigma + \sigma\rho",
        (_m("routed_cost_factor"),),
    ),
    Formula(
        "model_swap",
        r"\text{swap multiplier} = \frac{\sum_t \Big[(n_\text{in} - n_\text{cached})\,"
        r"p_\text{in}(M, t) + n_\text{cached}\,p_\text{cached}(M, t) + n_\text{out}\,"
        r"p_\text{out}(M, t)\Big]}{\sum_t \text{recorded cost}_t}",
        ("econ.decisions.model_swap.swap_model", _m("token_cost")),
    ),
    Formula(
        "grr_nrr",
        r"\text{GRR} = \frac{\text{start} - \text{churned} - \text{contraction}}{\text{start}}"
        r"\qquad \text{NRR} = \frac{\text{start} - \text{churned} - \text{contraction}"
        r" + \text{expansion}}{\text{start}}",
        ("econ.model.retention.cohorts.monthly_grr_nrr",),
    ),
    Formula(
        "sbg_survival",
        r"S(t) = \frac{B(\alpha, \beta + t)}{B(\alpha, \beta)} \qquad "
        r"r_t = \frac{\beta + t - 1}{\alpha + \beta + t - 1}",
        (f"{_SBG}.survival", f"{_SBG}.retention_rate"),
    ),
    Formula(
        "sbg_likelihood",
        r"LL(\alpha, \beta) = \sum_{\text{cohorts}} \Big[\sum_{t=1}^{T} n_t \ln P(T = t)"
        r" + n_{T} \ln S(T)\Big] \qquad P(T = t) = \frac{B(\alpha + 1, \beta + t - 1)}"
        r"{B(\alpha, \beta)}",
        (f"{_SBG}.fit_sbg",),
    ),
    Formula(
        "sbg_ltv",
        r"\text{LTV}_\text{sBG} = \text{GP} \times \text{DEL} \qquad "
        r"\text{DEL} = \sum_{t=0}^{\infty} \frac{S(t)}{(1 + d)^{t}}",
        (f"{_SBG}.discounted_expected_lifetime", "econ.model.retention.value.retention_table"),
    ),
    Formula(
        "residual_value",
        r"\text{value of the base} = \sum_{i} \text{GP}_i \times \text{DERL}(d \mid n_i)"
        r"\qquad \text{DERL}(d \mid n) = \sum_{t=n+1}^{\infty} \frac{S(t)}{S(n)}"
        r"\,(1 + d)^{-(t - n - 1)}",
        (f"{_SBG}.discounted_expected_residual_lifetime",),
    ),
    Formula(
        "sbg_payback",
        r"\text{payback}_\text{sBG} = \min\Big\{n : \text{GP} \sum_{t=0}^{n-1} S(t)"
        r" \ge \text{CAC}\Big\}",
        (f"{_SBG}.payback_months",),
    ),
    Formula(
        "response",
        r"p_i = \min\big(1,\ e \times \max(0,\ x_i - \tau)\big) \qquad "
        r"\text{LTV}_\text{response} = \text{LTV}_\text{simulated} \times"
        r" \Big(1 - \frac{\sum_{i \in s} p_i}{\text{customers}_s}\Big)",
        ("econ.decisions.response.leave_probability", "econ.decisions.response.respond"),
    ),
    Formula(
        "projection",
        r"C_g(k) = \sum_{i \in g} r_g(n_i, k) + A_g \sum_{j=1}^{k} r_g(0, k - j) \qquad "
        r"u_{g,f}(k) = e^{a + b k},\ |b| \le \ln 1.25",
        ("econ.decisions.projection.project",),
    ),
    Formula(
        "kpi_change",
        r"\Delta_\text{MoM} = \frac{x_t - x_{t-1}}{x_{t-1}} \qquad "
        r"\Delta_\text{QoQ} = \frac{\sum_{t-2}^{t} x - \sum_{t-5}^{t-3} x}{\sum_{t-5}^{t-3} x}"
        r"\qquad \Delta_\text{margin} = m_t - m_{t-1}\ \text{(points)}",
        ("econ.present.kpis.change", "econ.present.kpis.kpis_of"),
    ),
    Formula(
        "customer_flows",
        r"\text{customers}_t = \text{customers}_{t-1} + \text{new}_t + \text{returning}_t"
        r" - \text{churned}_t",
        ("econ.present.company.customer_flows",),
    ),
    Formula(
        "compute_spiral",
        r"g = \frac{x_t - x_{t-1}}{x_{t-1}} \qquad \text{gap}_{f,t} = g^\text{cost}_{f,t}"
        r" - g^\text{revenue}_{f,t} \qquad \text{spiral when }\text{cost}_{f,t} >"
        r" \text{cost}_{f,t-1}\text{ and }\text{gap}_{f,t} > 0",
        (_m("spiral_gap"), "econ.present.company.feature_costs"),
    ),
    Formula(
        "spiral_trend",
        r"\ln u_t = a + b\,t \qquad g = e^{b} - 1 \qquad \text{spiral when } g^\text{cost} > 0"
        r"\text{ and } g^\text{cost} - g^\text{revenue} > 0 \qquad"
        r" \text{margin}_h = 1 - \frac{c\,(1 + g^\text{cost})^h}{r\,(1 + g^\text{revenue})^h}",
        (_m("trend_margin"), "econ.present.spiral.spiral_trends"),
    ),
    Formula(
        "finding_rank",
        r"\text{at stake}_{<3:1} = \frac{3\,\text{CAC} - \text{LTV}}{L}"
        r" \times \frac{\text{customer-months}}{\text{months}} \qquad "
        r"L = \frac{1}{\text{churn}}\ \text{or DEL}",
        (_m("gross_profit_gap_to_ltv_cac"), "econ.present.findings.choose"),
    ),
    Formula(
        "bill",
        r"\text{bill} = (1 - d)\Big[\text{base} + p^\text{seat} \max(s, s_\min)"
        r" + \max\big(C,\ U\big) + \frac{\max(0, \text{inference} - T)}{1 - m}\Big]"
        r" \qquad U = \sum_f \big[p^\text{over}_f \max(0, n_f - N_f) + p^\text{use}_f\, n_f"
        r" + \text{tiers}_f(q_f) + p^\text{out}_f\, o_f\big]",
        (
            "econ.decisions.pricing.simulated_customer_months",
            _m("seat_charge"),
            _m("tiered_charge"),
            _m("committed_bill"),
            _m("committed_revenue"),
            _m("fair_use_charge"),
        ),
    ),
    Formula(
        "currency",
        r"\text{amount}_\text{reporting} = \text{amount}_c \times r_c(t) \qquad "
        r"r_\text{reporting} = 1",
        ("econ.inputs.imports.currencies.convert",),
    ),
    Formula(
        "free_tier",
        r"\text{cost per converted customer} = \frac{\sum \text{free-tier inference}}"
        r"{\text{free customers} \times \text{conversion rate}} \qquad "
        r"\text{capped cost} = \sum \text{cost} \times \min\Big(1, \frac{\text{cap}}{n}\Big)",
        ("econ.decisions.freemium.free_tier", _m("cost_per_conversion"), _m("capped_share")),
    ),
    Formula(
        "launch_estimate",
        r"R_\text{new} = w \times \text{ARPA}_p \qquad C_\text{new} = n_p \times u "
        r"\qquad m_p^\text{after} = \frac{\text{GP}_p - C_\text{new}}{\text{ARPA}_p}",
        ("econ.decisions.estimate.estimate",),
    ),
    Formula(
        "ai_adjusted_cac",
        r"\text{CAC}_\text{AI} = \text{CAC} + \frac{\text{trial compute}_s + "
        r"\sum_t F_t \frac{a_{s,t}}{a_t}}{a_s}",
        ("econ.model.acquisition.ai_adjusted_cac",),
    ),
    Formula(
        "scorecard",
        r"\text{margin per call} = \frac{R_f - C_f}{n_f} \qquad "
        r"\text{tokens per dollar} = \frac{t_\text{in} + t_\text{out}}{C_{f,\text{tokens known}}}",
        (_m("inference_margin_per_call"), _m("tokens_per_dollar"), _m("cost_per_call")),
    ),
    Formula(
        "cost_per_outcome",
        r"\text{cost per outcome}_f = \frac{C_f}{o_f} \qquad "
        r"\text{success rate}_f = \frac{o_f}{n_f}",
        (_m("cost_per_outcome"), _m("share")),
    ),
    Formula(
        "ai_unit_profit",
        r"\text{AI unit profit} = L\,(R - S - \text{CS}) + \frac{\text{MEV}}{N}L"
        r" - L\,(I + \text{AI infra}) - \frac{\text{DAC}}{N}L - \frac{\text{MMC}}{N}L"
        r" \qquad L = \frac{1}{\text{churn}}",
        (_m("ai_unit_profit"), "econ.present.scorecard.unit_profit_table"),
    ),
    Formula(
        "ltv_diagnosis",
        r"\text{CV} = \frac{\text{std}(c_i)}{\text{mean}(c_i)} \qquad "
        r"\text{matters if } \frac{C}{R} > 10\% \text{ or CV} > 1;\ "
        r"\text{enough if } \frac{C}{R} < 5\% \text{ and CV} \le 1",
        (_m("compute_adjustment_diagnosis"), _m("spend_variation")),
    ),
    Formula(
        "scenario_comparison",
        r"\Delta x_k = x_k - x_\text{baseline} \qquad "
        r"c_i = \frac{\text{bill}_{i,k} - \text{bill}_{i,\text{baseline}}}"
        r"{\text{bill}_{i,\text{baseline}}} \qquad "
        r"\text{at risk}_k = \text{customers with } c_i > \text{threshold}_k",
        ("econ.decisions.compare.compare", "econ.decisions.compare.compare_scenarios"),
    ),
)
"""Every formula of the Methods page, in its order."""

FORMULA_BY_KEY: Final = {formula.key: formula for formula in FORMULAS}


def category_bands() -> pl.DataFrame:
    """The category bands behind a feature's status, as the Methods page lists them."""
    return pl.DataFrame(
        {
            "Category": [category_label(category) for category in CATEGORY_BANDS],
            "Target band": [f"{b.low:.0%}–{b.high:.0%}" for b in CATEGORY_BANDS.values()],
            "Act below": [f"{b.act_below:.0%}" for b in CATEGORY_BANDS.values()],
        }
    )
