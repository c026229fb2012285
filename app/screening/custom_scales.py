"""A school's own scale definitions (for scales it holds a licence for), validated before they are stored."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from app import clock
from app.errors import InputRejected
from app.policy import can_manage_screening, require
from app.screening.scales import Scale, builtin_scales, custom_scales, load_scale_file
from app.session import Session

__all__ = ["add_scale_file", "custom_scales"]


def add_scale_file(session: Session, path: Path) -> Scale:
    """Validate a definition file and store it in the vault (replacing an earlier version of the same id)."""
    require(session, can_manage_screening, "添加量表")
    scale = load_scale_file(Path(path))
    if scale.id in builtin_scales():
        raise InputRejected(f"量表编号“{scale.id}”与内置量表重复，请换一个文件名和编号。")
    data = json.loads(Path(path).read_text("utf-8"))
    with session.db.transaction():
        session.db.execute(
            "INSERT INTO screening_scales (id, definition, added_at, added_by) VALUES (:i, :d, :t, :a)"
            " ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, added_at = excluded.added_at,"
            " added_by = excluded.added_by",
            {"i": scale.id, "d": json.dumps(data, ensure_ascii=False), "t": clock.now_iso(),
             "a": session.account.label})
        session.audit("edit", f"screening_scales:{scale.id}", {"action": "add_scale", "name": scale.name})
    return replace(scale, builtin=False)
