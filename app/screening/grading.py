"""Grading rules (editable, stored in the vault) and the provisional level of a student in a campaign."""
from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from app import clock
from app.errors import InputRejected
from app.policy import can_manage_screening, require
from app.screening.schooldays import add_school_days
from app.screening.stored import UNMOVED, scores_source
from app.session import Session
from app.store import confidential
from app.store.conf_text import SCREENING_CATEGORY
from app.store.db import Database
from app.store.settings import get_setting, set_setting

SETTING_KEY = "screening.grading_rules"
LEVEL_LABELS = {1: "一级", 2: "二级", 3: "三级"}
LEVEL_COLOURS = {1: "#d32f2f", 2: "#f57c00", 3: "#fbc02d"}
STATUS_LABELS = {"pending_review": "待复核", "confirmed": "已复核", "released": "已解除"}
NEXT_STEPS = ["关注", "咨询", "家校沟通", "转介", "解除"]

DEFAULT_RULES: dict[str, Any] = {
    "critical_level": 1,
    "thresholds": [
        {"scale": "phq9", "min": 15, "level": 2},
        {"scale": "gad7", "min": 15, "level": 2},
        {"scale": "phq9", "min": 10, "max": 14, "level": 3},
        {"scale": "gad7", "min": 10, "max": 14, "level": 3},
    ],
    "review_school_days": {"1": 3, "2": 10, "3": 10},
    "rescreen_days": {"2": 90, "3": 180},
    "categories": {"critical": "自伤风险", "phq9": "抑郁情绪", "gad7": "焦虑情绪", "observe_g13": "行为观察"},
}


def level_label(level: int | None) -> str:
    return LEVEL_LABELS.get(level or 0, "无")


def validate_rules(rules: Any) -> dict[str, Any]:
    """Check an edited rule set; raise InputRejected naming the field."""
    if not isinstance(rules, dict):
        raise InputRejected("分级规则应为一个 JSON 对象。")
    out = copy.deepcopy(DEFAULT_RULES)
    out.update(rules)
    if out["critical_level"] not in (1, 2, 3):
        raise InputRejected("分级规则 critical_level 应为 1、2 或 3。")
    if not isinstance(out["thresholds"], list):
        raise InputRejected("分级规则 thresholds 应为列表。")
    for i, t in enumerate(out["thresholds"]):
        if not isinstance(t, dict) or not isinstance(t.get("scale"), str):
            raise InputRejected(f"分级规则 thresholds[{i}] 缺少量表编号 scale。")
        if not isinstance(t.get("min"), (int, float)) or isinstance(t.get("min"), bool):
            raise InputRejected(f"分级规则 thresholds[{i}].min 应为数字。")
        if "max" in t and (not isinstance(t["max"], (int, float)) or t["max"] < t["min"]):
            raise InputRejected(f"分级规则 thresholds[{i}].max 应为不小于 min 的数字。")
        if t.get("level") not in (1, 2, 3):
            raise InputRejected(f"分级规则 thresholds[{i}].level 应为 1、2 或 3。")
    for key in ("review_school_days", "rescreen_days"):
        if not isinstance(out[key], dict):
            raise InputRejected(f"分级规则 {key} 应为对象。")
        for k, v in out[key].items():
            if k not in ("1", "2", "3") or not isinstance(v, int) or isinstance(v, bool) or not (0 < v <= 730):
                raise InputRejected(f"分级规则 {key}.{k} 应为 1–730 之间的整数天数。")
    return out


def load_rules(db: Database) -> dict[str, Any]:
    saved = get_setting(db, SETTING_KEY, {})
    return validate_rules(saved or {})


def save_rules(session: Session, rules: dict[str, Any]) -> dict[str, Any]:
    require(session, can_manage_screening, "修改分级规则")
    checked = validate_rules(rules)
    with session.db.transaction():
        set_setting(session.db, SETTING_KEY, checked)
        session.audit("edit", SETTING_KEY, {"action": "grading_rules", "rules": json.dumps(checked, ensure_ascii=False)})
    return checked


@dataclass(frozen=True)
class Grade:
    level: int | None
    basis: str
    category: str


def grade_result(rules: dict[str, Any], scale_id: str, short_name: str, total: float, critical: bool,
                 flag_labels: list[str]) -> Grade:
    """The level one result gives by the rules (None: no level)."""
    cats = rules.get("categories", {})
    best: Grade = Grade(None, "", "")
    if critical:
        crit = [f for f in flag_labels] or ["关键题"]
        best = Grade(int(rules["critical_level"]), f"{short_name} {crit[0]}", cats.get("critical", "自伤风险"))
    for t in rules["thresholds"]:
        if t["scale"] != scale_id or total < t["min"] or ("max" in t and total > t["max"]):
            continue
        lvl = int(t["level"])
        if best.level is None or lvl < best.level:
            shown = int(total) if float(total).is_integer() else round(total, 2)
            best = Grade(lvl, f"{short_name} 总分 {shown}", cats.get(scale_id, short_name))
        break
    return best


