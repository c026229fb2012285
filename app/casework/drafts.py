"""Unsaved form text, kept in the (encrypted) vault per account and form, so a crash or a lock loses nothing.

The window saves the form every few seconds and when ``ctx.locking`` is emitted; a successful save discards it.
"""
from __future__ import annotations

import json
from typing import Any

from app import clock
from app.session import Session


def save_draft(session: Session, form_key: str, content: dict[str, Any]) -> None:
    with session.db.transaction():
        session.db.execute(
            "INSERT INTO case_drafts (account, form_key, content, saved_at) VALUES (:a, :k, :c, :t)"
            " ON CONFLICT (account, form_key) DO UPDATE SET content = excluded.content, saved_at = excluded.saved_at",
            {"a": session.account.username, "k": form_key, "c": json.dumps(content, ensure_ascii=False),
             "t": clock.now_iso()})


def load_draft(session: Session, form_key: str) -> dict[str, Any] | None:
    raw = session.db.scalar("SELECT content FROM case_drafts WHERE account = :a AND form_key = :k",
                            {"a": session.account.username, "k": form_key})
    return json.loads(raw) if raw else None


def discard_draft(session: Session, form_key: str) -> None:
    with session.db.transaction():
        session.db.execute("DELETE FROM case_drafts WHERE account = :a AND form_key = :k",
                           {"a": session.account.username, "k": form_key})


def list_drafts(session: Session) -> list[tuple[str, str]]:
    """(form key, saved at) of this account's drafts, newest first."""
    return [(r[0], r[1]) for r in session.db.query(
        "SELECT form_key, saved_at FROM case_drafts WHERE account = :a ORDER BY saved_at DESC",
        {"a": session.account.username})]
