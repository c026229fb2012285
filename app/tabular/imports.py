"""What every importer does the same way around its own rows: refuse a file with invalid rows unless the user chose
to skip them, and record the import (file, hash, counts) inside the caller's transaction."""
from __future__ import annotations

import json
from collections.abc import Sized
from typing import Any, Protocol

from app import clock
from app.errors import InputRejected
from app.session import Session


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
