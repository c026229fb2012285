"""Tiers: a 班主任 never sees confidential crisis text — one test per path (list, case view, timeline, banner,
CLI JSON, search) — and sees only their own class; counselors' reading of confidential text is audited."""
from __future__ import annotations

import json

import pytest

from app.archive.chronology import banners, timeline
from app.audit.log import recent
from app.crisis.cases import change_level, get_case, list_cases, open_case
from app.crisis.steps import complete_step, record_follow_up, step_id
from app.errors import PermissionDenied
from tests.xlsx_crypto import EXPORT_PASSWORD

SECRET = "割腕自伤计划保密内容"
REASON = "遗书内容保密理由"
PASSWORDS = {"counselor": "Test-password-2026!", "teacher1": "Teacher-password-2026!"}


def free_student(session, class_id: int, other: bool = False) -> int:
    busy = {r.student_id for r in list_cases(session, open_only=True)}
    rows = session.db.query("SELECT id FROM students WHERE " + ("class_id != :c" if other else "class_id = :c")
                            + " ORDER BY id", {"c": class_id})
    return next(r[0] for r in rows if r[0] not in busy)


@pytest.fixture
def cases(school, head_teacher):
    """One case in the head teacher's class and one elsewhere, each full of confidential text."""
    cls = head_teacher.account.class_id
    mine = free_student(school, cls)
    other = free_student(school, cls, other=True)
    out = {}
    for key, sid in (("mine", mine), ("other", other)):
        c = open_case(school, sid, "general", "committee", summary="心理委员反映情绪低落", note=SECRET)
        complete_step(school, step_id(school, c, "assessment"), summary="已评估", note=SECRET + "评估")
        change_level(school, c, "severe", REASON)
        complete_step(school, step_id(school, c, "notify_parents"), done_by="班主任",
                      data={"method": "电话", "letter_given": True}, note=SECRET + "家长")
        out[key] = (c, sid)
    return out


def no_secret(text: str) -> None:
    assert SECRET not in text and REASON not in text


def test_list_head_teacher_sees_own_class_and_no_confidential_text(school, head_teacher, cases):
    rows = list_cases(head_teacher)
    assert {r.class_id for r in rows} == {head_teacher.account.class_id}
    assert cases["mine"][0] in [r.id for r in rows] and cases["other"][0] not in [r.id for r in rows]
    no_secret(json.dumps([r.as_json() for r in rows], ensure_ascii=False))
    # the counselor's list is ordinary too: confidential text is read only in the case view
    no_secret(json.dumps([r.as_json() for r in list_cases(school)], ensure_ascii=False))


def test_case_view_head_teacher_gets_no_notes_and_no_audit(school, head_teacher, cases):
    c, _sid = cases["mine"]
    before = len(recent(school.db, 1000, "view_confidential"))
    case = get_case(head_teacher, c)
    assert case.row.summary == "心理委员反映情绪低落"
    assert case.note == "" and all(s.note == "" for s in case.steps)
    assert case.level_changes[0].reason == ""
    data = json.dumps(case.as_json(), ensure_ascii=False)
    no_secret(data)
    assert '"note"' not in data and '"reason"' not in data
    assert len(recent(school.db, 1000, "view_confidential")) == before
    with pytest.raises(PermissionDenied):
        get_case(head_teacher, cases["other"][0])
    full = get_case(school, c)
    assert full.note == SECRET and full.level_changes[0].reason == REASON
    last = recent(school.db, 1, "view_confidential")[0]
    assert last.target == f"crisis_case:{c}"


def test_timeline_head_teacher_sees_events_without_confidential_text(school, head_teacher, cases):
    c, sid = cases["mine"]
    events = [e for e in timeline(head_teacher, sid) if e.kind == "crisis"]
    titles = [e.title for e in events]
    assert any("建立个案" in t for t in titles) and "通知家长" in titles
    assert any("一般 → 严重" in t for t in titles)
    assert all(e.tier == "ordinary" for e in events)
    no_secret(" ".join(e.title + e.detail for e in events))
    mine = [e for e in timeline(school, sid) if e.kind == "crisis"]
    assert any(SECRET in e.detail and e.tier == "confidential" for e in mine)
    assert recent(school.db, 1, "view_confidential")[0].detail == "危机干预时间线"


