"""Searching: the tier and class rules of the signed-in account, and highlighted snippets."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from app.policy import can_read_confidential, does_student_work, in_scope, require, scope_condition
from app.search.tokens import match_expression, query_terms
from app.session import Session

MARK_START, MARK_END = "⟦", "⟧"   # around each match in a snippet; the UI turns them into bold
SNIPPET_CHARS = 60


@dataclass(frozen=True)
class HitStudent:
    id: int
    registry_no: str
    name: str
    class_name: str


@dataclass(frozen=True)
class SearchHit:
    source: str
    ref_id: int
    kind: str
    kind_label: str
    date: str
    title: str
    snippet: str
    tier: str                      # where the snippet comes from: ordinary or confidential
    students: list[HitStudent] = field(default_factory=list)

    @property
    def registry_no(self) -> str:
        return self.students[0].registry_no if self.students else ""

    @property
    def name(self) -> str:
        if not self.students:
            return ""
        first = self.students[0].name
        return first if len(self.students) == 1 else f"{first}等{len(self.students)}人"

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "record_id": self.ref_id, "registry_no": self.registry_no, "name": self.name,
                "kind": self.kind, "kind_label": self.kind_label, "date": self.date, "title": self.title,
                "snippet": self.snippet, "tier": self.tier,
                "students": [{"registry_no": s.registry_no, "name": s.name, "class_name": s.class_name}
                             for s in self.students]}


def search(session: Session, text: str, limit: int = 50) -> list[SearchHit]:
    """Newest first. Confidential text is searched only for counselors; a head teacher finds only records
    about students of their class, and sees only those students and ordinary text."""
    account = session.account
    require(session, does_student_work, "检索学生记录")
    expr = match_expression(text)
    if expr is None:
        return []
    db = session.db
    if can_read_confidential(account):
        matched = ("SELECT rowid FROM search_fts WHERE search_fts MATCH :q"
                   " UNION SELECT rowid FROM search_fts_conf WHERE search_fts_conf MATCH :q")
    else:
        matched = "SELECT rowid FROM search_fts WHERE search_fts MATCH :q"
    cond, scope_params = scope_condition(account)
    # Step 1: the newest matching ids, sorted on the narrow (id, at) index (no wide text rows are read).
    sql = f"SELECT d.id FROM search_docs d INDEXED BY search_docs_id_at WHERE d.id IN ({matched})"
    params: dict[str, Any] = {"q": expr, "limit": limit}
    if scope_params:  # a head teacher: documents about a student of their class
        sql += (" AND d.id IN (SELECT ds.doc_id FROM students s JOIN search_doc_students ds"
                " ON ds.student_id = s.id WHERE " + cond + ")")
        params.update(scope_params)
    sql += " ORDER BY d.at DESC, d.id DESC LIMIT :limit"
    ids = [r[0] for r in db.query(sql, params)]
    if not ids:
        return []
    # Step 2: the rows of those few documents.
    marks = ",".join("?" * len(ids))
    by_id = {r["id"]: r for r in db.query(
        "SELECT id, source, ref_id, kind, kind_label, at, title, ordinary, confidential FROM search_docs"
        f" WHERE id IN ({marks})", ids)}
    rows = [by_id[i] for i in ids]
    students = _students(session, [r["id"] for r in rows])
    terms = query_terms(text)
    hits = []
    for r in rows:
        tier, snippet = "ordinary", highlight(r["ordinary"] or r["title"], terms)
        if MARK_START not in snippet and can_read_confidential(account) and r["confidential"]:
            conf = highlight(r["confidential"], terms)
            if MARK_START in conf:
                tier, snippet = "confidential", conf
        hits.append(SearchHit(r["source"], r["ref_id"], r["kind"], r["kind_label"], r["at"][:10], r["title"],
                              snippet, tier, students.get(r["id"], [])))
    shown = [f"{h.source}:{h.ref_id}" for h in hits if h.tier == "confidential"]
    if shown:   # a snippet of confidential text was read: the audit log says which records (not the query)
        session.audit("view_confidential", "search", {"records": shown})
    return hits


def _students(session: Session, doc_ids: list[int]) -> dict[int, list[HitStudent]]:
    marks = ",".join("?" * len(doc_ids))
    sql = (f"SELECT ds.doc_id, s.id, s.registry_no, s.name, coalesce(c.name, ''), s.class_id"
           f" FROM search_doc_students ds JOIN students s ON s.id = ds.student_id"
           f" LEFT JOIN classes c ON c.id = s.class_id WHERE ds.doc_id IN ({marks}) ORDER BY s.pinyin_full")
    out: dict[int, list[HitStudent]] = {}
    for r in session.db.query(sql, doc_ids):
        if not in_scope(session.account, r[5]):
            continue
        out.setdefault(r[0], []).append(HitStudent(r[1], r[2], r[3], r[4]))
    return out


def _fold(text: str) -> str:
    """Case- and width-folded text with the same length as the input (so positions line up)."""
    out = []
    for ch in text:
        f = unicodedata.normalize("NFKC", ch).lower()
        out.append(f if len(f) == 1 else ch)
    return "".join(out)


def highlight(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> str:
    """A window of ``text`` around the first match, each match wrapped in MARK_START … MARK_END."""
    text = " ".join((text or "").split())
    if not terms:
        return text[:width]
    folded = _fold(text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True)))
    first = pattern.search(folded)
    if first is None:
        return text[:width] + ("…" if len(text) > width else "")
    start = max(0, first.start() - width // 3)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    out, pos = [], start
    for m in pattern.finditer(folded, start, end):
        out.append(text[pos:m.start()])
        out.append(MARK_START + text[m.start():m.end()] + MARK_END)
        pos = m.end()
    out.append(text[pos:end])
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")
