"""Record kinds, labels and the record as the rest of the program sees it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ["individual", "group", "talk", "parent_meeting", "parent_phone", "home_visit"]
KIND_LABELS = {"individual": "个体咨询", "group": "团体辅导", "talk": "谈心谈话", "parent_meeting": "家长面谈",
               "parent_phone": "家长电话", "home_visit": "家访"}
KIND_SYNONYMS = {
    "individual": ["个体咨询", "个体辅导", "个别咨询", "个别辅导", "个案咨询", "咨询", "个咨"],
    "group": ["团体辅导", "团辅", "团体咨询", "小组辅导", "团体活动"],
    "talk": ["谈心谈话", "谈心", "谈话", "一生一谈", "个别谈话"],
    "parent_meeting": ["家长面谈", "家长约谈", "约谈家长", "家长会谈", "家长来访"],
    "parent_phone": ["家长电话", "电话", "电话沟通", "电话家访", "电话联系", "家长微信", "微信沟通"],
    "home_visit": ["家访", "入户家访", "上门家访"],
}
PARENT_FEEDBACK_KINDS = ("parent_meeting", "parent_phone", "home_visit")   # 一反馈
RISKS = ["none", "low", "medium", "high"]
RISK_LABELS = {"none": "未发现", "low": "低", "medium": "中", "high": "高"}
CONCERN_CATEGORIES = ["情绪", "学业", "人际关系", "亲子关系", "家庭", "青春期", "网络使用", "睡眠", "自我认知",
                      "校园欺凌", "生涯规划", "行为问题", "躯体不适", "自伤风险", "其他"]


def kind_from_text(text: str) -> str | None:
    t = (text or "").strip().replace(" ", "")
    if t in KINDS:
        return t
    for kind, names in KIND_SYNONYMS.items():
        if t in names:
            return kind
    if "/" in t or "／" in t:  # "家长面谈/电话"
        return "parent_meeting" if "面谈" in t else None
    return None


@dataclass
class RecordInput:
    """What a form (or an import row) hands over to create or edit a record."""

    kind: str
    student_ids: list[int]
    occurred_at: str                    # "YYYY-MM-DDTHH:MM" or "YYYY-MM-DD"
    duration_min: int | None = None
    place: str = ""
    participants: str = ""
    title: str = ""
    concern_categories: list[str] = field(default_factory=list)
    concern_text: str = ""
    summary: str = ""
    confidential: str = ""
    risk: str = "none"
    next_step: str = ""
    follow_up_date: str | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class StudentRef:
    id: int
    registry_no: str
    name: str
    class_id: int | None
    class_name: str


@dataclass(frozen=True)
class CaseRecord:
    id: int
    uuid: str
    kind: str
    occurred_at: str
    entered_at: str
    duration_min: int | None
    place: str
    participants: str
    title: str
    concern_categories: list[str]
    concern_text: str
    summary: str
    confidential: str | None     # None: this account may not read it
    risk: str
    next_step: str
    follow_up_date: str | None
    follow_up_done: bool
    version: int
    created_by: str
    updated_at: str
    updated_by: str
    students: list[StudentRef]
    deleted_at: str | None = None
    delete_reason: str = ""
    confidential_present: bool = False   # the record has confidential notes (told to counselors only)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def date(self) -> str:
        return self.occurred_at[:10]

    def students_label(self, limit: int = 3) -> str:
        names = [s.name for s in self.students]
        if len(names) <= limit:
            return "、".join(names)
        return "、".join(names[:limit]) + f"等{len(names)}人"

    def as_input(self) -> RecordInput:
        return RecordInput(self.kind, [s.id for s in self.students], self.occurred_at, self.duration_min, self.place,
                           self.participants, self.title, list(self.concern_categories), self.concern_text,
                           self.summary, self.confidential or "", self.risk, self.next_step, self.follow_up_date)

    def as_json(self) -> dict[str, Any]:
        """The export/CLI shape; confidential text only when this account may read it."""
        d: dict[str, Any] = {
            "id": self.id, "uuid": self.uuid, "kind": self.kind, "kind_label": self.kind_label,
            "date": self.date, "occurred_at": self.occurred_at, "entered_at": self.entered_at,
            "duration_min": self.duration_min, "place": self.place, "participants": self.participants,
            "title": self.title, "concern_categories": self.concern_categories, "concern_text": self.concern_text,
            "summary": self.summary, "risk": self.risk, "next_step": self.next_step,
            "follow_up_date": self.follow_up_date, "version": self.version,
            "students": [{"registry_no": s.registry_no, "name": s.name, "class_name": s.class_name}
                         for s in self.students],
            "registry_no": self.students[0].registry_no if self.students else "",
            "name": self.students_label(),
        }
        if self.confidential is not None:
            d["confidential"] = self.confidential
        return d
