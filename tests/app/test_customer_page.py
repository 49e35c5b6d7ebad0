"""The Customer P&L page, driven headlessly: opened from a link and from the drill pickers under
the tables that list customers, on the sample and on the first small upload; the figures shown
are :func:`econ.present.customer.customer_pnl`'s, and an id the data does not have shows a
warning and the picker, never an exception."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from app_support import (
    PAGES,
    assert_no_markup,
    first_upload_app,
    hostile_app,
    land,
    open_app,
    own_data_dir,
    table,
)
from builders import FIRST_REVENUE, FIRST_USAGE
from markup import HOSTILE
from streamlit.testing.v1 import AppTest

import econ
from econ import formats
from econ.present import views
from econ.present.customer import CustomerPnl, customer_pnl
from ui import session
from ui.text import plain

pytestmark = pytest.mark.app

PICK = "customer_pick"
TYPED = "customer_typed"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores uploads in its own folder."""
    return own_data_dir(tmp_path, monkeypatch)


@pytest.fixture(scope="module")
def sample() -> econ.Report:
    return econ.analyze_dataset(econ.load_dataset(*econ.sample_paths()), econ.sample_scenario())


def link(customer: str) -> dict[str, str]:
    return {"v": "1", "data": "sample", "page": "customer-pnl", "customer": customer}


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def assert_shows(at: AppTest, pnl: CustomerPnl) -> None:
    """The page's headline figures and months are ``pnl``'s, as the page writes them."""
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Customer P&L"
    assert f"Customer {plain(pnl.customer_id)}" in [header.value for header in at.subheader]
    t = pnl.totals
    assert metrics(at) == {
        "Revenue": formats.headline(t.revenue_usd),
        "Inference cost": formats.headline(t.inference_usd),
        "Gross profit": formats.headline(t.gross_profit_usd),
        "Gross margin": formats.percent(t.gross_margin),
        "Compute-adjusted LTV": formats.money(pnl.ltv_compute_adjusted_usd, cents=False),
        "CAC payback": (
            "—" if pnl.payback_months is None else f"{formats.months(pnl.payback_months)} months"
        ),
    }
    months = months_table(at)
    assert [row["month"] for row in months] == [f"{m:%Y-%m}" for m in pnl.months["month"]]
    assert sum(row["revenue_usd"] for row in months) == pytest.approx(t.revenue_usd)
    assert sum(row["inference_usd"] for row in months) == pytest.approx(t.inference_usd)
    assert sum(row["gross_profit_usd"] for row in months) == pytest.approx(t.gross_profit_usd)


def table_with(at: AppTest, *columns: str) -> list[dict[str, Any]]:
    """The first table of the page with these columns."""
    for index in range(len(at.dataframe)):
        rows = table(at, index)
        if rows and all(column in rows[0] for column in columns):
            return rows
    raise AssertionError(f"no table with {columns}")


def months_table(at: AppTest) -> list[dict[str, Any]]:
    return table_with(at, "month", "gross_profit_usd")


def test_the_page_renders_with_no_customer_chosen() -> None:
    at = open_app("customer")
    assert at.title[0].value == "Customer P&L"
    assert not at.error
    assert at.selectbox(key=PICK).value is None
    assert any("Choose a customer" in info.value for info in at.info)
    assert not at.metric


def test_a_link_opens_the_customers_pnl(sample: econ.Report) -> None:
    customer_id = views.loss_makers(views.customer_profits(sample.customer_months))["customer_id"][
        0
    ]
    started = time.perf_counter()
    at = land(link(customer_id))
    elapsed = time.perf_counter() - started
    assert at.session_state[session.CUSTOMER] == customer_id
    assert_shows(at, customer_pnl(sample, customer_id))
    assert at.selectbox(key=PICK).value == customer_id
    assert at.query_params["customer"] == customer_id  # the link reproduces the view
    assert len(at.get("vega_lite_chart")) == 3
    print(f"\nCustomer P&L from a link (first run, sample): {elapsed:.2f} s")


