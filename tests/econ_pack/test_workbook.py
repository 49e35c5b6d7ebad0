"""Tables as CSV and Excel files: the headers, numbers and formats a finance reader opens."""

from __future__ import annotations

import io
import re
import zipfile

import polars as pl

from econ.present import columns as spec
from econ_pack import workbook

FEATURES = pl.DataFrame(
    {
        "feature_id": ["doc_summary", "deep_research"],
        "calls": [3_445_598, 1_237_549],
        "cost_per_call_usd": [0.02, 0.21],
        "cost_usd": [68_913.21, 259_889.28],
        "revenue_usd": [656_522.85, 206_799.57],
        "gross_profit_usd": [587_609.64, -53_089.71],
        "gross_margin": [0.895, -0.2567],
        "category": ["core", "premium"],
        "status": ["above_band", "negative"],
    }
)


def test_the_csv_reads_back_with_its_headers_and_numbers() -> None:
    data = workbook.csv_bytes(FEATURES, spec.FEATURES)
    assert data.startswith(workbook.CSV_BOM.encode("utf-8"))
    back = pl.read_csv(io.BytesIO(data[len(workbook.CSV_BOM.encode("utf-8")) :]))
    assert back.columns[:4] == ["Feature", "Calls", "Cost / call ($)", "Inference cost ($)"]
    assert back["Feature"].to_list() == ["Doc summary", "Deep research"]
    assert back["Gross profit ($)"].to_list() == [587_609.64, -53_089.71]
    assert back["Margin (%)"].to_list() == [89.5, -25.7]
    assert back["Status"].to_list() == ["Above band", "Losing money"]


def _sheet(data: bytes) -> tuple[str, str, str]:
    """The workbook's sheet XML, shared strings and styles."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        names = book.namelist()
        sheet = next(n for n in names if n.startswith("xl/worksheets/sheet"))
        return (
            book.read(sheet).decode(),
            book.read("xl/sharedStrings.xml").decode(),
            book.read("xl/styles.xml").decode(),
        )


def test_the_excel_workbook_has_headers_formats_and_a_frozen_header() -> None:
    data = workbook.excel_bytes(FEATURES, spec.FEATURES, sheet="Feature margins")
    sheet, strings, styles = _sheet(data)
    for header in ["Feature", "Inference cost ($)", "Margin (%)", "Deep research"]:
        assert f">{header}<" in strings
    assert 'formatCode="$#,##0;-$#,##0"' in styles
    assert 'formatCode="0.0&quot;%&quot;"' in styles
    assert 'state="frozen"' in sheet
    assert re.search(r"<v>-53089\.71</v>", sheet)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert 'name="Feature margins"' in book.read("xl/workbook.xml").decode()


def test_a_sheet_name_excel_refuses_is_made_acceptable() -> None:
    data = workbook.excel_bytes(FEATURES, spec.FEATURES, sheet="Plans: [a/b]? " + "x" * 40)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        name = re.search(r'<sheet name="([^"]*)"', book.read("xl/workbook.xml").decode())
    assert name is not None
    assert len(name.group(1)) <= workbook.SHEET_NAME_LIMIT
    assert not set("[]:*?/\\") & set(name.group(1))
