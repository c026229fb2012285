"""Network reports in the search index: who reported and the signs (ordinary), the free text (confidential),
one document per report, rewritten in the transaction that writes the report. The free text is read from
confidential.db when it is attached, and the index keeps it in its confidential half there."""
from __future__ import annotations

import json
from collections.abc import Iterator

from app.network.model import REPORTER_KINDS, room_label
from app.search import Document, Source, put
from app.store.conf_text import NETWORK_TEXT
from app.store.db import Database

SOURCE = "network_report"


def report_document(db: Database, report_id: int) -> Document | None:
    r = NETWORK_TEXT.fill_one(db, "network_reports", db.one(
        "SELECT r.*, coalesce(c.name, '') AS class_name FROM network_reports r LEFT JOIN classes c"
        " ON c.id = r.class_id WHERE r.id = :i", {"i": report_id}))
    if r is None:
        return None
    place = r["class_name"] if r["class_id"] is not None else room_label(r["building"], r["room"])
    kind = "即时报告" if r["immediate"] else f"{r['period']} 例行报告"
    ordinary = [f"{REPORTER_KINDS[r['reporter_kind']]} {r['reporter']}".strip(), place]
    confidential = [r["climate"], r["events"]]
    students = []
    for n in NETWORK_TEXT.fill(db, "network_concerns", db.query(
            "SELECT id, student_id, signs, seen FROM network_concerns WHERE report_id = :i", {"i": report_id})):
        students.append(n["student_id"])
        ordinary.append("、".join(json.loads(n["signs"])))
        confidential.append(n["seen"])
    if r["zero"]:
        ordinary.append("本期无异常")
    return Document(source=SOURCE, ref_id=report_id, kind="network_report", kind_label="预警网络报告",
                    at=r["reported_on"], title=f"{place} {kind}",
                    ordinary="\n".join(p for p in ordinary if p),
                    confidential="\n".join(p for p in confidential if p), student_ids=tuple(students))


def index_report(db: Database, report_id: int) -> None:
    doc = report_document(db, report_id)
    if doc is not None:
        put(db, doc)


def _reports(db: Database) -> Iterator[Document]:
    for (rid,) in db.query("SELECT id FROM network_reports"):
        doc = report_document(db, rid)
        if doc is not None:
            yield doc


SOURCES = ((SOURCE, Source("预警网络报告", reindex=_reports)),)