def test_a_link_to_an_unknown_customer_warns_and_offers_the_picker() -> None:
    at = land(link("acct_0137"))
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any(plain("no customer 'acct_0137'") in w and "did you mean" in w for w in warnings)
    assert at.selectbox(key=PICK).value is None
    assert not at.metric
    assert_no_markup(at, "customer page, unknown id")


def test_the_loss_makers_picker_opens_the_customer_view(sample: econ.Report) -> None:
    at = open_app("segments")
    loss_makers = views.loss_makers(views.customer_profits(sample.customer_months))
    assert at.selectbox(key="drill_loss_makers").options == loss_makers["customer_id"].to_list()
    second = loss_makers["customer_id"][1]
    at.selectbox(key="drill_loss_makers").set_value(second).run()
    at.button(key="drill_loss_makers_open").click().run()
    assert at.session_state[session.CUSTOMER] == second
    assert_shows(at, customer_pnl(sample, second))


def test_the_bill_increases_picker_lists_customers_by_bill_change() -> None:
    at = open_app("tiers")
    picker = at.selectbox(key="drill_bills")
    assert picker.options
    assert picker.value == picker.options[0]


def test_choosing_and_typing_a_customer(sample: econ.Report) -> None:
    at = open_app("customer")
    profits = views.customer_profits(sample.customer_months)
    worst = profits["customer_id"][0]  # the biggest loss-maker, listed first
    assert at.selectbox(key=PICK).options[0].startswith(f"{worst} · -$")
    at.selectbox(key=PICK).set_value(worst).run()
    assert_shows(at, customer_pnl(sample, worst))
    other = profits["customer_id"][-1]
    at.text_input(key=TYPED).input(other).run()
    assert at.session_state[session.CUSTOMER] == other
    assert_shows(at, customer_pnl(sample, other))
    assert at.text_input(key=TYPED).value == ""


def test_the_first_upload_by_hand() -> None:
    at = first_upload_app("customer")
    at.selectbox(key=PICK).set_value("acme").run()
    report = econ.analyze(FIRST_USAGE, FIRST_REVENUE)
    pnl = customer_pnl(report, "acme")
    assert_shows(at, pnl)
    assert metrics(at)["Revenue"] == "$147.00"
    assert metrics(at)["Gross profit"] == "-$15.70"
    assert metrics(at)["Compute-adjusted LTV"] == "—"  # power users: nobody left
    features = table_with(at, "ratio_to_median")
    assert [row["feature_id"] for row in features] == ["Deep research", "Chat assistant"]
    assert features[0]["ratio_to_median"] == pytest.approx(2.0)
    blanks = [expander.label for expander in at.expander]
    assert "Why some figures are blank" in blanks


def test_a_repriced_plan_shows_the_simulated_bill() -> None:
    book = econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=59.0)})
    at = first_upload_app("customer")
    session_scenario = at.session_state[session.SCENARIO]
    at.session_state[session.SCENARIO] = session_scenario.replace(price_book=book)
    at.session_state[session.CUSTOMER] = "acme"
    at.run()
    assert not at.exception
    assert any("would have billed **$177.00**" in info.value for info in at.info)
    assert [row["simulated_bill_usd"] for row in months_table(at)] == [59.0, 59.0, 59.0]


def test_hostile_ids_plans_and_segments_show_as_text() -> None:
    at = hostile_app()
    at.switch_page(PAGES["customer"]).run()
    for number in (0, 1, 7):
        customer_id = f"{HOSTILE[number % len(HOSTILE)]} {number}"
        at.selectbox(key=PICK).set_value(customer_id).run()
        assert at.session_state[session.CUSTOMER] == customer_id
        assert_no_markup(at, f"customer page, {customer_id}")
        assert at.metric
    at.text_input(key=TYPED).input(HOSTILE[2]).run()
    assert at.warning
    assert_no_markup(at, "customer page, a hostile unknown id")
