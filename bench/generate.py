"""A synthetic school for benchmarks: 20,000 students over 6 school years, graduates and leavers included.

A nine-year school (grades 1–9). Six school years ago grades 1–9 were in school; each September since, a new
first grade came in and the ninth grade graduated. Every cohort that was ever in school during those six years is
here: the ones still in school (在读), the ones who graduated (毕业) and about 3 % who moved away (转出). Each
student has the roster events of their years (enrolled, moved up a grade), a guardian, and about 6 % have focus
tags and support plans (``app.demo`` helpers). Names are invented from a seeded generator.

    .venv/bin/python -m bench.generate /tmp/school --students 20000
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import time
from collections.abc import Sequence
from pathlib import Path

from app import clock
from app.demo import DemoStudent, add_tags_and_plans, generate_students, insert_students
from app.school.calendar import add_school_year
from app.school.classnames import class_display_name
from app.session import Session

YEARS = 6
GRADES = tuple(range(1, 10))
CLASS_SIZE = 45
LEFT_SHARE = 0.03


@dataclasses.dataclass(frozen=True)
class Cohort:
    entry_year: int      # the September they started grade 1 (may be before the six years)
    first_grade: int     # their grade in the first of the six years
    last_grade: int      # their grade in the last year they were here
    graduated: bool


def cohorts(this_year: int) -> list[Cohort]:
    """Every cohort in school at some point in the six school years ending with ``this_year``."""
    first = this_year - YEARS + 1
    out = []
    for entry in range(first - len(GRADES) + 1, this_year + 1):
        g_first = max(1, first - entry + 1)
        g_last = min(len(GRADES), this_year - entry + 1)
        out.append(Cohort(entry, g_first, g_last, this_year - entry + 1 > len(GRADES)))
    return out


def school_students(n: int, this_year: int, seed: int = 11) -> list[tuple[DemoStudent, Cohort, str]]:
    """``n`` students (student, cohort, status), registry numbers unique across the whole school."""
    groups = cohorts(this_year)
    per = n // len(groups)
    rng = random.Random(seed)
    out: list[tuple[DemoStudent, Cohort, str]] = []
    serial = 0
    for i, c in enumerate(groups):
        count = per if i < len(groups) - 1 else n - per * (len(groups) - 1)
        batch = generate_students(count, seed=seed + i, grades=(c.last_grade,), class_size=CLASS_SIZE,
                                  year=this_year if not c.graduated else c.entry_year + len(GRADES) - 1)
        for s in batch:
            serial += 1
            s = dataclasses.replace(s, registry_no=f"G3702{s.birth_date[:4]}{serial:09d}")
            status = "毕业" if c.graduated else "在读"
            if rng.random() < LEFT_SHARE:
                status = "转出"
            out.append((s, c, status))
    return out


def populate(session: Session, n: int = 20_000, seed: int = 11) -> dict[str, float]:
    """Fill a fresh vault (or a plain-SQLite session for the baseline); returns timings in seconds."""
    t0 = time.perf_counter()
    today = clock.today()
    this_year = today.year if today.month >= 9 else today.year - 1
    for y in range(this_year - YEARS + 1, this_year + 1):
        add_school_year(session, y)
    rows = school_students(n, this_year, seed)
    t1 = time.perf_counter()
    ids = insert_students(session, [s for s, _, _ in rows])
    t2 = time.perf_counter()
    db = session.db
    first = this_year - YEARS + 1
    with db.transaction():
        for sid, (s, c, status) in zip(ids, rows, strict=True):
            if status != "在读":
                db.execute("UPDATE students SET status = :st WHERE id = :id", {"st": status, "id": sid})
            # one event per September this student moved up a grade during the six years
            for year in range(max(first, c.entry_year + c.first_grade), c.entry_year + c.last_grade):
                grade = year - c.entry_year + 1
                db.execute("INSERT INTO student_events (student_id, at, kind, summary, account) VALUES"
                           " (:s, :t, 'updated', :m, 'bench')",
                           {"s": sid, "t": f"{year}-09-01T08:00:00",
                            "m": f"花名册更新：班级（现为{class_display_name(grade, s.class_no)}）"})
            if status == "毕业":
                db.execute("INSERT INTO student_events (student_id, at, kind, summary, account) VALUES"
                           " (:s, :t, 'left', '九年级毕业', 'bench')",
                           {"s": sid, "t": f"{c.entry_year + len(GRADES)}-07-01T08:00:00"})
            elif status == "转出":
                db.execute("INSERT INTO student_events (student_id, at, kind, summary, account) VALUES"
                           " (:s, :t, 'left', '转学离校', 'bench')", {"s": sid, "t": f"{this_year}-03-01T08:00:00"})
    t3 = time.perf_counter()
    add_tags_and_plans(session, random.Random(seed), ids)
    t4 = time.perf_counter()
    return {"prepare": t1 - t0, "students": t2 - t1, "history": t3 - t2, "tags_plans": t4 - t3, "total": t4 - t0}


ROSTER_HEADER = ["姓名", "性别", "出生日期", "全国学籍号", "年级", "班级名称", "民族", "是否住校", "是否留守儿童",
                 "监护人姓名", "监护人联系电话"]


def write_roster_xlsx(path: Path, students: Sequence[DemoStudent], title: str = "学生花名册") -> Path:
    """A roster as the registry system exports it (title row, header row, real Excel dates)."""
    from openpyxl import Workbook

    from app.school.classnames import grade_name

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("学生名单")
    ws.append([title])
    ws.append(ROSTER_HEADER)
    for s in students:
        ws.append([s.name, s.gender, dt.datetime.fromisoformat(s.birth_date), s.registry_no, grade_name(s.grade),
                   class_display_name(s.grade, s.class_no), "汉族", "是" if s.boarding else "否",
                   "是" if s.left_behind else "否", s.guardian, s.phone])
    wb.save(path)
    return path


def roster_students(n: int, seed: int = 23, prefix: str = "R") -> list[DemoStudent]:
    """``n`` new students for an import (grades 7–9), registry numbers that no generated school uses."""
    out = []
    for i, s in enumerate(generate_students(n, seed=seed, grades=(7, 8, 9), class_size=CLASS_SIZE)):
        out.append(dataclasses.replace(s, registry_no=f"{prefix}3702{s.birth_date[:4]}{i:09d}"))
    return out


def main(argv: list[str] | None = None) -> int:
    from app.capabilities import install_default

    install_default()
    from app.school.setup import create_vault

    p = argparse.ArgumentParser(description="生成一所合成学校（基准测试用）")
    p.add_argument("folder", type=Path)
    p.add_argument("--students", type=int, default=20_000)
    p.add_argument("--password", default="Bench-password-2026!")  # a throwaway synthetic vault only
    args = p.parse_args(argv)
    session, _ = create_vault(args.folder, school_name="合成九年一贯制学校", username="counselor",
                              password=args.password)
    try:
        times = populate(session, args.students)
    finally:
        session.close()
    print(f"{args.students} students in {args.folder}: " + ", ".join(f"{k} {v:.1f}s" for k, v in times.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
