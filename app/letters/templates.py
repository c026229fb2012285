"""Letter templates as data: the shipped set in ``resources/letters/<id>.json`` and the school's edited copies in
the vault (``letter_templates``), resettable to the shipped text.

A template has a title, a body with merge fields (``{学生姓名}`` ...), a signature block and an optional tear-off
receipt (回执). ``head_teacher`` says whether a 班主任 may print it for their class; ``fields`` are the extra values
asked once per batch (``{约谈时间}`` ...), each with a default.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from app import clock
from app.errors import InputRejected
from app.policy import can_counsel, require
from app.session import Session
from app.store.db import Database

RESOURCES = Path(__file__).resolve().parent.parent.parent / "resources" / "letters"

# Merge fields every letter can use, filled from the ordinary tier only (app/letters/fields.py).
COMMON_FIELDS = {
    "学生姓名": "学生的姓名",
    "班级": "学生的班级",
    "家长称呼": "第一位监护人的称呼（如“王建国家长”）",
    "日期": "打印日期",
    "教师": "打印告知书的教师",
    "班主任": "班级的班主任",
    "学校": "学校名称",
    "热线": "心理援助热线（12355 和学校设置的本地热线）",
    "标题": "告知书标题",
    "学期": "当前学期",
}
# Fields some templates fill from a directory or the crisis manual rather than from the batch form.
INSTITUTION_FIELDS = ("转介机构", "科室", "机构电话", "机构地址", "绿色通道")
RETURN_FIELDS = ("复学材料",)

_FIELD = re.compile(r"\{([^{}\s]{1,12})\}")
MAX_TEXT = 8000


@dataclass(frozen=True)
class ExtraField:
    key: str
    label: str
    default: str = ""
    multiline: bool = False


@dataclass(frozen=True)
class Template:
    id: str
    title: str
    body: str
    signature: str
    receipt: str
    head_teacher: bool = False        # a 班主任 may print it for their own class
    crisis: bool = False              # tied to the student's open crisis case; its receipt completes 家长签署
    feedback: bool = False            # counts toward 一反馈 once delivered
    institution: bool = False         # names an institution from the referral directory
    fields: tuple[ExtraField, ...] = ()
    edited: bool = False              # the school's edited copy (else the shipped text)

    def known_fields(self) -> set[str]:
        known = set(COMMON_FIELDS) | {f.key for f in self.fields}
        if self.institution:
            known |= set(INSTITUTION_FIELDS)
        known |= set(RETURN_FIELDS)
        return known


def _parse(raw: dict[str, Any]) -> Template:
    fields = tuple(ExtraField(str(f["key"]), str(f.get("label", f["key"])), str(f.get("default", "")),
                              bool(f.get("multiline", False))) for f in raw.get("fields", []))
    return Template(str(raw["id"]), str(raw["title"]), str(raw["body"]), str(raw.get("signature", "")),
                    str(raw.get("receipt", "")), bool(raw.get("head_teacher", False)), bool(raw.get("crisis", False)),
                    bool(raw.get("feedback", False)), bool(raw.get("institution", False)), fields)


@cache
def shipped() -> dict[str, Template]:
    """The shipped templates by id, in a fixed order."""
    order = ["screening-notice", "crisis-notice", "referral", "return-to-school", "semester-feedback", "home-visit",
             "parent-school", "holiday"]
    found = {p.stem: _parse(json.loads(p.read_text(encoding="utf-8"))) for p in RESOURCES.glob("*.json")}
    return {k: found[k] for k in sorted(found, key=lambda k: (order.index(k) if k in order else 99, k))}


def template_ids() -> list[str]:
    return list(shipped())


def _require_known(template_id: str) -> Template:
    base = shipped().get(template_id)
    if base is None:
        raise InputRejected(f"没有编号为“{template_id}”的告知书模板。可用的模板：{'、'.join(shipped())}。")
    return base


def get_template(db: Database, template_id: str) -> Template:
    """The template as the school uses it: its edited copy in the vault, else the shipped text."""
    base = _require_known(template_id)
    row = db.one("SELECT title, body, signature, receipt FROM letter_templates WHERE template_id = :t",
                 {"t": template_id})
    if row is None:
        return base
    return replace(base, title=row["title"], body=row["body"], signature=row["signature"], receipt=row["receipt"],
                   edited=True)


def list_templates(db: Database) -> list[Template]:
    return [get_template(db, t) for t in shipped()]


def unknown_fields(template: Template, *texts: str) -> list[str]:
    known = template.known_fields()
    out: list[str] = []
    for text in texts:
        for name in _FIELD.findall(text):
            if name not in known and name not in out:
                out.append(name)
    return out


def check_text(template: Template, title: str, body: str, signature: str, receipt: str) -> None:
    """A template the school edits: a title and a body, no unknown merge field, braces that close."""
    if not title.strip():
        raise InputRejected("告知书标题不能为空。")
    if not body.strip():
        raise InputRejected("告知书正文不能为空。")
    for label, text in (("标题", title), ("正文", body), ("落款", signature), ("回执", receipt)):
        if len(text) > MAX_TEXT:
            raise InputRejected(f"{label}太长（{len(text)} 字），请控制在 {MAX_TEXT} 字以内。")
        if text.count("{") != text.count("}"):
            raise InputRejected(f"{label}中的花括号没有配对：合并字段要写成 {{学生姓名}} 这样。")
    bad = unknown_fields(template, title, body, signature, receipt)
    if bad:
        names = "、".join("{" + b + "}" for b in bad)
        raise InputRejected(f"模板中有不认识的合并字段 {names}。可用的字段：" +
                            "、".join("{" + k + "}" for k in sorted(template.known_fields())) + "。")


def save_template(session: Session, template_id: str, *, title: str, body: str, signature: str,
                  receipt: str) -> Template:
    """Keep the school's edited copy of a template (a counselor's; audited)."""
    require(session, can_counsel, "修改告知书模板")
    base = _require_known(template_id)
    check_text(base, title, body, signature, receipt)
    db = session.db
    with db.transaction():
        db.execute("INSERT INTO letter_templates (template_id, title, body, signature, receipt, updated_at, updated_by)"
                   " VALUES (:t, :ti, :b, :s, :r, :at, :by) ON CONFLICT (template_id) DO UPDATE SET title = :ti,"
                   " body = :b, signature = :s, receipt = :r, updated_at = :at, updated_by = :by",
                   {"t": template_id, "ti": title.strip(), "b": body.strip(), "s": signature.strip(),
                    "r": receipt.strip(), "at": clock.now_iso(), "by": session.account.label})
        session.audit("settings", f"letter_template:{template_id}", {"edited": True})
    return get_template(db, template_id)


def reset_template(session: Session, template_id: str) -> Template:
    """Back to the shipped text (the edited copy is removed; audited)."""
    require(session, can_counsel, "恢复告知书模板")
    _require_known(template_id)
    db = session.db
    with db.transaction():
        gone = db.execute("DELETE FROM letter_templates WHERE template_id = :t", {"t": template_id})
        del gone
        session.audit("settings", f"letter_template:{template_id}", {"reset": True})
    return get_template(db, template_id)
