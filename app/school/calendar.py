"""School years and semesters. Defaults: autumn 09-01..01-31, spring 02-01..07-31 (editable)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from app.errors import InputRejected
from app.policy import can_manage_school, require
from app.session import Session
from app.store.db import Database


@dataclass(frozen=True)
class Semester:
    id: int
    year_name: str
    term: str
    name: str
    start_date: str
    end_date: str

    def contains(self, day: dt.date) -> bool:
        return self.start_date <= day.isoformat() <= self.end_date


def year_name_for(day: dt.date) -> str:
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


def add_school_year(session: Session, start_year: int) -> int:
    """The school year starting in September of ``start_year`` (with its two default semesters), created if it
    does not exist yet; audited when it is created."""
    require(session, can_manage_school, "添加学年")
    name = f"{start_year}-{start_year + 1}"
    with session.db.transaction():
        if session.db.one("SELECT id FROM school_years WHERE name = :n", {"n": name}):
            return _ensure_year(session.db, start_year)
        year_id = _ensure_year(session.db, start_year)
        session.audit("settings", "school_years", {"add": name})
    return year_id


def _ensure_year(db: Database, start_year: int) -> int:
    """Create the school year starting in September of ``start_year`` with its two default semesters (joins the
    caller's transaction; a new vault gets its first year this way, in ``school.setup``)."""
    name = f"{start_year}-{start_year + 1}"
    with db.transaction():
        row = db.one("SELECT id FROM school_years WHERE name = :n", {"n": name})
        if row:
            return int(row[0])
        cur = db.execute("INSERT INTO school_years (name, start_date, end_date) VALUES (:n, :s, :e)",
                         {"n": name, "s": f"{start_year}-09-01", "e": f"{start_year + 1}-08-31"})
        year_id = int(cur.lastrowid or 0)
        db.execute("INSERT INTO semesters (year_id, term, name, start_date, end_date) VALUES"
                   " (:y, 'autumn', :n, :s, :e)",
                   {"y": year_id, "n": f"{name}学年第一学期", "s": f"{start_year}-09-01",
                    "e": f"{start_year + 1}-01-31"})
        db.execute("INSERT INTO semesters (year_id, term, name, start_date, end_date) VALUES"
                   " (:y, 'spring', :n, :s, :e)",
                   {"y": year_id, "n": f"{name}学年第二学期", "s": f"{start_year + 1}-02-01",
                    "e": f"{start_year + 1}-07-31"})
        return year_id


def list_semesters(db: Database) -> list[Semester]:
    rows = db.query("SELECT s.id, y.name, s.term, s.name, s.start_date, s.end_date FROM semesters s"
                    " JOIN school_years y ON y.id = s.year_id ORDER BY s.start_date")
    return [Semester(*tuple(r)) for r in rows]


def semester_for(db: Database, day: dt.date) -> Semester | None:
    """The semester a day falls in; in the summer or winter gap, the one that ended most recently."""
    best = None
    for s in list_semesters(db):
        if s.contains(day):
            return s
        if s.end_date < day.isoformat():
            best = s
    return best


def save_semester_dates(session: Session, dates: Mapping[int, tuple[str, str]]) -> int:
    """New start and end dates (``YYYY-MM-DD``) by semester id; returns how many semesters changed.

    All or nothing: every row is checked before anything is written, then one transaction writes the changed
    rows and its audit line. A bad row anywhere leaves every semester as it was."""
    require(session, can_manage_school, "修改学期日期")
    current = {s.id: s for s in list_semesters(session.db)}
    changes: dict[int, tuple[str, str]] = {}
    problems: list[str] = []
    for sid, (start, end) in dates.items():
        old = current.get(sid)
        if old is None:
            problems.append(f"找不到编号为 {sid} 的学期（可能已被删除），请刷新后再保存")
            continue
        try:
            start_day, end_day = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError:
            problems.append(f"{old.name}：日期“{start}”或“{end}”不是 年-月-日 格式")
            continue
        if start_day > end_day:
            problems.append(f"{old.name}：开始日期 {start} 晚于结束日期 {end}")
            continue
        if (old.start_date, old.end_date) != (start_day.isoformat(), end_day.isoformat()):
            changes[sid] = (start_day.isoformat(), end_day.isoformat())
    if problems:
        raise InputRejected("学期日期没有保存：" + "；".join(problems) + "。请改正后再保存。")
    if not changes:
        return 0
    with session.db.transaction():
        for sid, (start, end) in changes.items():
            session.db.execute("UPDATE semesters SET start_date = :s, end_date = :e WHERE id = :id",
                               {"s": start, "e": end, "id": sid})
        session.audit("settings", "semesters", f"修改了 {len(changes)} 个学期的日期")
    return len(changes)
