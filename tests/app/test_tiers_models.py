"""The Tiers & pricing page's other pricing models, driven headlessly: a price per seat and per
outcome, graduated against volume tiers, a prepaid commitment, volume discounts and the free
tier; each control lands in the scenario (and so in the share link), each figure moves by the
amount worked out by hand, and bands that make no price say why without an exception.

The upload is the first small one (:data:`builders.FIRST_USAGE`, :data:`builders.FIRST_REVENUE`)
with seat counts and outcomes: revenue is (49 × 5 + 199 × 3) ÷ 3 months = $280.67 a month; bolt
is the one Pro customer (seats 10, 10, 12; deep research 20, 25, 20 calls; chat 900, 950,
1,000 calls, half of them outcomes) and the one "mid" company.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from app_support import first_upload_app, open_app, own_data_dir, parquet, scenario_of, upload
from builders import FIRST_REVENUE, FIRST_USAGE
from streamlit.testing.v1 import AppTest

import econ
from econ.formats import NULL_TEXT, money, percent
from econ.scenario.link import decode_link

pytestmark = pytest.mark.app

USAGE = FIRST_USAGE.with_columns((pl.col("calls") // 2).alias("outcome"))
REVENUE = FIRST_REVENUE.with_columns(
    pl.Series("seats", [3, 3, 4, 10, 10, 12, None, 2], dtype=pl.Int64)
)
NOW = "$280.67"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return own_data_dir(tmp_path, monkeypatch)


def upload_app() -> AppTest:
    """The Tiers & pricing page on the upload, on the Pro plan."""
    at = upload(open_app(), parquet(USAGE), parquet(REVENUE))
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/tiers.py").run()
    at.selectbox(key="book_plan").set_value("Pro").run()
    assert revenue(at) == NOW
    return at


def unescaped(text: str) -> str:
    """Markdown the page escaped, as a reader sees it."""
    return text.replace("\\", "").replace("\u2060", "")


def revenue(at: AppTest) -> str:
    assert not at.exception, [e.value for e in at.exception]
    return str(next(m.value for m in at.metric if m.label == "Revenue / month"))


def linked(at: AppTest) -> econ.Scenario:
    """The scenario the address bar's share link carries (and a JSON round trip of it)."""
    params = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    scenario = decode_link(params).scenario
    assert scenario is not None
    assert econ.Scenario.from_json(scenario.to_json()) == scenario
    return scenario


def parts(at: AppTest) -> dict[str, dict[str, Any]]:
    """The "what each part of the bill adds" table, by plan."""
    for frame in at.dataframe:
        if "bill_simulated_usd" in frame.value.columns and "base_usd" in frame.value.columns:
            return {r["plan"]: r for r in frame.value.to_dict("records")}
    raise AssertionError("no bill parts table")


def editor(at: AppTest, prefix: str) -> str:
    """The key of the table editor whose key starts with ``prefix``."""
    (key,) = [e.key for e in at.data_editor if e.key and e.key.startswith(prefix)]
    return key


def selectbox_key(at: AppTest, prefix: str) -> str:
    (key,) = [s.key for s in at.selectbox if s.key and s.key.startswith(prefix)]
    return key


def edit_table(
    at: AppTest,
    prefix: str,
    edited: dict[str, dict[str, Any]] | None = None,
    added: list[dict[str, Any]] | None = None,
    deleted: list[int] | None = None,
) -> AppTest:
    """Edit the table editor ``prefix`` as a user would, then rerun."""
    at.session_state[editor(at, prefix)] = {
        "edited_rows": edited or {},
        "added_rows": added or [],
        "deleted_rows": deleted or [],
    }
    return at.run()


