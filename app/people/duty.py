"""The counseling room's duty roster (心理辅导室值班): one named person on duty every school day.

School days are the calendar's semesters less weekends and holiday ranges, plus make-up days
(``app.school.holidays.school_days``). A day is assigned one by one or by a weekday pattern over a range (only the
range's school days are written); uncovered school days are listed."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from app import clock
from app.errors import InputRejected
from app.people.model import as_date
from app.policy import can_keep_people, require
from app.school.holidays import WEEKDAYS, school_days
from app.school.staff import get_staff
from app.session import Session
from app.store.db import Database

MAX_PATTERN_DAYS = 366


@dataclass(frozen=True)
class DutyDay:
    day: dt.date
    school_day: bool
    staff_id: int | None
    person: str
    left: bool = False   # the person on duty has since been marked as left (离校): the day counts as uncovered

    @property
    def uncovered(self) -> bool:
        return self.school_day and (self.staff_id is None or self.left)

    @property
    def weekday_label(self) -> str:
        return "星期" + WEEKDAYS[self.day.weekday()]

    def as_json(self) -> dict[str, object]:
        return {"date": self.day.isoformat(), "weekday": self.weekday_label, "school_day": self.school_day,
                "person": self.person or None, "left": self.left, "uncovered": self.uncovered}


def _on_duty_person(db: Database, staff_id: int) -> str:
    member = get_staff(db, staff_id)
    if not member.active:
        raise InputRejected(f"{member.name} 已标记为离校，不能安排值班。")
    return member.name


def assign_duty(session: Session, day: str | dt.date, staff_id: int | None) -> None:
    """Put ``staff_id`` on duty on ``day`` (replacing whoever was), or clear the day with ``None``."""
    require(session, can_keep_people, "安排值班")
    d = as_date(day, "值班日期")
    db = session.db
    name = _on_duty_person(db, staff_id) if staff_id is not None else ""
    if staff_id is not None and not school_days(db, d, d):
        raise InputRejected(f"{d.isoformat()}（星期{WEEKDAYS[d.weekday()]}）不是上课日（周末、节假日或学期外），"
                            "无需安排值班。调休上课的日子请先在 设置 → 学校 → 节假日与调休 中登记。")
    with db.transaction():
        if staff_id is None:
            db.execute("DELETE FROM duty_roster WHERE day = :d", {"d": d.isoformat()})
        else:
            _put(db, d, staff_id, session.account.username)
        session.audit("edit", f"duty_roster:{d.isoformat()}", {"person": name or None})


def _put(db: Database, day: dt.date, staff_id: int, by: str) -> None:
    db.execute("INSERT INTO duty_roster (day, staff_id, created_at, created_by) VALUES (:d, :s, :t, :b)"
               " ON CONFLICT (day) DO UPDATE SET staff_id = :s, created_at = :t, created_by = :b",
               {"d": day.isoformat(), "s": staff_id, "t": clock.now_iso(), "b": by})


def assign_pattern(session: Session, start: str | dt.date, end: str | dt.date, pattern: Mapping[int, int | None],
                   *, keep_existing: bool = False) -> int:
    """A weekday pattern over ``start``..``end``: ``{0: 张老师's id, 1: ..., 4: ...}`` (0 = Monday). Only school
    days are written; a weekday the pattern leaves out (or maps to None) is left as it is. With ``keep_existing``
    days already assigned keep their person. Returns how many days were written."""
    require(session, can_keep_people, "安排值班")
    first, last = as_date(start, "开始日期"), as_date(end, "结束日期")
    if last < first:
        raise InputRejected(f"结束日期（{last.isoformat()}）不能早于开始日期（{first.isoformat()}）。")
    if (last - first).days + 1 > MAX_PATTERN_DAYS:
        raise InputRejected(f"一次最多按星期安排 {MAX_PATTERN_DAYS} 天，请分段安排。")
    bad = [w for w in pattern if not 0 <= int(w) <= 6]
    if bad:
        raise InputRejected(f"星期应为 0（星期一）到 6（星期日），{bad} 不在范围内。")
    db = session.db
    people = {int(w): sid for w, sid in pattern.items() if sid is not None}
    if not people:
        raise InputRejected("请至少为一个星期几选择值班人员。")
    names = {sid: _on_duty_person(db, sid) for sid in set(people.values())}
    taken = {str(r[0]) for r in db.query("SELECT day FROM duty_roster WHERE day >= :a AND day <= :b",
                                         {"a": first.isoformat(), "b": last.isoformat()})} if keep_existing else set()
    written = 0
    with db.transaction():
        for d in school_days(db, first, last):
            sid = people.get(d.weekday())
            if sid is None or d.isoformat() in taken:
                continue
            _put(db, d, sid, session.account.username)
            written += 1
        session.audit("edit", "duty_roster", {
            "start": first.isoformat(), "end": last.isoformat(), "written": written,
            "pattern": {"星期" + WEEKDAYS[w]: names[sid] for w, sid in sorted(people.items())}})
    return written


def roster(session: Session, first: dt.date, last: dt.date) -> list[DutyDay]:
    """Every day from ``first`` to ``last`` with whether it is a school day and who is on duty."""
    db = session.db
    schooldays = set(school_days(db, first, last))
    on = {str(r[0]): (int(r[1]), str(r[2]), not r[3]) for r in db.query(
        "SELECT d.day, d.staff_id, s.name, s.active FROM duty_roster d JOIN staff s ON s.id = d.staff_id"
        " WHERE d.day >= :a AND d.day <= :b", {"a": first.isoformat(), "b": last.isoformat()})}
    out: list[DutyDay] = []
    d = first
    while d <= last:
        sid, name, left = on.get(d.isoformat(), (None, "", False))
        out.append(DutyDay(d, d in schooldays, sid, name, left))
        d += dt.timedelta(days=1)
    return out


def uncovered_days(session: Session, first: dt.date, last: dt.date) -> list[dt.date]:
    """The school days from ``first`` to ``last`` with nobody on duty."""
    return [d.day for d in roster(session, first, last) if d.uncovered]


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """``YYYY-MM`` → its first and last day; refuses anything else with the form to use."""
    text = (month or "").strip()
    try:
        first = dt.date.fromisoformat(text + "-01")
    except ValueError:
        raise InputRejected(f"月份“{month}”应写成 年-月，如 2026-11。") from None
    nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)
