"""Demo casework: talks for most students this semester, counseling sessions with confidential notes, a few
group sessions, parent calls and home visits for focus students. Invented text only."""
from __future__ import annotations

import datetime as dt
import random

from app import clock
from app.archive.tags import active_tags
from app.casework.model import RecordInput
from app.casework.records import bulk_insert
from app.school.calendar import semester_for
from app.session import Session

TALK_SUMMARIES = ["学习状态平稳，与同学相处融洽。", "近期作业压力较大，已教给时间管理方法。", "适应新班级较慢，鼓励多参加集体活动。",
                  "情绪稳定，对期中考试有些担心。", "与室友有小摩擦，已引导换位思考。", "对未来升学有规划，状态积极。",
                  "自述睡眠不太好，建议规律作息。", "性格内向，愿意和老师交流。"]
SESSION_CASES = [
    (["情绪", "睡眠"], "近期失眠，入睡困难，白天注意力不集中。", "谈及父母争吵频繁，担心家庭变故。", "教授放松训练，一周后回访。"),
    (["学业", "情绪"], "考试前紧张，手心出汗，担心成绩下滑。", "提到曾被父亲严厉批评，有自责想法。", "考前再约一次，练习腹式呼吸。"),
    (["人际关系"], "与同桌发生冲突，感到被孤立。", "透露曾在宿舍被同学嘲笑外貌。", "与班主任沟通，关注班级相处情况。"),
    (["亲子关系", "家庭"], "与母亲沟通困难，常因手机使用争吵。", "父母分居半年，学生未告诉同学。", "下周约家长面谈。"),
    (["网络使用"], "周末玩游戏到深夜，作业拖延。", "在网络上结识陌生人，有金钱往来。", "与学生制定使用约定，两周后回访。"),
    (["自我认知", "情绪"], "觉得自己什么都做不好，兴趣减退。", "有过消极念头但否认计划，已做风险评估。", "每周回访，告知家长，必要时转介。"),
]
GROUP_THEMES = [("情绪管理", "认识情绪、情绪温度计、情绪漂流瓶"), ("人际交往", "信任背摔、优点轰炸"),
                ("考前减压", "放松训练、积极自我对话"), ("生涯探索", "兴趣岛、职业访谈分享")]
PARENT_NOTES = ["向家长反馈学生在校表现，家长表示会多陪伴。", "家长反映孩子在家玩手机较多，商定共同约定。",
                "沟通近期情绪变化，家长同意配合观察。"]
FOLLOW_NOTES = ["回访：睡眠有所改善，继续练习放松训练。", "回访：情绪较上次平稳，愿意与同学交流。",
                "回访：已与班主任沟通，班级相处情况好转。", "回访：按约定使用手机，作业能按时完成。",
                "回访：状态稳定，约定有需要随时来辅导室。"]
VISIT_NOTES = ["家访了解家庭环境，祖父母照顾为主，父母在外务工。", "家访与家长交流学习习惯，家庭氛围和睦。",
               "家访了解到家庭经济困难，已告知学校资助政策。"]


def _when(rng: random.Random, start: dt.date, end: dt.date) -> str:
    days = max(0, (end - start).days)
    day = start + dt.timedelta(days=rng.randint(0, days))
    return f"{day.isoformat()}T{rng.choice((8, 9, 10, 14, 15, 16)):02d}:{rng.choice(('00', '20', '40'))}"


def populate(session: Session, rng: random.Random, student_ids: list[int]) -> None:
    db = session.db
    today = clock.today()
    sem = semester_for(db, today)
    start = dt.date.fromisoformat(sem.start_date) if sem else today - dt.timedelta(days=60)
    start = min(start, today)
    earlier = today - dt.timedelta(days=300)
    classes: dict[int, list[int]] = {}
    for sid, cid in db.query("SELECT id, class_id FROM students WHERE status = '在读'"):
        if sid in set(student_ids):
            classes.setdefault(cid, []).append(sid)
    focus = set(active_tags(db))
    items: list[RecordInput] = []
    for sid in student_ids:
        if rng.random() < 0.6:
            items.append(RecordInput("talk", [sid], _when(rng, start, today), rng.choice((10, 15, 20)), "办公室",
                                     summary=rng.choice(TALK_SUMMARIES)))
        if rng.random() < 0.06 or (sid in focus and rng.random() < 0.7):
            cats, summary, secret, nxt = rng.choice(SESSION_CASES)
            when = _when(rng, earlier, today)
            follow = (dt.date.fromisoformat(when[:10]) + dt.timedelta(days=7)).isoformat()
            items.append(RecordInput("individual", [sid], when, rng.choice((30, 40, 50)), "心理辅导室",
                                     concern_categories=list(cats), summary=summary, confidential=secret,
                                     risk=rng.choice(("none", "low", "low", "medium")), next_step=nxt,
                                     follow_up_date=follow))
            # Most follow-ups that have come were kept: a second session a few days after the agreed date.
            follow_day = dt.date.fromisoformat(follow)
            if follow_day < today - dt.timedelta(days=3) and rng.random() < 0.9:
                back = min(today, follow_day + dt.timedelta(days=rng.randint(0, 3)))
                items.append(RecordInput("individual", [sid], _when(rng, back, back), rng.choice((20, 30)),
                                         "心理辅导室", concern_categories=list(cats),
                                         summary=rng.choice(FOLLOW_NOTES), risk=rng.choice(("none", "low"))))
        if sid in focus:
            if rng.random() < 0.6:
                items.append(RecordInput("parent_phone", [sid], _when(rng, start, today), 15,
                                         participants="家长", summary=rng.choice(PARENT_NOTES)))
            if rng.random() < 0.5:
                items.append(RecordInput("home_visit", [sid], _when(rng, start, today), 60, "学生家中",
                                         participants="班主任、家长", summary=rng.choice(VISIT_NOTES)))
    for members in list(classes.values())[:4]:
        theme, content = rng.choice(GROUP_THEMES)
        group = rng.sample(members, min(12, len(members)))
        items.append(RecordInput("group", group, _when(rng, start, today), 45, "团体辅导室", title=theme,
                                 summary=f"团体辅导“{theme}”：{content}。学生参与积极。"))
    bulk_insert(session, items, created_by="心理教师")
