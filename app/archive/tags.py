"""Focus tags (重点关注): each with its date, who set it and an optional note; cleared, never deleted.

Each tag category has a tier the school can set (``tag_tiers``): an ordinary tag is shown to the head teacher of
the student's class (a head teacher should know whom to watch; the note stays with the counselor); a confidential
tag — health data such as 既往心理问题 or 确诊心理障碍 by default — is shown to counselors only: its very existence,
not only its note. A 管理员 sees no tags at all. Every reader goes through ``visible_tags`` (the rules are
``sees_focus_tags`` and ``sees_confidential_tags`` of app/policy.py).

Storage (issue 8 (b)): a tag of an ordinary category is a row of vault.db's ``focus_tags`` whose note and
clearing reason live in confidential.db (``conf.focus_tag_notes``); a tag of a confidential category lives whole in
confidential.db (``conf.confidential_tags``, negative ids), so no key a head teacher's slot yields finds it. The
tiers are the setting ``archive.tag_tiers``: counselors' copy in ``conf.tag_tiers`` decides where a tag is written;
vault.db's settings row (only the categories changed from the default) is what a session without the key filters
by. Changing a category's tier moves its tags between the two files at once. Reads made without the key see
vault.db alone (plus text a vault from before the move still holds there, moved at the next counselor sign-in).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from app import clock
from app.accounts.model import Account
from app.errors import InputRejected, PermissionDenied, XinqiaoError
from app.policy import (
    can_counsel,
    can_read_confidential,
    can_set_tag_tiers,
    in_scope,
    require,
    sees_confidential_tags,
    sees_focus_tags,
)
from app.session import Session
from app.store import confidential as conf_tier
from app.store.db import Database, Row
from app.store.settings import get_setting, set_setting
from app.store.tier_move import scrub

# The categories, from the policies' risk factors (000 item 11, 001 items 3–4, 004 items 7 and 13); "其他" last.
FOCUS_TAGS = ["留守", "单亲", "经济困难", "家庭经济困难", "学业压力", "校园欺凌", "遭受欺凌", "家庭变故", "亲子关系紧张",
              "情感危机", "突发事件影响", "实习或环境变化", "身体疾病或残疾", "既往心理问题", "确诊心理障碍",
              "遭受家庭暴力或性侵害", "早期心理创伤", "其他"]
ORDINARY = "ordinary"
CONFIDENTIAL = "confidential"
TIER_LABELS = {ORDINARY: "普通", CONFIDENTIAL: "保密"}
# Health data: confidential unless the school decides otherwise.
DEFAULT_CONFIDENTIAL = frozenset({"既往心理问题", "确诊心理障碍", "遭受家庭暴力或性侵害", "早期心理创伤"})
TIERS_SETTING = "archive.tag_tiers"


@dataclass(frozen=True)
class FocusTag:
    id: int
    tag: str
    note: str
    set_at: str
    set_by: str
    cleared_at: str | None
    cleared_by: str | None
    clear_reason: str


# -- tiers ----------------------------------------------------------------------------------------------------
def tag_tiers(db: Database) -> dict[str, str]:
    """The tier of every category (``ordinary`` or ``confidential``), the school's choices over the defaults:
    counselors' copy in confidential.db once adopted, else vault.db's settings row."""
    tiers = {t: CONFIDENTIAL if t in DEFAULT_CONFIDENTIAL else ORDINARY for t in FOCUS_TAGS}
    if conf_tier.attached(db) and db.one("SELECT 1 FROM conf.tag_tiers_adopted") is not None:
        saved = {str(r[0]): str(r[1]) for r in db.query("SELECT tag, tier FROM conf.tag_tiers")}
    else:
        saved = get_setting(db, TIERS_SETTING, {}) or {}
    for tag, tier in saved.items():
        if tag in tiers and tier in TIER_LABELS:
            tiers[tag] = tier
    return tiers


def confidential_tags(db: Database) -> frozenset[str]:
    return frozenset(t for t, tier in tag_tiers(db).items() if tier == CONFIDENTIAL)


def set_tag_tier(session: Session, tag: str, tier: str) -> None:
    """Set one category's tier (a counselor's choice, audited as a settings change)."""
    require(session, can_set_tag_tiers)
    if tag not in FOCUS_TAGS:
        raise InputRejected(f"未知的关注类别“{tag}”。可选：{'、'.join(FOCUS_TAGS)}。")
    if tier not in TIER_LABELS:
        raise InputRejected(f"保密级别只能是“普通”（{ORDINARY}）或“保密”（{CONFIDENTIAL}）。")
    session.require_confidential()   # the tags of a raised or lowered category move between the two files
    db = session.db
    before = tag_tiers(db)[tag]
    with db.transaction():
        saved = dict(get_setting(db, TIERS_SETTING, {}) or {})
        default = CONFIDENTIAL if tag in DEFAULT_CONFIDENTIAL else ORDINARY
        if tier == default:
            saved.pop(tag, None)
        else:
            saved[tag] = tier
        set_setting(db, TIERS_SETTING, saved)
        _adopt_tiers(db)
        db.execute("INSERT INTO conf.tag_tiers (tag, tier) VALUES (:t, :tier) ON CONFLICT (tag) DO UPDATE"
                   " SET tier = excluded.tier", {"t": tag, "tier": tier})
        if tier != before:
            (_raise if tier == CONFIDENTIAL else _lower)(db, tag)
        session.audit("settings", TIERS_SETTING, {"tag": tag, "from": before, "to": tier})
    if tier == CONFIDENTIAL and tier != before:
        scrub(db)   # the moved rows linger in no free page or WAL frame of vault.db


def _adopt_tiers(db: Database) -> None:
    """conf's copy takes over from vault.db's settings row (the sign-in move does this too; joins the caller's
    transaction)."""
    if db.one("SELECT 1 FROM conf.tag_tiers_adopted") is not None:
        return
    for tag, tier in (get_setting(db, TIERS_SETTING, {}) or {}).items():
        if tier in TIER_LABELS:
            db.execute("INSERT INTO conf.tag_tiers (tag, tier) VALUES (:t, :tier) ON CONFLICT (tag) DO UPDATE"
                       " SET tier = excluded.tier", {"t": tag, "tier": tier})
    db.execute("INSERT INTO conf.tag_tiers_adopted (id, at) VALUES (1, :at)", {"at": clock.now_iso()})


def _raise(db: Database, tag: str) -> None:
    """Every tag of ``tag`` leaves vault.db whole for ``conf.confidential_tags``, its note with it."""
    rows = db.query("SELECT t.id, t.uuid, t.student_id, t.tag, coalesce(nullif(t.note, ''), n.note, '') AS note,"
                    " t.set_at, t.set_by, t.cleared_at, t.cleared_by,"
                    " coalesce(nullif(t.clear_reason, ''), n.clear_reason, '') AS clear_reason"
                    " FROM main.focus_tags t LEFT JOIN conf.focus_tag_notes n ON n.tag_id = t.id WHERE t.tag = :t"
                    " ORDER BY t.id", {"t": tag})
    for r in rows:
        db.execute("INSERT INTO conf.confidential_tags (id, uuid, student_id, tag, note, set_at, set_by, cleared_at,"
                   " cleared_by, clear_reason) VALUES (:id, :u, :s, :t, :n, :at, :by, :cat, :cby, :cr)",
                   {"id": _next_conf_id(db), "u": r["uuid"], "s": r["student_id"], "t": r["tag"], "n": r["note"],
                    "at": r["set_at"], "by": r["set_by"], "cat": r["cleared_at"], "cby": r["cleared_by"],
                    "cr": r["clear_reason"]})
        db.execute("DELETE FROM conf.focus_tag_notes WHERE tag_id = :id", {"id": r["id"]})
        db.execute("DELETE FROM main.focus_tags WHERE id = :id", {"id": r["id"]})


def _lower(db: Database, tag: str) -> None:
    """Every tag of ``tag`` comes back to vault.db as an ordinary tag (head teachers see it), its note staying in
    confidential.db."""
    for r in db.query("SELECT * FROM conf.confidential_tags WHERE tag = :t ORDER BY id DESC", {"t": tag}):
        cur = db.execute("INSERT INTO main.focus_tags (uuid, student_id, tag, note, set_at, set_by, cleared_at,"
                         " cleared_by, clear_reason) VALUES (:u, :s, :t, '', :at, :by, :cat, :cby, '')",
                         {"u": r["uuid"], "s": r["student_id"], "t": r["tag"], "at": r["set_at"], "by": r["set_by"],
                          "cat": r["cleared_at"], "cby": r["cleared_by"]})
        _put_notes(db, int(cur.lastrowid or 0), r["note"], r["clear_reason"])
        db.execute("DELETE FROM conf.confidential_tags WHERE id = :id", {"id": r["id"]})


def _next_conf_id(db: Database) -> int:
    return int(db.scalar("SELECT coalesce(min(id), 0) FROM conf.confidential_tags")) - 1


def _put_notes(db: Database, tag_id: int, note: str, clear_reason: str) -> None:
    db.execute("INSERT INTO conf.focus_tag_notes (tag_id, note, clear_reason) VALUES (:id, :n, :r)"
               " ON CONFLICT (tag_id) DO UPDATE SET note = excluded.note, clear_reason = excluded.clear_reason",
               {"id": tag_id, "n": note, "r": clear_reason})


def visible_tags(account: Account, tags: Iterable[str], confidential: frozenset[str]) -> list[str]:
    """The tags of ``tags`` this account may see: none for a 管理员, the ordinary tier for a head teacher."""
    if not sees_focus_tags(account):
        return []
    if sees_confidential_tags(account):
        return list(tags)
    return [t for t in tags if t not in confidential]


# -- the tags of one student ----------------------------------------------------------------------------------
def _student_row(session: Session, student_id: int) -> tuple[int, str]:
    r = session.db.one("SELECT id, registry_no, class_id FROM students WHERE id = :id", {"id": student_id})
    if r is None:
        raise XinqiaoError("找不到该学生。")
    if not in_scope(session.account, r["class_id"]):
        raise PermissionDenied("班主任只能查看本班学生的档案。")
    return int(r["id"]), str(r["registry_no"])


_COLUMNS = "id, tag, note, set_at, set_by, cleared_at, cleared_by, clear_reason"


def tag_rows(db: Database, where: str = "", params: dict[str, object] | None = None) -> list[Row]:
    """Every tag this connection can read, both tiers when confidential.db is attached: (student_id, id, tag, note,
    set_at, set_by, cleared_at, cleared_by, clear_reason). ``where`` filters (columns unqualified)."""
    cond = f" WHERE {where}" if where else ""
    if not conf_tier.attached(db):
        return db.query(f"SELECT student_id, {_COLUMNS} FROM main.focus_tags{cond}", params or {})
    return db.query(
        "SELECT * FROM (SELECT t.student_id, t.id, t.tag, coalesce(nullif(t.note, ''), n.note, '') AS note,"
        " t.set_at, t.set_by, t.cleared_at, t.cleared_by,"
        " coalesce(nullif(t.clear_reason, ''), n.clear_reason, '') AS clear_reason"
        " FROM main.focus_tags t LEFT JOIN conf.focus_tag_notes n ON n.tag_id = t.id"
        f" UNION ALL SELECT student_id, {_COLUMNS} FROM conf.confidential_tags){cond}", params or {})


def add_tag(session: Session, student_id: int, tag: str, note: str = "") -> int:
    """Set a tag: a confidential category's whole in confidential.db (a negative id), an ordinary one in vault.db
    with its note in confidential.db."""
    require(session, can_counsel, "设置重点关注标签")
    session.require_confidential()
    if tag not in FOCUS_TAGS:
        raise InputRejected(f"未知的关注类别“{tag}”。可选：{'、'.join(FOCUS_TAGS)}。")
    if tag == "其他" and not note.strip():
        raise InputRejected("选择“其他”时请填写说明。")
    sid, registry_no = _student_row(session, student_id)
    return insert_tag(session, sid, registry_no, tag, note.strip(), clock.now_iso(), session.account.label)


def add_tags(session: Session, student_id: int, tags: list[str], note: str = "") -> list[int]:
    """Set several categories at once (one user action: one transaction, each tag audited as ``add_tag`` does);
    the same note goes with each. Nothing is written if any category is refused."""
    require(session, can_counsel, "设置重点关注标签")
    session.require_confidential()
    chosen = list(dict.fromkeys(t for t in tags if t))
    if not chosen:
        raise InputRejected("请至少选择一个关注类别。")
    with session.db.transaction():
        return [add_tag(session, student_id, t, note) for t in chosen]


def insert_tag(session: Session, student_id: int, registry_no: str, tag: str, note: str, set_at: str,
               set_by: str) -> int:
    """Write one tag where its tier keeps it, audited (joins the caller's transaction). The audit line of a
    confidential tag names neither the student nor the category: the audit log is read with the ordinary key."""
    db = session.db
    with db.transaction():
        tag_id = store_tag(db, student_id, tag, note, set_at, set_by, confidential_tags(db))
        if tag_id < 0:
            session.audit("edit", f"confidential_tags:{tag_id}", {"tag_add": TIER_LABELS[CONFIDENTIAL]})
        else:
            session.audit("edit", f"student:{registry_no}", {"tag_add": tag})
        return tag_id


def store_tag(db: Database, student_id: int, tag: str, note: str, set_at: str, set_by: str,
              confidential: frozenset[str]) -> int:
    """The row of one tag, where its tier (``confidential``: the confidential categories) keeps it; not audited
    (the demo school's seed). Needs confidential.db attached."""
    with db.transaction():
        if tag in confidential:
            tag_id = _next_conf_id(db)
            db.execute("INSERT INTO conf.confidential_tags (id, uuid, student_id, tag, note, set_at, set_by)"
                       " VALUES (:id, :u, :s, :t, :n, :at, :by)",
                       {"id": tag_id, "u": clock.new_uuid(), "s": student_id, "t": tag, "n": note, "at": set_at,
                        "by": set_by})
            return tag_id
        cur = db.execute(
            "INSERT INTO focus_tags (uuid, student_id, tag, note, set_at, set_by) VALUES (:u, :s, :t, '', :at, :by)",
            {"u": clock.new_uuid(), "s": student_id, "t": tag, "at": set_at, "by": set_by})
        tag_id = int(cur.lastrowid or 0)
        _put_notes(db, tag_id, note, "")   # always (even ''): a row left by a removed student's tag is replaced
        return tag_id


def clear_tag(session: Session, tag_id: int, reason: str) -> None:
    require(session, can_counsel, "设置重点关注标签")
    session.require_confidential()
    db = session.db
    now, who = clock.now_iso(), session.account.label
    if tag_id < 0:
        if db.one("SELECT 1 FROM conf.confidential_tags WHERE id = :id", {"id": tag_id}) is None:
            raise InputRejected("找不到该标签。")
        with db.transaction():
            db.execute("UPDATE conf.confidential_tags SET cleared_at = :at, cleared_by = :by, clear_reason = :r"
                       " WHERE id = :id AND cleared_at IS NULL", {"at": now, "by": who, "r": reason.strip(),
                                                                   "id": tag_id})
            session.audit("edit", f"confidential_tags:{tag_id}", {"tag_clear": tag_id})
        return
    row = db.one("SELECT t.student_id, s.registry_no, t.cleared_at FROM focus_tags t"
                 " JOIN students s ON s.id = t.student_id WHERE t.id = :id", {"id": tag_id})
    if row is None:
        raise InputRejected("找不到该标签。")
    with db.transaction():
        if row["cleared_at"] is None:
            db.execute("UPDATE focus_tags SET cleared_at = :at, cleared_by = :by WHERE id = :id",
                       {"at": now, "by": who, "id": tag_id})
            db.execute("INSERT INTO conf.focus_tag_notes (tag_id, clear_reason) VALUES (:id, :r)"
                       " ON CONFLICT (tag_id) DO UPDATE SET clear_reason = excluded.clear_reason",
                       {"id": tag_id, "r": reason.strip()})
        session.audit("edit", f"student:{row[1]}", {"tag_clear": tag_id})


def list_tags(session: Session, student_id: int, include_cleared: bool = True) -> list[FocusTag]:
    """The student's tags this account may see (a 管理员: none; a head teacher: the ordinary tier, no notes)."""
    _student_row(session, student_id)
    if not sees_focus_tags(session.account):
        return []
    where = "student_id = :s" + ("" if include_cleared else " AND cleared_at IS NULL")
    rows = tag_rows(session.db, where + " ORDER BY set_at DESC, id DESC", {"s": student_id})
    tags = [FocusTag(*tuple(r)[1:]) for r in rows]
    shown = set(visible_tags(session.account, {t.tag for t in tags}, confidential_tags(session.db)))
    tags = [t for t in tags if t.tag in shown]
    if not can_read_confidential(session.account):
        # An ordinary tag is shown to the head teacher; its note and clearing reason are not.
        tags = [replace(t, note="", clear_reason="") for t in tags]
    return tags


def active_tags(db: Database) -> dict[int, set[str]]:
    """Every student's active tags this connection can read (both tiers with confidential.db attached; callers
    filter with ``visible_tags``)."""
    out: dict[int, set[str]] = {}
    for sid, tag in db.query("SELECT student_id, tag FROM main.focus_tags WHERE cleared_at IS NULL"
                             + (" UNION ALL SELECT student_id, tag FROM conf.confidential_tags WHERE cleared_at IS NULL"
                                if conf_tier.attached(db) else "")):
        out.setdefault(sid, set()).add(tag)
    return out


def student_active_tags(db: Database, student_id: int) -> list[str]:
    """One student's active tags this connection can read, sorted (callers filter with ``visible_tags``)."""
    return sorted({str(r[2]) for r in tag_rows(db, "student_id = :s AND cleared_at IS NULL", {"s": student_id})})
