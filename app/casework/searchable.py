"""Casework records in the search index (see app.search)."""
from __future__ import annotations

from collections.abc import Iterator

from app.casework.records import _COLUMNS, CONF_TEXT, SOURCE, _row_input, search_document
from app.search import Document, Source
from app.store import confidential
from app.store.db import Database


def documents(db: Database) -> Iterator[Document]:
    ids: dict[int, list[int]] = {}
    for rid, sid in db.query("SELECT a.record_id, a.student_id FROM case_attendance a"
                             " JOIN case_records r ON r.id = a.record_id WHERE r.deleted_at IS NULL"):
        ids.setdefault(rid, []).append(sid)
    # With the confidential tier attached (a counselor's rebuild) the notes come from conf; otherwise only text
    # from before the move is in vault.db's column.
    sql = f"SELECT {_COLUMNS.format(conf='r.confidential')} FROM case_records r WHERE r.deleted_at IS NULL"
    if confidential.attached(db):
        sql = (f"SELECT {_COLUMNS.format(conf=CONF_TEXT)} FROM case_records r"
               " LEFT JOIN conf.case_confidential cc ON cc.record_id = r.id WHERE r.deleted_at IS NULL")
    for r in db.query(sql):
        yield search_document(r["id"], _row_input(r, ids.get(r["id"], [])))


SOURCES = ((SOURCE, Source("个案与谈话", reindex=documents)),)
