"""Results held for the counselor's decision: imported for a student whose consent slip is still pending, or whose
parents refused consent. A held result is not a result: campaign statistics never count it as completed, it gives
no level and raises nothing. The counselor decides: count it (the consent is recorded as given, then it is written,
graded and any positive critical item is raised for today) or discard it."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from app import clock
from app.errors import InputRejected
from app.policy import can_counsel, can_read_confidential, require
from app.screening.campaigns import _add_targets
from app.screening.grading import load_rules, regrade
from app.screening.results import _write_result, raise_if_critical
from app.screening.scales import Scale, all_scales
from app.screening.scoring import ScoreResult, score, score_total_only
from app.session import Session
from app.store import confidential
from app.store.db import Database
from app.workbench import WorkItem

CONSENT_LABELS = {"pending": "知情同意未回执", "refused": "家长拒绝参加"}


@dataclass(frozen=True)
class HeldResult:
    id: int
    campaign_id: int
    campaign: str
    student_id: int
    registry_no: str
    name: str
    class_name: str
    scale_id: str
    consent: str
    taken_on: str
    critical: bool

    @property
    def consent_label(self) -> str:
        return CONSENT_LABELS[self.consent]


def hold_results(session: Session, campaign_id: int, scale: Scale,
                 rows: Sequence[tuple[int, str, str, ScoreResult, float | None]], import_id: int | None) -> None:
    """Keep (student, consent, taken_on, result, platform total) rows aside; joins the import's transaction."""
    now, who = clock.now_iso(), session.account.label
    tiered = confidential.attached(session.db)
    for sid, consent, taken_on, result, platform_total in rows:
        scores = {"a": json.dumps(list(result.answers)), "t": result.total, "pt": platform_total,
                  "cr": int(result.critical)}
        session.db.execute(
            "INSERT INTO screening_held (campaign_id, student_id, scale_id, consent, taken_on, answers, total,"
            " platform_total, critical, import_id, held_at, held_by) VALUES (:c, :s, :sc, :cs, :on, :a, :t, :pt,"
            " :cr, :imp, :at, :by) ON CONFLICT (campaign_id, student_id, scale_id) DO UPDATE SET"
            " consent = excluded.consent, taken_on = excluded.taken_on, answers = excluded.answers,"
            " total = excluded.total, platform_total = excluded.platform_total, critical = excluded.critical,"
            " import_id = excluded.import_id, held_at = excluded.held_at, held_by = excluded.held_by",
            {"c": campaign_id, "s": sid, "sc": scale.id, "cs": consent, "on": taken_on,
             **({"a": "[]", "t": None, "pt": None, "cr": 0} if tiered else scores), "imp": import_id, "at": now,
             "by": who})
        if tiered:   # the scores in confidential.db (an import is a counselor's: it always is)
            hid = session.db.scalar("SELECT id FROM screening_held WHERE campaign_id = :c AND student_id = :s"
                                    " AND scale_id = :sc", {"c": campaign_id, "s": sid, "sc": scale.id})
            session.db.execute("INSERT INTO conf.screening_held_scores (held_id, answers, total, platform_total,"
                               " critical) VALUES (:id, :a, :t, :pt, :cr) ON CONFLICT (held_id) DO UPDATE SET"
                               " answers = excluded.answers, total = excluded.total,"
                               " platform_total = excluded.platform_total, critical = excluded.critical",
                               {"id": hid, **scores})


def held_results(session: Session, campaign_id: int | None = None) -> list[HeldResult]:
    """What waits for the counselor's decision (counselors only; others get none)."""
    if not can_read_confidential(session.account):
        return []
    critical, join = _held_scores(session.db, "critical")
    sql = ("SELECT h.id, h.campaign_id, k.name, h.student_id, s.registry_no, s.name, coalesce(c.name, ''), h.scale_id,"
           f" h.consent, h.taken_on, {critical} FROM screening_held h{join}"
           " JOIN screening_campaigns k ON k.id = h.campaign_id"
           " JOIN students s ON s.id = h.student_id LEFT JOIN classes c ON c.id = s.class_id")
    params: dict[str, object] = {}
    if campaign_id is not None:
        sql += " WHERE h.campaign_id = :c"
        params["c"] = campaign_id
    return [HeldResult(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], bool(r[10]))
            for r in session.db.query(sql + " ORDER BY h.critical DESC, h.id", params)]


