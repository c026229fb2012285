"""Saved column mappings ("import profiles"), per kind of import (roster, screening platform, sessions)."""
from __future__ import annotations

import json
from collections.abc import Mapping

from app import audit
from app.errors import InputRejected
from app.policy import (
    Rule,
    can_counsel,
    can_keep_courses,
    can_keep_network,
    can_manage_roster,
    can_manage_screening,
    require,
)
from app.session import Session
from app.store.db import Database
from app.tabular.errors import MissingColumns

RULES: dict[str, Rule] = {
    "roster": can_manage_roster,        # whoever imports the roster
    "screening": can_manage_screening,  # a platform's columns, set up with the campaigns
    "sessions": can_counsel,            # the counselor's own session logs
    "courses": can_keep_courses,        # the lesson and activity log
    "network_reports": can_keep_network,  # committee members' and informants' reports typed in from paper
}
"""The rule a kind of import's saved mappings are written under: the rule of the import itself."""


def save_profile(session: Session, kind: str, name: str, mapping: dict[str, object]) -> None:
    """Save (or replace) the column mapping ``name`` for imports of ``kind``: one transaction, audited."""
    rule = RULES.get(kind)
    if rule is None:
        raise ValueError(f"unknown import profile kind {kind!r}")
    require(session, rule, "保存列对应方案")
    name = name.strip()
    if not name:
        raise InputRejected("请填写方案名称。")
    db = session.db
    with db.transaction():
        _write_profile(db, kind, name, mapping)
        audit.record(db, session.account.username, "settings", f"import_profile:{kind}",
                     {"name": name, "fields": sorted(mapping)})


def _write_profile(db: Database, kind: str, name: str, mapping: dict[str, object]) -> None:
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


def check_maps_found(maps: list[str], columns: Mapping[str, str], fields: Mapping[str, str], file_name: str) -> None:
    """Refuse when a ``--map field=header`` names a header the file does not have: without this, a field that is
    not required would quietly be imported empty. ``columns`` are the fields the preview matched."""
    unfound = []
    for item in maps:
        key, _sep, header = item.partition("=")
        if key.strip() not in columns:
            unfound.append(f"“{header.strip()}”（为“{fields.get(key.strip(), key.strip())}”指定）")
    if unfound:
        raise MissingColumns(f"{file_name}：没有找到 --map 指定的表头 {'、'.join(unfound)}。"
                             "请检查表头名称（与表格中的写法一致），或去掉这一项 --map。")
