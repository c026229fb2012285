"""Campaigns and consent, grading rules, follow-up interviews, the ledger, its export, 工作台 and the timeline."""
from __future__ import annotations

import datetime as dt

import pytest
from helpers import students

from app import clock
from app.archive.chronology import banners, timeline
from app.archive.students import StudentFilter, get_student, list_students
from app.errors import InputRejected, PermissionDenied
from app.screening.campaigns import create_campaign, default_window_end, progress, refused, set_absent, set_consent
from app.screening.export import COLUMNS, export_ledger
from app.screening.grading import DEFAULT_RULES, load_rules, save_rules
from app.screening.interviews import record_interview
from app.screening.ledger import LedgerFilter, ledger_rows
from app.screening.results import save_answers
from app.screening.schooldays import add_school_days
from app.workbench import work_items
from tests.xlsx_crypto import EXPORT_PASSWORD, load_encrypted

L1 = [0, 0, 0, 0, 0, 0, 0, 0, 2]
L2 = [2, 2, 2, 2, 2, 2, 2, 2, 0]
L3 = [2, 2, 2, 2, 2, 1, 0, 0, 0]
NONE = [0, 0, 1, 0, 0, 0, 0, 0, 0]


@pytest.fixture
def campaign(school):
    clock.set_fixed(dt.datetime(2026, 10, 9, 10, 0))  # a Friday
    return create_campaign(school, "七年级测评", {7: "phq9"})


def test_window_defaults():
    assert default_window_end([2, 3], dt.date(2026, 9, 5)) == dt.date(2026, 9, 30)
    assert default_window_end([7], dt.date(2026, 9, 5)) == dt.date(2026, 10, 31)
    assert default_window_end([4, 7], dt.date(2027, 1, 5)) == dt.date(2026, 10, 31)
    assert add_school_days(dt.date(2026, 10, 9), 3) == dt.date(2026, 10, 14)  # Fri + 3 school days = Wed


def test_consent_and_progress(school, campaign):
    st_ = students(school, 6)
    set_consent(school, campaign.id, [st_[0][0]], "refused")
    set_absent(school, campaign.id, st_[1][0], True, "病假")
    save_answers(school, campaign.id, st_[2][0], "phq9", NONE)
    prog = {p.class_name: p for p in progress(school, campaign.id)}
    cls = prog[st_[2][3]]
    assert cls.done == 1 and cls.refused == (1 if st_[0][3] == st_[2][3] else 0)
    total = sum(p.targets for p in prog.values())
    assert total == school.db.scalar("SELECT count(*) FROM students s JOIN classes c ON c.id = s.class_id"
                                     " WHERE c.grade = 7 AND s.status = '在读'")
    assert sum(p.done + p.missing + p.absent + p.refused for p in prog.values()) == total
    assert [t.name for t in refused(school, campaign.id)] == [st_[0][2]]
    with pytest.raises(InputRejected, match="不适用"):
        create_campaign(school, "错", {2: "phq9"})


def test_levels_review_and_due_dates(school, campaign):
    st_ = students(school, 4)
    levels = [save_answers(school, campaign.id, s[0], "phq9", a)[1] for s, a in zip(st_, [L1, L2, L3, NONE], strict=True)]
    assert levels == [1, 2, 3, None]
    rows = {r.name: r for r in ledger_rows(school)if r.campaign == "七年级测评"}
    assert rows[st_[0][2]].due_date == "2026-10-14" and rows[st_[0][2]].status == "pending_review"
    assert rows[st_[1][2]].due_date == "2026-10-23"
    assert rows[st_[0][2]].category == "自伤风险" and rows[st_[1][2]].category == "抑郁情绪"
    # the highest level over the results in the campaign counts
    assert save_answers(school, campaign.id, st_[2][0], "gad7", [3] * 7)[1] == 2
    r = [x for x in ledger_rows(school, LedgerFilter(campaign_id=campaign.id)) if x.name == st_[2][2]][0]
    assert r.level == 2 and "焦虑情绪" in r.category and "GAD-7 21" in r.scores
    assert len(r.history) == 0 and len(ledger_rows(school, LedgerFilter(campaign_id=campaign.id),
                                                   with_history=True)[0].history) >= 1
    # the 工作台: a level-1 alert at once, red when the due date passes. Item 9 positive: the alert is the
    # same-day item (app.safety.alerts), due the day it was raised, shown once.
    items = [w for w in work_items(school, dt.date(2026, 10, 9)) if w.source.startswith(("screening", "safety"))]
    alert = [w for w in items if w.student_id == st_[0][0]]
    assert len(alert) == 1 and alert[0].kind == "same_day" and alert[0].due == "2026-10-09"
    assert alert[0].urgent and not alert[0].overdue
    later = [w for w in work_items(school, dt.date(2026, 10, 15)) if w.student_id == st_[0][0]
             and w.source.startswith(("screening", "safety"))][0]
    assert later.overdue
    # the archive's students list shows the current level
    assert get_student(school.db, school.account, st_[1][0]).warning_level == 2
    assert st_[0][0] in {s.id for s in list_students(school.db, school.account, StudentFilter(level=1))}
    assert any("一级" in b for b in banners(school, st_[0][0]))


