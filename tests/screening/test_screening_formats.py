"""A platform's result file as Excel 97 .xls or .ods (tests/data/make_formats.py) imports like an .xlsx."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.school.roster_import import import_roster
from app.screening.importer import apply_screening, preview_screening
from app.tabular import HeaderNotFound

DATA = Path(__file__).resolve().parent.parent / "data"
sys.path.insert(0, str(DATA))
from make_formats import SCREENING_EXPECTED  # noqa: E402


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_result_file_in_old_and_open_formats(session, ext):
    import_roster(session, DATA / "roster_registry.xlsx")  # the students the file names
    p = preview_screening(session, DATA / f"screening_phq9.{ext}", "phq9", campaign="秋季测评")
    assert p.header_row == 2 and p.mode == "items" and p.errors == [] and p.warnings == []
    got = [(session.db.scalar("SELECT registry_no FROM students WHERE id = :i", {"i": r.student_id}), r.result.total)
           for r in p.rows]
    assert got == SCREENING_EXPECTED
    assert apply_screening(session, p, "秋季测评").written == 5


def test_no_header_row_is_a_typed_error_with_the_screening_message(session, tmp_path):
    wb = Workbook()
    wb.active.append(["星期一", "米饭"])
    wb.active.append(["星期二", "面条"])
    wb.save(tmp_path / "菜单.xlsx")
    with pytest.raises(HeaderNotFound) as exc:
        preview_screening(session, tmp_path / "菜单.xlsx", "phq9")
    assert "菜单.xlsx" in exc.value.message and "第1题" in exc.value.message and "总分" in exc.value.message
