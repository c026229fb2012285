"""Unsaved form text, kept in the (encrypted) vault per account and form, so a crash or a lock loses nothing.

The window saves the form every few seconds and when ``ctx.locking`` is emitted; a successful save discards it.
A counselor's drafts (the record form holds confidential notes) are kept in confidential.db (``conf.case_drafts``);
a head teacher's, which never hold confidential text, in vault.db.
"""
from __future__ import annotations

import json
from typing import Any

from app import clock
from app.session import Session


def _table(session: Session) -> str:
    return "conf.case_drafts" if session.holds_confidential else "main.case_drafts"


def save_draft(session: Session, form_key: str, content: dict[str, Any]) -> None:
    with session.db.transaction():
        session.db.execute(
            f"INSERT INTO {_table(session)} (account, form_key, content, saved_at) VALUES (:a, :k, :c, :t)"
            " ON CONFLICT (account, form_key) DO UPDATE SET content = excluded.content, saved_at = excluded.saved_at",
            {"a": session.account.username, "k": form_key, "c": json.dumps(content, ensure_ascii=False),
             "t": clock.now_iso()})


def load_draft(session: Session, form_key: str) -> dict[str, Any] | None:
    raw = session.db.scalar(f"SELECT content FROM {_table(session)} WHERE account = :a AND form_key = :k",
                            {"a": session.account.username, "k": form_key})
    return json.loads(raw) if raw else None


def discard_draft(session: Session, form_key: str) -> None:
    with session.db.transaction():
        session.db.execute(f"DELETE FROM {_table(session)} WHERE account = :a AND form_key = :k",
                           {"a": session.account.username, "k": form_key})


def list_drafts(session: Session) -> list[tuple[str, str]]:
    """(form key, saved at) of this account's drafts, newest first."""
    return [(r[0], r[1]) for r in session.db.query(
        f"SELECT form_key, saved_at FROM {_table(session)} WHERE account = :a ORDER BY saved_at DESC",
        {"a": session.account.username})]
