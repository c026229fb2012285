"""Save, load, delete and list drafts: one row per (account, form key), the form's state as JSON.

Where a draft lives follows the tier of the text it can hold, never a plain file:

- a form that can hold confidential-tier text (casework notes, crisis cases, plans, interviews, confidential tags)
  declares ``confidential=True``; a session holding the confidential key (a counselor) keeps that draft in
  confidential.db (``conf.drafts``). An account without that key is never shown such a field, so its draft holds
  ordinary text only and stays in vault.db;
- every other form (settings, staff, holidays) keeps its draft in vault.db (``main.drafts``).

A draft is the account's own: no one else reads it, lists it or deletes it. Drafts are not records: writing one is
not audited (a form writes one about a second after every pause in typing), and nothing else reads them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app import clock
from app.session import Session

ORDINARY = "ordinary"
CONFIDENTIAL = "confidential"


@dataclass(frozen=True)
class Draft:
    form_key: str
    label: str             # the form, Chinese ("个案记录")
    student_id: int | None
    saved_at: str          # ISO local time
    tier: str              # ORDINARY | CONFIDENTIAL: the form's, as declared when it was saved


def _tables(session: Session) -> tuple[str, ...]:
    """The tables this session may hold drafts in, conf first."""
    return ("conf.drafts", "main.drafts") if session.holds_confidential else ("main.drafts",)


def table_for(session: Session, confidential: bool) -> str:
    """Where this session keeps the draft of a form of that tier."""
    return "conf.drafts" if confidential and session.holds_confidential else "main.drafts"


def save_draft(session: Session, form_key: str, content: dict[str, Any], *, label: str = "",
               student_id: int | None = None, confidential: bool = True) -> None:
    """Write (or replace) this account's draft of ``form_key``, in one transaction."""
    table = table_for(session, confidential)
    params = {"a": session.account.username, "k": form_key, "l": label, "s": student_id,
              "t": CONFIDENTIAL if confidential else ORDINARY, "c": json.dumps(content, ensure_ascii=False),
              "at": clock.now_iso()}
    with session.db.transaction():
        for other in _tables(session):   # one draft per form: drop a copy the other tier holds
            if other != table:
                session.db.execute(f"DELETE FROM {other} WHERE account = :a AND form_key = :k", params)
        session.db.execute(
            f"INSERT INTO {table} (account, form_key, label, student_id, tier, content, saved_at)"
            " VALUES (:a, :k, :l, :s, :t, :c, :at) ON CONFLICT (account, form_key) DO UPDATE SET"
            " label = excluded.label, student_id = excluded.student_id, tier = excluded.tier,"
            " content = excluded.content, saved_at = excluded.saved_at", params)


def load_draft(session: Session, form_key: str) -> dict[str, Any] | None:
    """This account's draft of ``form_key`` (its state), or None."""
    for table in _tables(session):
        raw = session.db.scalar(f"SELECT content FROM {table} WHERE account = :a AND form_key = :k",
                                {"a": session.account.username, "k": form_key})
        if raw:
            value = json.loads(raw)
            return value if isinstance(value, dict) else None
    return None


def delete_draft(session: Session, form_key: str) -> None:
    """Drop this account's draft of ``form_key`` (saved, or discarded on purpose)."""
    with session.db.transaction():
        for table in _tables(session):
            session.db.execute(f"DELETE FROM {table} WHERE account = :a AND form_key = :k",
                               {"a": session.account.username, "k": form_key})


def list_drafts(session: Session) -> list[Draft]:
    """This account's drafts, newest first."""
    out: list[Draft] = []
    for table in _tables(session):
        out.extend(Draft(r[0], r[1], None if r[2] is None else int(r[2]), r[3], r[4]) for r in session.db.query(
            f"SELECT form_key, label, student_id, saved_at, tier FROM {table} WHERE account = :a",
            {"a": session.account.username}))
    out.sort(key=lambda d: d.saved_at, reverse=True)
    return out
