"""The Data page's currency settings: rates typed in convert an upload in two currencies, the
page shows the revenue per original currency, and rates that do not read keep the data."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import PAGES, open_app, own_data_dir, upload_files

from econ.present.methods import FORMULA_BY_KEY

USAGE = (
    "customer_id,feature_id,month,cost_usd,calls\nacme,chat,2026-01,10,5\nbonn,chat,2026-01,4,2\n"
)
REVENUE = (
    "customer_id,month,mrr_usd,plan,currency\nacme,2026-01,100,Pro,usd\nbonn,2026-01,50,Pro,eur\n"
)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return own_data_dir(tmp_path, monkeypatch)


def _files(tmp_path: Path) -> tuple[Path, Path]:
    usage, revenue = tmp_path / "usage.csv", tmp_path / "revenue.csv"
    usage.write_text(USAGE)
    revenue.write_text(REVENUE)
    return usage, revenue


def test_rates_typed_in_convert_and_the_page_shows_them(tmp_path: Path) -> None:
    at = upload_files(open_app(), *_files(tmp_path))
    (rates,) = [area for area in at.text_area if area.key.endswith(":rates")]
    rates.set_value("currency,rate\nEUR,1.2").run()
    at.button(key="load_files").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Total revenue"] == "$160.00"  # 100 + 50 × 1.2
    (table,) = [frame for frame in at.dataframe if "Currency" in frame.value.columns]
    rows = table.value.to_dict("records")
    eur = next(row for row in rows if row["Currency"] == "EUR")
    assert eur["Rate (USD per unit)"] == 1.2
    assert eur["In USD"] == pytest.approx(60.0)
    # The Methods page shows the conversion's formula for data that was converted.
    at.switch_page(PAGES["methods"]).run()
    assert not at.exception
    currency = FORMULA_BY_KEY["currency"].latex
    assert any(currency in element.value for element in at.latex)


def test_without_rates_the_upload_is_refused_and_the_sample_stays(tmp_path: Path) -> None:
    at = upload_files(open_app(), *_files(tmp_path))
    at.button(key="load_files").click().run()
    assert not at.exception
    rules = [
        rule
        for frame in at.dataframe
        if "rule" in frame.value.columns
        for rule in frame.value["rule"]
    ]
    assert any("several currencies (EUR, USD)" in rule for rule in rules)
    assert not [frame for frame in at.dataframe if "Currency" in frame.value.columns]