class TestSeatsAndOutcomes:
    def test_a_seat_price_then_an_outcome_price(self) -> None:
        at = upload_app()
        at.number_input(key="book:Pro:seat_usd").set_value(10.0).run()
        # bolt's 32 seat-months × $10 ÷ 3 months = $106.67 a month more.
        assert revenue(at) == "$387.33"
        assert parts(at)["Pro"]["seats_usd"] == pytest.approx(320 / 3)
        assert scenario_of(at).price_book.plan("Pro").seat_usd == 10.0
        (said,) = [unescaped(s.value) for s in at.success]
        assert said.startswith("Pro at $10.00 a seat a month: gross profit +$106.67 / month")
        at.number_input(key="book:Pro:chat_assistant:outcome_usd").set_value(0.01).run()
        # 1,425 outcomes × $0.01 ÷ 3 months = $4.75 a month more.
        assert revenue(at) == "$392.08"
        assert parts(at)["Pro"]["outcomes_usd"] == pytest.approx(4.75)
        (said,) = [unescaped(s.value) for s in at.success]
        assert said.startswith("Chat assistant at $0.01 an outcome on Pro")
        assert any("1,425 of 2,850 calls were outcomes" in unescaped(w.value) for w in at.warning)
        assert linked(at).price_book.plan("Pro") == econ.PlanPrice(
            seat_usd=10.0, outcome_usd={"chat_assistant": 0.01}
        )

    def test_minimum_seats_bill_months_without_a_count(self) -> None:
        at = upload_app()
        at.selectbox(key="book_plan").set_value("Starter").run()
        at.number_input(key="book:Starter:seat_usd").set_value(1.0).run()
        at.number_input(key="book:Starter:min_seats").set_value(5.0).run()
        # acme 3, 3, 4 and cove's 2 seats count as 5 each, cove's unknown month as 5: 25 × $1.
        assert parts(at)["Starter"]["seats_usd"] == pytest.approx(25 / 3)
        assert any(
            "1 of 5 customer-months have no seat count" in unescaped(w.value) for w in at.warning
        )
        assert scenario_of(at).price_book.plan("Starter").min_seats == 5.0


class TestTiers:
    def test_graduated_and_volume_bill_different_amounts(self) -> None:
        """Stripe's bands on bolt's deep research: graduated bills 20 calls 5 × $7 + 5 ×
        $6.50 + 10 × $6 = $127.50 (25 calls: $157.50), $137.50 a month; volume bills every
        call at $6: $130 a month."""
        at = upload_app()
        at.selectbox(key="tiers_scope:Pro").set_value("deep_research").run()
        at.button(key="tiers:Pro:deep_research:apply").click().run()
        tiers = scenario_of(at).price_book.plan("Pro").tiers["deep_research"]
        assert tiers == econ.Tiers(
            mode="graduated",
            measure="calls",
            bands=(
                econ.TierBand(up_to=5, unit_usd=7.0),
                econ.TierBand(up_to=10, unit_usd=6.5),
                econ.TierBand(unit_usd=6.0),
            ),
        )
        assert revenue(at) == "$418.17"
        assert parts(at)["Pro"]["tiers_usd"] == pytest.approx(137.5)
        assert at.button(key="tiers:Pro:deep_research:apply").disabled
        at.selectbox(key=selectbox_key(at, "tiers_mode:")).set_value("volume").run()
        at.button(key="tiers:Pro:deep_research:apply").click().run()
        assert revenue(at) == "$410.67"
        assert linked(at).price_book.plan("Pro").tiers["deep_research"].mode == "volume"
        at.button(key="tiers:Pro:deep_research:remove").click().run()
        assert revenue(at) == NOW
        assert scenario_of(at).price_book.plans == {}

    def test_edited_bands_on_the_whole_plan(self) -> None:
        """Every Pro call together (chat and deep research): 920, 975 and 1,020 calls a month
        at $0.01 up to 1,000, then $0.02, graduated: $9.20 + $9.75 + $10.40."""
        at = upload_app()
        assert at.selectbox(key="tiers_scope:Pro").value == "*"
        at = edit_table(
            at,
            "tiers_bands:",
            edited={
                "0": {"up_to": 1000.0, "unit_usd": 0.01},
                "1": {"up_to": None, "unit_usd": 0.02},
            },
            deleted=[2],
        )
        assert not [e for e in at.error if "make no price" in unescaped(e.value)]
        at.button(key="tiers:Pro:*:apply").click().run()
        assert parts(at)["Pro"]["tiers_usd"] == pytest.approx((9.20 + 9.75 + 10.40) / 3)
        assert set(scenario_of(at).price_book.plan("Pro").tiers) == {"*"}

    @pytest.mark.parametrize(
        ("edited", "message"),
        [
            ({"2": {"up_to": 50.0}}, "the last tier band must be open"),
            ({"1": {"up_to": 5.0}}, "must increase"),
        ],
    )
    def test_bands_that_make_no_price_say_why(
        self, edited: dict[str, dict[str, Any]], message: str
    ) -> None:
        at = upload_app()
        at = edit_table(at, "tiers_bands:", edited=edited)
        assert not at.exception
        assert any(
            "make no price" in unescaped(e.value) and message in unescaped(e.value)
            for e in at.error
        )
        assert at.button(key="tiers:Pro:*:apply").disabled
        assert scenario_of(at).price_book.plans == {}
        assert revenue(at) == NOW


