"""A school's non-school days: holiday ranges (节假日, e.g. 国庆节 10-01..10-07) and make-up school days on a
weekend (调休上课). School-day arithmetic for due dates counts over them; without any range it is Monday–Friday."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from app import clock
from app.errors import InputRejected
from app.policy import can_manage_school, require
from app.school.calendar import list_semesters
from app.session import Session
from app.store.db import Database

MAX_RANGE_DAYS = 366
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Holiday:
    id: int
    name: str
    start_date: str
    end_date: str
    makeup: bool

    @property
    def kind_label(self) -> str:
        return "调休上课" if self.makeup else "放假"

    @property
    def days(self) -> int:
        return (dt.date.fromisoformat(self.end_date) - dt.date.fromisoformat(self.start_date)).days + 1

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day.isoformat() <= self.end_date


def _as_date(value: dt.date | str, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputRejected(f"{what}“{value}”不是有效的日期，请写成 2026-10-01 这样的格式。") from None


def list_holidays(db: Database) -> list[Holiday]:
    rows = db.query("SELECT id, name, start_date, end_date, makeup FROM school_holidays ORDER BY start_date, id")
    return [Holiday(int(r[0]), str(r[1]), str(r[2]), str(r[3]), bool(r[4])) for r in rows]


def add_holiday(session: Session, name: str, start: dt.date | str, end: dt.date | str,
                makeup: bool = False) -> Holiday:
    """Add a holiday range (or, with ``makeup``, make-up school days on a weekend); managers only, audited, one
    transaction. Raises InputRejected with the reason in Chinese."""
    require(session, can_manage_school, "修改节假日与调休")
    name = name.strip()
    if not name:
        raise InputRejected("请填写名称（如 国庆节、国庆调休）。")
    if len(name) > 40:
        raise InputRejected("名称不能超过 40 个字。")
    first, last = _as_date(start, "开始日期"), _as_date(end, "结束日期")
    if last < first:
        raise InputRejected(f"结束日期（{last.isoformat()}）不能早于开始日期（{first.isoformat()}）。")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise InputRejected(f"一段日期不能超过 {MAX_RANGE_DAYS} 天。")
    if makeup:
        d = first
        while d <= last:
            if d.weekday() < 5:
                raise InputRejected(f"调休上课日应在周六或周日：{d.isoformat()} 是星期{WEEKDAYS[d.weekday()]}。")
            d += dt.timedelta(days=1)
    db = session.db
    with db.transaction():
        clash = db.one("SELECT name, start_date, end_date FROM school_holidays WHERE start_date <= :e AND end_date >= :s"
                       " ORDER BY start_date LIMIT 1", {"s": first.isoformat(), "e": last.isoformat()})
        if clash is not None:
            raise InputRejected(f"与已有的“{clash[0]}”（{clash[1]} 至 {clash[2]}）日期重叠。")
        cur = db.execute("INSERT INTO school_holidays (name, start_date, end_date, makeup, created_at, created_by)"
                         " VALUES (:n, :s, :e, :m, :t, :a)",
                         {"n": name, "s": first.isoformat(), "e": last.isoformat(), "m": int(makeup),
                          "t": clock.now_iso(), "a": session.account.username})
        hid = int(cur.lastrowid or 0)
        session.audit("settings", f"school_holiday:{hid}",
                      {"add": name, "start": first.isoformat(), "end": last.isoformat(), "makeup": bool(makeup)})
    return Holiday(hid, name, first.isoformat(), last.isoformat(), bool(makeup))


def remove_holiday(session: Session, holiday_id: int) -> None:
    """Remove one range (managers only, audited, one transaction)."""
    require(session, can_manage_school, "修改节假日与调休")
    db = session.db
    with db.transaction():
        row = db.one("SELECT name, start_date, end_date, makeup FROM school_holidays WHERE id = :id", {"id": holiday_id})
        if row is None:
            raise InputRejected("这条节假日记录不存在，可能已被删除。")
        db.execute("DELETE FROM school_holidays WHERE id = :id", {"id": holiday_id})
        session.audit("settings", f"school_holiday:{holiday_id}",
                      {"remove": row[0], "start": row[1], "end": row[2], "makeup": bool(row[3])})


def _school_day_test(db: Database, since: dt.date) -> Callable[[dt.date], bool]:
    """A predicate for days on or after ``since``, reading the ranges once."""
    ranges = [(str(r[0]), str(r[1]), bool(r[2])) for r in
              db.query("SELECT start_date, end_date, makeup FROM school_holidays WHERE end_date >= :s",
                       {"s": since.isoformat()})]

    def test(day: dt.date) -> bool:
        iso = day.isoformat()
        for s, e, makeup in ranges:
            if s <= iso <= e:
                return makeup
        return day.weekday() < 5

    return test


def is_school_day(db: Database, day: dt.date) -> bool:
    """Monday–Friday unless inside a holiday range; a make-up day (调休上课) on a weekend is a school day."""
    return _school_day_test(db, day)(day)


def add_school_days(db: Database, start: dt.date, n: int) -> dt.date:
    """The date ``n`` school days after ``start``: counting starts with the next school day after ``start``
    (weekends and holiday ranges skipped, make-up days counted). ``n`` <= 0 gives ``start``."""
    test = _school_day_test(db, start)
    d = start
    left = n
    while left > 0:
        d += dt.timedelta(days=1)
        if test(d):
            left -= 1
    return d


def school_days(db: Database, first: dt.date, last: dt.date) -> list[dt.date]:
    """The school days from ``first`` to ``last`` (both included): inside a semester of the calendar, Monday–Friday
    unless a holiday range covers the day, plus make-up days (调休上课). Days outside every semester (the summer)
    are no school days; so are days before the first semester or after the last."""
    if last < first:
        return []
    terms = [(s.start_date, s.end_date) for s in list_semesters(db)
             if s.end_date >= first.isoformat() and s.start_date <= last.isoformat()]
    test = _school_day_test(db, first)
    out: list[dt.date] = []
    d = first
    while d <= last:
        iso = d.isoformat()
        if any(s <= iso <= e for s, e in terms) and test(d):
            out.append(d)
        d += dt.timedelta(days=1)
    return out
