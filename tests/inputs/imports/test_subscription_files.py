"""Baremetrics' subscription import template, a plain subscriptions table, and ChartMogul's
invoice import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures.imports import truth
from fixtures.imports.chartmogul_files import PLAN_UUIDS
from import_support import FIXTURES, assert_same, revenue_table

import econ

THROUGH = econ.ImportSpec(through=truth.THROUGH)


def test_baremetrics_reads_to_the_truth() -> None:
    load = econ.load_revenue(FIXTURES / "baremetrics_subscriptions.csv", spec=THROUGH)
    assert load.format == "baremetrics"
    assert_same(revenue_table(load), truth.expected_revenue("baremetrics"))
    assert "amounts in cents of USD" in " ".join(load.notes)  # as the template says


def test_a_plain_table_in_dollars_reads_with_a_warning() -> None:
    load = econ.load_revenue(FIXTURES / "subscriptions_table.csv", spec=THROUGH)
    assert load.format == "subscriptions"
    assert_same(revenue_table(load), truth.expected_revenue("subscriptions"))
    assert "amounts were read as dollars because they are written with a decimal point" in " ".join(
        load.warnings
    )


def test_whole_amounts_in_a_plain_table_are_read_as_cents_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "subs.csv"
    path.write_text(
        "customer_id,plan_name,amount,interval,quantity,started_at\n"
        "c1,Pro,19900,month,1,2026-07-01\n"
    )
    load = econ.load_revenue(path, spec=THROUGH)
    assert revenue_table(load)[("c1", "2026-07")] == (199.0, "Pro")
    assert "read as cents because they are whole numbers" in " ".join(load.warnings)


def test_a_header_that_says_the_unit_is_believed(tmp_path: Path) -> None:
    path = tmp_path / "subs.csv"
    path.write_text(
        "customer_id,plan_name,amount (cents),interval,quantity,started_at\n"
        "c1,Pro,19900,month,1,2026-07-01\n"
    )
    load = econ.load_revenue(path, spec=THROUGH)
    assert revenue_table(load)[("c1", "2026-07")] == (199.0, "Pro")
    assert not load.warnings[:-1] or "amounts were read" not in " ".join(load.warnings)


def test_quarterly_and_weekly_intervals(tmp_path: Path) -> None:
    path = tmp_path / "subs.csv"
    path.write_text(
        "customer_id,plan_name,amount,interval,quantity,started_at,ended_at\n"
        "c1,Quarterly,300.00,3 months,1,2026-07-01,\n"
        "c2,Weekly,12.00,week,2,2026-07-01,2026-08-15\n"
    )
    table = revenue_table(econ.load_revenue(path, spec=THROUGH))
    assert table[("c1", "2026-09")] == (100.0, "Quarterly")
    assert table[("c2", "2026-08")] == (pytest.approx(12.0 * 2 * 52 / 12), "Weekly")
    assert ("c2", "2026-09") not in table


def test_unreadable_dates_are_named(tmp_path: Path) -> None:
    path = tmp_path / "subs.csv"
    path.write_text(
        "customer_id,plan_name,amount,interval,quantity,started_at\n"
        "c1,Pro,199.00,month,1,2026-07-01\n"
        "c2,Pro,199.00,month,1,next tuesday\n"
    )
    with pytest.raises(econ.InputError) as error:
        econ.load_revenue(path, spec=THROUGH)
    (problem,) = error.value.problems
    assert (problem.column, problem.count) == ("started_at", 1)
    assert "must be a date the subscription started" in problem.rule
    kept = econ.load_revenue(path, spec=THROUGH, options=econ.IngestOptions(on_invalid="drop"))
    assert set(kept.frame["customer_id"]) == {"c1"}
    assert kept.dropped["row"].to_list() == [2]


def test_chartmogul_reads_to_the_truth() -> None:
    load = econ.load_revenue(FIXTURES / "chartmogul_invoices.json", spec=THROUGH)
    assert load.format == "chartmogul"
    names = {uuid: truth_plan for truth_plan, uuid in _plan_names().items()}
    got = {key: (mrr, names[plan]) for key, (mrr, plan) in revenue_table(load).items()}
    assert_same(got, truth.expected_revenue("chartmogul"))
    assert "1 prorated line (-$16.33) left out" in " ".join(load.notes)
    assert "1 one-time line ($110.00): counted in the month of their invoice" in " ".join(
        load.notes
    )


def _plan_names() -> dict[str, str]:
    nicknames = {
        "price_pro_monthly": "Pro",
        "price_starter_monthly": "Starter",
        "price_pro_annual": "Pro Annual",
        "price_team_monthly": "Team",
    }
    return {nicknames[price]: uuid for price, uuid in PLAN_UUIDS.items()}


def test_chartmogul_without_external_ids_names_no_customer(tmp_path: Path) -> None:
    """ChartMogul's own customer uuid would never match the usage ledger: refused, not used."""
    body = json.loads((FIXTURES / "chartmogul_invoices.json").read_text())
    for invoice in body["invoices"]:
        invoice["customer_uuid"] = "cus_" + invoice.pop("customer_external_id")[4:] + "-uuid"
    path = tmp_path / "invoices.json"
    path.write_text(json.dumps(body))
    with pytest.raises(econ.InputError, match="customer_external_id"):
        econ.load_revenue(path, spec=THROUGH)


def test_lines_spread_over_decades_are_refused_before_they_are_spread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line per customer starting in 1990 would become hundreds of customer-months each:
    gigabytes from a small file. Past the bound the file is refused, unspread."""
    monkeypatch.setattr("econ.inputs.imports.revenue.MAX_CUSTOMER_MONTHS", 1_000)
    path = tmp_path / "subscriptions.csv"
    path.write_text(
        "customer_id,plan_name,amount,interval,quantity,started_at,ended_at\n"
        + "".join(f"c{i},Pro,199.00,month,1,1990-01-01,\n" for i in range(10))
    )
    with pytest.raises(econ.InputError, match="more than the 1,000 a revenue table may hold"):
        econ.load_revenue(path)
