"""Amending a student's profile and guardians from the archive (counselors and managers; never head teachers).

Every save is one transaction that changes the record, writes a ``student_events`` row (kind ``edited``: who, when,
which fields and why — shown on the timeline) and an audit entry. The id number's values never appear in either.

Guardians: the roster import owns the guardian with ``sort = 0`` (the registry's guardian, replaced on each
import that carries one). Guardians entered in the archive are kept apart with ``sort`` 1..n: ``set_guardians``
replaces exactly those, so an import never overwrites them and an edit never touches the registry's row.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from app import clock
from app.accounts.model import Account
from app.archive.students import STATUSES, Guardian, get_student
from app.errors import InputRejected
from app.policy import can_manage_roster, require
from app.session import Session
from app.text import normalize_text

PROFILE_FIELDS: dict[str, str] = {
    "gender": "性别", "birth_date": "出生日期", "ethnicity": "民族", "boarding": "是否住校",
    "left_behind": "是否留守儿童", "address": "家庭住址", "id_number": "身份证件号", "status": "学籍状态",
}
GENDERS = ("", "男", "女")
GUARDIAN_RELATIONS = ["父亲", "母亲", "祖父", "祖母", "外祖父", "外祖母", "兄姐", "其他亲属", "其他"]
MAX_GUARDIANS = 8
EARLIEST_BIRTH = dt.date(1990, 1, 1)
# Values shown in the event summary as "old→new"; the others (personal, long) are only named.
_VALUES_SHOWN = {"gender", "birth_date", "ethnicity", "boarding", "left_behind", "status"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID_CARD = re.compile(r"^\d{17}[0-9X]$")
_OTHER_ID = re.compile(r"^[A-Z0-9()\-]{5,30}$")
_PHONE = re.compile(r"^\+?[0-9\-]{7,20}$")
_NAME = re.compile(r"^[\u3400-\u9fffA-Za-z·•.\- ]{1,30}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
T = TypeVar("T")


class ProfileInvalid(InputRejected):
    """Some values were refused; ``errors`` maps each field (``gender``, ``guardian:2:phone`` …) to a Chinese
    reason, so a form can show each next to its field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("；".join(errors.values()))
        self.errors = errors


def can_edit(account: Account) -> bool:
    """Counselors and managers amend records; a head teacher reads them only (``policy.can_manage_roster``)."""
    return can_manage_roster(account)


def _require_editor(session: Session) -> None:
    require(session, can_manage_roster, "修改学生档案；班主任如发现信息有误，请告知心理教师")


def clean_text(text: str) -> str:
    """Free text (reasons, addresses, names): spaces trimmed and collapsed, Chinese punctuation kept as typed
    (``normalize_text`` would turn "，" into ",")."""
    return re.sub(r"\s+", " ", (text or "").replace("\u3000", " ")).strip()


def _require_reason(reason: str) -> str:
    text = clean_text(reason)
    if not text:
        raise ProfileInvalid({"reason": "请填写修改原因（例如：家长提供户口本，更正出生日期）。"})
    if len(text) > 200:
        raise ProfileInvalid({"reason": "修改原因请控制在 200 字以内。"})
    return text


# -- validation --------------------------------------------------------------------------------------------
def id_number_problem(value: str) -> str | None:
    """Why an (already normalised) identity document number is refused, or None."""
    if _ID_CARD.match(value):
        total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
        if _ID_CHECK[total % 11] != value[17]:
            return "身份证号校验位不正确，请逐位核对"
        return None
    if len(value) == 18 and value[:17].isdigit():
        return "身份证号最后一位应为数字或 X"
    if value.isdigit() and len(value) not in (15,):
        return "身份证号应为 18 位（旧证 15 位）"
    if not _OTHER_ID.match(value):
        return "证件号只能包含字母、数字，长度 5–30 位"
    return None


def normalize_id_number(value: str) -> str:
    return normalize_text(value).replace(" ", "").upper()


