"""Where screening's confidential tier is read from (issue 8 (b)).

The answers and scores of a result, the basis of a ledger entry (the rule that fired), the reasons of level
changes and of follow-up interviews live in confidential.db (conf_migrations/006_screening.sql), keyed by the
vault.db row. Each helper gives the column expression (named as vault.db's column) and the join to add: with
confidential.db attached the text comes from it unless vault.db still holds newer text (written by a session
without the key, or from before the move: moved at the next counselor sign-in); without it only vault.db's
columns are read, blank once moved.
"""
from __future__ import annotations

from app.store import confidential
from app.store.db import Database
from app.store.tier_move import SCORE_COLUMNS

# A result whose scores are still in vault.db, on ``r``.
UNMOVED = ("(r.answers <> '[]' OR r.total <> 0 OR r.band IS NOT NULL OR r.critical <> 0 OR r.positive <> 0"
           " OR r.flags <> '[]' OR r.subscales <> '{}' OR r.platform_total IS NOT NULL)")


def scores_source(db: Database) -> tuple[str, str]:
    """(the score columns of ``screening_results r``, the join to add after it)."""
    if not confidential.attached(db):
        return ", ".join(f"r.{c} AS {c}" for c in SCORE_COLUMNS), ""
    return (", ".join(f"CASE WHEN sc.result_id IS NULL OR {UNMOVED} THEN r.{c} ELSE sc.{c} END AS {c}"
                      for c in SCORE_COLUMNS),
            " LEFT JOIN conf.screening_scores sc ON sc.result_id = r.id")


def _text(db: Database, alias: str, column: str, table: str, short: str, key: str) -> tuple[str, str]:
    if not confidential.attached(db):
        return f"{alias}.{column}", ""
    return (f"coalesce(nullif({alias}.{column}, ''), {short}.{column}, '')",
            f" LEFT JOIN conf.{table} {short} ON {short}.{key} = {alias}.id")


def basis_source(db: Database, alias: str = "l") -> tuple[str, str]:
    """(the basis of ``screening_levels <alias>``, the join)."""
    return _text(db, alias, "basis", "screening_basis", "sb", "entry_id")


def change_reasons(db: Database, alias: str = "h") -> tuple[str, str]:
    """(the reason of ``screening_level_changes <alias>``, the join)."""
    return _text(db, alias, "reason", "screening_change_reasons", "cr", "change_id")


def interview_reasons(db: Database, alias: str = "i") -> tuple[str, str]:
    """(the reason of ``screening_interviews <alias>``, the join)."""
    return _text(db, alias, "reason", "screening_interview_reasons", "ir", "interview_id")
