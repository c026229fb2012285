"""Privacy of the ledger: a 班主任 sees only their class (library, command line, exports), never the interview
reason nor the scores and rule behind a level; every export and listing is audited."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from helpers import students

from app import clock
from app.archive.chronology import timeline
from app.school.classes import find_class
from app.screening.campaigns import create_campaign
from app.screening.export import export_ledger
from app.screening.interviews import interviews_for_student, record_interview
from app.screening.ledger import LedgerFilter, ledger_rows, level_history
from app.screening.results import save_answers
from tests.xlsx_crypto import EXPORT_PASSWORD, load_encrypted

L1 = [0, 0, 0, 0, 0, 0, 0, 0, 2]
L2 = [2, 2, 2, 2, 2, 2, 2, 2, 0]
SECRET = "保密：父母离异细节"


@pytest.fixture
def data(school):
    clock.set_fixed(dt.datetime(2026, 10, 9, 10, 0))
    camp = create_campaign(school, "七八年级测评", {7: "phq9", 8: "phq9"})
    mine = find_class(school.db, "7.1")
    st_ = students(school, 80)
    in_class = [s for s in st_ if s[3] == mine.name][:2]
    other = [s for s in st_ + students(school, 10, grade=8) if s[3] != mine.name][:2]
    assert len(in_class) == 2 and len(other) == 2
    for s, a in zip(in_class + other, [L1, L2, L1, L2], strict=True):
        save_answers(school, camp.id, s[0], "phq9", a)
    for r in ledger_rows(school, LedgerFilter(campaign_id=camp.id)):
        record_interview(school, r.entry_id, confirmed_level=r.level or 2, reason=SECRET, next_step="咨询")
    return camp, mine, in_class, other


def _audits(session, action="export") -> int:
    return int(session.db.scalar("SELECT count(*) FROM audit_log WHERE action = :a", {"a": action}))


def test_head_teacher_ledger_is_their_class_without_confidential_detail(school, head_teacher, data):
    camp, mine, in_class, other = data
    counselor_rows = ledger_rows(school, LedgerFilter(campaign_id=camp.id), with_history=True)
    assert {r.class_name for r in counselor_rows} > {mine.name}
    assert any("第9题" in r.basis for r in counselor_rows) and all(r.scores for r in counselor_rows)
    assert {r.class_name for r in ledger_rows(head_teacher)} == {mine.name}   # every campaign: their class only
    rows = ledger_rows(head_teacher, LedgerFilter(campaign_id=camp.id), with_history=True)
    assert {r.student_id for r in rows} == {s[0] for s in in_class}
    text = json.dumps([r.as_json() for r in rows], ensure_ascii=False)
    for hidden in (SECRET, "第9题", "总分", "PHQ-9 "):
        assert hidden not in text
    assert {(r.level, r.status, r.measure) for r in rows} == {(1, "confirmed", "咨询"), (2, "confirmed", "咨询")}
    assert all(h["reason"] == "" for r in rows for h in level_history(head_teacher, r.entry_id))
    assert all(i.reason == "" for i in interviews_for_student(head_teacher, in_class[0][0]))
    for e in timeline(head_teacher, in_class[0][0]):
        assert SECRET not in e.detail and "第9题" not in e.detail and "第9题" not in e.title


def test_head_teacher_exports_hold_only_their_class_and_are_audited(school, head_teacher, data, tmp_path):
    camp, mine, in_class, other = data
    before = _audits(head_teacher)
    out = export_ledger(head_teacher, ledger_rows(head_teacher, LedgerFilter(campaign_id=camp.id)), "xlsx", tmp_path / "台账.xlsx",
                        password=EXPORT_PASSWORD)
    data_rows = list(load_encrypted(out).active.iter_rows(values_only=True))[1:]
    assert {r[0] for r in data_rows} == {s[1] for s in in_class}
    assert all(r[2] == mine.name and not r[5] for r in data_rows)   # 班级 theirs, 得分 empty
    assert _audits(head_teacher) == before + 1
    last = head_teacher.db.one("SELECT account, target FROM audit_log ORDER BY id DESC LIMIT 1")
    assert tuple(last) == ("teacher1", "screening_ledger:台账.xlsx")


def test_head_teacher_command_line_ledger(school, head_teacher, data, tmp_path, capsys, monkeypatch):
    from app.cli import main
    from tests.conftest import TEACHER_PASSWORD

    camp, mine, in_class, other = data
    monkeypatch.setenv("XINQIAO_PASSWORD", TEACHER_PASSWORD)
    args = ["--data-dir", str(school.paths.root), "--user", "teacher1"]
    only = ["--campaign", camp.name]
    before = _audits(school)
    assert main(args + ["ledger", "--format", "json", "--history"] + only) == 0
    got = capsys.readouterr().out
    rows = json.loads(got)
    assert {r["registry_no"] for r in rows} == {s[1] for s in in_class}
    assert {r["class_name"] for r in rows} == {mine.name}
    assert SECRET not in got and "第9题" not in got
    other_class = find_class(school.db, other[0][3])
    assert main(args + ["ledger", "--class", other_class.name, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(args + ["ledger"] + only) == 0                       # the text listing is a print too
    listing = capsys.readouterr().out
    assert all(s[2] not in listing for s in other) and "共 2 条" in listing
    out = tmp_path / "t.csv"
    assert main(args + ["ledger", "--format", "csv", "--out", str(out), "--plain"] + only) == 0
    capsys.readouterr()
    lines = out.read_text("utf-8-sig").splitlines()
    assert len(lines) == 3 and all(mine.name in ln for ln in lines[1:])
    assert _audits(school) == before + 4
    assert {r[0] for r in school.db.query("SELECT account FROM audit_log WHERE action = 'export'")} == {"teacher1"}
