"""Reading a period the user typed: a month, a semester of the school's calendar, or a school year.

Accepted forms (the ``--period`` help repeats them):

- ``2026-10`` — a calendar month;
- ``2026-2027-1`` / ``2026-2027-2`` — the first (autumn) or second (spring) semester of a school year, also
  ``2026秋`` / ``2027春`` (the autumn semester starting in 2026, the spring semester of 2027), or the semester's
  name as the calendar writes it (``2026-2027学年第一学期``);
- ``2026-2027`` — a school year.

Semesters and years come from the school's calendar (``app.school.calendar``); a year the calendar lacks gets the
default dates (09-01 to 08-31).

The county exchange reports a month or a semester only (``report_period``); each period has a stable ``code`` the
centre groups by (``period_code``), and the centre, which has no school calendar, orders codes by ``code_start``."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Collection

from app.errors import InputRejected
from app.indicators.model import Period, PeriodKind
from app.store.db import Database

PERIOD_HELP = ("期间：月份 2026-10；学期 2026-2027-1（第一学期）、2026-2027-2（第二学期）、2026秋、2027春"
               "或学期名称（如 2026-2027学年第一学期）；学年 2026-2027")

REPORT_PERIOD_HELP = ("请写月份（如 2026-11）或学期（如 2026-2027-1 表示 2026-2027 学年第一学期，2026-2027-2 表示第二学期，"
                      "也可写 2026秋、2027春；学期须已在校历中）")
ALL_KINDS: tuple[PeriodKind, ...] = ("month", "semester", "year")
REPORT_KINDS: tuple[PeriodKind, ...] = ("month", "semester")

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})-(\d{4})$")
_TERM = re.compile(r"^(\d{4})-(\d{4})-([12])$")
_SEASON = re.compile(r"^(\d{4})\s*(秋|春)(?:季)?(?:学期)?$")


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period("month", dt.date(year, month, 1), dt.date(year, month, last), f"{year}-{month:02d}")


def _semesters(db: Database) -> list[tuple[str, str, str, str, str]]:
    """(year name, term, name, start, end) of every semester (the calendar's tables, read here because the
    indicators sit below the school package)."""
    return [(r[0], r[1], r[2], r[3], r[4]) for r in db.query(
        "SELECT y.name, s.term, s.name, s.start_date, s.end_date FROM semesters s"
        " JOIN school_years y ON y.id = s.year_id ORDER BY s.start_date")]


def _semester(row: tuple[str, str, str, str, str]) -> Period:
    return Period("semester", dt.date.fromisoformat(row[3]), dt.date.fromisoformat(row[4]), row[2])


def semester_containing(db: Database, day: dt.date) -> Period | None:
    """The semester ``day`` falls in, or None (a holiday gap, or a year the calendar lacks)."""
    for row in _semesters(db):
        if row[3] <= day.isoformat() <= row[4]:
            return _semester(row)
    return None


def parse_period(db: Database, text: str, *, kinds: Collection[PeriodKind] = ALL_KINDS) -> Period:
    """The period ``text`` names (see the module's forms), of one of ``kinds``; a clear Chinese message otherwise."""
    help_text = PERIOD_HELP if "year" in kinds else REPORT_PERIOD_HELP
    raw = (text or "").strip().replace("—", "-").replace("－", "-").replace("–", "-")
    if m := _MONTH.match(raw):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise InputRejected(f"期间“{text}”的月份 {month} 不在 1 到 12 之间。{help_text}。")
        return _kind(month_period(year, month), kinds, text, help_text)
    if m := _YEAR.match(raw):
        start, end = int(m[1]), int(m[2])
        if end != start + 1:
            raise InputRejected(f"学年“{text}”应为相邻两年，如 {start}-{start + 1}。")
        row = db.one("SELECT start_date, end_date FROM school_years WHERE name = :n", {"n": raw})
        first, last = (row[0], row[1]) if row else (f"{start}-09-01", f"{end}-08-31")
        return _kind(Period("year", dt.date.fromisoformat(first), dt.date.fromisoformat(last), raw), kinds, text,
                     help_text)
    semesters = _semesters(db)
    wanted: tuple[str, str] | None = None     # (year name, term)
    if m := _TERM.match(raw):
        if int(m[2]) != int(m[1]) + 1:
            raise InputRejected(f"学期“{text}”的学年应为相邻两年，如 {m[1]}-{int(m[1]) + 1}-1。")
        wanted = (f"{m[1]}-{m[2]}", "autumn" if m[3] == "1" else "spring")
    elif m := _SEASON.match(raw):
        year = int(m[1])
        wanted = (f"{year}-{year + 1}", "autumn") if m[2] == "秋" else (f"{year - 1}-{year}", "spring")
    if wanted is not None:
        for s in semesters:
            if (s[0], s[1]) == wanted:
                return _kind(_semester(s), kinds, text, help_text)
        raise InputRejected(f"学校日历中没有学期“{text}”（{wanted[0]} 学年{'第一' if wanted[1] == 'autumn' else '第二'}"
                            "学期）。请管理员在 设置 → 学校 → 学年与学期 中添加这一学年，或换一个期间。")
    for s in semesters:
        if s[2] == raw:
            return _kind(_semester(s), kinds, text, help_text)
    raise InputRejected(f"无法识别期间“{text}”。{help_text}。")


def _kind(period: Period, kinds: Collection[PeriodKind], text: str, help_text: str) -> Period:
    if period.kind not in kinds:
        names = {"month": "月份", "semester": "学期", "year": "学年"}
        raise InputRejected(f"“{text}”是一个{names[period.kind]}，这里只能用"
                            f"{'或'.join(names[k] for k in kinds)}。{help_text}。")
    return period


def report_period(db: Database, text: str) -> Period:
    """The month or semester a county report covers (a school year is not a reporting period)."""
    return parse_period(db, text, kinds=REPORT_KINDS)


def period_code(period: Period) -> str:
    """The stable code of a period the centre groups packages by: ``2026-11``, ``2026-2027-1``, ``2026-2027``."""
    if period.kind == "month":
        return period.start.strftime("%Y-%m")
    if period.kind == "semester":
        start_year = period.start.year if period.start.month >= 8 else period.start.year - 1
        term = 1 if period.start.month >= 8 else 2
        return f"{start_year}-{start_year + 1}-{term}"
    return f"{period.start.year}-{period.start.year + 1}"


def code_kind(code: str) -> PeriodKind | None:
    """Which kind of period a code names (``None``: not a code)."""
    raw = code.strip()
    if _MONTH.match(raw):
        return "month"
    if _TERM.match(raw):
        return "semester"
    if _YEAR.match(raw):
        return "year"
    return None


def code_start(code: str) -> dt.date | None:
    """Roughly where a period code begins, for ordering codes without a calendar: a month on its first day, a
    first semester on 1 September, a second on 1 February, a school year on 1 September."""
    raw = code.strip()
    if m := _MONTH.match(raw):
        return dt.date(int(m[1]), min(max(int(m[2]), 1), 12), 1)
    if m := _TERM.match(raw):
        return dt.date(int(m[1]), 9, 1) if m[3] == "1" else dt.date(int(m[2]), 2, 1)
    if m := _YEAR.match(raw):
        return dt.date(int(m[1]), 9, 1)
    return None


def months_of(period: Period) -> list[Period]:
    """The calendar months a period touches, each as a month period."""
    out = []
    y, m = period.start.year, period.start.month
    while (y, m) <= (period.end.year, period.end.month):
        out.append(month_period(y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