def validate_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Normalised values for ``changes``; raises ProfileInvalid with a reason per refused field."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, raw in changes.items():
        label = PROFILE_FIELDS[key]
        if key in ("boarding", "left_behind"):
            if not isinstance(raw, bool):
                errors[key] = f"{label}应为“是”或“否”"
            else:
                out[key] = raw
            continue
        text = clean_text(str(raw if raw is not None else ""))
        if key == "gender":
            if text not in GENDERS:
                errors[key] = "性别应为“男”或“女”"
            out[key] = text
        elif key == "birth_date":
            text = normalize_text(text)
            if text:
                try:
                    if not _ISO_DATE.match(text):
                        raise ValueError
                    d = dt.date.fromisoformat(text)
                except ValueError:
                    errors[key] = f"出生日期“{text}”无效，请写成 2013-05-04"
                else:
                    if not (EARLIEST_BIRTH <= d <= clock.today()):
                        errors[key] = f"出生日期 {text} 不在合理范围内"
            out[key] = text
        elif key == "ethnicity":
            if len(text) > 20 or any(ch.isdigit() for ch in text):
                errors[key] = "民族请写名称，例如：汉族、回族"
            out[key] = text
        elif key == "address":
            if len(text) > 200:
                errors[key] = "家庭住址请控制在 200 字以内"
            out[key] = text
        elif key == "id_number":
            value = normalize_id_number(text)
            if value and (problem := id_number_problem(value)):
                errors[key] = problem
            out[key] = value
        elif key == "status":
            if text not in STATUSES:
                errors[key] = f"学籍状态应为 {'、'.join(STATUSES)} 之一"
            out[key] = text
    if errors:
        raise ProfileInvalid(errors)
    return out


def validate_guardians(guardians: list[Guardian]) -> list[Guardian]:
    if len(guardians) > MAX_GUARDIANS:
        raise ProfileInvalid({"guardians": f"最多登记 {MAX_GUARDIANS} 位监护人"})
    errors: dict[str, str] = {}
    out: list[Guardian] = []
    for i, g in enumerate(guardians, start=1):
        name, relation = clean_text(g.name), clean_text(g.relation)
        phone = normalize_text(g.phone).replace(" ", "")
        if not name:
            errors[f"guardian:{i}:name"] = f"第 {i} 位监护人：请填写姓名"
        elif not _NAME.match(name):
            errors[f"guardian:{i}:name"] = f"第 {i} 位监护人：姓名“{name}”含有数字或不该出现的符号"
        if len(relation) > 10:
            errors[f"guardian:{i}:relation"] = f"第 {i} 位监护人：关系请写得简短，例如：母亲"
        if phone and not _PHONE.match(phone):
            errors[f"guardian:{i}:phone"] = f"第 {i} 位监护人：电话“{phone}”格式不正确"
        out.append(Guardian(name, relation, phone))
    if errors:
        raise ProfileInvalid(errors)
    return out


# -- reading ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Guardians:
    registry: Guardian | None   # the roster's guardian (sort 0): updated by imports, not edited here
    edited: list[Guardian]      # entered in the archive (sort 1..n)


def guardians_of(session: Session, student_id: int) -> Guardians:
    get_student(session.db, session.account, student_id)  # visibility
    registry: Guardian | None = None
    edited: list[Guardian] = []
    for r in session.db.query("SELECT name, relation, phone, sort FROM guardians WHERE student_id = :s"
                              " ORDER BY sort, id", {"s": student_id}):
        g = Guardian(r[0], r[1], r[2])
        if r[3] == 0 and registry is None:
            registry = g
        elif r[3] != 0:
            edited.append(g)
    return Guardians(registry, edited)


def _checked(validate: Callable[[], T], reason: str) -> tuple[T, str]:
    """Run a validation and check the reason, reporting every refused field at once."""
    errors: dict[str, str] = {}
    value: Any = None
    why = ""
    try:
        value = validate()
    except ProfileInvalid as e:
        errors.update(e.errors)
    try:
        why = _require_reason(reason)
    except ProfileInvalid as e:
        errors.update(e.errors)
    if errors:
        raise ProfileInvalid(errors)
    return value, why


# -- writing ------------------------------------------------------------------------------------------------
def _shown(key: str, value: Any) -> str:
    if key in ("boarding", "left_behind"):
        return "是" if value else "否"
    return str(value) if value != "" else "空"


