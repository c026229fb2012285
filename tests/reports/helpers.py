"""Reading the PDFs reports write with poppler's tools (the letters' helpers) and the spreadsheets with openpyxl."""
from __future__ import annotations

from tests.letters.helpers import pdf_fonts, pdf_pages, pdf_text, pdf_words

__all__ = ["pdf_fonts", "pdf_pages", "pdf_text", "pdf_words", "xlsx_rows"]


def xlsx_rows(path):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    return [list(r) for r in ws.iter_rows(values_only=True)]
