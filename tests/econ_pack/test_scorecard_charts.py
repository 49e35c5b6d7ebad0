"""The AI scorecard's charts: one line per feature of its margin per call, a rule at zero, and
the same colour for a feature as on every other chart; AI unit profit as a waterfall whose
estimates say they are the user's."""

from __future__ import annotations

from builders import FIRST_REVENUE, FIRST_USAGE

import econ
from econ.present.scorecard import margin_lines, scorecard, unit_profit_steps
from econ_pack import scorecard_charts


def test_one_line_per_feature_with_a_zero_rule() -> None:
    card = scorecard(econ.analyze(FIRST_USAGE, FIRST_REVENUE))
    lines = margin_lines(card)
    chart = scorecard_charts.inference_margin_per_call(lines, ["chat_assistant", "deep_research"])
    spec = chart.to_dict(validate=True)
    line, rule = spec["layer"]
    assert line["mark"]["type"] == "line"
    assert line["encoding"]["color"]["scale"]["domain"] == ["Chat assistant", "Deep research"]
    assert rule["mark"]["type"] == "rule"
    rows = spec["datasets"][spec["data"]["name"]] if "data" in spec else []
    assert len(lines) == 6 and all(row["feature"] for row in rows)
    # deep research loses about a dollar a call every month, chat earns a little
    deep = lines.filter(lines["feature_id"] == "deep_research")
    assert (deep["inference_margin_per_call_usd"] < -1).all()


def test_ai_unit_profit_waterfall_names_the_estimates() -> None:
    scenario = econ.Scenario(
        ai_costs=econ.AiUnitCosts(data_acquisition_usd=300.0, model_maintenance_usd=40.0)
    )
    card = scorecard(econ.analyze(FIRST_USAGE, FIRST_REVENUE, scenario))
    steps = unit_profit_steps(card)
    chart = scorecard_charts.ai_unit_profit(steps)
    spec = chart.to_dict(validate=True)
    bars, rule, *labels = spec["layer"]
    assert bars["mark"]["type"] == "bar"
    assert rule["mark"]["type"] == "rule"
    assert len(labels) == 2
    order = bars["encoding"]["y"]["sort"]
    assert order == [
        "LTV before compute",
        "Model-efficiency value (not set)",
        "Compute (inference + AI infra)",
        "Data acquisition (your estimate)",
        "Model maintenance (your estimate)",
        "AI unit profit",
    ]
    assert bars["encoding"]["color"]["scale"]["domain"] == ["gain", "cost", "total"]
