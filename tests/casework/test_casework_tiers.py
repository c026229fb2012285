"""A 班主任 never sees confidential text or other classes' students: one test per path."""
from __future__ import annotations

import json

import pytest

from app.casework.records import RecordFilter, create_record, get_record, list_records, versions
from app.errors import PermissionDenied
from app.policy import class_scope
from tests.casework.helpers import class_students, other_class_student, record

SECRET = "谈及家庭冲突，父母经常争吵。"


@pytest.fixture
def records(school):
    mine = class_students(school)[0]
    other = other_class_student(school)
    r1 = create_record(school, record(mine, summary="近期失眠，约定回访。", confidential=SECRET))
    r2 = create_record(school, record(other, summary="外班学生失眠问题。", confidential="外班保密内容"))
    return {"mine": mine, "other": other, "r1": r1, "r2": r2}


def test_list_path(school, head_teacher, records):
    seen = list_records(head_teacher, RecordFilter())
    ids = [r.id for r in seen]
    assert records["r1"] in ids and records["r2"] not in ids
    for r in seen:
        assert r.confidential is None and not r.confidential_present
        assert all(s.class_id == class_scope(head_teacher.account) for s in r.students)
    assert SECRET not in repr(seen)
    # a counselor's list shows the marker but not the text (the text needs opening the record)
    mine = next(r for r in list_records(school) if r.id == records["r1"])
    assert mine.confidential is None and mine.confidential_present


def test_record_and_versions_path(school, head_teacher, records):
    rec = get_record(head_teacher, records["r1"])
    assert rec.confidential is None and rec.summary
    with pytest.raises(PermissionDenied):
        get_record(head_teacher, records["r2"])
    data = get_record(school, records["r1"]).as_input()
    data.summary = "改过的摘要"
    from app.casework.records import update_record

    update_record(school, records["r1"], data, "补充")
    assert all("confidential" not in v.record for v in versions(head_teacher, records["r1"]))
    assert not head_teacher.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'view_confidential'"
                                      " AND account = 'teacher1'")


def test_search_path(school, head_teacher, records):
    from app.search import search

    assert not search(head_teacher, "家庭冲突")
    # “冲突” is in the secret only, among casework records; the demo's committee report on the head teacher's own
    # class may name a sign 人际冲突 (ordinary tier, shown to them), and that is all they find
    conflict = search(head_teacher, "冲突")
    assert all(h.source == "network_report" and h.tier == "ordinary" for h in conflict)
    assert all(s.class_name == "七年级（1）班" for h in conflict for s in h.students)
    assert SECRET not in json.dumps([h.as_json() for h in conflict], ensure_ascii=False)
    hits = search(head_teacher, "失眠")
    assert [h.ref_id for h in hits] == [records["r1"]]
    assert SECRET not in json.dumps([h.as_json() for h in hits], ensure_ascii=False)
    counselor = search(school, "家庭冲突")
    assert [h.ref_id for h in counselor] == [records["r1"]] and counselor[0].tier == "confidential"


def test_timeline_path(school, head_teacher, records):
    from app.archive.chronology import CONFIDENTIAL, timeline

    events = [e for e in timeline(head_teacher, records["mine"]) if e.kind == "casework"]
    assert events and all(SECRET not in e.detail and e.tier != CONFIDENTIAL for e in events)
    with pytest.raises(PermissionDenied):
        timeline(head_teacher, records["other"])
    full = [e for e in timeline(school, records["mine"]) if e.kind == "casework"]
    assert any(SECRET in e.detail and e.tier == CONFIDENTIAL for e in full)


def test_export_path(school, head_teacher, records, tmp_path):
    from openpyxl import load_workbook

    from app.casework.export import export_xlsx
    from tests.xlsx_crypto import EXPORT_PASSWORD, load_encrypted

    path = export_xlsx(head_teacher, list_records(head_teacher), tmp_path / "ht.xlsx", password=EXPORT_PASSWORD)
    cells = [str(c) for row in load_encrypted(path).active.iter_rows(values_only=True) for c in row if c]
    assert any("失眠" in c for c in cells)
    assert not any("冲突" in c or "外班" in c for c in cells)
    with pytest.raises(PermissionDenied):
        export_xlsx(head_teacher, list_records(head_teacher), tmp_path / "x.xlsx", with_confidential=True)
    path = export_xlsx(school, list_records(school), tmp_path / "c.xlsx", with_confidential=True, plain=True)
    cells = [str(c) for row in load_workbook(path).active.iter_rows(values_only=True) for c in row if c]
    assert SECRET in cells


def test_cli_path(school, head_teacher, records, monkeypatch, capsys):
    from app.cli import main
    from tests.conftest import TEACHER_PASSWORD

    head_teacher.close()
    school.close()
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(school.paths.root))
    monkeypatch.setenv("XINQIAO_USER", "teacher1")
    monkeypatch.setenv("XINQIAO_PASSWORD", TEACHER_PASSWORD)
    assert main(["search", "家庭冲突", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["search", "失眠", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 1 and {"registry_no", "kind", "date", "snippet", "name", "record_id"} <= set(hits[0])
    assert main(["sessions", "--json"]) == 0
    out = capsys.readouterr().out
    assert "失眠" in out and SECRET not in out and "外班" not in out and '"confidential"' not in out


def test_confidential_search_snippets_are_audited(school, head_teacher, records):
    from app.search import search

    def audited(session) -> list[str]:
        return [r[0] for r in session.db.query("SELECT detail FROM audit_log WHERE action = 'view_confidential'"
                                               " AND target = 'search'")]

    search(head_teacher, "失眠")
    assert audited(school) == []                 # a head teacher reads no confidential text
    hits = search(school, "约定回访")            # the summary of r1 matches: an ordinary snippet
    assert [h.tier for h in hits if h.ref_id == records["r1"]] == ["ordinary"]
    assert all(f"casework:{records['r1']}" not in d for d in audited(school))
    hits = search(school, "家庭冲突")
    assert hits[0].tier == "confidential"
    detail = audited(school)[-1]
    assert f"casework:{records['r1']}" in detail and "家庭冲突" not in detail   # which records, not the query
