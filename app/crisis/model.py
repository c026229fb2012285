"""Plain dataclasses for crisis cases and the small helpers every crisis module shares.

Tiers: a case's ``summary``, step summaries, step data (who/how/where), skip reasons and document receipts are
ordinary (the head teacher of the student's class may read them); every ``note``, the closing note and the reasons
for level changes and amendments of confidential fields are confidential (counselors only). A view built for an
account that may not see confidential text carries empty strings there, never the text.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from app import clock
from app.errors import InputRejected

STATUS_LABELS = {"open": "未完成", "done": "已完成", "skipped": "已跳过"}
CASE_STATUS_LABELS = {"open": "进行中", "closed": "已结案"}
NOTIFY_METHODS = ("电话", "面谈", "微信", "书面告知书", "其他")
REFERRAL_OUTCOMES = ("已就诊，门诊治疗", "已就诊，住院治疗", "已就诊，无需治疗", "家长拒绝就诊", "其他")
LEAVE = "休学"             # the treatment arrangement that is also a 学籍状态 (app.archive.students.STATUSES)
TREATMENT_KINDS = ("门诊治疗（在校）", "住院治疗", LEAVE, "其他")
INCIDENT_PARTIES = ("parents", "leaders", "bureau", "police", "other")
PARTY_LABELS = {"parents": "家长", "leaders": "学校领导", "bureau": "教育行政部门", "police": "公安", "other": "其他"}


@dataclass(frozen=True)
class StepView:
    id: int
    key: str
    name: str
    hint: str
    seq: int
    required: bool
    status: str
    due_at: str | None
    done_at: str | None
    done_by: str
    summary: str
    note: str                 # confidential: "" for a viewer who may not see it
    data: dict[str, Any]
    skip_reason: str
    recorded_at: str | None
    recorded_by: str
    overdue: bool

    @property
    def status_label(self) -> str:
        if self.status == "open" and not self.required:
            return "不再必需"
        return STATUS_LABELS[self.status]

    @property
    def finished(self) -> bool:
        return self.status != "open"


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list: ordinary tier only, for every role."""
    id: int
    uuid: str
    student_id: int
    registry_no: str
    student_name: str
    class_name: str
    class_id: int | None
    level: str
    level_label: str
    source: str
    source_label: str
    owner: str
    opened_at: str
    status: str
    closed_at: str | None
    summary: str
    next_step: str
    next_due: str | None
    overdue_steps: int

    @property
    def status_label(self) -> str:
        return CASE_STATUS_LABELS[self.status]

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["status_label"] = self.status_label
        return d


@dataclass(frozen=True)
class DocumentView:
    key: str
    name: str
    received_on: str | None
    note: str


@dataclass(frozen=True)
class MeetingView:
    id: int
    held_at: str
    participants: str
    note: str


@dataclass(frozen=True)
class FollowUpView:
    week: int
    due_on: str | None
    done_on: str | None
    done_by: str
    summary: str
    note: str


@dataclass(frozen=True)
class LevelChange:
    at: str
    by: str
    from_level: str
    to_level: str
    reason: str               # confidential


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    by: str
    entity: str
    entity_id: int
    field: str
    old_value: str
    new_value: str
    reason: str
    tier: str


@dataclass
class CaseDetail:
    row: CaseRow
    note: str = ""
    closing_note: str = ""
    follow_weeks: int = 4
    incident_id: int | None = None
    steps: list[StepView] = field(default_factory=list)
    documents: list[DocumentView] = field(default_factory=list)
    meetings: list[MeetingView] = field(default_factory=list)
    follow_ups: list[FollowUpView] = field(default_factory=list)
    level_changes: list[LevelChange] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    confidential: bool = False      # True when this view carries confidential text
    raised_by: str = ""             # what raised the case (a same-day alert), counselors only
    raised_by_source: str = ""      # that record, "screening_results:12"

    def step(self, key: str) -> StepView | None:
        return next((s for s in self.steps if s.key == key), None)

    def as_json(self) -> dict[str, Any]:
        d: dict[str, Any] = self.row.as_json()
        d.update(follow_weeks=self.follow_weeks, incident_id=self.incident_id,
                 steps=[{**asdict(s), "status_label": s.status_label} for s in self.steps],
                 documents=[asdict(x) for x in self.documents], meetings=[asdict(x) for x in self.meetings],
                 follow_ups=[asdict(x) for x in self.follow_ups],
                 level_changes=[asdict(x) for x in self.level_changes], history=[asdict(x) for x in self.history])
        if self.confidential:
            d.update(note=self.note, closing_note=self.closing_note, raised_by=self.raised_by,
                     raised_by_source=self.raised_by_source)
        else:  # no confidential keys at all for a viewer who may not see them
            for s in d["steps"]:
                s.pop("note")
            for key in ("documents", "meetings", "follow_ups"):
                for x in d[key]:
                    x.pop("note")
            for x in d["level_changes"]:
                x.pop("reason")
        return d


# -- shared helpers --------------------------------------------------------------------------------------------


def parse_when(value: str | dt.datetime | dt.date | None, *, what: str = "时间") -> dt.datetime:
    """ISO date or date-time (defaults to now); never in the future. A date alone means noon, or now when it is
    today and noon has not come yet."""
    if value is None or value == "":
        return clock.now()
    if isinstance(value, dt.datetime):
        when = value.replace(microsecond=0, tzinfo=None)
    else:
        text = value.isoformat() if isinstance(value, dt.date) else value.strip().replace(" ", "T").replace("/", "-")
        try:
            if "T" in text:
                when = dt.datetime.fromisoformat(text)
            else:
                day = dt.date.fromisoformat(text)
                noon = dt.datetime.combine(day, dt.time(12, 0))
                when = noon if day != clock.today() else min(noon, clock.now())
        except ValueError:
            raise InputRejected(f"{what}“{value}”无效，请写成 2026-11-20 或 2026-11-20T14:30。") from None
    if when > clock.now() + dt.timedelta(minutes=5):
        raise InputRejected(f"{what}不能晚于现在。")
    return when.replace(microsecond=0)


def iso(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")


def short(when: str | None) -> str:
    """'2026-11-20T14:30:00' -> '2026-11-20 14:30' for display."""
    return (when or "")[:16].replace("T", " ")
