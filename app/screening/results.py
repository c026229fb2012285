"""Screening results: per-item answers and the app's own score, one per student, scale and campaign.

Storage (issue 8 (b)): vault.db's ``screening_results`` row says that a student took a scale on a day; the answers
and everything scored from them live in confidential.db (``conf.screening_scores``). A session without the
confidential key (a head teacher entering their class's observation forms) leaves them in vault.db's columns, and
the next counselor sign-in moves them (app/store/tier_move.py). Read them through ``scores_source``."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app import clock
from app.archive.students import get_student
from app.errors import InputRejected
from app.policy import can_counsel, class_scope, does_student_work, require
from app.screening.campaigns import _add_targets
from app.screening.grading import load_rules, regrade
from app.screening.scales import Scale, all_scales
from app.screening.scoring import Answer, ScoreResult, positive_critical_items, score
from app.screening.stored import scores_source
from app.session import Session
from app.store import confidential
from app.store.db import Database
from app.store.tier_move import SCORE_COLUMNS


@dataclass(frozen=True)
class StoredResult:
    id: int
    campaign_id: int
    campaign: str
    student_id: int
    scale_id: str
    taken_on: str
    answers: list[Answer]
    total: float
    band: str | None
    critical: bool
    flags: list[dict[str, Any]]
    platform_total: float | None
    source: str


def _write_result(db: Database, *, campaign_id: int, student_id: int, scale: Scale, result: ScoreResult,
                 taken_on: str, source: str, who: str, platform_total: float | None = None,
                 import_id: int | None = None, rater: str = "") -> int:
    """Insert or replace (same campaign, student, scale) one scored result; joins the caller's transaction."""
    scores = {"ans": json.dumps(list(result.answers)), "tot": result.total, "band": result.band,
              "crit": int(result.critical), "pos": int(result.positive),
              "fl": json.dumps([f.as_json() for f in result.flags], ensure_ascii=False),
              "sub": json.dumps(result.subscales), "pt": platform_total}
    tiered = confidential.attached(db)
    blank = {"ans": "[]", "tot": 0, "band": None, "crit": 0, "pos": 0, "fl": "[]", "sub": "{}", "pt": None}
    params = {"c": campaign_id, "s": student_id, "sc": scale.id, "on": taken_on, **(blank if tiered else scores),
              "src": source, "imp": import_id, "t": clock.now_iso(), "a": who, "u": clock.new_uuid(), "r": rater}
    cur = db.execute(
        "INSERT INTO screening_results (uuid, campaign_id, student_id, scale_id, taken_on, answers, total, band,"
        " critical, positive, flags, subscales, platform_total, source, import_id, entered_at, entered_by, rater)"
        " VALUES (:u, :c, :s, :sc, :on, :ans, :tot, :band, :crit, :pos, :fl, :sub, :pt, :src, :imp, :t, :a, :r)"
        " ON CONFLICT (campaign_id, student_id, scale_id) DO UPDATE SET taken_on = excluded.taken_on,"
        " answers = excluded.answers, total = excluded.total, band = excluded.band, critical = excluded.critical,"
        " positive = excluded.positive, flags = excluded.flags, subscales = excluded.subscales,"
        " platform_total = excluded.platform_total, source = excluded.source, import_id = excluded.import_id,"
        " entered_at = excluded.entered_at, entered_by = excluded.entered_by, rater = excluded.rater", params)
    if not tiered:
        return int(cur.lastrowid or 0)
    rid = int(db.scalar("SELECT id FROM screening_results WHERE campaign_id = :c AND student_id = :s"
                        " AND scale_id = :sc", params))
    db.execute(f"INSERT INTO conf.screening_scores (result_id, {', '.join(SCORE_COLUMNS)}) VALUES (:id, :ans, :tot,"
               " :band, :crit, :pos, :fl, :sub, :pt) ON CONFLICT (result_id) DO UPDATE SET "
               + ", ".join(f"{c} = excluded.{c}" for c in SCORE_COLUMNS), {"id": rid, **scores})
    return rid


