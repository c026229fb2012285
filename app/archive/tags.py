"""Focus tags (重点关注): each with its date, who set it and an optional note; cleared, never deleted.

Each tag category has a tier the school can set (``tag_tiers``): an ordinary tag is shown to the head teacher of
the student's class (a head teacher should know whom to watch; the note stays with the counselor); a confidential
tag — health data such as 既往心理问题 or 确诊心理障碍 by default — is shown to counselors only: its very existence,
not only its note. A 管理员 sees no tags at all. Every reader goes through ``visible_tags`` (the rules are
``sees_focus_tags`` and ``sees_confidential_tags`` of app/policy.py).

Storage: the tags are rows of ``focus_tags`` in the vault; the tier of each category is the school setting
``archive.tag_tiers`` (only the categories changed from the default are kept), read at every listing, so a change
of tier applies to every tag of that category at once.
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
from app.store.db import Database
from app.store.settings import get_setting, set_setting

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
    """The tier of every category (``ordinary`` or ``confidential``), the school's choices over the defaults."""
    saved = get_setting(db, TIERS_SETTING, {}) or {}
    tiers = {t: CONFIDENTIAL if t in DEFAULT_CONFIDENTIAL else ORDINARY for t in FOCUS_TAGS}
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
    db = session.db
    with db.transaction():
        saved = dict(get_setting(db, TIERS_SETTING, {}) or {})
        default = CONFIDENTIAL if tag in DEFAULT_CONFIDENTIAL else ORDINARY
        before = saved.get(tag, default)
        if tier == default:
            saved.pop(tag, None)
        else:
            saved[tag] = tier
        set_setting(db, TIERS_SETTING, saved)
        session.audit("settings", TIERS_SETTING, {"tag": tag, "from": before, "to": tier})


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


def add_tag(session: Session, student_id: int, tag: str, note: str = "") -> int:
    require(session, can_counsel, "设置重点关注标签")
    if tag not in FOCUS_TAGS:
        raise InputRejected(f"未知的关注类别“{tag}”。可选：{'、'.join(FOCUS_TAGS)}。")
    if tag == "其他" and not note.strip():
        raise InputRejected("选择“其他”时请填写说明。")
    sid, registry_no = _student_row(session, student_id)
    with session.db.transaction():
        cur = session.db.execute(
            "INSERT INTO focus_tags (uuid, student_id, tag, note, set_at, set_by) VALUES (:u, :s, :t, :n, :at, :by)",
            {"u": clock.new_uuid(), "s": sid, "t": tag, "n": note.strip(), "at": clock.now_iso(),
             "by": session.account.label})
        session.audit("edit", f"student:{registry_no}", {"tag_add": tag})
        return int(cur.lastrowid or 0)


def clear_tag(session: Session, tag_id: int, reason: str) -> None:
    require(session, can_counsel, "设置重点关注标签")
    row = session.db.one("SELECT t.student_id, s.registry_no FROM focus_tags t JOIN students s ON s.id = t.student_id"
                         " WHERE t.id = :id", {"id": tag_id})
    if row is None:
        raise InputRejected("找不到该标签。")
    with session.db.transaction():
        session.db.execute("UPDATE focus_tags SET cleared_at = :at, cleared_by = :by, clear_reason = :r"
                           " WHERE id = :id AND cleared_at IS NULL",
                           {"at": clock.now_iso(), "by": session.account.label, "r": reason.strip(), "id": tag_id})
        session.audit("edit", f"student:{row[1]}", {"tag_clear": tag_id})


def list_tags(session: Session, student_id: int, include_cleared: bool = True) -> list[FocusTag]:
    """The student's tags this account may see (a 管理员: none; a head teacher: the ordinary tier, no notes)."""
    _student_row(session, student_id)
    if not sees_focus_tags(session.account):
        return []
    sql = ("SELECT id, tag, note, set_at, set_by, cleared_at, cleared_by, clear_reason FROM focus_tags"
           " WHERE student_id = :s")
    if not include_cleared:
        sql += " AND cleared_at IS NULL"
    tags = [FocusTag(*tuple(r)) for r in session.db.query(sql + " ORDER BY set_at DESC, id DESC", {"s": student_id})]
    shown = set(visible_tags(session.account, {t.tag for t in tags}, confidential_tags(session.db)))
    tags = [t for t in tags if t.tag in shown]
    if not can_read_confidential(session.account):
        # An ordinary tag is shown to the head teacher; its note and clearing reason are not.
        tags = [replace(t, note="", clear_reason="") for t in tags]
    return tags


def active_tags(db: Database) -> dict[int, set[str]]:
    """Every student's active tags, all tiers (callers filter with ``visible_tags``)."""
    out: dict[int, set[str]] = {}
    for sid, tag in db.query("SELECT student_id, tag FROM focus_tags WHERE cleared_at IS NULL"):
        out.setdefault(sid, set()).add(tag)
    return out