def test_follow_up_interview_confirms_or_releases(school, campaign):
    st_ = students(school, 3)
    for s, a in zip(st_, [L1, L2, L3], strict=True):
        save_answers(school, campaign.id, s[0], "phq9", a)
    rows = {r.student_id: r for r in ledger_rows(school, LedgerFilter(campaign_id=campaign.id))}
    record_interview(school, rows[st_[0][0]].entry_id, confirmed_level=2, reason="学生否认自伤计划，近期睡眠差。",
                     next_step="咨询")
    record_interview(school, rows[st_[2][0]].entry_id, confirmed_level=0, reason="复核无明显问题。", next_step="解除")
    rows = {r.student_id: r for r in ledger_rows(school, LedgerFilter(campaign_id=campaign.id))}
    a, c = rows[st_[0][0]], rows[st_[2][0]]
    assert (a.level, a.status, a.review, a.measure, a.rescreen_due) == (2, "confirmed", "确认二级", "咨询", "2027-01-07")
    assert (c.level, c.status, c.review) == (None, "released", "解除")
    assert get_student(school.db, school.account, st_[2][0]).warning_level is None
    # a new result more severe than the confirmed level reopens the review
    save_answers(school, campaign.id, st_[0][0], "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 2])
    a = [r for r in ledger_rows(school, LedgerFilter(campaign_id=campaign.id)) if r.student_id == st_[0][0]][0]
    assert (a.level, a.status) == (1, "pending_review")
    with pytest.raises(InputRejected):
        record_interview(school, a.entry_id, confirmed_level=1, reason="x", next_step="观察")
    # the re-screen item for a confirmed level 2/3
    record_interview(school, a.entry_id, confirmed_level=2, reason="已转介医院评估。", next_step="转介")
    due = [w for w in work_items(school, dt.date(2027, 1, 8)) if w.kind == "rescreen"]
    assert [w.student_id for w in due] == [st_[0][0]] and due[0].overdue
    events = timeline(school, st_[0][0])
    kinds = {e.kind for e in events}
    assert {"screening", "warning_level", "follow_up_interview"} <= kinds
    assert any("已转介医院评估" in e.detail for e in events)


def test_head_teacher_sees_only_their_class_and_no_interview_text(school, head_teacher, campaign):
    from app.school.classes import find_class

    mine = find_class(school.db, "7.1")
    st_ = students(school, 60)
    in_class = [s for s in st_ if s[3] == mine.name][:1]
    other = [s for s in st_ if s[3] != mine.name][:1]
    for s in in_class + other:
        save_answers(school, campaign.id, s[0], "phq9", L2)
    entry = [r for r in ledger_rows(school) if r.student_id == in_class[0][0] and r.campaign == "七年级测评"][0]
    record_interview(school, entry.entry_id, confirmed_level=2, reason="保密：家庭冲突细节", next_step="家校沟通")
    rows = ledger_rows(head_teacher)
    assert {r.class_name for r in rows} == {mine.name}
    assert "保密" not in str([r.as_json() for r in rows])
    events = timeline(head_teacher, in_class[0][0])
    assert all("家庭冲突" not in e.detail for e in events)
    assert all(e.tier == "ordinary" for e in events)
    with pytest.raises(PermissionDenied):
        record_interview(head_teacher, entry.entry_id, confirmed_level=1, reason="x", next_step="关注")
    assert [w for w in work_items(head_teacher, clock.today()) if w.source.startswith("screening")] == []


def test_export_xlsx_and_csv_read_back_and_audited(school, campaign, tmp_path):
    st_ = students(school, 3)
    for s, a in zip(st_, [L1, L2, L3], strict=True):
        save_answers(school, campaign.id, s[0], "phq9", a)
    rows = ledger_rows(school, LedgerFilter(campaign_id=campaign.id))
    path = export_ledger(school, rows, "xlsx", tmp_path / "台账.xlsx", password=EXPORT_PASSWORD)
    ws = load_encrypted(path).active
    data = list(ws.iter_rows(values_only=True))
    assert list(data[0]) == COLUMNS
    assert [r[0] for r in data[1:]] == [r.registry_no for r in rows]
    assert data[1][6] == "一级" and data[1][10] == "待复核"
    export_ledger(school, rows, "csv", tmp_path / "台账.csv", plain=True)
    text = (tmp_path / "台账.csv").read_text("utf-8-sig")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert school.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'export'") == 2


def test_ledger_filters(school, campaign):
    st_ = students(school, 4)
    for s, a in zip(st_, [L1, L2, L3, L3], strict=True):
        save_answers(school, campaign.id, s[0], "phq9", a)
    base = LedgerFilter(campaign_id=campaign.id)
    assert len(ledger_rows(school, base)) == 4
    assert len(ledger_rows(school, LedgerFilter(campaign_id=campaign.id, level=3))) == 2
    assert len(ledger_rows(school, LedgerFilter(campaign_id=campaign.id, category="自伤"))) == 1
    assert len(ledger_rows(school, LedgerFilter(campaign_id=campaign.id, status="confirmed"))) == 0
    assert len(ledger_rows(school, LedgerFilter(campaign_id=campaign.id, grade=8))) == 0
    assert len(ledger_rows(school, LedgerFilter(campaign_id=campaign.id, search=st_[0][2]))) == 1


def test_grading_rules_are_editable(school, campaign):
    rules = load_rules(school.db)
    assert rules == DEFAULT_RULES
    rules["thresholds"] = [{"scale": "phq9", "min": 5, "level": 3}]
    save_rules(school, rules)
    st_ = students(school, 1)
    assert save_answers(school, campaign.id, st_[0][0], "phq9", [1, 1, 1, 1, 1, 0, 0, 0, 0])[1] == 3
    with pytest.raises(InputRejected, match="level"):
        save_rules(school, {"thresholds": [{"scale": "phq9", "min": 5, "level": 7}]})
    with pytest.raises(InputRejected, match="review_school_days"):
        save_rules(school, {"review_school_days": {"1": -1}})


def test_cli_import_and_ledger(school, tmp_path, capsys, monkeypatch):
    import json

    from helpers import write_xlsx

    from app.cli import main
    from tests.conftest import PASSWORD

    st_ = students(school, 3)
    f = write_xlsx(tmp_path / "r.xlsx", [["姓名", "班级"] + [f"第{i}题" for i in range(1, 10)],
                                        [st_[0][2], st_[0][3]] + L2, ["无名", "7.1"] + L2])
    root = str(school.paths.root)
    school.close()
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    args = ["--data-dir", root, "--user", "counselor"]
    assert main(args + ["import-screening", str(f), "--scale", "phq9", "--campaign", "CLI", "--json"]) == 3
    rep = json.loads(capsys.readouterr().out)
    assert [(e["row"], e["field"]) for e in rep["errors"]] == [(3, "姓名")]
    assert rep["name_matches"][0]["row"] == 2
    assert main(args + ["import-screening", str(f), "--scale", "phq9", "--campaign", "CLI", "--skip-invalid",
                        "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["written"] == 0
    assert main(args + ["import-screening", str(f), "--scale", "phq9", "--campaign", "CLI", "--skip-invalid",
                        "--confirm-name-matches", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["written"] == 1
    assert main(args + ["ledger", "--campaign", "CLI", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["level"], r["status"]) for r in rows] == [(st_[0][2], 2, "pending_review")]
    assert main(args + ["ledger", "--format", "csv"]) == 3
    capsys.readouterr()
    assert main(args + ["campaigns", "--json"]) == 0
    assert "CLI" in capsys.readouterr().out


def test_a_later_campaign_release_clears_an_earlier_confirmed_level(school, campaign):
    sid = students(school, 1)[0][0]
    save_answers(school, campaign.id, sid, "phq9", L3)
    entry = ledger_rows(school, LedgerFilter(campaign_id=campaign.id))[0].entry_id
    record_interview(school, entry, confirmed_level=3, reason="情绪低落，需关注。", next_step="关注")
    assert get_student(school.db, school.account, sid).warning_level == 3
    clock.set_fixed(dt.datetime(2027, 3, 9, 10, 0))
    spring = create_campaign(school, "七年级复测", {7: "phq9"})
    save_answers(school, spring.id, sid, "phq9", L3)
    rows = [r for r in ledger_rows(school, LedgerFilter(campaign_id=spring.id)) if r.student_id == sid]
    record_interview(school, rows[0].entry_id, confirmed_level=0, reason="复测后情况好转。", next_step="解除")
    assert get_student(school.db, school.account, sid).warning_level is None
