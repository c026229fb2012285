"""Casework records in the search index (see app.search)."""
from __future__ import annotations

from collections.abc import Iterator

from app.casework.records import SOURCE, _row_input, search_document
from app.search import Document, Source
from app.store.db import Database


def documents(db: Database) -> Iterator[Document]:
    ids: dict[int, list[int]] = {}
    for rid, sid in db.query("SELECT a.record_id, a.student_id FROM case_attendance a"
                             " JOIN case_records r ON r.id = a.record_id WHERE r.deleted_at IS NULL"):
        ids.setdefault(rid, []).append(sid)
    for r in db.query("SELECT * FROM case_records WHERE deleted_at IS NULL"):
        yield search_document(r["id"], _row_input(r, ids.get(r["id"], [])))


SOURCES = ((SOURCE, Source("个案与谈话", reindex=documents)),)
