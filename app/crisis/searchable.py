"""Crisis cases and incidents in the search index (see app.search): the ordinary summary text versus the
confidential notes, one document per case and per incident, rewritten in the transaction of every change.

The notes are read from confidential.db when it is attached (a counselor's write or rebuild) and the index puts
them in its confidential half there; without it only text not yet moved is in vault.db's columns."""
from __future__ import annotations

import json
from collections.abc import Iterator

from app.crisis.rules import SOURCE_LABELS, level_label, load_rules
from app.search import Document, Source, put
from app.store.conf_text import CRISIS_TEXT
from app.store.db import Database

CASE_SOURCE = "crisis"
INCIDENT_SOURCE = "crisis_incident"


def case_document(db: Database, case_id: int) -> Document | None:
    c = CRISIS_TEXT.fill_one(db, "crisis_cases", db.one("SELECT * FROM crisis_cases WHERE id = :c", {"c": case_id}))
    if c is None:
        return None
    rules = load_rules(db)
    names = {s.key: s.name for s in rules.steps}
    ordinary = [c["summary"]]
    confidential = [c["note"], c["closing_note"]]
    for s in CRISIS_TEXT.fill(db, "crisis_steps", db.query("SELECT * FROM crisis_steps WHERE case_id = :c"
                                                          " ORDER BY seq", {"c": case_id})):
        data = json.loads(s["data"] or "{}")
        extra = " ".join(str(data[k]) for k in ("institution", "outcome", "kind", "measures", "method") if data.get(k))
        text = " ".join(p for p in (s["summary"], s["skip_reason"], extra) if p)
        if text:
            ordinary.append(f"{names.get(s['step_key'], s['step_key'])}：{text}")
        confidential.append(s["note"])
    for f in CRISIS_TEXT.fill(db, "crisis_follow_ups", db.query(
            "SELECT id, summary, note FROM crisis_follow_ups WHERE case_id = :c ORDER BY week", {"c": case_id})):
        ordinary.append(f["summary"])
        confidential.append(f["note"])
    for m in CRISIS_TEXT.fill(db, "crisis_meetings", db.query(
            "SELECT id, participants, note FROM crisis_meetings WHERE case_id = :c", {"c": case_id})):
        ordinary.append(m["participants"])
        confidential.append(m["note"])
    for lc in CRISIS_TEXT.fill(db, "crisis_level_changes", db.query(
            "SELECT id, reason FROM crisis_level_changes WHERE case_id = :c", {"c": case_id})):
        confidential.append(lc["reason"])
    status = "已结案" if c["status"] == "closed" else "进行中"
    return Document(source=CASE_SOURCE, ref_id=case_id, kind="crisis", kind_label="危机个案", at=c["opened_at"],
                    title=f"危机个案（{level_label(c['level'])}，{SOURCE_LABELS[c['source']]}，{status}）",
                    ordinary="\n".join(p for p in ordinary if p), confidential="\n".join(p for p in confidential if p),
                    student_ids=(c["student_id"],))


def incident_document(db: Database, incident_id: int) -> Document | None:
    i = CRISIS_TEXT.fill_one(db, "crisis_incidents",
                             db.one("SELECT * FROM crisis_incidents WHERE id = :i", {"i": incident_id}))
    if i is None:
        return None
    return Document(source=INCIDENT_SOURCE, ref_id=incident_id, kind="incident", kind_label="意外事件",
                    at=i["occurred_at"], title="意外事件记录", ordinary="",
                    confidential="\n".join(p for p in (i["what"], i["follow_up"], i["note"], i["place"]) if p),
                    student_ids=(i["student_id"],) if i["student_id"] else ())


def _index_case(db: Database, case_id: int) -> None:
    doc = case_document(db, case_id)
    if doc is not None:
        put(db, doc)


def _index_incident(db: Database, incident_id: int) -> None:
    doc = incident_document(db, incident_id)
    if doc is not None:
        put(db, doc)


def _cases(db: Database) -> Iterator[Document]:
    for (cid,) in db.query("SELECT id FROM crisis_cases"):
        doc = case_document(db, cid)
        if doc is not None:
            yield doc


def _incidents(db: Database) -> Iterator[Document]:
    for (iid,) in db.query("SELECT id FROM crisis_incidents"):
        doc = incident_document(db, iid)
        if doc is not None:
            yield doc


SOURCES = ((CASE_SOURCE, Source("危机干预", reindex=_cases)), (INCIDENT_SOURCE, Source("意外事件", reindex=_incidents)))
