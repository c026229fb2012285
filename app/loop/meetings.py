"""The leadership group's monthly meeting (date, attendees from the group, minutes, the four topics it must cover)
and the yearly list of key work with its schedule (Qingdao 003, task 10 and guarantee 1)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from app import clock
from app.errors import InputRejected
from app.network.people import leadership
from app.policy import can_counsel, can_read_confidential, require
from app.session import Session

TOPICS = {"problems": "学生心理健康问题", "archive": "档案管理", "crisis": "危机干预", "one_plus_one": "“1+1”课程与活动"}


@dataclass(frozen=True)
class Meeting:
    id: int
    month: str
    held_on: str
    attendees: tuple[str, ...]
    topics: tuple[str, ...]
    minutes: str
    recorded_by: str

    @property
    def missing_topics(self) -> list[str]:
        return [label for key, label in TOPICS.items() if key not in self.topics]


def group_names(session: Session) -> list[str]:
    """Everyone who holds a post in the leadership group, in the group's order."""
    return [p.holder for p in leadership(session) if p.holder]


def record_meeting(session: Session, held_on: str | dt.date, attendees: list[str], topics: list[str],
                   minutes: str) -> int:
    """Record the group's meeting. Attendees are members of the group (预警网络 → 领导小组); a meeting that leaves
    out a topic is recorded but does not meet the month's item until one covers all four."""
    require(session, can_counsel, "记录领导小组会议")
    try:
        day = held_on if isinstance(held_on, dt.date) else dt.date.fromisoformat(str(held_on).strip())
    except ValueError:
        raise InputRejected(f"会议日期“{held_on}”无效，请写成 2026-11-05。") from None
    if day > clock.today():
        raise InputRejected(f"会议日期 {day} 还没有到，请记录已经召开的会议。")
    members = group_names(session)
    names = [a.strip() for a in attendees if a.strip()]
    if not names:
        raise InputRejected("请选择出席会议的领导小组成员。")
    strangers = [n for n in names if n not in members]
    if strangers:
        raise InputRejected(f"“{'、'.join(strangers)}”不是领导小组成员。出席人员从领导小组中选择；"
                            "如需增加成员，请先在 预警网络 → 领导小组 中添加。")
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        raise InputRejected(f"议题“{'、'.join(unknown)}”无效，可选：{'、'.join(TOPICS)}。")
    if not minutes.strip():
        raise InputRejected("请填写会议纪要。")
    with session.db.transaction():
        cur = session.db.execute(
            "INSERT INTO loop_meetings (uuid, month, held_on, attendees, topics, minutes, recorded_at, recorded_by)"
            " VALUES (:u, :m, :d, :a, :t, :x, :at, :by)",
            {"u": clock.new_uuid(), "m": day.isoformat()[:7], "d": day.isoformat(),
             "a": json.dumps(names, ensure_ascii=False), "t": json.dumps([t for t in TOPICS if t in topics]),
             "x": minutes.strip(), "at": clock.now_iso(), "by": session.account.label})
        session.audit("edit", f"loop_meeting:{day.isoformat()[:7]}", {"attendees": len(names), "topics": topics})
    return int(cur.lastrowid or 0)


def meetings(session: Session, month: str | None = None) -> list[Meeting]:
    require(session, can_read_confidential, "查看领导小组会议")
    where, params = ("WHERE month = :m", {"m": month}) if month else ("", {})
    return [Meeting(r[0], r[1], r[2], tuple(json.loads(r[3])), tuple(json.loads(r[4])), r[5], r[6])
            for r in session.db.query(f"SELECT id, month, held_on, attendees, topics, minutes, recorded_by"
                                      f" FROM loop_meetings {where} ORDER BY held_on, id", params)]


# -- the yearly key-work list ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class KeyWork:
    id: int
    year_name: str
    seq: int
    title: str
    schedule: str
    owner: str
    done: bool


def add_key_work(session: Session, year_name: str, title: str, schedule: str, owner: str = "") -> int:
    require(session, can_counsel, "编写年度重点工作")
    if not title.strip():
        raise InputRejected("请填写重点工作的内容。")
    if not schedule.strip():
        raise InputRejected(f"请填写“{title.strip()}”的时间安排（如 9月、每月、第二学期）。")
    with session.db.transaction():
        seq = int(session.db.scalar("SELECT coalesce(max(seq), 0) FROM loop_key_work WHERE year_name = :y",
                                    {"y": year_name})) + 1
        cur = session.db.execute(
            "INSERT INTO loop_key_work (year_name, seq, title, schedule, owner, created_at)"
            " VALUES (:y, :s, :t, :sc, :o, :at)", {"y": year_name, "s": seq, "t": title.strip(),
                                                   "sc": schedule.strip(), "o": owner.strip(), "at": clock.now_iso()})
        session.audit("edit", f"loop_key_work:{year_name}", {"added": seq})
    return int(cur.lastrowid or 0)


def set_key_work_done(session: Session, work_id: int, done: bool = True) -> None:
    require(session, can_counsel, "更新年度重点工作")
    with session.db.transaction():
        y = session.db.scalar("SELECT year_name FROM loop_key_work WHERE id = :i", {"i": work_id})
        if y is None:
            raise InputRejected("找不到该项重点工作，请刷新后再试。")
        session.db.execute("UPDATE loop_key_work SET done = :d WHERE id = :i", {"d": int(done), "i": work_id})
        session.audit("edit", f"loop_key_work:{y}", {"item": work_id, "done": done})


def key_work(session: Session, year_name: str) -> list[KeyWork]:
    require(session, can_read_confidential, "查看年度重点工作")
    return [KeyWork(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6])) for r in session.db.query(
        "SELECT id, year_name, seq, title, schedule, owner, done FROM loop_key_work WHERE year_name = :y ORDER BY seq",
        {"y": year_name})]
