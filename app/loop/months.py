"""A month's instance of the closed-loop checklist: created automatically from the checklist in force, computed
items evaluated from the indicators, manual items ticked with a note, closing (every item done or carried over with
a reason; carried items come back next month as 整改 items), amendments of a closed month with their history, and
the counselor's and the 组长's sign-off."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from app import clock
from app.errors import InputRejected
from app.indicators.compute import by_key, compute
from app.indicators.model import Evidence, Figure
from app.indicators.periods import month_period
from app.loop.checklist import LEDGERS, load_checklist
from app.policy import can_counsel, can_read_confidential, require
from app.session import Session
from app.store.db import Database

STATUS_LABELS = {"done": "已完成", "open": "未完成", "carried": "已结转"}
NOT_COMPUTED = "未计算"
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str) -> str:
    raw = (text or "").strip().replace("/", "-").replace(".", "-")
    m = _MONTH.match(raw)
    if m and 1 <= int(m[2]) <= 12:
        return f"{int(m[1]):04d}-{int(m[2]):02d}"
    raise InputRejected(f"月份“{text}”无效，请写成 2026-11 的形式（年-月）。")


def next_month(month: str) -> str:
    y, m = int(month[:4]), int(month[5:7])
    return f"{y + (m == 12):04d}-{m % 12 + 1:02d}"


def previous_month(month: str) -> str:
    y, m = int(month[:4]), int(month[5:7])
    return f"{y - (m == 1):04d}-{(m - 2) % 12 + 1:02d}"


@dataclass(frozen=True)
class Attachment:
    id: int
    filename: str
    size: int
    added_at: str
    added_by: str


@dataclass(frozen=True)
class LoopItem:
    id: int
    ledger: str
    title: str
    kind: str                    # computed | manual
    status: str                  # done | open | carried
    value: str
    evidence: tuple[Evidence, ...]
    figure_key: str = ""
    figure_title: str = ""
    counts: str = ""             # what the figure counts
    computed: bool = True        # a computed item whose figure some capability gave (else 未计算: tick by hand)
    ticked: bool = False
    note: str = ""
    carry_reason: str = ""
    rectify: bool = False        # a 整改 item carried from the month before
    attachments: tuple[Attachment, ...] = ()

    @property
    def needs_tick(self) -> bool:
        return self.kind == "manual" or not self.computed

    def as_json(self) -> dict[str, Any]:
        return {"ledger": self.ledger, "title": self.title, "kind": self.kind, "status": self.status,
                "value": self.value, "evidence": [e.label for e in self.evidence],
                "figure": self.figure_key or None, "note": self.note, "carry_reason": self.carry_reason,
                "rectify": self.rectify, "attachments": [a.filename for a in self.attachments]}


@dataclass(frozen=True)
class MonthSheet:
    month: str
    status: str                  # open | closed
    items: tuple[LoopItem, ...]
    closed_at: str | None = None
    closed_by: str = ""
    counselor_signed_by: str = ""
    counselor_signed_at: str | None = None
    leader_name: str = ""
    leader_signed_at: str | None = None
    figures: dict[str, Figure] = field(default_factory=dict)
    ledgers: dict[str, str] = field(default_factory=lambda: dict(LEDGERS))   # the school's names of A–D

    @property
    def closed(self) -> bool:
        return self.status == "closed"

    def ledger(self, key: str) -> list[LoopItem]:
        return [i for i in self.items if i.ledger == key]

    def open_items(self) -> list[LoopItem]:
        return [i for i in self.items if i.status == "open"]

    def as_json(self) -> dict[str, Any]:
        return {"month": self.month, "status": self.status, "closed_at": self.closed_at,
                "signed": {"counselor": self.counselor_signed_by or None, "leader": self.leader_name or None},
                "ledgers": self.ledgers, "items": [i.as_json() for i in self.items]}


# -- creating a month -----------------------------------------------------------------------------------------
def _month_row(db: Database, month: str) -> Any:
    return db.one("SELECT * FROM loop_months WHERE month = :m", {"m": month})


def ensure_month(session: Session, month: str) -> int:
    """The month's instance, created from the checklist in force the first time it is needed (with the 整改 items
    the month before carried, once that month is closed). A month after the current one is refused."""
    require(session, can_counsel, "建立心育闭环月度清单")
    month = parse_month(month)
    row = _month_row(session.db, month)
    if row is not None:
        return int(row["id"])
    today = clock.today()
    if month > f"{today.year:04d}-{today.month:02d}":
        raise InputRejected(f"{month} 还没有到，不能提前建立该月的闭环清单。")
    checklist = load_checklist(session.db)
    with session.db.transaction():
        cur = session.db.execute("INSERT INTO loop_months (month, created_at) VALUES (:m, :at)",
                                 {"m": month, "at": clock.now_iso()})
        month_id = int(cur.lastrowid or 0)
        for seq, it in enumerate(checklist.items, 1):
            session.db.execute(
                "INSERT INTO loop_items (month_id, seq, item_key, ledger, title, kind, figure_key)"
                " VALUES (:m, :s, :k, :l, :t, :kind, :f)",
                {"m": month_id, "s": seq * 10, "k": it.key, "l": it.ledger, "t": it.title, "kind": it.kind,
                 "f": it.figure})
        prev = _month_row(session.db, previous_month(month))
        if prev is not None and prev["status"] == "closed":
            _add_rectify_items(session.db, int(prev["id"]), month_id, previous_month(month))
        session.audit("edit", f"loop:{month}", {"created": len(checklist.items)})
    return month_id


def _add_rectify_items(db: Database, from_month_id: int, to_month_id: int, from_month: str) -> None:
    """Each item carried over from ``from_month`` becomes a 整改 item of the next month, in its ledger."""
    for r in db.query("SELECT id, ledger, title, carry_reason, seq FROM loop_items WHERE month_id = :m AND carried = 1"
                      " ORDER BY seq", {"m": from_month_id}):
        db.execute("INSERT OR IGNORE INTO loop_items (month_id, seq, item_key, ledger, title, kind, carried_from)"
                   " VALUES (:m, :s, :k, :l, :t, 'manual', :f)",
                   {"m": to_month_id, "s": int(r["seq"]) + 5, "k": f"R:{r['id']}", "l": r["ledger"],
                    "t": f"整改：{r['title']}（{int(from_month[5:7])}月结转：{r['carry_reason']}）", "f": r["id"]})


# -- reading a month ------------------------------------------------------------------------------------------
def month_sheet(session: Session, month: str, *, figures: dict[str, Figure] | None = None) -> MonthSheet:
    """The month's checklist with every item's status, value and evidence. An open month evaluates its computed
    items now; a closed month shows what was frozen when it closed (and its amendments)."""
    require(session, can_read_confidential, "查看心育闭环清单")
    month = parse_month(month)
    month_id = ensure_month(session, month)
    row = session.db.one("SELECT * FROM loop_months WHERE id = :i", {"i": month_id})
    assert row is not None
    closed = row["status"] == "closed"
    if figures is None and not closed:
        figures = by_key(compute(session, month_period(int(month[:4]), int(month[5:7]))))
    figures = figures or {}
    attachments: dict[int, list[Attachment]] = {}
    for a in session.db.query("SELECT a.id, a.item_id, a.filename, a.size, a.added_at, a.added_by FROM loop_attachments a"
                              " JOIN loop_items i ON i.id = a.item_id WHERE i.month_id = :m ORDER BY a.id",
                              {"m": month_id}):
        attachments.setdefault(int(a[1]), []).append(Attachment(a[0], a[2], a[3], a[4], a[5]))
    items = []
    for r in session.db.query("SELECT * FROM loop_items WHERE month_id = :m ORDER BY seq, id", {"m": month_id}):
        items.append(_item(r, figures, closed, tuple(attachments.get(int(r["id"]), []))))
    return MonthSheet(month, row["status"], tuple(items), row["closed_at"], row["closed_by"],
                      row["counselor_signed_by"], row["counselor_signed_at"], row["leader_name"],
                      row["leader_signed_at"], figures, load_checklist(session.db).ledgers)


def figure_value(fig: Figure) -> str:
    def num(v: float | int) -> str:
        return str(int(v)) if float(v).is_integer() else f"{v:.1f}"

    if fig.target is not None and fig.target != 0:
        return f"{num(fig.value)}/{num(fig.target)}"
    return f"{num(fig.value)}{fig.unit}"


def _item(r: Any, figures: dict[str, Figure], closed: bool, attachments: tuple[Attachment, ...]) -> LoopItem:
    common = {"id": int(r["id"]), "ledger": r["ledger"], "title": r["title"], "kind": r["kind"],
              "figure_key": r["figure_key"], "ticked": bool(r["ticked"]), "note": r["note"],
              "carry_reason": r["carry_reason"], "rectify": r["carried_from"] is not None, "attachments": attachments}
    if closed and r["status"]:
        evidence = tuple(Evidence(str(e.get("label", "")), str(e.get("kind", "")), e.get("ref_id"),
                                  bool(e.get("missing"))) for e in json.loads(r["evidence"] or "[]"))
        return LoopItem(status=r["status"], value=r["value"], evidence=evidence,
                        computed=r["kind"] == "manual" or r["value"] != NOT_COMPUTED, **common)
    if r["kind"] == "manual":
        status = "carried" if r["carried"] else ("done" if r["ticked"] else "open")
        return LoopItem(status=status, value="已完成" if r["ticked"] else "", evidence=(), computed=True, **common)
    fig = figures.get(r["figure_key"])
    if fig is None:
        status = "carried" if r["carried"] else ("done" if r["ticked"] else "open")
        return LoopItem(status=status, value=NOT_COMPUTED, evidence=(), computed=False, **common)
    met = fig.ok is not False
    status = "done" if met else ("carried" if r["carried"] else "open")
    return LoopItem(status=status, value=figure_value(fig), evidence=fig.evidence, figure_title=fig.title,
                    counts=fig.counts, computed=True, **common)


def _evidence_json(evidence: tuple[Evidence, ...]) -> str:
    return json.dumps([{"label": e.label, "kind": e.kind, "ref_id": e.ref_id, "missing": e.missing}
                       for e in evidence], ensure_ascii=False)


# -- writing an open month ------------------------------------------------------------------------------------
def _open_item(session: Session, item_id: int) -> Any:
    r = session.db.one("SELECT i.*, m.month, m.status AS month_status FROM loop_items i JOIN loop_months m"
                       " ON m.id = i.month_id WHERE i.id = :i", {"i": item_id})
    if r is None:
        raise InputRejected("找不到该清单项，可能已被删除，请刷新后再试。")
    return r


def _refuse_closed(r: Any) -> None:
    if r["month_status"] == "closed":
        raise InputRejected(f"{r['month']} 已关闭，不能直接修改；请使用“修正”，并写明修正原因。")


def set_item(session: Session, item_id: int, *, ticked: bool | None = None, note: str | None = None) -> None:
    """Tick a manual item (or a computed one no capability computes: 未计算) and/or write its note."""
    require(session, can_counsel, "填写心育闭环清单")
    r = _open_item(session, item_id)
    _refuse_closed(r)
    if ticked is not None and r["kind"] == "computed" and ticked:
        fig_given = _figure_given(session, r)
        if fig_given:
            raise InputRejected(f"“{r['title']}”由记录自动判定，不能手工勾选；未达标时请补齐记录，或结转并写明原因。")
    changes: dict[str, Any] = {}
    if ticked is not None and bool(ticked) != bool(r["ticked"]):
        changes["ticked"] = int(bool(ticked))
    if note is not None and note.strip() != r["note"]:
        changes["note"] = note.strip()
    if not changes:
        return
    with session.db.transaction():
        sets = ", ".join(f"{k} = :{k}" for k in changes)
        session.db.execute(f"UPDATE loop_items SET {sets}, updated_at = :at, updated_by = :by WHERE id = :i",
                           {**changes, "at": clock.now_iso(), "by": session.account.label, "i": item_id})
        session.audit("edit", f"loop:{r['month']}", {"item": r["item_key"], **{k: v for k, v in changes.items()
                                                                               if k != "note"},
                                                     "note": "note" in changes})


def _figure_given(session: Session, r: Any) -> bool:
    from app.indicators.compute import compute as compute_all

    period = month_period(int(r["month"][:4]), int(r["month"][5:7]))
    return any(f.key == r["figure_key"] for f in compute_all(session, period))


def carry_item(session: Session, item_id: int, reason: str) -> None:
    """Carry an item not done over to next month, with the reason (it comes back there as a 整改 item)."""
    require(session, can_counsel, "结转心育闭环清单项")
    r = _open_item(session, item_id)
    _refuse_closed(r)
    if not reason.strip():
        raise InputRejected(f"结转“{r['title']}”须写明原因（为什么本月没有完成、下月如何整改）。")
    with session.db.transaction():
        session.db.execute("UPDATE loop_items SET carried = 1, carry_reason = :r, updated_at = :at, updated_by = :by"
                           " WHERE id = :i", {"r": reason.strip(), "at": clock.now_iso(), "by": session.account.label,
                                              "i": item_id})
        session.audit("edit", f"loop:{r['month']}", {"item": r["item_key"], "carried": True})


def uncarry_item(session: Session, item_id: int) -> None:
    require(session, can_counsel, "取消结转")
    r = _open_item(session, item_id)
    _refuse_closed(r)
    with session.db.transaction():
        session.db.execute("UPDATE loop_items SET carried = 0, carry_reason = '' WHERE id = :i", {"i": item_id})
        session.audit("edit", f"loop:{r['month']}", {"item": r["item_key"], "carried": False})


def close_month(session: Session, month: str, *, sheet: MonthSheet | None = None) -> MonthSheet:
    """Close a month: every item must be done, or carried over with a reason. Values and evidence are frozen;
    carried items become 整改 items of the next month (now, if that month is begun; else when it is)."""
    require(session, can_counsel, "关闭心育闭环月度清单")
    sheet = sheet or month_sheet(session, month)
    if sheet.closed:
        raise InputRejected(f"{sheet.month} 已经关闭。")
    open_items = sheet.open_items()
    if open_items:
        names = "；".join(f"{i.ledger} {i.title}" for i in open_items[:6]) + ("……" if len(open_items) > 6 else "")
        raise InputRejected(f"{sheet.month} 还有 {len(open_items)} 项未完成：{names}。"
                            "请完成这些项，或逐项结转到下月并写明原因，然后再关闭。")
    db = session.db
    with db.transaction():
        month_id = int(db.scalar("SELECT id FROM loop_months WHERE month = :m", {"m": sheet.month}))
        for it in sheet.items:
            db.execute("UPDATE loop_items SET status = :s, value = :v, evidence = :e, carried = :c WHERE id = :i",
                       {"s": it.status, "v": it.value, "e": _evidence_json(it.evidence),
                        "c": int(it.status == "carried"), "i": it.id})
        db.execute("UPDATE loop_months SET status = 'closed', closed_at = :at, closed_by = :by WHERE id = :i",
                   {"at": clock.now_iso(), "by": session.account.label, "i": month_id})
        nxt = _month_row(db, next_month(sheet.month))
        if nxt is not None:
            _add_rectify_items(db, month_id, int(nxt["id"]), sheet.month)
        session.audit("edit", f"loop:{sheet.month}", {"closed": True,
                                                      "carried": sum(i.status == "carried" for i in sheet.items)})
    return month_sheet(session, sheet.month)


# -- a closed month: amendments and sign-off ------------------------------------------------------------------
AMENDABLE = {"status": "状态", "note": "备注", "value": "数值"}


def amend_item(session: Session, item_id: int, reason: str, *, status: str | None = None, note: str | None = None,
               carry_reason: str | None = None) -> None:
    """Change an item of a closed month; every change is kept with its old and new value and the reason."""
    require(session, can_counsel, "修正已关闭月份的清单")
    r = _open_item(session, item_id)
    if r["month_status"] != "closed":
        raise InputRejected(f"{r['month']} 尚未关闭，可以直接修改，不需要修正。")
    if not reason.strip():
        raise InputRejected("修正已关闭月份须写明修正原因。")
    changes: dict[str, tuple[str, str]] = {}
    if status is not None and status != r["status"]:
        if status not in STATUS_LABELS or status == "open":
            raise InputRejected("已关闭月份的清单项只能修正为“已完成”或“已结转”。")
        if status == "carried" and not (carry_reason or r["carry_reason"]).strip():
            raise InputRejected("修正为“已结转”须写明结转原因。")
        changes["status"] = (r["status"], status)
    if note is not None and note.strip() != r["note"]:
        changes["note"] = (r["note"], note.strip())
    if carry_reason is not None and carry_reason.strip() != r["carry_reason"]:
        changes["carry_reason"] = (r["carry_reason"], carry_reason.strip())
    if not changes:
        raise InputRejected("没有要修正的内容。")
    db = session.db
    with db.transaction():
        at = clock.now_iso()
        for fld, (old, new) in changes.items():
            db.execute("INSERT INTO loop_amendments (month_id, item_id, field, old_value, new_value, reason, at, by)"
                       " VALUES (:m, :i, :f, :o, :n, :r, :at, :by)",
                       {"m": r["month_id"], "i": item_id, "f": fld, "o": old, "n": new, "r": reason.strip(),
                        "at": at, "by": session.account.label})
            db.execute(f"UPDATE loop_items SET {fld} = :v WHERE id = :i", {"v": new, "i": item_id})
        if "status" in changes:
            db.execute("UPDATE loop_items SET carried = :c WHERE id = :i",
                       {"c": int(changes["status"][1] == "carried"), "i": item_id})
        session.audit("edit", f"loop:{r['month']}", {"amended": r["item_key"], "fields": sorted(changes)})


@dataclass(frozen=True)
class Amendment:
    item_title: str
    field: str
    old_value: str
    new_value: str
    reason: str
    at: str
    by: str


def amendments(session: Session, month: str) -> list[Amendment]:
    require(session, can_read_confidential, "查看心育闭环修正记录")
    return [Amendment(r[0] or "", AMENDABLE.get(r[1], "结转原因" if r[1] == "carry_reason" else r[1]), r[2], r[3],
                      r[4], r[5], r[6]) for r in session.db.query(
        "SELECT i.title, a.field, a.old_value, a.new_value, a.reason, a.at, a.by FROM loop_amendments a"
        " JOIN loop_months m ON m.id = a.month_id LEFT JOIN loop_items i ON i.id = a.item_id WHERE m.month = :m"
        " ORDER BY a.id", {"m": parse_month(month)})]


def sign_off(session: Session, month: str, who: str, *, leader_name: str = "") -> None:
    """``who`` = ``counselor`` (the signed-in counselor signs) or ``leader`` (the leadership group's 组长 signed the
    printed sheet: their name is recorded, taken from the group). Only a closed month is signed."""
    require(session, can_counsel, "签署心育闭环月度清单")
    month = parse_month(month)
    row = _month_row(session.db, month)
    if row is None or row["status"] != "closed":
        raise InputRejected(f"{month} 尚未关闭：请先关闭该月清单，再签字确认。")
    at = clock.now_iso()
    with session.db.transaction():
        if who == "counselor":
            session.db.execute("UPDATE loop_months SET counselor_signed_by = :b, counselor_signed_at = :at"
                               " WHERE id = :i", {"b": session.account.label, "at": at, "i": row["id"]})
        elif who == "leader":
            from app.network.people import leadership

            holder = next((p.holder for p in leadership(session) if p.post == "leader"), "")
            name = leader_name.strip() or holder
            if not name:
                raise InputRejected("领导小组尚未设置组长：请先在 预警网络 → 领导小组 中设置组长，再记录组长签字。")
            if holder and name != holder:
                raise InputRejected(f"组长是“{holder}”，不是“{name}”。请由组长签字。")
            session.db.execute("UPDATE loop_months SET leader_name = :n, leader_signed_at = :at WHERE id = :i",
                               {"n": name, "at": at, "i": row["id"]})
        else:
            raise ValueError(who)
        session.audit("edit", f"loop:{month}", {"signed": who})


def months_begun(db: Database) -> list[tuple[str, str]]:
    """(month, status) of every month begun, oldest first."""
    return [(r[0], r[1]) for r in db.query("SELECT month, status FROM loop_months ORDER BY month")]


def day_of(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:7]), 1)
