"""Spreadsheet readers refuse absurd files before parsing; every cell the program writes is text, never a formula."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from app.tabular import sheets
from app.tabular.errors import FileTooLarge, UnreadableFile
from app.tabular.sheets import sheet_rows
from app.tabular.writing import append_row, csv_rows, needs_text, new_workbook, text_cell

DANGEROUS = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+2", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def _bomb(path, member_size: int) -> None:
    """A valid .xlsx plus one member of ``member_size`` bytes of zeros (packs to almost nothing)."""
    wb = Workbook()
    wb.active.append(["姓名", "学籍号", "班级"])
    wb.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z, z.open("xl/padding.xml", "w",
                                                                                    force_zip64=True) as fh:
        chunk = b"0" * (1024 * 1024)
        for _ in range(member_size // len(chunk)):
            fh.write(chunk)


def test_unpacked_size_refused_before_parsing(tmp_path, monkeypatch):
    path = tmp_path / "炸弹.xlsx"
    _bomb(path, 40 * 1024 * 1024)               # 40 MB of XML in a file of a few tens of KB
    assert path.stat().st_size < 200_000

    def never(*_a, **_k):  # the check comes first: calamine is never asked to open the file
        raise AssertionError("parsed")

    monkeypatch.setattr(sheets, "_workbook_rows", never)
    with pytest.raises(FileTooLarge) as e:      # the packing ratio
        sheet_rows(path)
    assert "压缩比异常" in e.value.message and path.name in e.value.message
    monkeypatch.setattr(sheets, "MAX_RATIO", 10 ** 9)
    monkeypatch.setattr(sheets, "MAX_UNPACKED_BYTES", 30 * 1024 * 1024)
    with pytest.raises(FileTooLarge) as e:      # the total declared size
        sheet_rows(path)
    assert "解压后" in e.value.message


def test_row_count_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_ROWS", 50)
    wb = Workbook()
    for i in range(60):
        wb.active.append([f"学生{i}", f"G{i:08d}"])
    wb.save(tmp_path / "多.xlsx")
    with pytest.raises(FileTooLarge) as e:
        sheet_rows(tmp_path / "多.xlsx")
    assert "超过可导入的 50 行" in e.value.message
    (tmp_path / "多.csv").write_text("\n".join(f"学生{i},G{i:08d}" for i in range(60)), "utf-8")
    with pytest.raises(FileTooLarge):
        sheet_rows(tmp_path / "多.csv")


def test_csv_field_over_the_limit_gets_a_message(tmp_path):
    path = tmp_path / "长.csv"
    path.write_text("姓名,学籍号\n张三,\"" + "x" * (csv.field_size_limit() + 10) + "\"\n", "utf-8")
    with pytest.raises(UnreadableFile) as e:
        sheet_rows(path)
    assert "超过" in e.value.message and "第 2 行" in e.value.message


def test_formula_like_values_are_written_as_text(tmp_path):
    assert all(needs_text(v) for v in DANGEROUS) and not needs_text(-3) and not needs_text("王小明")
    wb, ws = new_workbook("t", ["值"])
    for v in DANGEROUS:
        append_row(ws, [v, -3])
    wb.save(tmp_path / "t.xlsx")
    back = load_workbook(tmp_path / "t.xlsx").active
    cells = [row[0] for row in back.iter_rows(min_row=2)]
    got = [c.value for c in cells]
    assert got[:5] == DANGEROUS[:5] and got[5] in ("\r=1+1", "\n=1+1")  # as typed (XML reads CR back as LF)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)  # as text, never a formula
    with zipfile.ZipFile(tmp_path / "t.xlsx") as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    assert back.cell(row=2, column=2).value == -3                 # numbers stay numbers
    text = csv_rows([DANGEROUS]).decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text, newline="")))[0] == "'" + DANGEROUS[0]
    assert [text_cell(v, csv_cell=True) for v in DANGEROUS] == ["'" + v for v in DANGEROUS]


def test_every_exporter_writes_formulas_as_text(tmp_path):
    """The exporters and the error report go through append_row / csv_rows (one rule)."""
    import inspect

    from app.casework import export as casework_export
    from app.crisis import export as crisis_export
    from app.screening import export as screening_export
    from app.tabular import error_reports

    for module in (casework_export, crisis_export, screening_export, error_reports):
        source = inspect.getsource(module)
        assert "append_row(" in source and "ws.append(" not in source and "csv.writer" not in source, module
