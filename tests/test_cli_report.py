"""``econ report``: the board pack from the command line, as HTML or PDF, with the share link's
query part; bad arguments exit with code 2 and a message."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pypdf
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, WriteParquet

from econ.cli import REPORT_EXTRA, main
from econ.storage.store import DatasetStore


def test_html_of_the_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "pack.html"
    target.write_text("old", encoding="utf-8")  # an existing file is overwritten
    assert main(["report", "--output", str(target)]) == 0
    document = target.read_text(encoding="utf-8")
    assert document.startswith("<!DOCTYPE html>")
    assert "Dataset sample" in document and "84.3%" in document
    out = capsys.readouterr().out
    assert f"wrote {target}" in out
    assert "share link: ?v=1&data=sample&s=" in out
    assert "(append to your app's address)" in out
    assert "?v=1&amp;data=sample&amp;s=" in document


def test_pdf_of_uploaded_files(
    tmp_path: Path, write_parquet: WriteParquet, capsys: pytest.CaptureFixture[str]
) -> None:
    usage, revenue = (
        write_parquet("usage.parquet", FIRST_USAGE),
        write_parquet("rev.parquet", FIRST_REVENUE),
    )
    target = tmp_path / "pack.pdf"
    files = ["--usage", str(usage), "--revenue", str(revenue)]
    assert main(["report", "--format", "pdf", "--output", str(target), *files]) == 0
    reader = pypdf.PdfReader(io.BytesIO(target.read_bytes()))
    out = capsys.readouterr().out
    assert f"wrote {target} ({len(reader.pages)} pages)" in out
    assert "no share link" in out  # the app's store does not hold these files
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert "Deep research" in text and "Starter" in text

    # Once the app holds the same files, the link names the same dataset the app would.
    dataset_id = DatasetStore().put(
        usage.read_bytes(),
        revenue.read_bytes(),
        usage_name="usage.parquet",
        revenue_name="rev.parquet",
    )
    assert main(["report", "--output", str(tmp_path / "again.html"), *files]) == 0
    assert f"share link: ?v=1&data={dataset_id}&s=" in capsys.readouterr().out


def test_a_bad_format_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["report", "--format", "docx", "--output", str(tmp_path / "x.docx")])
    assert stopped.value.code == 2
    assert "invalid choice: 'docx'" in capsys.readouterr().err
    assert not (tmp_path / "x.docx").exists()


def test_an_unwritable_output_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing-folder" / "pack.html"
    assert main(["report", "--output", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("econ: error:") and "pack.html" in err
    assert "Traceback" not in err


def test_an_output_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report"]) == 2
    assert "econ report needs --output PATH" in capsys.readouterr().err


def test_without_the_report_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "econ_pack.pack", None)  # as if it were not installed
    assert main(["report", "--output", str(tmp_path / "x.html")]) == 2
    assert REPORT_EXTRA in capsys.readouterr().err
    assert REPORT_EXTRA == "econ report needs the report extra: pip install 'econ[report]'"
