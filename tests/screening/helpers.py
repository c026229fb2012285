"""Small helpers for screening tests: students of the demo school and result files."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook


def students(session, n: int = 10, grade: int = 7) -> list[tuple[int, str, str, str]]:
    """(id, registry_no, name, class name) of students in a grade, with names unique in the school."""
    rows = session.db.query(
        "SELECT s.id, s.registry_no, s.name, c.name FROM students s JOIN classes c ON c.id = s.class_id"
        " WHERE c.grade = :g AND s.status = '在读' AND (SELECT count(*) FROM students t WHERE t.name = s.name) = 1"
        " ORDER BY s.id", {"g": grade})
    return [tuple(r) for r in rows[:n]]  # type: ignore[misc]


def write_xlsx(path: Path, rows: list[list[Any]], merges: list[str] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for m in merges or []:
        ws.merge_cells(m)
    wb.save(path)
    return path
