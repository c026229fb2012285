"""Keeping the search index: one document per record, written in the caller's transaction."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from app import capability
from app.search.tokens import index_tokens
from app.store import confidential
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
    """Insert or replace a document; call inside the transaction that writes the record.

    With the confidential tier attached (a counselor) the confidential half goes to ``conf.search_conf`` and
    ``conf.search_fts_conf``; vault.db keeps only the ordinary half. Without it (a head teacher's edit, which never
    carries confidential text) the confidential half already indexed is left as it is."""
    tiered = confidential.attached(db)
    with db.transaction():
        old = db.scalar("SELECT id FROM search_docs WHERE source = :s AND ref_id = :r",
                        {"s": doc.source, "r": doc.ref_id})
        legacy = "" if tiered else doc.confidential   # no key: only text from before the move is ever here
        params = {"s": doc.source, "r": doc.ref_id, "k": doc.kind, "kl": doc.kind_label, "at": doc.at,
                  "t": doc.title, "o": doc.ordinary, "c": legacy}
        if old is None:
            cur = db.execute("INSERT INTO search_docs (source, ref_id, kind, kind_label, at, title, ordinary,"
                             " confidential) VALUES (:s, :r, :k, :kl, :at, :t, :o, :c)", params)
            doc_id = int(cur.lastrowid or 0)
        else:
            doc_id = int(old)
            # Counselor: vault.db's copy is blanked. No key: the column is rewritten only with text from before the
            # move (it is then moved at the next counselor's sign-in), otherwise left as it is.
            blank_or_keep = ", confidential = :c" if tiered or legacy else ""
            db.execute("UPDATE search_docs SET kind = :k, kind_label = :kl, at = :at, title = :t, ordinary = :o"
                       + blank_or_keep + " WHERE id = :id", {**params, "id": doc_id})
            db.execute("DELETE FROM search_fts WHERE rowid = :id", {"id": doc_id})
            if tiered or legacy:
                db.execute("DELETE FROM main.search_fts_conf WHERE rowid = :id", {"id": doc_id})
            db.execute("DELETE FROM search_doc_students WHERE doc_id = :id", {"id": doc_id})
        db.execute("INSERT INTO search_fts (rowid, body) VALUES (:id, :b)", {"id": doc_id, "b": _body(doc)})
        if legacy:
            db.execute("INSERT INTO main.search_fts_conf (rowid, body) VALUES (:id, :b)",
                       {"id": doc_id, "b": index_tokens(legacy)})
        if tiered:
            _put_conf(db, doc.source, doc.ref_id, doc.confidential)
        db.executemany("INSERT OR IGNORE INTO search_doc_students (doc_id, student_id) VALUES (?, ?)",
                       [(doc_id, sid) for sid in doc.student_ids])
        return doc_id


def put_many(db: Database, docs: Iterable[Document]) -> None:
    """Bulk insert of new documents (imports, demo, rebuild): one executemany per table."""
    docs = list(docs)
    if not docs:
        return
    tiered = confidential.attached(db)
    with db.transaction():
        first = int(db.scalar("SELECT coalesce(max(id), 0) FROM search_docs")) + 1
        ids = range(first, first + len(docs))
        db.executemany("INSERT INTO search_docs (id, source, ref_id, kind, kind_label, at, title, ordinary,"
                       " confidential) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(i, d.source, d.ref_id, d.kind, d.kind_label, d.at, d.title, d.ordinary,
                         "" if tiered else d.confidential) for i, d in zip(ids, docs, strict=True)])
        db.executemany("INSERT INTO search_fts (rowid, body) VALUES (?, ?)",
                       [(i, _body(d)) for i, d in zip(ids, docs, strict=True)])
        if tiered:
            for d in docs:
                if d.confidential:
                    _put_conf(db, d.source, d.ref_id, d.confidential)
        else:
            db.executemany("INSERT INTO main.search_fts_conf (rowid, body) VALUES (?, ?)",
                           [(i, index_tokens(d.confidential)) for i, d in zip(ids, docs, strict=True)
                            if d.confidential])
        db.executemany("INSERT OR IGNORE INTO search_doc_students (doc_id, student_id) VALUES (?, ?)",
                       [(i, sid) for i, d in zip(ids, docs, strict=True) for sid in d.student_ids])


def remove(db: Database, source: str, ref_id: int) -> None:
    """Take a record out of the index (a soft delete): it is found no more."""
    with db.transaction():
        doc_id = db.scalar("SELECT id FROM search_docs WHERE source = :s AND ref_id = :r", {"s": source, "r": ref_id})
        if confidential.attached(db):
            _put_conf(db, source, ref_id, "")
        if doc_id is None:
            return
        db.execute("DELETE FROM search_fts WHERE rowid = :id", {"id": doc_id})
        db.execute("DELETE FROM main.search_fts_conf WHERE rowid = :id", {"id": doc_id})
        db.execute("DELETE FROM search_docs WHERE id = :id", {"id": doc_id})


def rebuild(db: Database) -> int:
    """Rebuild the whole index from every declared source (after a restore or a tokenizer change). Without the
    confidential tier attached its half in ``conf`` is left as it is (keyed by source and record, not document)."""
    count = 0
    tiered = confidential.attached(db)
    with db.transaction():
        db.execute("DELETE FROM search_fts")
        db.execute("DELETE FROM search_docs")
        db.execute("INSERT INTO main.search_fts_conf (search_fts_conf) VALUES ('delete-all')")
        if tiered:
            db.execute("DELETE FROM conf.search_conf")
            db.execute("INSERT INTO conf.search_fts_conf (search_fts_conf) VALUES ('delete-all')")
        for src in sources().values():
            if src.reindex is not None:
                docs = list(src.reindex(db))
                put_many(db, docs)
                count += len(docs)
    return count


def index_pending(db: Database) -> None:
    """Tokenize the confidential text the move from vault.db left unindexed (``conf.search_conf.indexed = 0``)."""
    if not confidential.attached(db):
        return
    rows = db.query("SELECT id, text FROM conf.search_conf WHERE indexed = 0")
    if not rows:
        return
    with db.transaction():
        db.executemany("DELETE FROM conf.search_fts_conf WHERE rowid = ?", [(r[0],) for r in rows])
        db.executemany("INSERT INTO conf.search_fts_conf (rowid, body) VALUES (?, ?)",
                       [(r[0], index_tokens(r[1])) for r in rows if r[1]])
        db.executemany("UPDATE conf.search_conf SET indexed = 1 WHERE id = ?", [(r[0],) for r in rows])


def _put_conf(db: Database, source: str, ref_id: int, text: str) -> None:
    """The confidential half of (source, ref_id) in ``conf``: replaced, or removed when ``text`` is empty."""
    old = db.scalar("SELECT id FROM conf.search_conf WHERE source = :s AND ref_id = :r", {"s": source, "r": ref_id})
    if old is not None:
        db.execute("DELETE FROM conf.search_fts_conf WHERE rowid = :id", {"id": old})
        db.execute("DELETE FROM conf.search_conf WHERE id = :id", {"id": old})
    if not text:
        return
    cur = db.execute("INSERT INTO conf.search_conf (source, ref_id, text, indexed) VALUES (:s, :r, :t, 1)",
                     {"s": source, "r": ref_id, "t": text})
    db.execute("INSERT INTO conf.search_fts_conf (rowid, body) VALUES (:id, :b)",
               {"id": int(cur.lastrowid or 0), "b": index_tokens(text)})


def _body(doc: Document) -> str:
    return index_tokens(f"{doc.title}\n{doc.ordinary}")
