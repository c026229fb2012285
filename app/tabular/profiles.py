"""Saved column mappings ("import profiles"), per kind of import (roster, screening platform, sessions)."""
from __future__ import annotations

import json

from app.store.db import Database


def save_profile(db: Database, kind: str, name: str, mapping: dict[str, object]) -> None:
    with db.transaction():
        db.execute("INSERT INTO import_profiles (kind, name, mapping) VALUES (:k, :n, :m)"
                   " ON CONFLICT (kind, name) DO UPDATE SET mapping = excluded.mapping",
                   {"k": kind, "n": name, "m": json.dumps(mapping, ensure_ascii=False)})


def load_profile(db: Database, kind: str, name: str) -> dict[str, object] | None:
    raw = db.scalar("SELECT mapping FROM import_profiles WHERE kind = :k AND name = :n", {"k": kind, "n": name})
    return json.loads(raw) if raw else None


def list_profiles(db: Database, kind: str) -> list[str]:
    return [r[0] for r in db.query("SELECT name FROM import_profiles WHERE kind = :k ORDER BY name", {"k": kind})]
