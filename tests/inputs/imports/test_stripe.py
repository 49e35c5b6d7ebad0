"""Stripe: invoice lines before and after the basil API version, subscriptions from the API, and
the Dashboard's subscriptions export."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from fixtures.imports import truth
from import_support import FIXTURES, assert_same, revenue_table

import econ

THROUGH = econ.ImportSpec(through=truth.THROUGH)
EXPORTS = {
    "stripe_invoices_acacia.json": "stripe_invoices",
    "stripe_invoices_basil.json": "stripe_invoices",
    "stripe_subscriptions.json": "stripe_subscriptions",
    "stripe_dashboard_subscriptions.csv": "stripe_dashboard",
}


@pytest.mark.parametrize(("name", "layout"), EXPORTS.items())
def test_every_export_reads_to_the_truth(name: str, layout: str) -> None:
    load = econ.load_revenue(FIXTURES / name, spec=THROUGH)
    assert load.format == layout
    assert_same(revenue_table(load), truth.expected_revenue(layout))


@pytest.mark.parametrize("name", ["stripe_invoices_acacia.json", "stripe_invoices_basil.json"])
def test_invoice_lines_say_what_they_left_out_and_took_off(name: str) -> None:
    load = econ.load_revenue(FIXTURES / name, spec=THROUGH)
    notes = " ".join(load.notes)
    assert "1 proration line (-$16.33) left out" in notes
    assert "2 lines of draft or void invoices ($398.00) left out" in notes
    assert "1 line with discounts ($10.00 in all): taken off their amounts" in notes
    assert "net of its discounts, before tax" in notes


def test_prorations_count_when_asked() -> None:
    spec = econ.ImportSpec(through=truth.THROUGH, include_prorations=True)
    load = econ.load_revenue(FIXTURES / "stripe_invoices_acacia.json", spec=spec)
    # The -$16.33 credit covers Sep 15 to Oct 3: one month, September.
    september = revenue_table(load)[("cus_globex", "2026-09")]
    assert september == (pytest.approx(49.0 - 16.33), "Starter")


def test_the_line_amount_not_the_unit_price_counts_seats() -> None:
    # Three Team seats: the line's amount is 6000 cents while plan.amount is 2000.
    load = econ.load_revenue(FIXTURES / "stripe_invoices_acacia.json", spec=THROUGH)
    assert revenue_table(load)[("cus_umbrella", "2026-08")] == (60.0, "Team")


def test_lines_without_their_invoice_name_no_customer() -> None:
    with pytest.raises(econ.InputError) as error:
        econ.load_revenue(FIXTURES / "stripe_invoice_lines_only.json")
    message = str(error.value)
    assert "Stripe invoice lines carry no customer" in message
    assert "GET /v1/invoices" in message


def test_subscriptions_that_never_started_are_left_out() -> None:
    load = econ.load_revenue(FIXTURES / "stripe_subscriptions.json", spec=THROUGH)
    assert "cus_wayne" not in set(load.frame["customer_id"])
    assert "1 subscription that never started" in " ".join(load.notes)


def test_a_cancellation_at_the_period_end_runs_until_then() -> None:
    load = econ.load_revenue(FIXTURES / "stripe_dashboard_subscriptions.csv", spec=THROUGH)
    months = load.frame.filter(pl.col("customer_id") == "cus_initech")["month"]
    assert [f"{m:%Y-%m}" for m in months] == ["2026-07", "2026-08", "2026-09"]


def test_dashboard_amounts_are_dollars_and_cents_can_be_forced(tmp_path: Path) -> None:
    load = econ.load_revenue(FIXTURES / "stripe_dashboard_subscriptions.csv", spec=THROUGH)
    assert "amounts in whole USD" in " ".join(load.notes)
    forced = econ.load_revenue(
        FIXTURES / "stripe_dashboard_subscriptions.csv",
        spec=econ.ImportSpec(through=truth.THROUGH, amounts_in="cents"),
    )
    assert revenue_table(forced)[("cus_acme", "2026-07")] == (1.99, "Pro")


def test_a_currency_other_than_dollars_is_a_warning(tmp_path: Path) -> None:
    text = (FIXTURES / "stripe_invoices_acacia.json").read_text().replace('"usd"', '"eur"')
    path = tmp_path / "invoices.json"
    path.write_text(text)
    load = econ.load_revenue(path, spec=THROUGH)
    assert load.reporting == "eur"
    assert "amounts are all in EUR, so EUR is the reporting currency" in " ".join(load.warnings)


def test_zero_decimal_currencies_are_not_divided(tmp_path: Path) -> None:
    text = (FIXTURES / "stripe_invoices_acacia.json").read_text().replace('"usd"', '"jpy"')
    path = tmp_path / "invoices.json"
    path.write_text(text)
    load = econ.load_revenue(path, spec=THROUGH)
    assert revenue_table(load)[("cus_acme", "2026-08")] == (19900.0, "Pro")


def test_mixed_currencies_without_rates_are_refused(tmp_path: Path) -> None:
    text = (FIXTURES / "stripe_invoices_acacia.json").read_text()
    path = tmp_path / "invoices.json"
    path.write_text(text.replace('"usd"', '"eur"', 3))
    with pytest.raises(econ.InputError, match=r"is in several currencies \(EUR, USD\)"):
        econ.load_revenue(path)


def test_the_plan_mapped_on_top_of_the_layout() -> None:
    spec = econ.ImportSpec(through=truth.THROUGH, mapping={"plan": "plan"})
    load = econ.load_revenue(FIXTURES / "stripe_dashboard_subscriptions.csv", spec=spec)
    assert set(load.frame["plan"]) == {
        "price_pro_monthly",
        "price_starter_monthly",
        "price_pro_annual",
        "price_team_monthly",
    }


def test_invoices_without_any_discount(tmp_path: Path) -> None:
    """The common case: no line in the file has a discount (an empty list everywhere)."""
    listing = json.loads((FIXTURES / "stripe_invoices_basil.json").read_text())
    for invoice in listing["data"]:
        for line in invoice["lines"]["data"]:
            line["discount_amounts"] = []
    path = tmp_path / "invoices.json"
    path.write_text(json.dumps(listing))
    load = econ.load_revenue(path, spec=THROUGH)
    assert revenue_table(load)[("cus_umbrella", "2026-09")] == (60.0, "Team")


def test_a_dashboard_export_with_fewer_columns(tmp_path: Path) -> None:
    """Columns are chosen at export: this one kept Created (UTC), not Start (UTC); times have
    seconds."""
    path = tmp_path / "subscriptions.csv"
    path.write_text(
        "id,Customer ID,Plan,Product,Quantity,Interval,Amount,Status,Created (UTC),"
        "Canceled At (UTC)\n"
        "sub_1,c1,price_pro,Pro,1,month,98.00,active,2026-01-05 10:11:12,\n"
        "sub_2,c2,price_team,Team,5,month,20.00,canceled,2026-02-01 00:00:00,2026-03-10 09:00:00\n"
    )
    load = econ.load_revenue(path, spec=econ.ImportSpec(through="2026-03"))
    assert load.format == "stripe_dashboard"
    table = revenue_table(load)
    assert table[("c1", "2026-03")] == (98.0, "Pro")
    assert table[("c2", "2026-02")] == (100.0, "Team")  # five seats at $20
    assert table[("c2", "2026-03")] == (100.0, "Team")  # canceled on the 10th: March counts


def _with_ai_addon(tmp_path: Path) -> Path:
    """The basil export with an AI add-on line ($25 a month) on each of Acme's billed invoices
    (not its trial's), shaped as its Pro line (a second item of the same subscription)."""
    data = json.loads((FIXTURES / "stripe_invoices_basil.json").read_text())
    for invoice in data["data"]:
        lines = invoice["lines"]["data"]
        if invoice["customer"] != "cus_acme" or lines[0]["amount"] == 0:
            continue
        addon = json.loads(json.dumps(lines[0]))
        addon["id"] = lines[0]["id"] + "_ai"
        addon["amount"] = 2500
        addon["description"] = "1 × AI Assistant (at $25.00 / month)"
        addon["pricing"]["price_details"] = {"price": "price_ai_assistant", "product": "prod_ai"}
        addon["pricing"]["unit_amount_decimal"] = "2500"
        lines.append(addon)
    path = tmp_path / "stripe_invoices_ai.json"
    path.write_text(json.dumps(data))
    return path


def test_lines_tagged_as_ai_fill_direct_ai_revenue_and_keep_the_plan(tmp_path: Path) -> None:
    spec = econ.ImportSpec(through=truth.THROUGH, ai_lines="assistant")
    load = econ.load_revenue(_with_ai_addon(tmp_path), spec=spec)
    acme = load.frame.filter(pl.col("customer_id") == "cus_acme").sort("month")
    billed = acme.filter(pl.col("mrr_usd") > 0)
    assert billed["plan"].unique().to_list() == ["Pro"]
    assert billed["ai_revenue_usd"].to_list() == [25.0] * billed.height
    assert billed["mrr_usd"].to_list() == [224.0] * billed.height
    others = load.frame.filter(pl.col("customer_id") != "cus_acme")
    assert others["ai_revenue_usd"].sum() == 0
    assert "tagged as AI revenue by 'assistant' ('AI Assistant')" in " ".join(load.notes)


def test_an_ai_lines_pattern_that_matches_nothing_says_so(tmp_path: Path) -> None:
    spec = econ.ImportSpec(through=truth.THROUGH, ai_lines="copilot")
    load = econ.load_revenue(_with_ai_addon(tmp_path), spec=spec)
    assert load.frame["ai_revenue_usd"].sum() == 0
    assert "no line's plan or product matches" in " ".join(load.notes)


def test_an_ai_lines_pattern_must_be_a_regular_expression() -> None:
    with pytest.raises(econ.ScenarioError, match="not a regular expression"):
        econ.ImportSpec(ai_lines="AI(")
    assert econ.ImportSpec(ai_lines="  ").ai_lines is None
    assert econ.ImportSpec.from_dict({"ai_lines": "AI"}).to_dict()["ai_lines"] == "AI"


# Seats: a subscription item's quantity (Stripe API reference, SubscriptionItem: "quantity", the
# quantity of the plan the customer is subscribed to; null for metered prices) and a recurring
# invoice line's quantity (InvoiceLineItem: "the quantity of the subscription, if the line item
# is a subscription or a proration").


def seats_of(load: econ.RevenueLoad) -> dict[tuple[str, str], int | None]:
    return {
        (row["customer_id"], f"{row['month']:%Y-%m}"): row["seats"]
        for row in load.frame.iter_rows(named=True)
    }


@pytest.mark.parametrize("name", [*EXPORTS, "subscriptions_table.csv"])
def test_the_quantity_of_the_plan_gives_the_seats(name: str) -> None:
    # The fixtures' umbrella subscribes to 3 Team seats, every other customer to one seat; the
    # invoices' trial line and first paid line of a subscription item count its seats once.
    load = econ.load_revenue(FIXTURES / name, spec=THROUGH)
    assert load.frame.schema["seats"] == pl.Int64
    seats = seats_of(load)
    assert {value for key, value in seats.items() if key[0] == "cus_umbrella"} == {3}
    assert {value for key, value in seats.items() if key[0] != "cus_umbrella"} == {1}


def _price(price_id: str, nickname: str, cents: int) -> dict[str, object]:
    return {
        "id": price_id,
        "object": "price",
        "currency": "usd",
        "nickname": nickname,
        "product": f"prod_{price_id}",
        "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"},
        "type": "recurring",
        "unit_amount": cents,
    }