def test_banner_stands_for_an_open_case_without_confidential_text(school, head_teacher, cases):
    _c, sid = cases["mine"]
    lines = banners(head_teacher, sid)
    crisis = [line for line in lines if line.startswith("危机个案进行中：")]
    assert len(crisis) == 1 and "严重心理危机" in crisis[0]
    no_secret(" ".join(lines))
    assert banners(school, sid) == lines


def run_cli(capsys, monkeypatch, data_dir, user, *argv):
    from app.cli import main

    monkeypatch.setenv("XINQIAO_USER", user)
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORDS[user])
    code = main(["--data-dir", str(data_dir), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_json_head_teacher_gets_no_confidential_text(school, head_teacher, cases, capsys, monkeypatch):
    root = school.paths.root
    code, out, _ = run_cli(capsys, monkeypatch, root, "teacher1", "crisis", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert cases["mine"][0] in [r["id"] for r in rows] and cases["other"][0] not in [r["id"] for r in rows]
    no_secret(out)
    code, out, _ = run_cli(capsys, monkeypatch, root, "teacher1", "crisis", "show", str(cases["mine"][0]), "--json")
    assert code == 0
    no_secret(out)
    assert json.loads(out)["steps"][0]["name"] == "发现与报告"
    code, _out, err = run_cli(capsys, monkeypatch, root, "teacher1", "crisis", "show", str(cases["other"][0]))
    assert code == 1 and "本班" in err
    code, out, _ = run_cli(capsys, monkeypatch, root, "counselor", "crisis", "show", str(cases["mine"][0]), "--json")
    assert code == 0 and SECRET in out


def test_search_head_teacher_finds_the_summary_but_not_the_notes(school, head_teacher, cases):
    from app.search import search

    assert any(h.source == "crisis" for h in search(school, "割腕"))
    assert not [h for h in search(head_teacher, "割腕") if h.source == "crisis"]
    assert any(h.source == "crisis" for h in search(head_teacher, "情绪低落"))


def test_follow_up_note_is_confidential_on_the_timeline(school, head_teacher, cases):
    # a weekly entry's summary is ordinary, its note confidential
    c, sid = cases["mine"]
    from app.crisis.steps import skip_step

    for key in ("safety", "parent_consent", "referral"):
        skip_step(school, step_id(school, c, key), "测试跳过")
    record_follow_up(school, c, summary="第一周平稳", note=SECRET + "跟踪")
    events = [e for e in timeline(head_teacher, sid) if e.kind == "crisis"]
    assert any(e.title == "复学后跟踪第 1 周" and "第一周平稳" in e.detail for e in events)
    no_secret(" ".join(e.title + e.detail for e in events))


def xlsx_text(path) -> str:
    from openpyxl import load_workbook

    from tests.xlsx_crypto import is_encrypted, load_encrypted

    ws = (load_encrypted(path) if is_encrypted(path) else load_workbook(path)).active
    return "\n".join(" ".join(str(v) for v in row if v is not None) for row in ws.iter_rows(values_only=True))


def test_export_head_teacher_gets_no_confidential_text(school, head_teacher, cases, tmp_path):
    from app.crisis.export import export_xlsx

    n = export_xlsx(head_teacher, tmp_path / "ht.xlsx", password=EXPORT_PASSWORD)
    text = xlsx_text(tmp_path / "ht.xlsx")
    assert n == len(list_cases(head_teacher)) and "心理委员反映情绪低落" in text
    no_secret(text)
    with pytest.raises(PermissionDenied):
        export_xlsx(head_teacher, tmp_path / "ht2.xlsx", with_confidential=True)
    export_xlsx(school, tmp_path / "plain.xlsx", password=EXPORT_PASSWORD)
    no_secret(xlsx_text(tmp_path / "plain.xlsx"))          # ordinary unless asked for
    export_xlsx(school, tmp_path / "full.xlsx", with_confidential=True, plain=True)
    assert SECRET in xlsx_text(tmp_path / "full.xlsx")
    assert json.loads(recent(school.db, 1, "export")[0].detail) == {"kind": "crisis", "confidential": True,
                                                                    "crisis_cases": len(list_cases(school)),
                                                                    "format": "xlsx", "encrypted": False,
                                                                    "plain": True,
                                                                    "path": str((tmp_path / "full.xlsx").resolve())}