class TestCommitment:
    def test_an_annual_commitment_with_and_without_breakage(self) -> None:
        """$3,600 a year is $300 a month; bolt's usage bills nothing, so the whole $300 is a
        top-up: revenue with all of it expiring, deferred when it all carries over."""
        at = upload_app()
        at.number_input(key="book:Pro:commitment_usd").set_value(3600.0).run()
        at.selectbox(key="book:Pro:commitment_period").set_value("year").run()
        assert revenue(at) == "$580.67"
        assert parts(at)["Pro"]["commitment_usd"] == pytest.approx(300.0)
        at.number_input(key="book:Pro:breakage").set_value(0.0).run()
        assert revenue(at) == NOW
        assert parts(at)["Pro"]["deferred_usd"] == pytest.approx(300.0)
        price = linked(at).price_book.plan("Pro")
        assert (price.commitment_usd, price.commitment_period, price.breakage) == (
            3600.0,
            "year",
            0.0,
        )


class TestDiscounts:
    def test_a_discount_for_a_segment(self) -> None:
        at = upload_app()
        at = edit_table(at, "discounts:", added=[{"share": 10.0, "segment": "company_size = mid"}])
        assert not [e for e in at.error if "cannot apply" in unescaped(e.value)]
        at.button(key="discounts:apply").click().run()
        # 10% off bolt's $199 a month.
        assert revenue(at) == "$260.77"
        assert parts(at)["Pro"]["discounts_usd"] == pytest.approx(-19.9)
        assert linked(at).price_book.discounts == (
            econ.Discount(share=0.1, column="company_size", value="mid"),
        )
        at.button(key="discounts:remove").click().run()
        assert revenue(at) == NOW
        assert scenario_of(at).price_book.discounts == ()

    def test_a_discount_from_a_bill_and_one_without_a_share(self) -> None:
        at = upload_app()
        at = edit_table(at, "discounts:", {"0": {"min_bill_usd": 100.0}})
        assert any("needs its share" in unescaped(e.value) for e in at.error)
        assert at.button(key="discounts:apply").disabled
        at = edit_table(at, "discounts:", {"0": {"share": 20.0, "min_bill_usd": 100.0}})
        at.button(key="discounts:apply").click().run()
        # Only bolt's bill reaches $100: 20% of $199.
        assert revenue(at) == "$240.87"


class TestFreeTier:
    def test_the_samples_free_tier_with_a_rate_and_a_cap(self) -> None:
        at = open_app("tiers")
        shown = {m.label: m.value for m in at.metric}
        data = econ.load_dataset(*econ.sample_paths())
        observed = econ.free_tier(data, econ.analyze_dataset(data, econ.sample_scenario()))
        assert shown["Free customers"] == f"{observed.customers:,}"
        assert shown["Observed conversion"] == percent(observed.observed_conversion)
        at.number_input(key="free:conversion_rate").set_value(5.0).run()
        at.number_input(key="free:usage_cap_calls").set_value(100.0).run()
        scenario = scenario_of(at)
        assert linked(at).price_book.freemium == econ.Freemium(0.05, 100.0)
        tier = econ.free_tier(data, econ.analyze_dataset(data, scenario))
        shown = {m.label: m.value for m in at.metric}
        assert shown["Conversion used"] == "5.0%"
        assert tier.cost_per_conversion_usd == pytest.approx(
            observed.cost_usd / (observed.customers * 0.05)
        )
        assert shown["Per converted customer"] == money(tier.cost_per_conversion_usd)
        assert tier.capped_cost_per_conversion_usd is not None
        assert tier.capped_cost_per_conversion_usd < (tier.cost_per_conversion_usd or 0)
        captions = [unescaped(c.value) for c in at.caption]
        assert f"With the cap: {money(tier.capped_cost_per_conversion_usd)}" in captions
        # The free tier bills nothing: the simulated revenue stays today's.
        assert scenario.price_book.is_current_pricing

    def test_no_free_customers_says_why(self) -> None:
        at = first_upload_app("tiers")
        shown = {m.label: m.value for m in at.metric}
        assert shown["Free customers"] == "0"
        assert shown["Per converted customer"] == NULL_TEXT
        assert any("No free customers in the window" in unescaped(i.value) for i in at.info)
