"""Confidential text of vault.db rows kept in confidential.db, one ``conf`` row per (table, row, field).

A capability whose confidential tier is a few text columns of its own tables (crisis notes and reasons, the free
text of warning-network reports) keeps that text in one ``conf`` table of this shape (conf_migrations 003, 004)::

    CREATE TABLE <name> (tbl TEXT, row_id INTEGER, field TEXT, text TEXT, PRIMARY KEY (tbl, row_id, field))

keyed by the vault.db table and row id, so the ordinary rows (who, when, the ordinary summary) stay where every
account reads them and only the text moves.

- A write by a session holding the confidential key (``conf`` attached) puts the text in ``conf`` and leaves
  vault.db's column blank (``vault_value`` / ``put``, or ``write`` for an existing row).
- A write by a session without the key leaves the text in vault.db's column; the next counselor's sign-in moves
  it (``move``, run by ``app.store.tier_move``).
- A read (``fill``) fills a blank column from ``conf`` when it is attached. Text still in vault.db was written
  after ``conf``'s (a session with the key blanks the column), so it wins, field by field.

The declarations of what each capability keeps here (``CRISIS_TEXT``, ``NETWORK_TEXT``, ``SAFETY_TEXT``,
``SCREENING_CATEGORY``) live in this module, beside the conf migrations that create their tables: the move (plain
SQL, run before any capability is asked) and the capability's own reads and writes use the same list.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.store.confidential import attached
from app.store.db import Database, Row

_CHUNK = 500


@dataclass(frozen=True)
class Columns:
    """The confidential columns of one vault.db table (``where``: only the rows it selects, e.g. a tier)."""
    table: str
    fields: tuple[str, ...]
    where: str = ""


@dataclass(frozen=True)
class ConfText:
    conf_table: str                     # in confidential.db, e.g. "crisis_confidential"
    columns: tuple[Columns, ...]

    def fields(self, table: str) -> tuple[str, ...]:
        for c in self.columns:
            if c.table == table:
                return c.fields
        raise KeyError(table)

    # -- writing ---------------------------------------------------------------------------------------------
    @staticmethod
    def vault_value(db: Database, text: str) -> str:
        """What a new row's confidential column gets in vault.db: '' when the text goes to ``conf``."""
        return "" if attached(db) else text

    def put(self, db: Database, table: str, row_id: int, values: Mapping[str, str]) -> None:
        """The row's confidential text in ``conf`` (only with the tier attached; joins the caller's transaction).
        Call after writing the row with ``vault_value``."""
        if not attached(db):
            return
        _check(values, self.fields(table))
        db.executemany(
            f"INSERT INTO conf.{self.conf_table} (tbl, row_id, field, text) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (tbl, row_id, field) DO UPDATE SET text = excluded.text",
            [(table, row_id, f, v) for f, v in values.items()])

    def write(self, db: Database, table: str, row_id: int, values: Mapping[str, str]) -> None:
        """Change an existing row's confidential text: in ``conf`` with vault.db's column blanked when the tier
        is attached, in vault.db's column otherwise (moved at the next counselor's sign-in)."""
        _check(values, self.fields(table))
        cols = list(values)
        if not cols:
            return
        if attached(db):
            self.put(db, table, row_id, values)
            blank = ", ".join(f"{c} = ''" for c in cols)
            nonblank = " OR ".join(f"{c} <> ''" for c in cols)
            db.execute(f"UPDATE main.{table} SET {blank} WHERE id = :id AND ({nonblank})", {"id": row_id})
        else:
            db.execute(f"UPDATE {table} SET {', '.join(f'{c} = :{c}' for c in cols)} WHERE id = :id",
                       {**{c: values[c] for c in cols}, "id": row_id})

    # -- reading ---------------------------------------------------------------------------------------------
    def fill(self, db: Database, table: str, rows: Iterable[Row | Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The rows (each with an ``id`` column) as dicts, every blank confidential column filled from ``conf``
        when the tier is attached. Without it the columns are what vault.db holds (text not yet moved)."""
        out = [dict(r) for r in rows]
        if not out or not attached(db):
            return out
        known = self.fields(table)
        stored = self._stored(db, table, [int(r["id"]) for r in out])
        for r in out:
            mine = stored.get(int(r["id"]))
            if mine:
                for f in known:
                    if f in r and not r[f] and mine.get(f):
                        r[f] = mine[f]
        return out

    def fill_one(self, db: Database, table: str, row: Row | None) -> dict[str, Any] | None:
        return None if row is None else self.fill(db, table, [row])[0]

    def _stored(self, db: Database, table: str, ids: Sequence[int]) -> dict[int, dict[str, str]]:
        out: dict[int, dict[str, str]] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), _CHUNK):
            part = unique[start:start + _CHUNK]
            marks = ",".join("?" * len(part))
            for row_id, field, text in db.query(
                    f"SELECT row_id, field, text FROM conf.{self.conf_table} WHERE tbl = ? AND row_id IN ({marks})",
                    [table, *part]):
                out.setdefault(int(row_id), {})[str(field)] = str(text)
        return out

    # -- the move from vault.db (app.store.tier_move) --------------------------------------------------------
    def move(self, name: str) -> tuple[str, str, tuple[str, ...]]:
        """(capability, the query that is non-empty while text is left in vault.db, the statements that move it
        into ``conf`` and blank vault.db's columns). Text left in vault.db is newer than ``conf``'s: it replaces it."""
        pending = []
        statements = []
        for c in self.columns:
            extra = f" AND ({c.where})" if c.where else ""
            nonblank = " OR ".join(f"{f} <> ''" for f in c.fields)
            pending.append(f"SELECT 1 FROM main.{c.table} WHERE ({nonblank}){extra}")
            for f in c.fields:
                statements.append(
                    f"INSERT INTO conf.{self.conf_table} (tbl, row_id, field, text)"
                    f" SELECT '{c.table}', id, '{f}', {f} FROM main.{c.table} WHERE {f} <> ''{extra}"
                    " ON CONFLICT (tbl, row_id, field) DO UPDATE SET text = excluded.text")
            blank = ", ".join(f"{f} = ''" for f in c.fields)
            statements.append(f"UPDATE main.{c.table} SET {blank} WHERE ({nonblank}){extra}")
        return name, " UNION ALL ".join(pending) + " LIMIT 1", tuple(statements)


def _check(values: Mapping[str, str], known: tuple[str, ...]) -> None:
    unknown = set(values) - set(known)
    if unknown:
        raise KeyError(f"not confidential columns: {sorted(unknown)}")


# Crisis intervention (conf_migrations/003_crisis.sql): every note, the closing note, level-change reasons and the
# earlier and new values and the reason of every amendment of a confidential field (crisis_history, tier
# 'confidential'; vault.db keeps who changed which field when).
CRISIS_TEXT = ConfText("crisis_confidential", (
    Columns("crisis_cases", ("note", "closing_note")),
    Columns("crisis_steps", ("note",)),
    Columns("crisis_documents", ("note",)),
    Columns("crisis_meetings", ("note",)),
    Columns("crisis_follow_ups", ("note",)),
    Columns("crisis_level_changes", ("reason",)),
    Columns("crisis_incidents", ("note",)),
    Columns("crisis_history", ("old_value", "new_value", "reason"), where="tier = 'confidential'"),
))

# The warning network (conf_migrations/004_network.sql): a report's free text (the class's climate, its events),
# what was seen of each named student and the counselor's triage note.
NETWORK_TEXT = ConfText("network_confidential", (
    Columns("network_reports", ("climate", "events")),
    Columns("network_concerns", ("seen", "decision_note")),
))

# Same-day safety (conf_migrations/008_safety.sql): the rule or words that raised an alert and the counselor's review.
SAFETY_TEXT = ConfText("safety_confidential", (
    Columns("safety_alerts", ("reason", "outcome")),
))

# Screening (conf_migrations/009_screening_category.sql): a ledger entry's category (自伤风险 ...), the machine's until
# the counselor shares it with the head teacher: a shared entry's category stays in vault.db, where the head
# teacher's key reads what they were told (``share``).
SCREENING_CATEGORY = ConfText("screening_category", (
    Columns("screening_levels", ("category",), where="category_shared = 0"),
))
