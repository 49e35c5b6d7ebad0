"""The board pack as PDF: WeasyPrint typesets the same HTML, with charts as PNG.

WeasyPrint is a maintained HTML/CSS-to-PDF engine written in Python; it draws text with the
system's Pango. The pack's print style (``board.css``) sets A4 landscape pages, keeps table
rows and charts whole, repeats table headers and puts the dataset, date, share link and page
number in every page's footer. Nothing is fetched while printing: the document is
self-contained and any other URL is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import econ
from econ_pack.pack import PackInputs, board_pack_html

PANGO_PACKAGES: Final = "libpango-1.0-0 libpangoft2-1.0-0"
"""The Debian packages WeasyPrint needs (its only libraries that are not wheels)."""


@dataclass(frozen=True)
class PdfFile:
    """A printed PDF and its number of pages."""

    data: bytes
    pages: int


def board_pack_pdf(html: str) -> bytes:
    """Print the board pack's HTML (made with ``charts="png"``) to PDF bytes.

    Raises :class:`econ.ReportRenderError` when WeasyPrint cannot load Pango, naming the packages to
    install.
    """
    return print_pdf(html).data


def print_pdf(html: str) -> PdfFile:
    """:func:`board_pack_pdf`, with the number of pages printed."""
    try:
        import weasyprint  # type: ignore[import-untyped]  # noqa: PLC0415
    except OSError as error:  # the system library is missing, not the Python package
        raise econ.ReportRenderError(
            f"the PDF needs the system's Pango library ({error}); on Debian or Ubuntu: "
            f"apt-get install {PANGO_PACKAGES}"
        ) from None
    # Only data: URIs (the charts) are read; a file or web address would be refused.
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    document = weasyprint.HTML(string=html, url_fetcher=fetcher).render()
    pdf: bytes = document.write_pdf()
    return PdfFile(pdf, len(document.pages))


def board_pack(inputs: PackInputs, fmt: Literal["html", "pdf"]) -> bytes:
    """The board pack as file bytes: self-contained HTML (UTF-8, charts as SVG) or PDF."""
    if fmt == "html":
        return board_pack_html(inputs, charts="svg").encode("utf-8")
    return board_pack_pdf(board_pack_html(inputs, charts="png"))