def raise_if_critical(session: Session, *, campaign_id: int, student_id: int, scale: Scale,
                      result: ScoreResult) -> int | None:
    """A positive critical item becomes a same-day alert (``app.safety.alerts.raise_same_day``), inside the caller's
    transaction. Returns the alert's id, or None when no critical item is positive."""
    from app.safety.alerts import raise_same_day

    items = positive_critical_items(scale, result.answers) if result.critical else []
    if not items:
        return None
    rid = session.db.scalar("SELECT id FROM screening_results WHERE campaign_id = :c AND student_id = :s"
                            " AND scale_id = :sc", {"c": campaign_id, "s": student_id, "sc": scale.id})
    reason = f"{scale.short_name} " + "、".join(f"第{n}题" for n in items) + "阳性"
    return raise_same_day(session, student_id, f"screening_results:{rid}", reason)


RATERS = {"head_teacher": "班主任", "parent": "家长"}


OBSERVED_GRADES = (1, 2, 3)


def enters_observations(session: Session) -> bool:
    """A head teacher of a class in grades 1–3: they enter their class's observation forms (他评)."""
    account = session.account
    if can_counsel(account) or not does_student_work(account) or class_scope(account) is None:
        return False
    grade = session.db.scalar("SELECT grade FROM classes WHERE id = :c", {"c": class_scope(account)})
    return grade in OBSERVED_GRADES


def rater_for(scale: Scale, rater: str | None) -> str:
    """Who rated an other-rated form (班主任 or 家长); '' for a self-report scale."""
    if scale.rater == "self":
        return ""
    if scale.rater in RATERS:
        return scale.rater if rater in (None, "", scale.rater) else _bad_rater(scale, rater)
    if rater not in RATERS:
        raise InputRejected(f"{scale.short_name} 是他评量表，请注明评定人：班主任 或 家长。")
    return rater


def _bad_rater(scale: Scale, rater: str) -> str:
    raise InputRejected(f"{scale.short_name} 只能由{RATERS[scale.rater]}评定，不能记为{RATERS.get(rater, rater)}。")


def save_answers(session: Session, campaign_id: int, student_id: int, scale_id: str, answers: Sequence[Answer],
                 taken_on: dt.date | None = None, rater: str | None = None) -> tuple[ScoreResult, int | None]:
    """Paper entry: score, store and grade in one transaction. Returns the score and the student's level.

    An observation form (a scale rated by 班主任 or 家长, grades 1–3) records ``rater``; a head teacher may enter
    the ratings of their own class (their account is the head teacher, so the rater is 班主任 unless they enter a
    parent's form). Everything else is the counselor's."""
    db = session.db
    scales = all_scales(db)
    if scale_id not in scales:
        raise InputRejected(f"未知的量表“{scale_id}”。")
    scale = scales[scale_id]
    if scale.rater == "self" or not does_student_work(session.account) or can_counsel(session.account):
        require(session, can_counsel, "录入测评结果")
    get_student(db, session.account, student_id)   # a head teacher: their own class only
    if rater is None and scale.rater == "head_teacher_or_parent" and not can_counsel(session.account):
        rater = "head_teacher"
    who_rated = rater_for(scale, rater)
    result = score(scale, list(answers))
    with db.transaction():
        _add_targets(db, campaign_id, [student_id])
        _write_result(db, campaign_id=campaign_id, student_id=student_id, scale=scale, result=result,
                     taken_on=(taken_on or clock.today()).isoformat(), source="entry", who=session.account.label,
                     rater=who_rated)
        raise_if_critical(session, campaign_id=campaign_id, student_id=student_id, scale=scale, result=result)
        level = regrade(session, campaign_id, student_id, load_rules(db), scales)
        session.audit("edit", f"screening_results:{campaign_id}:{student_id}",
                      {"action": "entry", "scale": scale_id, **({"rater": who_rated} if who_rated else {})})
    return result, level


def student_results(db: Database, student_id: int) -> list[StoredResult]:
    columns, join = scores_source(db)
    rows = db.query(f"SELECT r.id, r.campaign_id, r.student_id, r.scale_id, r.taken_on, r.source, {columns},"
                    f" k.name AS campaign FROM screening_results r{join} JOIN screening_campaigns k"
                    " ON k.id = r.campaign_id WHERE r.student_id = :s ORDER BY r.taken_on, r.id", {"s": student_id})
    return [StoredResult(r["id"], r["campaign_id"], r["campaign"], r["student_id"], r["scale_id"], r["taken_on"],
                         json.loads(r["answers"]), r["total"], r["band"], bool(r["critical"]), json.loads(r["flags"]),
                         r["platform_total"], r["source"]) for r in rows]