def review_due(rules: dict[str, Any], level: int, start: dt.date, db: Database | None = None) -> dt.date:
    """The follow-up interview's due date; with ``db``, the school's holidays and make-up days count."""
    days = int(rules["review_school_days"].get(str(level), 10))
    return add_school_days(start, days, db)


def rescreen_due(rules: dict[str, Any], level: int, start: dt.date) -> str:
    days = rules["rescreen_days"].get(str(level))
    return (start + dt.timedelta(days=int(days))).isoformat() if days else ""


def _log(db: Database, entry_id: int, from_level: int | None, to_level: int | None, status: str, reason: str,
         who: str) -> None:
    """One level change; its reason (the rule or the review behind it) in confidential.db when attached."""
    tiered = confidential.attached(db)
    cur = db.execute("INSERT INTO screening_level_changes (entry_id, at, from_level, to_level, status, reason, account)"
                     " VALUES (:e, :t, :f, :to, :s, :r, :a)",
                     {"e": entry_id, "t": clock.now_iso(), "f": from_level, "to": to_level, "s": status,
                      "r": "" if tiered else reason, "a": who})
    if tiered:
        db.execute("INSERT INTO conf.screening_change_reasons (change_id, reason) VALUES (:id, :r)"
                   " ON CONFLICT (change_id) DO UPDATE SET reason = excluded.reason",
                   {"id": int(cur.lastrowid or 0), "r": reason})


def _put_basis(db: Database, entry_id: int, basis: str) -> None:
    """Why the rules gave the entry its level: in confidential.db when attached, else in vault.db until the next
    counselor sign-in moves it (joins the caller's transaction)."""
    if confidential.attached(db):
        db.execute("UPDATE screening_levels SET basis = '' WHERE id = :id AND basis <> ''", {"id": entry_id})
        db.execute("INSERT INTO conf.screening_basis (entry_id, basis) VALUES (:id, :b)"
                   " ON CONFLICT (entry_id) DO UPDATE SET basis = excluded.basis", {"id": entry_id, "b": basis})
    else:
        db.execute("UPDATE screening_levels SET basis = :b WHERE id = :id", {"id": entry_id, "b": basis})


def _put_category(db: Database, entry_id: int, category: str) -> None:
    """The entry's category (自伤风险 ...): in confidential.db when attached, else in vault.db until the next counselor
    sign-in moves it. An entry whose category the counselor shares with the head teacher keeps it in vault.db, where
    their key reads it, as before the move (joins the caller's transaction)."""
    if db.scalar("SELECT category_shared FROM screening_levels WHERE id = :id", {"id": entry_id}):
        db.execute("UPDATE screening_levels SET category = :cat WHERE id = :id", {"cat": category, "id": entry_id})
    else:
        SCREENING_CATEGORY.write(db, "screening_levels", entry_id, {"category": category})


