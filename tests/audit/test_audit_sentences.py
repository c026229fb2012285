"""The audit log as sentences (issue 11): every action used in app/ reads as Chinese naming who and what, a student by
name and class, never JSON or ``student_id:4``; the page's filters by person, student, kind and date."""
from __future__ import annotations

import ast
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from app import clock
from app.audit.log import ACTION_LABELS, AuditEntry
from app.audit.reading import AuditFilter, entries, readable
from app.audit.sentences import VERBS, StudentName, sentence

APP = Path(__file__).resolve().parents[2] / "app"
RAW = re.compile(r"[{}\[\]\"]|student_id:|_id\b|[a-z]+_[a-z]+:")


def used_actions() -> dict[str, set[str]]:
    """{action: {target prefixes}} of every audit call in app/ (``session.audit(...)`` and ``audit.record(db, who,
    ...)``)."""
    found: dict[str, set[str]] = {}
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            args = node.args
            if name == "audit" and args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                action, target = args[0].value, args[1] if len(args) > 1 else None
            elif name == "record" and len(args) > 2 and isinstance(args[2], ast.Constant) \
                    and isinstance(args[2].value, str):
                action, target = args[2].value, args[3] if len(args) > 3 else None
            else:
                continue
            prefix = ""
            if isinstance(target, ast.JoinedStr) and target.values and isinstance(target.values[0], ast.Constant):
                prefix = str(target.values[0].value).split(":")[0]
            elif isinstance(target, ast.Constant) and isinstance(target.value, str):
                prefix = target.value.split(":")[0]
            found.setdefault(action, set()).add(prefix)
    return found


def test_every_action_in_app_has_a_sentence():
    actions = used_actions()
    assert {"edit", "view_confidential", "export", "settings", "reveal_confidential"} <= set(actions)
    for action, prefixes in actions.items():
        assert action in VERBS or action == "edit", f"{action}: no verb"
        assert action in ACTION_LABELS or action in VERBS, action
        for prefix in prefixes:
            target = f"{prefix}:12" if prefix else ""
            for detail in ("", json.dumps({"reason": "家长要求"}, ensure_ascii=False), json.dumps({"create": "x"})):
                text = sentence(AuditEntry(1, "2026-10-12T09:00:00", "wang", action, target, detail), "王老师")
                assert text.startswith(("王老师", "账号")), text
                assert not RAW.search(text), (action, target, text)


@pytest.mark.parametrize(("action", "target", "detail", "expected"), [
    ("edit", "crisis_case:7", {"open": "severe", "student": "G1"}, "王老师新建了 七年级（1）班 张三 的危机个案"),
    ("edit", "case_records:3", {"version": 2, "reason": "补充细节"},
     "王老师修改了 七年级（1）班 张三 的谈话记录，原因：补充细节"),
    ("edit", "student:G1", {"tag_add": "学业压力"}, "王老师设为重点关注：学业压力（七年级（1）班 张三）"),
    ("view_confidential", "student_id:4", {"timeline": 3}, "王老师查看了 七年级（1）班 张三 的保密记录"),
    ("reveal_confidential", "crisis_case:7", {"shown": "危机个案的保密记录"},
     "王老师在屏幕上显示了 七年级（1）班 张三 的危机个案的保密记录"),
    ("export", "/tmp/台账.xlsx", {"encrypted": True}, "王老师导出了/tmp/台账.xlsx（已加密）"),
    ("sign_in", "wang", "", "王老师登录了心桥"),
    ("settings", "idle_lock_minutes", "10", "王老师修改了设置：自动锁定时间（10）"),
    ("some_new_action", "x", "", "王老师some_new_action：x"),
])
def test_sentences_per_kind(action, target, detail, expected):
    d = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)
    student = StudentName("张三", "七年级（1）班") if ":" in target and not target.startswith("/") else None
    assert sentence(AuditEntry(1, "2026-10-12T09:00:00", "wang", action, target, d), "王老师", student) == expected


def test_lines_name_the_student_and_filter(session):
    from app.casework.model import RecordInput
    from app.casework.records import create_record
    from app.crisis.cases import open_case
    from app.demo import generate_students, insert_students

    clock.set_fixed(dt.datetime(2026, 10, 12, 9, 0))
    a, b = insert_students(session, generate_students(2, grades=(7,)))
    case_id = open_case(session, a, "general", "parent", summary="失眠")
    clock.set_fixed(dt.datetime(2026, 10, 14, 9, 0))
    create_record(session, RecordInput("individual", [b], "2026-10-14T09:00", summary="谈心"))
    name_a, cls_a = session.db.one("SELECT s.name, c.name FROM students s JOIN classes c ON c.id = s.class_id"
                                   " WHERE s.id = :i", {"i": a})
    lines = readable(session.db, entries(session.db))
    crisis = next(x for x in lines if x.sentence.endswith("危机个案"))
    assert crisis.student == f"{cls_a} {name_a}" and name_a in crisis.sentence and crisis.student_id == a
    assert all(not RAW.search(x.sentence) for x in lines), [x.sentence for x in lines]
    only_a = readable(session.db, entries(session.db, AuditFilter(student_id=a)))
    assert only_a and {x.student_id for x in only_a} == {a}
    assert f"crisis_case:{case_id}" in {e.target for e in entries(session.db, AuditFilter(student_id=a))}
    assert {x.student_id for x in readable(session.db, entries(session.db, AuditFilter(student_id=b)))} == {b}
    assert all(x.action == "edit" for x in readable(session.db, entries(session.db, AuditFilter(action="edit"))))
    day = entries(session.db, AuditFilter(since=dt.date(2026, 10, 14), until=dt.date(2026, 10, 14)))
    assert day and all(e.at.startswith("2026-10-14") for e in day)
    assert entries(session.db, AuditFilter(account="nobody")) == []
    assert {e.account for e in entries(session.db, AuditFilter(account="counselor"))} == {"counselor"}
