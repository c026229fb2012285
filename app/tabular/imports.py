"""What every importer does the same way around its own rows: refuse a file with invalid rows unless the user chose
to skip them, and record the import (file, hash, counts) inside the caller's transaction."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sized
from typing import Any, Protocol

from app import clock
from app.errors import InputRejected
from app.session import Session
from app.tabular.cells import cell_text, parse_date


class Previewed(Protocol):
    file: str

    @property
    def errors(self) -> Sized: ...

    @property
    def invalid_rows(self) -> Sized: ...


def refuse_invalid_rows(preview: Previewed, skip_invalid: bool) -> None:
    """Nothing is written from a file with invalid rows unless "跳过无效行" (``--skip-invalid``) was chosen."""
    if len(preview.errors) and not skip_invalid:
        raise InputRejected(f"{preview.file} 有 {len(preview.invalid_rows)} 行无效，未写入任何数据。"
                            "请修改后重新导入，或选择“跳过无效行”。")


def record_import(session: Session, kind: str, file: str, file_hash: str, counts: dict[str, Any]) -> int:
    """One row of the ``imports`` table, in the caller's transaction; returns its id (records keep it)."""
    cur = session.db.execute(
        "INSERT INTO imports (kind, file_name, file_hash, at, account, counts) VALUES (:k, :f, :h, :t, :a, :c)",
        {"k": kind, "f": file, "h": file_hash, "t": clock.now_iso(), "a": session.account.label,
         "c": json.dumps(counts, ensure_ascii=False)})
    return int(cur.lastrowid or 0)


def past_date(raw: Any, today: dt.date, complain: Callable[[str, Any], None], *, empty: str,
              future: str = "") -> dt.date | None:
    """A row's date of something that already happened (a lesson held, a report handed in): ``None`` after
    ``complain(reason, value)`` when the cell is empty, unreadable or later than ``today`` (``future`` is added to
    that reason, e.g. "：只导入已经开展的课程和活动")."""
    try:
        day = parse_date(raw if not isinstance(raw, str) else cell_text(raw))
    except ValueError as e:
        complain(f"日期{e}", raw)
        return None
    if day is None:
        complain(empty, "")
        return None
    if day > today:
        complain(f"日期 {day.isoformat()} 晚于今天{future}", raw)
        return None
    return day
