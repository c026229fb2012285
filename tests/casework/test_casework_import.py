"""import-sessions: messy files, errors by sheet row, one transaction, tiers, never crashing."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from app.casework.importer import apply_sessions, import_sessions, preview_sessions
from app.errors import InputRejected
from app.search import search
from app.tabular.error_reports import get_error_report


def _students(session, n=3):
    return [(r[0], r[1]) for r in session.db.query("SELECT registry_no, name FROM students ORDER BY id LIMIT :n",
                                                   {"n": n})]


def _messy(path, students, bad=True):
    wb = Workbook()
    ws = wb.active
    ws.append(["2025学年 心理辅导记录汇总"])          # title row
    ws.append([])
    ws.append(["序号", "学生姓名", "全国学籍号", "咨询日期", "辅导形式", "时长", "问题类型", "谈话内容", "保密内容"])
    (r0, n0), (r1, n1), (r2, n2) = students[:3]
    ws.append([1, n0, r0, dt.datetime(2026, 10, 11, 14, 30), "个别咨询", "40分钟", "情绪、睡眠", "近期失眠，约定回访。",
               "谈及家庭冲突。"])
    ws.append([2, n1, r1.lower(), "2026/10/12", "谈心", 20, "学业", "考试前紧张。", None])
    ws.append([3, n2, r2, "2026年10月13日", "家访", "", "", "家访了解家庭情况。", ""])
    if bad:
        ws.append([4, n0, "G0000000000000", "2026-10-14", "个体咨询", 30, "", "没有这个学生", ""])  # row 7
        ws.append([5, "张冠李戴", r1, "2026-10-14", "个体咨询", 30, "", "名字不对", ""])               # row 8
        ws.append([6, n2, r2, "2026-13-45", "个体咨询", 30, "", "日期不对", ""])                      # row 9
        ws.append([7, n2, r2, "2026-10-15", "散步", 30, "", "类型不对", ""])                          # row 10
        ws.append([8, n2, r2, "2026-10-16", "个体咨询", "很久", "", "时长不对", ""])                   # row 11
    ws.append([None, None, None, None])
    wb.save(path)
    return path


def test_messy_file_errors_by_sheet_row(school, tmp_path):
    path = _messy(tmp_path / "历史记录.xlsx", _students(school))
    p = preview_sessions(school, path)
    assert p.header_row == 3
    assert len(p.new) == 3
    assert [e.row for e in p.errors] == [7, 8, 9, 10, 11]
    reasons = " ".join(e.reason for e in p.errors)
    for word in ("没有学籍号", "不一致", "日期", "类型", "时长"):
        assert word in reasons
    assert p.new[0].data.occurred_at == "2026-10-11T14:30" and p.new[0].data.duration_min == 40
    assert p.new[0].data.concern_categories == ["情绪", "睡眠"] and p.new[1].data.kind == "talk"
    count = school.db.scalar("SELECT count(*) FROM case_records")
    with pytest.raises(InputRejected):
        apply_sessions(school, p)            # any invalid row: nothing written
    assert school.db.scalar("SELECT count(*) FROM case_records") == count
    result = apply_sessions(school, p, skip_invalid=True)
    assert result.written == 3 and result.error_report
    assert get_error_report(school, result.error_report).errors and not school.paths.reports.exists()
    assert school.db.scalar("SELECT count(*) FROM case_records") == count + 3
    # tiers: the summary is ordinary, 保密内容 confidential
    rid = search(school, "家庭冲突")[0].ref_id
    # (the confidential text lives in confidential.db, issue 8 (b))
    row = school.db.one("SELECT r.summary, c.text AS confidential, r.import_id FROM case_records r"
                        " JOIN conf.case_confidential c ON c.record_id = r.id WHERE r.id = :i", {"i": rid})
    assert row["summary"] == "近期失眠，约定回访。" and row["confidential"] == "谈及家庭冲突。" and row["import_id"]
    # importing the same file again writes nothing twice
    again = preview_sessions(school, path)
    assert len(again.new) == 0 and len(again.duplicates) == 3


def test_dry_run_writes_nothing_and_mapping_adjusts(school, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["学籍号", "日期", "类型", "咨询概况"])
    reg, _name = _students(school, 1)[0]
    ws.append([reg, "2026-10-01", "个体咨询", "用调整的列对应导入"])
    path = tmp_path / "x.csv"
    wb.save(tmp_path / "x.xlsx")
    path.write_text("学籍号,日期,类型,咨询概况\n" + f"{reg},2026-10-01,个体咨询,用调整的列对应导入\n", "utf-8")
    count = school.db.scalar("SELECT count(*) FROM case_records")
    r = import_sessions(school, tmp_path / "x.xlsx", dry_run=True, mapping={"summary": "咨询概况"})
    assert r.written == 0 and r.preview.new[0].data.summary == "用调整的列对应导入"
    assert school.db.scalar("SELECT count(*) FROM case_records") == count
    r = import_sessions(school, path, mapping={"summary": "咨询概况"})
    assert r.written == 1


def test_head_teacher_may_not_import(head_teacher, tmp_path):
    from app.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        preview_sessions(head_teacher, _messy(tmp_path / "a.xlsx", _students(head_teacher)))


def test_cli_exit_codes_and_json(school, tmp_path, monkeypatch, capsys):
    from app.cli import main
    from tests.conftest import PASSWORD

    students = _students(school)
    path = _messy(tmp_path / "m.xlsx", students)
    _messy_registry = students[0][0]
    school.close()
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(school.paths.root))
    monkeypatch.setenv("XINQIAO_USER", "counselor")
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    assert main(["import-sessions", str(path), "--dry-run", "--json"]) == 3
    report = json.loads(capsys.readouterr().out)
    assert [e["row"] for e in report["errors"]] == [7, 8, 9, 10, 11] and report["written"] == 0
    assert main(["import-sessions", str(path), "--json"]) == 3
    assert json.loads(capsys.readouterr().out)["written"] == 0
    assert main(["import-sessions", str(path), "--skip-invalid", "--json", "--save-profile", "旧表"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["written"] == 3 and report["ok"] and report["error_report"]
    assert main(["import-sessions", str(path), "--skip-invalid", "--profile", "旧表", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["duplicates"] == 3
    assert main(["import-sessions", str(tmp_path / "none.xlsx"), "--json"]) == 3
    capsys.readouterr()
    assert main(["search", "失眠", "--json"]) == 0
    reg = _messy_registry
    hits = [h for h in json.loads(capsys.readouterr().out) if h["registry_no"] == reg]
    assert len(hits) == 1 and hits[0]["kind"] == "individual" and "⟦失眠⟧" in hits[0]["snippet"]


CELL = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), st.integers(-10**6, 10**12), st.floats(allow_nan=True),
                 st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)), st.booleans())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=0, max_size=9), min_size=0, max_size=8), st.booleans())
def test_never_crashes_on_random_cells(school, tmp_path_factory, rows, with_header):
    path = tmp_path_factory.mktemp("h") / "random.xlsx"
    wb = Workbook()
    ws = wb.active
    if with_header:
        ws.append(["学籍号", "姓名", "日期", "类型", "时长（分钟）", "问题类别", "记录摘要", "保密记录"])
    for r in rows:
        ws.append([c for c in r])
    wb.save(path)
    try:
        p = preview_sessions(school, path)
    except InputRejected:
        return
    for e in p.errors:
        assert e.row >= 1 and e.reason
    apply_sessions(school, p, skip_invalid=True)