def regrade(session: Session, campaign_id: int, student_id: int, rules: dict[str, Any] | None = None,
            scales: dict[str, Any] | None = None) -> int | None:
    """Recompute a student's provisional level in a campaign (the highest over their results) and update the
    ledger entry; joins the caller's transaction. Returns the level."""
    from app.screening.scales import all_scales

    db = session.db
    rules = rules or load_rules(db)
    scales = scales or all_scales(db)
    best = Grade(None, "", "")
    cats: list[str] = []
    columns, join = scores_source(db)
    where = "r.campaign_id = :c AND r.student_id = :s"
    # Without the key a result already moved to confidential.db cannot be read: the level may then only rise
    # (a head teacher's observation form never releases or lowers what a counselor's results gave).
    hidden = not confidential.attached(db) and db.one(
        f"SELECT 1 FROM screening_results r WHERE {where} AND NOT {UNMOVED}",
        {"c": campaign_id, "s": student_id}) is not None
    for r in db.query(f"SELECT r.scale_id, r.total, r.critical, r.flags FROM (SELECT r.scale_id, {columns}"
                      f" FROM screening_results r{join} WHERE {where}{' AND ' + UNMOVED if hidden else ''}) r"
                      " ORDER BY r.scale_id", {"c": campaign_id, "s": student_id}):
        sc = scales.get(r[0])
        short = sc.short_name if sc else r[0]
        labels = [f["label"] for f in json.loads(r[3]) if f.get("critical")]
        g = grade_result(rules, r[0], short, r[1], bool(r[2]), labels)
        if g.level is None:
            continue
        if g.category and g.category not in cats:
            cats.append(g.category)
        if best.level is None or g.level < best.level:
            best = g
    level = best.level
    category = "、".join(cats)
    entry = db.one("SELECT id, provisional_level, level, status FROM screening_levels"
                   " WHERE campaign_id = :c AND student_id = :s", {"c": campaign_id, "s": student_id})
    now = clock.now_iso()
    today = clock.today()
    who = session.account.label
    if hidden and entry is not None and (level is None or (entry["level"] is not None and level >= entry["level"])):
        # What it cannot read may hold the more urgent level, the fuller category and the rule: left as they are.
        return entry["level"]
    if level is None:
        if entry is not None and entry["status"] == "pending_review":
            db.execute("UPDATE screening_levels SET status = 'released', level = NULL, updated_at = :t WHERE id = :id",
                       {"t": now, "id": entry["id"]})
            _log(db, entry["id"], entry["level"], None, "released", "重新评分后未达到预警标准", who)
        return None
    if entry is None:
        cur = db.execute(
            "INSERT INTO screening_levels (uuid, campaign_id, student_id, provisional_level, level, status, category,"
            " due_date, created_at, updated_at) VALUES (:u, :c, :s, :l, :l, 'pending_review', :cat, :d, :t, :t)",
            {"u": clock.new_uuid(), "c": campaign_id, "s": student_id, "l": level,
             "cat": SCREENING_CATEGORY.vault_value(db, category),
             "d": review_due(rules, level, today, db).isoformat(), "t": now})
        SCREENING_CATEGORY.put(db, "screening_levels", int(cur.lastrowid or 0), {"category": category})
        _put_basis(db, int(cur.lastrowid or 0), best.basis)
        _log(db, int(cur.lastrowid or 0), None, level, "pending_review", f"初评：{best.basis}", who)
        return level
    if entry["status"] == "pending_review":
        if level != entry["provisional_level"]:
            db.execute("UPDATE screening_levels SET provisional_level = :l, level = :l, due_date = :d,"
                       " updated_at = :t WHERE id = :id",
                       {"l": level, "d": review_due(rules, level, today, db).isoformat(), "t": now, "id": entry["id"]})
            _put_category(db, entry["id"], category)
            _put_basis(db, entry["id"], best.basis)
            _log(db, entry["id"], entry["level"], level, "pending_review", f"初评更新：{best.basis}", who)
        else:
            _put_category(db, entry["id"], category)
            _put_basis(db, entry["id"], best.basis)
        return level
    current = entry["level"]
    if current is None or level < current:
        db.execute("UPDATE screening_levels SET provisional_level = :l, level = :l, status = 'pending_review',"
                   " due_date = :d, updated_at = :t WHERE id = :id",
                   {"l": level, "d": review_due(rules, level, today, db).isoformat(), "t": now, "id": entry["id"]})
        _put_category(db, entry["id"], category)
        _put_basis(db, entry["id"], best.basis)
        _log(db, entry["id"], current, level, "pending_review", f"新结果高于复核结论，重新待复核：{best.basis}", who)
    return level


def current_levels(db: Database) -> dict[int, int]:
    """The level provider for the archive: each student's level from their latest campaign entry.

    The latest entry decides, released or not: a student released after a later campaign's review has no level,
    even when an earlier campaign had confirmed one.
    """
    latest: dict[int, int | None] = {}
    for sid, lvl, status in db.query("SELECT student_id, level, status FROM screening_levels"
                                     " ORDER BY campaign_id, id"):
        latest[sid] = None if status == "released" else lvl
    return {sid: lvl for sid, lvl in latest.items() if lvl is not None}


# -- what the counselor has reviewed: the only levels a head teacher is shown -----------------------------------
LAST_REVIEW_SQL = ("(SELECT i.confirmed_level FROM screening_interviews i WHERE i.entry_id = l.id"
                   " ORDER BY i.id DESC LIMIT 1)")
"""The confirmed level of an entry's latest follow-up interview (0: released; NULL: never reviewed), on ``l``."""


def as_reviewed(status: str, level: int | None, last_review: int | None) -> tuple[str, int | None] | None:
    """An entry as the counselor last reviewed it: ``(status, level)``, or None when nobody has reviewed it (then
    everything about it is the machine's: provisional level, category, scores, rule). An entry sent back to review
    by a newer result keeps showing the reviewed level until the counselor reviews again."""
    if last_review is None:
        return None
    if status == "released" or last_review == 0:
        return "released", None
    if status == "confirmed":
        return "confirmed", level
    return "confirmed", last_review


def reviewed_levels(db: Database) -> dict[int, int]:
    """The level provider of reviewed levels: as ``current_levels``, but only what a counselor has reviewed (an
    entry nobody reviewed leaves the student's earlier reviewed state as it was)."""
    latest: dict[int, int | None] = {}
    for sid, status, lvl, last in db.query(f"SELECT l.student_id, l.status, l.level, {LAST_REVIEW_SQL}"
                                           " FROM screening_levels l ORDER BY l.campaign_id, l.id"):
        seen = as_reviewed(status, lvl, last)
        if seen is not None:
            latest[sid] = seen[1]
    return {sid: lvl for sid, lvl in latest.items() if lvl is not None}


def reviewed_history(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An entry's changes as someone who sees only reviewed levels reads them: the counselor's confirmations and a
    release after one; never a provisional level (a change's ``from_level`` is the last reviewed one)."""
    out: list[dict[str, Any]] = []
    last: int | None = None
    for h in changes:
        if h["status"] == "confirmed" or (h["status"] == "released" and out):
            out.append({**h, "from_level": last})
            last = h["to_level"]
    return out
