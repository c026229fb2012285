"""The intervention ledger (分级分类干预台账): every student with a level, filters, and the history of changes."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from app import clock
from app.policy import can_read_confidential, does_student_work, require, scope_condition, sees_unreviewed_levels
from app.screening.grading import LAST_REVIEW_SQL, STATUS_LABELS, as_reviewed, level_label, reviewed_history
from app.screening.scales import all_scales
from app.screening.stored import basis_source, change_reasons, scores_source
from app.session import Session
from app.store.conf_text import SCREENING_CATEGORY


@dataclass
class LedgerFilter:
    grade: int | None = None
    class_id: int | None = None
    level: int | None = None
    status: str | None = None        # pending_review / confirmed / released / active (not released)
    category: str = ""
    campaign_id: int | None = None
    search: str = ""


@dataclass
class LedgerRow:
    entry_id: int
    student_id: int
    registry_no: str
    name: str
    class_name: str
    grade: int | None
    campaign: str
    taken_on: str
    scales: str
    scores: str
    provisional_level: int | None     # the machine's level: None for an account that may not see it
    level: int | None
    status: str
    category: str
    basis: str
    review: str
    measure: str
    responsible: str
    due_date: str
    overdue: bool
    rescreen_due: str
    updated_at: str
    history: list[dict[str, Any]] = field(default_factory=list)
    teacher_note: str = ""            # what the head teacher is told (what to watch, what to do)
    category_shared: bool = False     # the counselor shows the head teacher this entry's category

    @property
    def focus_label(self) -> str:
        """What a head teacher reads for a reviewed entry: "重点关注" (or nothing once released)."""
        return "重点关注" if self.status == "confirmed" else ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["status_label"] = self.status_label
        d["level_label"] = level_label(self.level)
        d["provisional_level_label"] = level_label(self.provisional_level) if self.provisional_level else ""
        d["focus_label"] = self.focus_label
        return d


def ledger_rows(session: Session, flt: LedgerFilter | None = None, *, with_history: bool = False,
                today: dt.date | None = None) -> list[LedgerRow]:
    require(session, does_student_work)
    flt = flt or LedgerFilter()
    today = today or clock.today()
    cond, scope_params = scope_condition(session.account)
    where = [cond]
    params: dict[str, Any] = dict(scope_params)
    if flt.grade is not None:
        where.append("c.grade = :grade")
        params["grade"] = flt.grade
    if flt.class_id is not None:
        where.append("s.class_id = :cls")
        params["cls"] = flt.class_id
    # Before review an entry is the machine's alone: only a counselor sees it (level, category, scores, rule).
    # Anyone else sees an entry as the counselor last reviewed it, and filters match only that.
    machine = sees_unreviewed_levels(session.account)
    if machine:
        if flt.level is not None:
            where.append("l.level = :level")
            params["level"] = flt.level
        if flt.status == "active":
            where.append("l.status != 'released'")
        elif flt.status:
            where.append("l.status = :status")
            params["status"] = flt.status
        # The category is matched below, once filled from confidential.db.
    else:
        where.append(f"{LAST_REVIEW_SQL} IS NOT NULL")
    if flt.campaign_id is not None:
        where.append("l.campaign_id = :camp")
        params["camp"] = flt.campaign_id
    if flt.search:
        where.append("(instr(s.name, :q) > 0 OR instr(s.registry_no, :q) > 0 OR instr(s.pinyin_initials, :q) > 0"
                     " OR instr(s.pinyin_full, :q) > 0)")
        params["q"] = flt.search.strip().lower() if flt.search.isascii() else flt.search.strip()
    score_cols, scores_join = scores_source(session.db)
    basis, basis_join = basis_source(session.db)
    sql = (
        "SELECT l.id, l.student_id, s.registry_no, s.name, c.name, c.grade, k.name, l.provisional_level, l.level,"
        f" l.status, l.category, {basis}, l.measure, l.responsible, l.due_date, l.rescreen_due, l.updated_at,"
        " (SELECT group_concat(x.scale_id || ':' || x.total || ':' || x.taken_on, '|') FROM"
        f"   (SELECT r.scale_id, r.taken_on, {score_cols} FROM screening_results r{scores_join}"
        "    WHERE r.campaign_id = l.campaign_id AND r.student_id = l.student_id) x) AS res,"
        f" {LAST_REVIEW_SQL}, l.teacher_note, l.category_shared"
        f" FROM screening_levels l{basis_join} JOIN students s ON s.id = l.student_id"
        " LEFT JOIN classes c ON c.id = s.class_id JOIN screening_campaigns k ON k.id = l.campaign_id"
        f" WHERE {' AND '.join(where)}"
        " ORDER BY l.status = 'released', coalesce(l.level, 9), c.grade, c.number, s.pinyin_full")
    scales = all_scales(session.db)
    iso = today.isoformat()
    # Scores and the rule that fired (e.g. which item) are counselor-tier, as on the timeline: a head teacher
    # sees the level, category, status and measure of their own class, not the answers behind them.
    counselor = can_read_confidential(session.account)
    out: list[LedgerRow] = []
    raw = session.db.query(sql, params)
    # The category of an entry not shared with the head teacher lives in confidential.db (conf_text.py).
    categories = {int(r["id"]): r["category"] for r in SCREENING_CATEGORY.fill(
        session.db, "screening_levels", [{"id": r[0], "category": r[10]} for r in raw])}
    names = {sid: sc.short_name for sid, sc in scales.items()}
    for (eid, sid, reg, name, cls, grade, camp, prov, level, status, cat, basis, measure, resp, due, rescreen, upd,
         res, confirmed, note, shared) in raw:
        cat = categories.get(eid, cat) or ""
        if machine and flt.category and flt.category not in cat:
            continue
        shorts, scores, taken_on = [], [], ""
        if res:
            for part in res.split("|"):
                scale_id, total, taken = part.split(":", 2)
                short = names.get(scale_id, scale_id)
                t = float(total)
                shorts.append(short)
                scores.append(f"{short} {int(t) if t.is_integer() else round(t, 2)}")
                if taken > taken_on:
                    taken_on = taken
        if confirmed is not None:
            review = "解除" if confirmed == 0 else f"确认{level_label(confirmed)}"
        else:
            review = "重新评分后解除" if status == "released" else ""
        if not counselor:
            scores, basis = [], ""
        overdue = status == "pending_review" and bool(due) and due < iso
        if not machine:
            seen = as_reviewed(status, level, confirmed)
            if seen is None:
                continue
            status, level = seen
            prov, due, overdue = None, "", False
            cat = cat if shared else ""
            if flt.level is not None and level != flt.level:
                continue
            if (flt.status == "active" and status == "released") or (
                    flt.status not in (None, "", "active") and status != flt.status):
                continue
            if flt.category and flt.category not in cat:
                continue
        out.append(LedgerRow(eid, sid, reg, name, cls or "", grade, camp, taken_on, "、".join(shorts), "；".join(scores),
                             prov, level, status, cat, basis, review, measure, resp, due, overdue, rescreen, upd,
                             teacher_note=note, category_shared=bool(shared)))
    if with_history and out:
        hist: dict[int, list[dict[str, Any]]] = {}
        ids = ",".join(str(x.entry_id) for x in out)
        reason, reason_join = change_reasons(session.db)
        for h in session.db.query(f"SELECT h.entry_id, h.at, h.from_level, h.to_level, h.status, {reason}, h.account"
                                  f" FROM screening_level_changes h{reason_join} WHERE h.entry_id IN ({ids})"
                                  " ORDER BY h.at, h.id"):
            hist.setdefault(h[0], []).append({"at": h[1], "from_level": h[2], "to_level": h[3], "status": h[4],
                                              "reason": h[5] if counselor else "", "account": h[6]})
        for row in out:
            row.history = hist.get(row.entry_id, []) if machine else reviewed_history(hist.get(row.entry_id, []))
    return out



def level_history(session: Session, entry_id: int) -> list[dict[str, Any]]:
    from app.archive.students import get_student

    student_id = session.db.scalar("SELECT student_id FROM screening_levels WHERE id = :e", {"e": entry_id})
    if student_id is None:
        return []
    get_student(session.db, session.account, int(student_id))  # raises outside a head teacher's class
    counselor = can_read_confidential(session.account)
    reason, reason_join = change_reasons(session.db)
    out = [{"at": h[0], "from_level": h[1], "to_level": h[2], "status": h[3], "reason": h[4] if counselor else "",
            "account": h[5]}
           for h in session.db.query(f"SELECT h.at, h.from_level, h.to_level, h.status, {reason}, h.account"
                                     f" FROM screening_level_changes h{reason_join} WHERE h.entry_id = :e"
                                     " ORDER BY h.at, h.id", {"e": entry_id})]
    if not sees_unreviewed_levels(session.account):
        out = reviewed_history(out)
    shown = sum(1 for h in out if h["reason"])
    if shown:
        # Level-change reasons are confidential text: reading their history is audited.
        session.audit("view_confidential", f"screening_level:{entry_id}", {"reasons": shown})
    return out
