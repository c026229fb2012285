"""School years and semesters. Defaults: autumn 09-01..01-31, spring 02-01..07-31 (editable)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


def ensure_year(db: Database, start_year: int) -> int:
    """Create the school year starting in September of ``start_year`` with its two default semesters."""
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


def update_semester(db: Database, semester_id: int, start_date: str, end_date: str) -> None:
    if start_date > end_date:
        raise ValueError("start after end")
    with db.transaction():
        db.execute("UPDATE semesters SET start_date = :s, end_date = :e WHERE id = :id",
                   {"s": start_date, "e": end_date, "id": semester_id})