def _subscription(
    sub_id: str, customer: str, items: list[tuple[dict[str, object], int | None]]
) -> dict[str, object]:
    """A subscription object as ``GET /v1/subscriptions`` lists it (the fields read here)."""
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "currency": "usd",
        "start_date": 1_782_900_000,  # 2026-07-01
        "status": "active",
        "canceled_at": None,
        "ended_at": None,
        "trial_end": None,
        "items": {
            "object": "list",
            "data": [
                {
                    "id": f"si_{sub_id}_{index}",
                    "object": "subscription_item",
                    "price": price,
                    "quantity": quantity,
                    "subscription": sub_id,
                }
                for index, (price, quantity) in enumerate(items)
            ],
            "has_more": False,
            "url": f"/v1/subscription_items?subscription={sub_id}",
        },
    }


def test_seats_are_the_plans_items_summed_and_an_add_on_is_not_a_seat(tmp_path: Path) -> None:
    team = _price("price_team", "Team", 2000)
    addon = _price("price_ai", "AI assistant", 1000)
    metered = _price("price_metered", "Usage", 5000)
    listing = {
        "object": "list",
        "url": "/v1/subscriptions",
        "has_more": False,
        "data": [
            # hooli: 5 Team seats ($100) with 5 AI add-ons ($50), and a second Team
            # subscription of 2 seats ($40): the plan is Team (the largest line), 5 + 2 seats.
            _subscription("sub_h1", "cus_hooli", [(team, 5), (addon, 5)]),
            _subscription("sub_h2", "cus_hooli", [(team, 2)]),
            # pied: a price without a quantity (metered): no seat count.
            _subscription("sub_p", "cus_pied", [(metered, None)]),
        ],
    }
    path = tmp_path / "subscriptions.json"
    path.write_text(json.dumps(listing))
    spec = econ.ImportSpec(through="2026-08")
    load = econ.load_revenue(path, spec=spec)
    assert seats_of(load) == {
        ("cus_hooli", "2026-07"): 7,
        ("cus_hooli", "2026-08"): 7,
        ("cus_pied", "2026-07"): None,
        ("cus_pied", "2026-08"): None,
    }
    assert "seats is empty in 2 of 4 customer-months" in " ".join(load.notes)
    tagged = econ.load_revenue(path, spec=econ.ImportSpec(through="2026-08", ai_lines="AI"))
    assert seats_of(tagged)[("cus_hooli", "2026-07")] == 7
