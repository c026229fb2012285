"""A lived-in closed loop: September closed (its gaps carried over with reasons, so October holds 整改 items) and
signed, the leadership group's meetings, a yearly key-work list, October and November begun and open. Its own
seeded generator: adding the loop changes no other capability's demo records."""
from __future__ import annotations

import random

from app import clock
from app.loop.meetings import TOPICS, add_key_work, group_names, record_meeting
from app.loop.months import carry_item, close_month, ensure_month, month_sheet, set_item, sign_off
from app.policy import can_counsel
from app.session import Session

REASONS = ["本月因期中考试调课，已安排下月补上", "相关记录尚未录入，下月初补录并复核", "负责教师外出培训，已约定下月完成"]
KEY_WORK = [("开学心理健康普查与建档", "9月、10月"), ("10·10 世界精神卫生日主题活动", "10月"),
            ("心理委员与宿舍信息员培训", "第一学期"), ("家长学校心理健康专题", "每学期 2 次"),
            ("5·25 心理健康月系列活动", "5月"), ("毕业年级考前心理辅导", "5月、6月")]


def populate(session: Session, _shared: random.Random, _student_ids: list[int]) -> None:
    if not can_counsel(session.account):
        return
    rng = random.Random(120)
    today = clock.today()
    year = today.year if today.month >= 9 else today.year - 1
    months = [f"{year}-{m:02d}" for m in (9, 10, 11) if f"{year}-{m:02d}" <= f"{today.year}-{today.month:02d}"]
    members = group_names(session)
    for work, schedule in KEY_WORK:
        add_key_work(session, f"{year}-{year + 1}", work, schedule, owner=members[0] if members else "")
    for month in months:
        if members:
            day = min(f"{month}-{rng.randint(3, 12):02d}", today.isoformat())   # never a meeting still to come
            topics = list(TOPICS) if month != months[-1] else list(TOPICS)[:3]
            record_meeting(session, day, rng.sample(members, min(len(members), 4)), topics,
                           "通报本月测评与危机个案进展，检查心理档案整理情况，布置下月“1+1”课程与活动。")
        ensure_month(session, month)
    if not months:
        return
    september = month_sheet(session, months[0])
    for it in september.items:
        if it.status == "open" and it.needs_tick:
            set_item(session, it.id, ticked=True, note="已完成，材料存档于心理辅导室")
    september = month_sheet(session, months[0])
    for it in september.open_items():
        carry_item(session, it.id, rng.choice(REASONS))
    close_month(session, months[0])
    sign_off(session, months[0], "counselor")
    if members:
        sign_off(session, months[0], "leader")
