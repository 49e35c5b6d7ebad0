"""Revenue in several currencies converted to one reporting currency at the rates given: by hand
on a two-currency table, per month, Stripe invoices in mixed currencies, and the refusals."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from fixtures.imports import stripe_files as sf
from hypothesis import given, settings
from hypothesis import strategies as st

import econ
from econ.inputs.imports.currencies import Currencies, conversion_text, parse_rates

# Two customers, three months: acme pays in USD, bonn in EUR (bonn moves to Team in March).
TABLE = """customer_id,month,mrr_usd,plan,currency
acme,2026-01,100,Pro,USD
acme,2026-02,100,Pro,usd
acme,2026-03,120,Pro,usd
bonn,2026-01,50,Starter,EUR
bonn,2026-02,50,Starter,eur
bonn,2026-03,80,Team,eur
"""


@pytest.fixture
def table(tmp_path: Path) -> Path:
    path = tmp_path / "revenue.csv"
    path.write_text(TABLE)
    return path


def mrr(load: econ.RevenueLoad) -> dict[tuple[str, str], float]:
    return {
        (row["customer_id"], f"{row['month']:%Y-%m}"): row["mrr_usd"]
        for row in load.frame.iter_rows(named=True)
    }


def spec(**rates: object) -> econ.ImportSpec:
    return econ.ImportSpec(currencies=Currencies(rates=rates))  # type: ignore[arg-type]


def test_one_rate_per_currency_by_hand(table: Path) -> None:
    load = econ.load_revenue(table, spec=spec(eur=1.08))
    # USD rows unchanged; EUR rows × 1.08: 50 × 1.08 = 54, 80 × 1.08 = 86.40.
    assert mrr(load) == pytest.approx(
        {
            ("acme", "2026-01"): 100.0,
            ("acme", "2026-02"): 100.0,
            ("acme", "2026-03"): 120.0,
            ("bonn", "2026-01"): 54.0,
            ("bonn", "2026-02"): 54.0,
            ("bonn", "2026-03"): 86.4,
        }
    )
    assert "currency" not in load.frame.columns  # not a segment
    assert load.reporting == "usd"
    assert load.conversion is not None
    summary = {row["currency"]: row for row in load.conversion.iter_rows(named=True)}
    assert summary["eur"]["amount"] == pytest.approx(180.0)
    assert summary["eur"]["rate"] == 1.08
    assert summary["eur"]["converted"] == pytest.approx(194.4)
    assert summary["usd"]["converted"] == pytest.approx(320.0)


def test_per_month_rates_by_hand(table: Path) -> None:
    rates = {"2026-01": 1.10, "2026-02": 1.05, "2026-03": 1.00}
    load = econ.load_revenue(table, spec=spec(eur=rates))
    got = mrr(load)
    assert got[("bonn", "2026-01")] == pytest.approx(55.0)
    assert got[("bonn", "2026-02")] == pytest.approx(52.5)
    assert got[("bonn", "2026-03")] == pytest.approx(80.0)
    assert load.conversion is not None
    eur = load.conversion.filter(pl.col("currency") == "eur").sort("month")
    assert eur["rate"].to_list() == [1.10, 1.05, 1.00]
    assert eur["converted"].to_list() == pytest.approx([55.0, 52.5, 80.0])


def test_reporting_in_euros(table: Path) -> None:
    load = econ.load_revenue(
        table, spec=econ.ImportSpec(currencies=Currencies("EUR", {"usd": 0.5}))
    )
    assert load.reporting == "eur"
    assert mrr(load)[("acme", "2026-03")] == pytest.approx(60.0)
    assert mrr(load)[("bonn", "2026-03")] == pytest.approx(80.0)


def test_a_missing_rate_is_refused_naming_the_currency(table: Path) -> None:
    with pytest.raises(econ.InputError) as error:
        econ.load_revenue(table, spec=spec(gbp=1.27))
    message = str(error.value)
    assert "revenue.csv: column 'currency': EUR has no rate to USD" in message
    assert "3 rows break this rule" in message
    assert "customer_id='bonn'" in message


def test_a_month_missing_from_a_per_month_table_is_refused_naming_it(table: Path) -> None:
    with pytest.raises(econ.InputError) as error:
        econ.load_revenue(table, spec=spec(eur={"2026-01": 1.1, "2026-02": 1.05}))
    message = str(error.value)
    assert "EUR has no rate to USD for 2026-03" in message
    assert "no rate is carried over" in message
    assert "1 row breaks this rule" in message


def test_several_currencies_without_rates_are_refused(table: Path) -> None:
    with pytest.raises(econ.InputError, match=r"several currencies \(EUR, USD\)"):
        econ.load_revenue(table)


def test_a_row_without_a_currency_among_rows_with_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "revenue.csv"
    path.write_text(TABLE.replace("bonn,2026-02,50,Starter,eur", "bonn,2026-02,50,Starter,"))
    with pytest.raises(econ.InputError, match="must name the currency of every row"):
        econ.load_revenue(path, spec=spec(eur=1.08))


def test_one_currency_without_rates_is_the_reporting_one(tmp_path: Path) -> None:
    path = tmp_path / "revenue.csv"
    path.write_text(TABLE.replace("Pro,usd", "Pro,eur").replace("Pro,USD", "Pro,EUR"))
    load = econ.load_revenue(path)
    assert load.reporting == "eur"
    assert mrr(load)[("acme", "2026-03")] == 120.0  # not converted
    assert "EUR is the reporting currency" in " ".join(load.warnings)


def _invoices_in(currencies: dict[str, str]) -> str:
    """Stripe's ``GET /v1/invoices`` (before basil) with each customer's invoice and its lines
    in that customer's currency (lowercase, as Stripe writes ``currency`` on both)."""
    day = sf.ts(2026, 7, 1)
    month = sf.ts(2026, 8, 1)
    data = []
    for number, (customer, code) in enumerate(currencies.items(), start=1):
        line = sf.Line(sf.PRO, 1, day, month, 19900)
        body = sf._invoice(
            sf.Invoice(number, customer, (line,), subscription=f"sub_{number}"), False
        )
        body["currency"] = code
        for item in body["lines"]["data"]:
            item["currency"] = code
        data.append(body)
    return json.dumps({"object": "list", "data": data, "has_more": False, "url": "/v1/invoices"})


