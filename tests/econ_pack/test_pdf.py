"""The board pack printed to PDF: its text holds the headline numbers, every page has content,
the footer is on every page, and a missing Pango is a readable error."""

from __future__ import annotations

import importlib.abc
import io
import re
import sys
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from pack_support import GENERATED_ON, first_upload, sample_inputs

import econ
from econ.present import columns as spec
from econ_pack import pdf
from econ_pack.pack import PackInputs, board_pack_html


def printed(inputs: PackInputs) -> pdf.PdfFile:
    return pdf.print_pdf(board_pack_html(inputs, charts="png"))


def page_texts(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def rendered(data: bytes, index: int, folder: Path) -> Path:
    """Page ``index`` drawn to a PNG under ``folder``, checked to hold more than the footer."""
    document = pypdfium2.PdfDocument(data)
    image = document[index].render(scale=1).to_pil().convert("L")
    path = folder / f"page-{index + 1}.png"
    image.save(path)
    width, height = image.size
    body = image.crop((0, 0, width, int(height * 0.85)))  # above the footer
    dark = sum(body.histogram()[:128])
    assert dark > width * 2, f"page {index + 1} is nearly empty"
    return path


@pytest.fixture(scope="module")
def by_plan(sample_dataset: econ.Dataset) -> PackInputs:
    return sample_inputs(sample_dataset, econ.sample_scenario().replace(segment_by="plan"))


@pytest.fixture(scope="module")
def sample_pdf(by_plan: PackInputs) -> pdf.PdfFile:
    return printed(by_plan)


def test_the_sample_pdf_holds_the_headline_numbers(
    by_plan: PackInputs, sample_pdf: pdf.PdfFile
) -> None:
    texts = page_texts(sample_pdf.data)
    assert len(texts) == sample_pdf.pages
    assert 8 <= sample_pdf.pages <= 25
    whole = " ".join(texts)
    table = spec.as_text(by_plan.report.segments, spec.SEGMENTS, segment_by="plan")
    starter = table.filter(table["Segment"] == "Starter").row(0, named=True)
    assert starter["LTV:CAC"] == "0.2x"  # the Starter plan's LTV:CAC, as the Segment LTV table
    row = " ".join(starter.values())  # the table row as the PDF's text reads it
    assert row in whole
    assert "84.3%" in texts[0]  # aggregate feature margin, on the first page
    assert "The Starter plan returns 0.2x its acquisition cost" in whole
    for text in texts:  # the footer on every page, with the share link to click
        assert f"Dataset sample · generated {GENERATED_ON.isoformat()}" in text
        assert "open this exact view in the app" in text
    assert "econ.example.org" in whole  # spelled out once, on the Assumptions page


def test_every_sample_page_has_content(sample_pdf: pdf.PdfFile, tmp_path: Path) -> None:
    for index in range(sample_pdf.pages):
        rendered(sample_pdf.data, index, tmp_path)


def test_the_small_upload_pdf(tmp_path: Path) -> None:
    inputs = first_upload()
    result = printed(inputs)
    texts = page_texts(result.data)
    whole = " ".join(texts)
    assert 6 <= result.pages <= 20
    assert "67.8%" in texts[0]  # aggregate feature margin: ($842 − $271) ÷ $842
    assert "Deep research loses" in whole
    assert f"Dataset {inputs.dataset_id}" in texts[-1]
    for index in range(result.pages):
        rendered(result.data, index, tmp_path)


def test_board_pack_bytes_in_both_formats(tmp_path: Path) -> None:
    inputs = first_upload()
    document = pdf.board_pack(inputs, "html")
    assert document.startswith(b"<!DOCTYPE html>")
    printed_pdf = pdf.board_pack(inputs, "pdf")
    assert printed_pdf.startswith(b"%PDF-")


class _NoPango(importlib.abc.MetaPathFinder):
    """Importing WeasyPrint fails as it does where the system has no Pango."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")


def test_a_missing_pango_names_the_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_NoPango(), *sys.meta_path])
    with pytest.raises(econ.EconError, match=re.escape(pdf.PANGO_PACKAGES)):
        pdf.board_pack_pdf("<p>x</p>")