def decide_held(session: Session, held_id: int, count: bool, reason: str = "") -> int | None:
    """The counselor's decision. ``count``: the consent is recorded as given and the result is written and graded
    (returns the student's level); otherwise the held result is discarded. Either way it leaves the list."""
    require(session, can_counsel, "决定暂存的测评结果")
    db = session.db
    scores, join = _held_scores(db, "answers", "total", "platform_total")
    h = db.one(f"SELECT h.id, h.campaign_id, h.student_id, h.scale_id, h.consent, h.taken_on, h.import_id, {scores}"
               f" FROM screening_held h{join} WHERE h.id = :i", {"i": held_id})
    if h is None:
        raise InputRejected("找不到该暂存结果（可能已处理）。")
    if not count and not reason.strip():
        raise InputRejected("请写明不计入的原因（例如：家长拒绝，结果删除）。")
    scales = all_scales(db)
    scale = scales[h["scale_id"]]
    answers = json.loads(h["answers"])
    result = score(scale, answers) if answers else score_total_only(scale, float(h["total"]))
    level = None
    with db.transaction():
        db.execute("DELETE FROM screening_held WHERE id = :i", {"i": held_id})
        if confidential.attached(db):
            db.execute("DELETE FROM conf.screening_held_scores WHERE held_id = :i", {"i": held_id})
        if count:
            _add_targets(db, h["campaign_id"], [h["student_id"]])
            db.execute("UPDATE screening_targets SET consent = 'given' WHERE campaign_id = :c AND student_id = :s",
                       {"c": h["campaign_id"], "s": h["student_id"]})
            _write_result(db, campaign_id=h["campaign_id"], student_id=h["student_id"], scale=scale, result=result,
                          taken_on=h["taken_on"], source="import", who=session.account.label,
                          platform_total=h["platform_total"], import_id=h["import_id"])
            raise_if_critical(session, campaign_id=h["campaign_id"], student_id=h["student_id"], scale=scale,
                              result=result)
            level = regrade(session, h["campaign_id"], h["student_id"], load_rules(db), scales)
        session.audit("edit", f"screening_held:{held_id}",
                      {"decision": "count" if count else "discard", "consent_was": h["consent"],
                       "reason": reason.strip()})
    return level


def _held_scores(db: Database, *columns: str) -> tuple[str, str]:
    """(the columns of ``screening_held h`` named as there, the join): from confidential.db when attached, unless
    vault.db still holds them (from before the move)."""
    if not confidential.attached(db):
        return ", ".join(f"h.{c} AS {c}" for c in columns), ""
    unmoved = "(h.answers <> '[]' OR h.total IS NOT NULL OR h.platform_total IS NOT NULL OR h.critical <> 0)"
    return (", ".join(f"CASE WHEN hs.held_id IS NULL OR {unmoved} THEN h.{c} ELSE hs.{c} END AS {c}"
                      for c in columns), " LEFT JOIN conf.screening_held_scores hs ON hs.held_id = h.id")


def held_items(session: Session, today: dt.date) -> list[WorkItem]:
    """工作台: one line per campaign with results waiting for a decision."""
    by_campaign: dict[str, list[HeldResult]] = {}
    for h in held_results(session):
        by_campaign.setdefault(h.campaign, []).append(h)
    return [WorkItem("screening_held", "暂存结果待决定",
                     f"{name}：{len(rows)} 份结果因知情同意未回执或被拒绝而暂存，请决定是否计入"
                     + (f"（其中 {sum(r.critical for r in rows)} 份关键题阳性）" if any(r.critical for r in rows) else ""),
                     today.isoformat(), urgent=any(r.critical for r in rows), source=f"screening_held:{rows[0].id}")
            for name, rows in by_campaign.items()]
