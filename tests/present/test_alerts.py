"""Margin alerts as code: the rules file's schema (TOML and JSON alike, every refusal naming the
file and the key), and each rule firing and not firing on the first small upload (3 customers,
2 features, 3 months) with the numbers behind it checked by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE

import econ
from econ.errors import ScenarioError
from econ.present import alerts as al
from econ.present.alerts import Rules, check, check_text, plan_months, read_rules
from econ.present.company import company_months

ALL_RULES = Rules(
    feature_below_action=True,
    inference_share_above=0.15,
    segment_ltv_cac_below=2.5,
    compute_spiral=True,
    plan_margin_drop_pp=5,
)

TOML = """
[rules]
feature_below_action = true
inference_share_above = 0.15
segment_ltv_cac_below = 2.5
compute_spiral = true
plan_margin_drop_pp = 5
"""


def report_of(
    usage: pl.DataFrame = FIRST_USAGE,
    revenue: pl.DataFrame = FIRST_REVENUE,
    scenario: econ.Scenario | None = None,
) -> econ.Report:
    return econ.analyze_dataset(econ.load_dataset(usage, revenue), scenario or econ.Scenario())


@pytest.fixture(scope="module")
def first() -> econ.Report:
    return report_of(scenario=econ.Scenario(cac_usd=100))


@pytest.fixture(scope="module")
def chat_only() -> econ.Report:
    """The first upload without deep research: a healthy feature, no spiral last month."""
    return report_of(FIRST_USAGE.filter(pl.col("feature_id") == "chat_assistant"))


def outcome(result: al.CheckResult, rule: str) -> al.Outcome:
    return next(item for item in result.outcomes if item.rule == rule)


# -- the rules file ---------------------------------------------------------------------------


def test_toml_and_json_read_the_same_rules(tmp_path: Path) -> None:
    toml = tmp_path / "rules.toml"
    toml.write_text(TOML, encoding="utf-8")
    as_json = tmp_path / "rules.json"
    as_json.write_text(json.dumps({"rules": {**vars(ALL_RULES)}}), encoding="utf-8")
    assert read_rules(toml) == read_rules(as_json) == ALL_RULES
    assert ALL_RULES.active() == al.RULE_KEYS


def test_a_rule_left_out_is_not_checked(first: econ.Report) -> None:
    rules = Rules.from_dict({"rules": {"inference_share_above": 0.2}}, "r.toml")
    assert rules == Rules(inference_share_above=0.2)
    assert [item.rule for item in check(first, rules).outcomes] == ["inference_share_above"]
    off = Rules.from_dict({"rules": {"compute_spiral": False, "plan_margin_drop_pp": 3}}, "x")
    assert off.active() == ("plan_margin_drop_pp",)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"rules": {"inference_share": 0.1}}, "unknown rule 'inference_share'"),
        ({"rules": {}, "extra": 1}, "one table, [rules]"),
        ({"rule": {}}, "one table, [rules]"),
        ([1], "one table, [rules]"),
        ({"rules": [1]}, "'rules' must be a table"),
        ({"rules": {}}, "no rule is set"),
        ({"rules": {"compute_spiral": False}}, "no rule is set"),
        ({"rules": {"compute_spiral": "yes"}}, "rule 'compute_spiral' is true or false"),
        ({"rules": {"inference_share_above": True}}, "rule 'inference_share_above' is a fraction"),
        ({"rules": {"inference_share_above": "15%"}}, "rule 'inference_share_above'"),
        ({"rules": {"inference_share_above": 15}}, "at most 1 (0.15 is 15%), got 15"),
        ({"rules": {"inference_share_above": 0}}, "above 0"),
        ({"rules": {"inference_share_above": math.nan}}, "got nan"),
        ({"rules": {"segment_ltv_cac_below": -1}}, "rule 'segment_ltv_cac_below'"),
        ({"rules": {"plan_margin_drop_pp": math.inf}}, "rule 'plan_margin_drop_pp'"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_the_file_and_key(data: Any, words: str) -> None:
    with pytest.raises(ScenarioError, match=r"^rules\.toml: ") as caught:
        Rules.from_dict(data, "rules.toml")
    assert words in str(caught.value)


def test_unreadable_and_malformed_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read the rules file"):
        read_rules(tmp_path / "missing.toml")
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("[rules\nx = ", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad.toml: not valid TOML"):
        read_rules(bad_toml)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{rules", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad.json: not valid JSON"):
        read_rules(bad_json)


# -- each rule on the first upload -----------------------------------------------------------


def test_feature_below_action(first: econ.Report, chat_only: econ.Report) -> None:
    # deep_research: revenue allocated by calls, cost $228 → margin −765.4%; core acts below 40%.
    fired = outcome(check(first, ALL_RULES), "feature_below_action")
    assert fired.fired and fired.checked == 2
    (hit,) = fired.hits
    assert hit.subject == "deep_research"
    assert hit.value == pytest.approx(first.feature("deep_research")["gross_margin"])
    assert hit.value < -7 and hit.threshold == 0.40
    assert "deep_research (core): gross margin -765.4% below its action line 40.0%" in hit.detail
    quiet = outcome(check(chat_only, ALL_RULES), "feature_below_action")
    assert not quiet.fired and quiet.checked == 1


def test_inference_share_above(first: econ.Report) -> None:
    # Inference $271 (40+48+66+9+9.5+10+4+4.2+4.5+24+30+24+1+0.8 − nothing unbilled) of $842.
    fired = outcome(check(first, Rules(inference_share_above=0.15)), "inference_share_above")
    (hit,) = fired.hits
    assert hit.value == pytest.approx(271 / 842)
    assert hit.subject == "company" and hit.threshold == 0.15
    assert hit.detail == "inference $271.00 is 32.2% of revenue $842.00, above 15.0%"
    quiet = outcome(check(first, Rules(inference_share_above=0.33)), "inference_share_above")
    assert not quiet.fired and quiet.checked == 1 and quiet.hits == ()


def test_segment_ltv_cac_below(first: econ.Report, chat_only: econ.Report) -> None:
    fired = outcome(check(first, Rules(segment_ltv_cac_below=2.5)), "segment_ltv_cac_below")
    light = first.segment("light")["ltv_cac"]
    assert [(hit.subject, hit.value) for hit in fired.hits] == [("light", light)]
    assert light == pytest.approx(0.962)
    # core and power never churned: no LTV, so no LTV:CAC; they are noted, never fired.
    assert fired.checked == 2
    assert fired.notes == (
        "core: no LTV:CAC (churn is 0, so the lifetime is unbounded)",
        "power: no LTV:CAC (churn is 0, so the lifetime is unbounded)",
    )
    quiet = outcome(check(first, Rules(segment_ltv_cac_below=0.9)), "segment_ltv_cac_below")
    assert not quiet.fired and quiet.checked == 2
    no_cac = outcome(check(chat_only, Rules(segment_ltv_cac_below=2.5)), "segment_ltv_cac_below")
    assert not no_cac.fired and no_cac.checked == 0
    assert all("no CAC given" in note for note in no_cac.notes)


def test_compute_spiral_looks_at_the_last_month(first: econ.Report, chat_only: econ.Report) -> None:
    fired = outcome(check(first, ALL_RULES), "compute_spiral")
    (hit,) = fired.hits
    assert hit.subject == "deep_research" and hit.value > 0
    assert hit.detail.startswith("Deep research: cost +15.4% against revenue")
    assert hit.detail.endswith("in 2026-03")
    assert fired.checked == 2
    quiet = outcome(check(chat_only, ALL_RULES), "compute_spiral")
    assert not quiet.fired
    # A spiral month before the last one does not fire the rule.
    spiral = company_months(first).spiral
    assert spiral.filter(pl.col("feature_id") == "chat_assistant").height == 1


def test_plan_margin_drop(first: econ.Report) -> None:
    margins = plan_months(first)
    starter = margins.filter(pl.col("plan") == "Starter")
    # Starter by hand (no burdens): Jan 98 − (4+36+1) = 57, Feb 98 − (4.2+48+0.8) = 45,
    # Mar 49 − (4.5+66) = −21.5.
    assert starter["gross_profit_usd"].to_list() == pytest.approx([57, 45, -21.5])
    assert starter["gross_margin"].to_list() == pytest.approx([57 / 98, 45 / 98, -21.5 / 49])
    fired = outcome(check(first, ALL_RULES), "plan_margin_drop_pp")
    (hit,) = fired.hits
    assert hit.subject == "Starter" and hit.threshold == 5
    assert hit.value == pytest.approx((45 / 98 + 21.5 / 49) * 100)
    assert "45.9% in 2026-02 to -43.9% in 2026-03, down 89.8 pp" in hit.detail
    assert fired.checked == 2  # Pro: 159.5/199 → 165/199, a rise
    quiet = outcome(check(first, Rules(plan_margin_drop_pp=90)), "plan_margin_drop_pp")
    assert not quiet.fired


def test_plan_margin_drop_needs_two_months() -> None:
    one_month = report_of(
        FIRST_USAGE.filter(pl.col("month") == FIRST_USAGE["month"].min()),
        FIRST_REVENUE.filter(pl.col("month") == FIRST_REVENUE["month"].min()),
    )
    quiet = outcome(check(one_month, Rules(plan_margin_drop_pp=5)), "plan_margin_drop_pp")
    assert not quiet.fired and quiet.checked == 0
    assert quiet.notes == ("the window has one month (2026-01): nothing to compare",)


# -- the result ------------------------------------------------------------------------------


def test_result_json_and_text(first: econ.Report, chat_only: econ.Report) -> None:
    result = check(first, ALL_RULES)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["fired"] is True
    assert data["window"] == {"first": "2026-01", "last": "2026-03"}
    assert data["fired_rules"] == [
        "feature_below_action",
        "inference_share_above",
        "segment_ltv_cac_below",
        "compute_spiral",
        "plan_margin_drop_pp",
    ]
    rule = data["rules"][1]
    assert set(rule) == {"rule", "subject", "threshold", "fired", "checked", "hits", "notes"}
    assert set(rule["hits"][0]) == {"subject", "value", "threshold", "detail"}
    text = check_text(result)
    assert text.splitlines()[0] == "econ check, 2026-01 to 2026-03"
    assert "FIRED  inference_share_above: inference share above 15.0% (1 compared)" in text
    assert text.endswith("5 of 5 rules fired")
    quiet = check(chat_only, Rules(compute_spiral=True, plan_margin_drop_pp=100))
    assert not quiet.fired and quiet.to_dict()["fired_rules"] == []
    assert check_text(quiet).endswith("no rule fired (2 rules checked)")
