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


def mapping_from_options(db: Database, kind: str, profile: str | None, maps: list[str],
                         fields: dict[str, str]) -> dict[str, str] | None:
    """The column mapping a command line asks for: a saved profile, then ``--map field=header`` items on top.

    ``fields`` are the importer's field ids with their Chinese labels (for the message on a bad item).
    """
    from app.errors import InputRejected

    mapping: dict[str, str] = {}
    if profile:
        saved = load_profile(db, kind, profile)
        if saved is None:
            raise InputRejected(f"没有名为“{profile}”的列对应方案。")
        mapping.update({k: str(v) for k, v in saved.items()})
    for item in maps:
        key, sep, header = item.partition("=")
        if not sep or key.strip() not in fields or not header.strip():
            raise InputRejected(f"--map “{item}”格式不正确，应为 字段=表头，字段可选：{'、'.join(fields)}。")
        mapping[key.strip()] = header.strip()
    return mapping or None
