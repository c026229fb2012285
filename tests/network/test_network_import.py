"""import-reports with messy collection sheets: merged header cells, full-width digits, class names in every form
the roster accepts, an unknown student reported by row; and the blank forms as a PDF."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import pytest
from openpyxl import Workbook

from app.errors import InputRejected
from app.network.forms import blank_forms
from app.network.importer import apply_reports, import_reports, preview_reports
from app.network.reports import list_reports, untriaged
from tests.conftest import PASSWORD, ROOT
from tests.network.helpers import set_day, students_of


def _names(session, class_id):  # type: ignore[no-untyped-def]
    return [r[0] for r in session.db.query("SELECT name FROM students WHERE class_id = :c ORDER BY id",
                                           {"c": class_id})]


def _messy(session, class_ids, path, *, unknown=True):  # type: ignore[no-untyped-def]
    set_day(dt.date(2026, 11, 30))
    n1, n2, n3 = _names(session, class_ids["7.1"]), _names(session, class_ids["7.2"]), _names(session, class_ids["7.3"])
    wb = Workbook()
    ws = wb.active
    ws.append(["某某中学 2026 年 11 月 心理委员报告汇总"])
    ws.merge_cells("A1:H1")
    ws.append(["日期", "班级", "心理委员", "类型", "班级情况", "关注学生情况", None, None])
    ws.append([None, None, None, None, None, "关注学生", "表现", "情况说明"])
    for col in "ABCDE":   # header cells merged over the two header rows
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("F2:H2")
    ws.append(["２０２６-11-27", "七年级（１）班", "甲", "例行", "总体平稳", n1[0], "情绪低落、人际冲突", "最近不愿说话"])  # row 4
    ws.append(["2026/11/27", "初一1班", "甲", "例行", "", n1[1], "自残", "手臂有划痕"])                         # row 5
    ws.append(["2026年11月26日", "7.2", "乙", "例行", "平稳", "", "", ""])                                     # row 6
    ws.append(["2026-11-25", "七年级2班", "丙", "即时", "", n2[0], "欺负", "被同学起外号"])                       # row 7
    ws.append(["2026-11-25", "7年级3班", "丁", "", "", n3[0], "失恋了", ""])                                    # row 8
    if unknown:
        ws.append(["2026-11-25", "初一（3）班", "丁", "例行", "", "查无此人", "情绪低落", ""])                    # row 9
    wb.save(path)
    return n1, n2, n3


def test_messy_sheet_preview_reports_every_row(session, class_ids, tmp_path):
    f = tmp_path / "reports.xlsx"
    n1, n2, _n3 = _messy(session, class_ids, f)
    p = preview_reports(session, f)
    assert p.header_row == 3
    assert [(e.row, e.field) for e in p.errors] == [(8, "表现"), (9, "关注学生")]
    assert "失恋了" in p.errors[0].reason and "情绪低落" in p.errors[0].reason
    assert "查无此人" in p.errors[1].reason and "未知学生" in p.errors[1].reason
    places = sorted((r.place, r.data.immediate, tuple(r.names)) for r in p.reports)
    assert places == [("七年级（1）班", False, (n1[0], n1[1])), ("七年级（2）班", False, ()),
                      ("七年级（2）班", True, (n2[0],))]
    with pytest.raises(InputRejected, match="2 行无效"):
        apply_reports(session, p)
    assert list_reports(session) == []


def test_messy_sheet_skip_invalid_writes_the_rest(session, class_ids, tmp_path):
    f = tmp_path / "reports.xlsx"
    n1, _n2, _n3 = _messy(session, class_ids, f)
    result = import_reports(session, f, skip_invalid=True)
    assert result.written == 3 and result.error_report is not None
    from app.tabular.error_reports import get_error_report
    assert get_error_report(session, result.error_report).errors and not session.paths.reports.exists()
    listed = list_reports(session, period="2026-11")
    assert sorted((v.place, v.immediate, v.zero) for v in listed) == [
        ("七年级（1）班", False, False), ("七年级（2）班", False, True), ("七年级（2）班", True, False)]
    views = {v.place: v for v in listed}
    one = views["七年级（1）班"]
    assert [(c.student, c.signs) for c in one.concerns] == [(n1[0], ("情绪低落", "人际冲突")),
                                                            (n1[1], ("自伤或伤人言行",))]
    assert one.climate == "总体平稳"
    assert [t.student for t in untriaged(session) if t.urgent] == [n1[1]]
    # 七年级（3）班's rows were all invalid: it has sent no report (not a zero report)
    assert "七年级（3）班" not in views
    again = preview_reports(session, f)
    assert again.reports == [] and len(again.duplicates) == 4


def test_import_reports_command_line(session, class_ids, tmp_path):
    f = tmp_path / "reports.xlsx"
    _messy(session, class_ids, f)
    root = session.paths.root
    session.close()
    env = dict(os.environ, XINQIAO_DATA_DIR=str(root), XINQIAO_USER="counselor", XINQIAO_PASSWORD=PASSWORD,
               PYTHONPATH=str(ROOT))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], env=env, capture_output=True,
                              text=True, timeout=300)

    r = run("import-reports", str(f), "--dry-run", "--json")
    assert r.returncode == 3
    report = json.loads(r.stdout)
    assert [e["row"] for e in report["errors"]] == [8, 9] and report["written"] == 0
    r = run("import-reports", str(f), "--skip-invalid", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["written"] == 3
    r = run("network", "--period", "2026-11", "--json")
    assert r.returncode == 0
    out = json.loads(r.stdout)
    assert set(out) == {"period", "classes", "rooms", "untriaged", "missing"}
    assert [m["name"] for m in out["missing"]] == ["七年级（3）班", "七年级（4）班"]
    assert all({"student", "class", "signs", "since"} <= set(u) for u in out["untriaged"]) and out["untriaged"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_blank_forms_carry_the_class_list_and_no_other_class(session, class_ids, tmp_path):
    out = blank_forms(session, "2026-11", tmp_path / "forms.pdf", [class_ids["7.1"]])
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "七年级（1）班" in text and "2026-11" in text and "本期无异常" in text and "自伤或伤人言行" in text
    # the instruction comes out whole (a √ the bundled font lacks was once printed as a blank)
    assert "在姓名前的 [ ] 内打勾，写出表现编号和所见情况" in " ".join(text.split()).replace("[  ]", "[ ]")
    for name in _names(session, class_ids["7.1"]):
        assert name in text
    for name in _names(session, class_ids["7.2"]):
        assert name not in text
    every = blank_forms(session, "2026-11", tmp_path / "all.pdf")
    pages = subprocess.run(["pdftotext", str(every), "-"], capture_output=True, text=True, check=True).stdout
    assert pages.count("\f") == 4    # one page per eligible class (三年级 is not eligible by default)
    assert students_of(session, class_ids["7.1"])
