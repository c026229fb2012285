"""Keeping the search index: one document per record, written in the caller's transaction."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from app import capability
from app.search.tokens import index_tokens
from app.store.db import Database


@dataclass(frozen=True)
class Document:
    """One searchable record of a capability.

    ``ordinary`` is text any account that may see the students may read (summaries); ``confidential`` is
    counselor-only text. ``student_ids``: the students the record is about (a head teacher finds the record
    only when one of them is in their class; a record with no students is found by counselors only).
    """

    source: str
    ref_id: int
    kind: str
    kind_label: str
    at: str
    title: str = ""
    ordinary: str = ""
    confidential: str = ""
    student_ids: Sequence[int] = field(default_factory=tuple)


@dataclass(frozen=True)
class Source:
    label: str                                                   # Chinese, e.g. "个案与谈话"
    reindex: Callable[[Database], Iterable[Document]] | None = None  # every live document, for rebuild()


def sources() -> dict[str, Source]:
    """Every declared source (``Capability.search``), by source id."""
    return dict(capability.current().search_sources())


def put(db: Database, doc: Document) -> int:
    """Insert or replace a document; call inside the transaction that writes the record."""
    with db.transaction():
        old = db.scalar("SELECT id FROM search_docs WHERE source = :s AND ref_id = :r",
                        {"s": doc.source, "r": doc.ref_id})
        params = {"s": doc.source, "r": doc.ref_id, "k": doc.kind, "kl": doc.kind_label, "at": doc.at,
                  "t": doc.title, "o": doc.ordinary, "c": doc.confidential}
        if old is None:
            cur = db.execute("INSERT INTO search_docs (source, ref_id, kind, kind_label, at, title, ordinary,"
                             " confidential) VALUES (:s, :r, :k, :kl, :at, :t, :o, :c)", params)
            doc_id = int(cur.lastrowid or 0)
        else:
            doc_id = int(old)
            db.execute("UPDATE search_docs SET kind = :k, kind_label = :kl, at = :at, title = :t, ordinary = :o,"
                       " confidential = :c WHERE id = :id", {**params, "id": doc_id})
            _drop_fts(db, doc_id)
            db.execute("DELETE FROM search_doc_students WHERE doc_id = :id", {"id": doc_id})
        _write_fts(db, doc_id, doc)
        db.executemany("INSERT OR IGNORE INTO search_doc_students (doc_id, student_id) VALUES (?, ?)",
                       [(doc_id, sid) for sid in doc.student_ids])
        return doc_id


def put_many(db: Database, docs: Iterable[Document]) -> None:
    """Bulk insert of new documents (imports, demo, rebuild): one executemany per table."""
    docs = list(docs)
    if not docs:
        return
    with db.transaction():
        first = int(db.scalar("SELECT coalesce(max(id), 0) FROM search_docs")) + 1
        ids = range(first, first + len(docs))
        db.executemany("INSERT INTO search_docs (id, source, ref_id, kind, kind_label, at, title, ordinary,"
                       " confidential) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(i, d.source, d.ref_id, d.kind, d.kind_label, d.at, d.title, d.ordinary, d.confidential)
                        for i, d in zip(ids, docs, strict=True)])
        db.executemany("INSERT INTO search_fts (rowid, body) VALUES (?, ?)",
                       [(i, _body(d)) for i, d in zip(ids, docs, strict=True)])
        db.executemany("INSERT INTO search_fts_conf (rowid, body) VALUES (?, ?)",
                       [(i, index_tokens(d.confidential)) for i, d in zip(ids, docs, strict=True) if d.confidential])
        db.executemany("INSERT OR IGNORE INTO search_doc_students (doc_id, student_id) VALUES (?, ?)",
                       [(i, sid) for i, d in zip(ids, docs, strict=True) for sid in d.student_ids])


def remove(db: Database, source: str, ref_id: int) -> None:
    """Take a record out of the index (a soft delete): it is found no more."""
    with db.transaction():
        doc_id = db.scalar("SELECT id FROM search_docs WHERE source = :s AND ref_id = :r", {"s": source, "r": ref_id})
        if doc_id is None:
            return
        _drop_fts(db, int(doc_id))
        db.execute("DELETE FROM search_docs WHERE id = :id", {"id": doc_id})


def rebuild(db: Database) -> int:
    """Rebuild the whole index from every declared source (after a restore or a tokenizer change)."""
    count = 0
    with db.transaction():
        db.execute("DELETE FROM search_fts")
        db.execute("DELETE FROM search_fts_conf")
        db.execute("DELETE FROM search_docs")
        for src in sources().values():
            if src.reindex is not None:
                docs = list(src.reindex(db))
                put_many(db, docs)
                count += len(docs)
    return count


def _body(doc: Document) -> str:
    return index_tokens(f"{doc.title}\n{doc.ordinary}")


def _write_fts(db: Database, doc_id: int, doc: Document) -> None:
    db.execute("INSERT INTO search_fts (rowid, body) VALUES (:id, :b)", {"id": doc_id, "b": _body(doc)})
    if doc.confidential:
        db.execute("INSERT INTO search_fts_conf (rowid, body) VALUES (:id, :b)",
                   {"id": doc_id, "b": index_tokens(doc.confidential)})


def _drop_fts(db: Database, doc_id: int) -> None:
    db.execute("DELETE FROM search_fts WHERE rowid = :id", {"id": doc_id})
    db.execute("DELETE FROM search_fts_conf WHERE rowid = :id", {"id": doc_id})