def update_profile(session: Session, student_id: int, changes: dict[str, Any], reason: str) -> list[str]:
    """Amend profile fields; returns the keys that actually changed (none: nothing is written)."""
    _require_editor(session)
    values, why = _checked(lambda: validate_changes(changes), reason)
    db = session.db
    with db.transaction():
        student = get_student(db, session.account, student_id)
        old = {"gender": student.gender, "birth_date": student.birth_date, "ethnicity": student.ethnicity,
               "boarding": student.boarding, "left_behind": student.left_behind, "address": student.address,
               "id_number": student.id_number, "status": student.status}
        changed = [k for k in PROFILE_FIELDS if k in values and values[k] != old[k]]
        if not changed:
            return []
        sets = ", ".join(f"{k} = :{k}" for k in changed)
        params: dict[str, Any] = {k: int(values[k]) if isinstance(values[k], bool) else values[k] for k in changed}
        db.execute(f"UPDATE students SET {sets}, updated_at = :t WHERE id = :id",
                   {**params, "t": clock.now_iso(), "id": student.id})
        parts = [f"{PROFILE_FIELDS[k]}（{_shown(k, old[k])}→{_shown(k, values[k])}）" if k in _VALUES_SHOWN
                 else PROFILE_FIELDS[k] for k in changed]
        _event(session, student.id, f"修改基本信息：{'、'.join(parts)}。原因：{why}")
        session.audit("edit", f"student:{student.registry_no}", {"profile": changed, "reason": why})
    return changed


def set_guardians(session: Session, student_id: int, guardians: list[Guardian], reason: str) -> bool:
    """Replace the guardians entered in the archive (sort 1..n) with ``guardians``; the registry's guardian
    (sort 0) stays as the roster gave it. Returns False (nothing written) when the list is unchanged."""
    _require_editor(session)
    new, why = _checked(lambda: validate_guardians(guardians), reason)
    db = session.db
    with db.transaction():
        student = get_student(db, session.account, student_id)
        old = guardians_of(session, student.id).edited
        if old == new:
            return False
        db.execute("DELETE FROM guardians WHERE student_id = :s AND sort <> 0", {"s": student.id})
        db.executemany("INSERT INTO guardians (student_id, name, relation, phone, sort) VALUES (:s, :n, :r, :p, :o)",
                       [{"s": student.id, "n": g.name, "r": g.relation, "p": g.phone, "o": i}
                        for i, g in enumerate(new, start=1)])
        _event(session, student.id, f"修改监护人：{_guardian_changes(old, new)}。原因：{why}")
        session.audit("edit", f"student:{student.registry_no}",
                      {"guardians": {"before": len(old), "after": len(new)}, "reason": why})
    return True


def _who(g: Guardian) -> str:
    return f"{g.name}（{g.relation}）" if g.relation else g.name


def _guardian_changes(old: list[Guardian], new: list[Guardian]) -> str:
    """A Chinese account of what changed, naming guardians and fields (never phone numbers)."""
    before = {g.name: g for g in old}
    after = {g.name: g for g in new}
    parts: list[str] = []
    added = [_who(g) for g in new if g.name not in before]
    removed = [_who(g) for g in old if g.name not in after]
    if added:
        parts.append("新增 " + "、".join(added))
    if removed:
        parts.append("删除 " + "、".join(removed))
    for name, g in after.items():
        prev = before.get(name)
        if prev is None or prev == g:
            continue
        fields = [label for attr, label in (("relation", "关系"), ("phone", "联系电话"))
                  if getattr(prev, attr) != getattr(g, attr)]
        parts.append(f"更改 {name} 的{'、'.join(fields)}")
    if not parts and [g.name for g in old] != [g.name for g in new]:
        parts.append("调整顺序")
    return "；".join(parts) or "更新监护人名单"


def _event(session: Session, student_id: int, summary: str) -> None:
    session.db.execute("INSERT INTO student_events (student_id, at, kind, summary, account) VALUES"
                       " (:s, :t, 'edited', :m, :a)",
                       {"s": student_id, "t": clock.now_iso(), "m": summary, "a": session.account.label})