def test_stripe_invoices_in_mixed_currencies(tmp_path: Path) -> None:
    path = tmp_path / "invoices.json"
    path.write_text(_invoices_in({"cus_us": "usd", "cus_de": "eur", "cus_jp": "jpy"}))
    rates = {"eur": 1.08, "jpy": 0.0067}
    load = econ.load_revenue(
        path, spec=econ.ImportSpec(through="2026-07", currencies=Currencies(rates=rates))
    )
    got = mrr(load)
    assert load.format == "stripe_invoices"
    # 19900 cents of USD and EUR are 199.00; 19900 yen are 19,900 yen (no minor unit).
    assert got[("cus_us", "2026-07")] == pytest.approx(199.0)
    assert got[("cus_de", "2026-07")] == pytest.approx(199.0 * 1.08)
    assert got[("cus_jp", "2026-07")] == pytest.approx(19900 * 0.0067)


def test_stripe_invoices_missing_a_rate(tmp_path: Path) -> None:
    path = tmp_path / "invoices.json"
    path.write_text(_invoices_in({"cus_us": "usd", "cus_de": "eur"}))
    with pytest.raises(econ.InputError, match="EUR has no rate to USD"):
        econ.load_revenue(
            path, spec=econ.ImportSpec(through="2026-07", currencies=Currencies(rates={}))
        )


@settings(max_examples=25, deadline=None)
@given(rate=st.floats(min_value=0.001, max_value=1000, allow_nan=False))
def test_converting_at_r_multiplies_revenue_by_r(rate: float) -> None:
    frame = pl.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "month": ["2026-01", "2026-02", "2026-01"],
            "mrr_usd": [10.0, 20.0, 30.5],
            "plan": ["Pro", "Pro", "Team"],
            "currency": ["eur", "eur", "eur"],
        }
    )
    plain = econ.load_revenue(frame.drop("currency"))
    one = econ.load_revenue(frame, spec=spec(eur=1.0))
    scaled = econ.load_revenue(frame, spec=spec(eur=rate))
    assert one.frame.equals(plain.frame)
    assert scaled.frame["mrr_usd"].sum() == pytest.approx(plain.frame["mrr_usd"].sum() * rate)


def test_rates_read_from_csv_and_json() -> None:
    flat = parse_rates("Currency,Rate\nEUR,1.08\ngbp,1.27\n")
    assert flat == Currencies("usd", {"eur": 1.08, "gbp": 1.27})
    monthly = parse_rates(
        "currency,month,rate\neur,2026-01,1.1\neur,2026-02,1.2\n", reporting="usd"
    )
    assert monthly.to_dict() == {
        "reporting": "usd",
        "rates": {"eur": {"2026-01": 1.1, "2026-02": 1.2}},
    }
    as_json = parse_rates('{"reporting": "EUR", "rates": {"USD": 0.92}}')
    assert as_json == Currencies("eur", {"usd": 0.92})
    assert Currencies.from_dict(as_json.to_dict()) == as_json


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("currency,rate\neuro,1.1\n", "three-letter currency code"),
        ("currency,rate\neur,0\n", "must be more than zero"),
        ("currency,rate\neur,abc\n", "must be a number"),
        ("currency,month,rate\neur,2026-13,1.1\n", "months as YYYY-MM"),
        ("currency,rate\neur,1.1\neur,1.2\n", "given twice"),
        ('{"usd": 2}', "reporting currency, so its rate is 1"),
        ("cur;rate\n", "header must be"),
    ],
)
def test_bad_rates_are_refused(text: str, message: str) -> None:
    with pytest.raises(econ.ScenarioError, match=message):
        parse_rates(text)


def test_the_spec_round_trips_and_keeps_old_ids() -> None:
    given_spec = econ.ImportSpec(currencies=Currencies("usd", {"eur": {"2026-01": 1.1}}))
    assert econ.ImportSpec.from_dict(given_spec.to_dict()) == given_spec
    assert "currencies" not in econ.ImportSpec().to_dict()


def test_the_conversion_table_as_text() -> None:
    table = pl.DataFrame(
        {
            "side": ["revenue", "revenue"],
            "currency": ["eur", "usd"],
            "month": [None, None],
            "amount": [180.0, 320.0],
            "rate": [1.08, 1.0],
            "converted": [194.4, 320.0],
        },
        schema_overrides={"month": pl.Date},
    )
    text = conversion_text(table, "usd")
    assert "EUR      all" in text
    assert "194.40" in text
    assert conversion_text(table.filter(pl.col("currency") == "usd"), "usd") == ""
