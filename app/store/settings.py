"""Settings kept in the vault (JSON values)."""
from __future__ import annotations

import json
from typing import Any

from app.store.db import Database

DEFAULTS: dict[str, Any] = {"idle_lock_minutes": 10, "backup_keep": 30}


def get_setting(db: Database, key: str, default: Any = None) -> Any:
    raw = db.scalar("SELECT value FROM settings WHERE key = :k", {"k": key})
    if raw is None:
        return DEFAULTS.get(key, default) if default is None else default
    return json.loads(raw)


def set_setting(db: Database, key: str, value: Any) -> None:
    with db.transaction():
        db.execute("INSERT INTO settings (key, value) VALUES (:k, :v) ON CONFLICT (key) DO UPDATE SET value = :v",
                   {"k": key, "v": json.dumps(value, ensure_ascii=False)})
