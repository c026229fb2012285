"""Note templates for the common cases: they fill the form's fields, the counselor edits the rest."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NoteTemplate:
    key: str
    label: str
    kind: str
    categories: list[str] = field(default_factory=list)
    concern: str = ""
    summary: str = ""
    next_step: str = ""
    duration_min: int | None = None
    place: str = "心理辅导室"
    follow_up_days: int | None = None


TEMPLATES: list[NoteTemplate] = [
    NoteTemplate("talk_routine", "一生一谈（常规）", "talk", [], "学期常规谈心谈话",
                 "学生近期学习、生活状态：\n人际关系：\n情绪状态：\n需要的支持：", "无需特别跟进", 15, "教室/办公室"),
    NoteTemplate("exam_anxiety", "考试焦虑", "individual", ["学业", "情绪"], "考前紧张、失眠",
                 "来访原因：\n主要表现：\n已尝试的方法：\n本次干预：放松训练、认知调整\n学生反馈：",
                 "练习腹式呼吸，一周后回访", 40, follow_up_days=7),
    NoteTemplate("peer_conflict", "同伴冲突", "individual", ["人际关系"], "与同学发生矛盾",
                 "事件经过：\n学生感受：\n处理与建议：", "与班主任沟通，观察班级相处情况", 30, follow_up_days=14),
    NoteTemplate("low_mood", "情绪低落", "individual", ["情绪"], "近期情绪低落、兴趣减退",
                 "持续时间：\n睡眠与饮食：\n支持系统：\n风险评估：", "一周后回访，必要时联系家长", 45, follow_up_days=7),
    NoteTemplate("parent_call", "家长电话反馈", "parent_phone", ["家庭"], "向家长反馈学生在校情况",
                 "沟通对象：\n反馈内容：\n家长反映的情况：\n达成的共识：", "两周后再次联系", 15, "", 14),
    NoteTemplate("home_visit", "重点学生家访", "home_visit", ["家庭"], "学期家访",
                 "家庭环境：\n亲子关系：\n家长的担忧：\n家校配合事项：", "按约定与家长保持联系", 60, "学生家中"),
    NoteTemplate("group_session", "团体辅导", "group", [], "",
                 "活动主题：\n活动过程：\n学生参与情况：\n效果与反思：", "", 45, "团体辅导室"),
]


def template(key: str) -> NoteTemplate | None:
    return next((t for t in TEMPLATES if t.key == key), None)


def templates_for(kind: str | None = None) -> list[NoteTemplate]:
    return [t for t in TEMPLATES if kind is None or t.kind == kind]
