""".xls (Excel 97), .ods and .xlsx read alike through python-calamine; files that cannot be read are refused by type
with a Chinese message naming the file. The .xls/.ods files are made by tests/data/make_formats.py."""
from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from app.school.roster_import import apply_roster, preview_roster
from app.tabular import (
    EmptySheet,
    FileEncrypted,
    HeaderNotFound,
    MissingColumns,
    TableError,
    UnreadableFile,
    cell_text,
    sheet_names,
    sheet_rows,
)

DATA = Path(__file__).resolve().parent.parent / "data"
REGISTRY = DATA / "roster_registry.xlsx"
sys.path.insert(0, str(DATA))
from make_formats import AUX_EXPECTED  # noqa: E402


def _students(preview) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return sorted((c.row.sheet_row, c.row.registry_no, c.row.name, c.row.gender, c.row.birth_date, c.row.id_number,
                   c.row.class_key, c.row.ethnicity, c.row.boarding, c.row.left_behind, c.row.guardian)
                  for c in preview.new)


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_registry_export_reads_like_the_xlsx(session, ext):
    """The registry system's roster as .xls / .ods: same header row, same sheet rows, dates, flags, classes."""
    expected = preview_roster(session, REGISTRY)
    p = preview_roster(session, DATA / f"roster_registry.{ext}")
    assert (p.sheet, p.header_row, p.counts()) == ("学生名单", 2, expected.counts())
    assert p.counts()["new"] == 30 and not p.errors
    assert _students(p) == _students(expected)
    assert _students(p)[0][:5] == (3, "G37020220120000000", "王子涵", "男", "2012-01-01")
    apply_roster(session, p)
    again = preview_roster(session, REGISTRY)  # the .xlsx of the same students changes nothing
    assert again.counts()["unchanged"] == 30 and again.counts()["updated"] == 0


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_second_sheet_with_a_merged_two_row_header_and_numbers_for_registry_numbers(session, ext):
    path = DATA / f"roster_registry.{ext}"
    assert sheet_names(path) == ["学生名单", "辅号名单"]
    p = preview_roster(session, path, sheet="辅号名单")
    assert p.sheet == "辅号名单" and p.header_row == AUX_EXPECTED["header_row"] and not p.errors
    assert [c.row.registry_no for c in p.new] == AUX_EXPECTED["registry"]  # not 3.70202e+14
    assert p.new[0].row.guardian == AUX_EXPECTED["guardian"]
    assert [c.row.sheet_row for c in p.new] == [4, 5, 6]


@pytest.mark.parametrize("ext", ["xls", "ods", "xlsx"])
def test_cells_as_the_sheet_shows_them(ext):
    name, rows = sheet_rows(DATA / f"roster_registry.{ext}")
    assert name == "学生名单"
    assert rows[1][:5] == ["序号", "姓名", "性别", "出生日期", "全国学籍号"]  # sheet row 2
    first = rows[2]
    assert first[0] == 1 and type(first[0]) is int
    assert isinstance(first[3], dt.date) and cell_text(first[3]) == "2012-01-01"
    assert first[5:7] == ["37020200000000", "37020220120101000X"] and rows[3][5] is None


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_numbers_typed_as_numbers_stay_whole(ext):
    _name, rows = sheet_rows(DATA / f"roster_registry.{ext}", "辅号名单")
    assert rows[3][1] == 370202000000031 and type(rows[3][1]) is int and cell_text(rows[3][1]) == "370202000000031"
    assert cell_text(rows[3][4]) == "13900000031"


def test_numbers_beyond_float_precision_are_written_as_excel_shows_them():
    """An 18-digit number typed into Excel keeps 15 significant digits; never 2.01305e+17, never noise digits."""
    assert cell_text(2.013050400012346e+17) == "201305040001235000"
    assert cell_text(1e20) == "100000000000000000000"
    assert cell_text(370202000000031.0) == "370202000000031"  # below 2**53: exact


def test_an_excel_serial_number_in_a_date_column_is_a_date(session, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "学籍号", "班级", "出生日期"])
    ws.append(["王小明", "G3702022013050401", "7.1", 41398])  # a date cell that lost its date format
    wb.save(tmp_path / "serial.xlsx")
    p = preview_roster(session, tmp_path / "serial.xlsx")
    assert p.new[0].row.birth_date == "2013-05-04"


def test_tab_separated_text_saved_as_xls_is_read(session, tmp_path):
    """Some platforms export tab-separated text under an .xls name; Excel opens it, so do we."""
    text = "姓名\t学籍号\t班级\n王小明\tG3702022013050401\t七年级（3）班\n"
    (tmp_path / "导出.xls").write_bytes(text.encode("gbk"))
    (tmp_path / "unicode.txt").write_bytes(text.encode("utf-16"))  # Excel's "Unicode 文本"
    for name in ("导出.xls", "unicode.txt"):
        p = preview_roster(session, tmp_path / name)
        assert [c.row.registry_no for c in p.new] == ["G3702022013050401"] and p.header_row == 1


def _encrypted_copy(path: Path, dest: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(path, "rb") as fh:
        out = io.BytesIO()
        OOXMLFile(fh).encrypt("secret", out)
    dest.write_bytes(out.getvalue())
    return dest


def test_a_password_protected_workbook_is_refused_by_type_naming_the_file(session, tmp_path):
    for name in ("加密花名册.xlsx", "加密花名册.xls"):  # the same encrypted file under either name
        path = _encrypted_copy(REGISTRY, tmp_path / name)
        with pytest.raises(FileEncrypted) as exc:
            preview_roster(session, path)
        assert name in exc.value.message and "密码" in exc.value.message and exc.value.exit_code == 3
        with pytest.raises(FileEncrypted):
            sheet_names(path)


@pytest.mark.parametrize(("name", "content", "words"), [
    ("空.xlsx", b"", ["0 字节"]),
    ("空.xls", b"", ["0 字节"]),
    ("空.ods", b"", ["0 字节"]),
    ("坏.xlsx", b"PK\x03\x04 not really a zip", ["无法打开此 Excel 文件", "另存为"]),
    ("坏.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ["无法打开此 Excel 文件"]),
    ("坏.ods", b"PK\x03\x04" + b"\x01" * 100, ["无法打开此表格文件"]),
    ("二进制.xls", bytes(range(256)) * 4, ["无法打开"]),
    ("网页.xls", "<html><body><table><tr><td>姓名</td></tr></table></body></html>".encode(), ["网页", ".xlsx"]),
    ("名单.pdf", b"%PDF-1.4", ["不支持的文件类型", ".xls", ".ods", ".csv"]),
])
def test_unreadable_files_are_refused_with_a_message_naming_the_file(session, tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as exc:
        preview_roster(session, path)
    assert name in exc.value.message and exc.value.exit_code == 3
    for word in words:
        assert word in exc.value.message


def test_a_missing_file_is_named(session, tmp_path):
    with pytest.raises(UnreadableFile) as exc:
        preview_roster(session, tmp_path / "没有.xlsx")
    assert "没有.xlsx" in exc.value.message and "找不到文件" in exc.value.message


def test_empty_sheets_and_files_say_so(session, tmp_path):
    wb = Workbook()
    wb.active.title = "空表"
    wb.save(tmp_path / "空表.xlsx")
    with pytest.raises(EmptySheet) as exc:
        preview_roster(session, tmp_path / "空表.xlsx")
    assert "空表.xlsx" in exc.value.message and "工作表“空表”" in exc.value.message and "空" in exc.value.message
    (tmp_path / "空.csv").write_text(",,\n,,\n", "utf-8")
    with pytest.raises(EmptySheet) as exc:
        preview_roster(session, tmp_path / "空.csv")
    assert "空.csv" in exc.value.message


def test_no_header_row_and_missing_columns_are_typed(session, tmp_path):
    wb = Workbook()
    wb.active.append(["星期一", "米饭"])
    wb.save(tmp_path / "菜单.xlsx")
    with pytest.raises(HeaderNotFound) as exc:
        preview_roster(session, tmp_path / "菜单.xlsx")
    assert "找不到表头行" in exc.value.message and "菜单.xlsx" in exc.value.message
    wb = Workbook()
    wb.active.append(["姓名", "学籍号"])
    wb.save(tmp_path / "缺班级.xlsx")
    with pytest.raises(MissingColumns) as miss:
        preview_roster(session, tmp_path / "缺班级.xlsx")
    assert "班级" in miss.value.message
    assert issubclass(HeaderNotFound, TableError) and issubclass(UnreadableFile, TableError)


def test_tabular_does_not_import_a_capability():
    """Text normalisation is the core's (app.text): reading a table loads nothing of app.school."""
    code = ("import sys, app.tabular, app.tabular.reader, app.tabular.cells; "
            "print(sorted(m for m in sys.modules if m.startswith('app.') and m.split('.')[1] not in "
            "('tabular', 'text', 'errors')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout.strip()
    assert out == "[]"


def test_command_line_imports_an_xls_and_refuses_an_encrypted_file_with_exit_3(session, tmp_path, monkeypatch,
                                                                               capsys):
    import json

    from app.cli import main
    from tests.conftest import PASSWORD

    locked = _encrypted_copy(REGISTRY, tmp_path / "加密.xlsx")
    session.close()
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(session.paths.root))
    monkeypatch.setenv("XINQIAO_USER", "counselor")
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    assert main(["import-roster", str(locked)]) == 3
    err = capsys.readouterr().err
    assert "加密.xlsx" in err and "密码" in err and "Traceback" not in err
    assert main(["import-roster", str(DATA / "roster_registry.xls"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["written"] and report["counts"]["new"] == 30 and report["header_row"] == 2
    assert main(["import-roster", str(DATA / "roster_registry.ods"), "--sheet", "辅号名单", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["new"] == 3


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=st.sampled_from(["roster_registry.xlsx", "roster_registry.xls", "roster_registry.ods"]),
       cut=st.floats(0.0, 1.0), flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=4),
       name=st.sampled_from(["f.xlsx", "f.xls", "f.ods", "f.csv"]))
def test_damaged_copies_of_real_files_are_read_or_refused_never_a_crash(tmp_path_factory, source, cut, flips, name):
    data = bytearray((DATA / source).read_bytes())
    data = data[:max(1, int(len(data) * cut))] if cut < 1 else data
    for at, byte in flips:
        data[min(len(data) - 1, int(len(data) * at))] = byte
    path = tmp_path_factory.mktemp("damaged") / name
    path.write_bytes(bytes(data))
    try:
        sheet_names(path)
        sheet_rows(path)
    except TableError as e:
        assert name in e.message


def _aborting_xls(tmp_path: Path) -> Path:
    """roster_registry.xls with its last sheet's Dimensions record saying the first row comes after the last."""
    data = bytearray((DATA / "roster_registry.xls").read_bytes())
    at = data.rindex(b"\x00\x02\x0e\x00") + 4  # Dimensions (0x0200, 14 bytes): first row, last row (u32), ...
    data[at:at + 4] = (1000).to_bytes(4, "little")
    path = tmp_path / "损坏.xls"
    path.write_bytes(bytes(data))
    return path


def test_an_xls_that_makes_calamine_abort_is_refused_and_the_program_goes_on(session, tmp_path):
    path = _aborting_xls(tmp_path)
    with pytest.raises(UnreadableFile) as exc:
        preview_roster(session, path, sheet="辅号名单")
    assert "损坏.xls" in exc.value.message and "无法打开" in exc.value.message
    with pytest.raises(UnreadableFile):
        sheet_names(path)
    assert preview_roster(session, DATA / "roster_registry.xls").counts()["new"] == 30  # this process still runs


def test_calamine_still_aborts_in_process_on_that_file(tmp_path):
    """Why .xls files are read in a child process (app.tabular.sheets._isolated). If this fails, calamine no longer
    aborts on the damaged file: check upstream (tafia/calamine issues 684, 714) before removing the child process."""
    code = ("import sys\nfrom python_calamine import CalamineWorkbook\n"
            "wb = CalamineWorkbook.from_path(sys.argv[1])\n"
            "[wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names]\n")
    r = subprocess.run([sys.executable, "-c", code, str(_aborting_xls(tmp_path))], capture_output=True, text=True)
    assert r.returncode < 0 or r.returncode == 134, (r.returncode, r.stderr[-300:])  # SIGABRT, not an exception


def test_the_largest_numbers_stay_numbers():
    big = 1.7976931348623151e+308
    assert float(cell_text(big)) == big  # no rounding up past the largest float
