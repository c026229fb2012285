"""Training records (培训记录) and each person's standing in the three-year cycle against the norms, with the
yearly supervision a full-time psychological teacher needs. Every write takes the session, checks
``can_keep_people``, runs one transaction and writes its audit line inside it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app import clock
from app.errors import InputRejected
from app.people.model import (
    KINDS,
    LEVELS,
    MAX_HOURS,
    NORM_GROUPS,
    SETTINGS_KEY,
    Cycle,
    PeopleSettings,
    as_date,
    check_settings,
    cycle_for,
    hours_text,
    load_settings,
    norm_group,
    school_year_of,
)
from app.policy import can_keep_people, require
from app.school.staff import STAFF_ROLES, get_staff, list_staff
from app.session import Session
from app.store.settings import set_setting
from app.text import normalize_text


@dataclass(frozen=True)
class TrainingRecord:
    id: int
    staff_id: int
    person: str
    held_on: str
    title: str
    level: str
    kind: str
    hours: float
    note: str

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.level, self.level)

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "person": self.person, "date": self.held_on, "title": self.title,
                "level": self.level_label, "kind": self.kind_label, "hours": self.hours, "note": self.note}


def set_people_settings(session: Session, *, cycle_start_year: int | None = None,
                        norms: dict[str, float] | None = None, supervisions_per_year: int | None = None) -> PeopleSettings:
    """The training cycle's start year, the hours each role needs in a cycle, the supervisions a year."""
    require(session, can_keep_people, "修改培训周期和学时要求")
    cur = load_settings(session.db)
    start = cur.cycle_start_year if cycle_start_year is None else int(cycle_start_year)
    merged = {**cur.norms, **{k: float(v) for k, v in (norms or {}).items()}}
    sup = cur.supervisions_per_year if supervisions_per_year is None else int(supervisions_per_year)
    check_settings(start, merged, sup)
    new = PeopleSettings(start, merged, sup)
    with session.db.transaction():
        set_setting(session.db, SETTINGS_KEY, new.as_json())
        session.audit("settings", SETTINGS_KEY, new.as_json())
    return new


def add_training(session: Session, staff_id: int, held_on: str | dt.date, title: str, level: str, kind: str,
                 hours: float, note: str = "") -> int:
    """One person's training, supervision or teaching research, with its hours (学时)."""
    require(session, can_keep_people, "登记培训记录")
    person = get_staff(session.db, staff_id)
    day = as_date(held_on, "培训日期")
    if day > clock.today():
        raise InputRejected(f"培训日期 {day.isoformat()} 晚于今天：只登记已经参加的培训。")
    title = normalize_text(title).strip()
    if not title:
        raise InputRejected("请填写培训名称（如“市中小学心理健康教育骨干教师培训”）。")
    if len(title) > 120:
        raise InputRejected("培训名称不能超过 120 个字。")
    if level not in LEVELS:
        raise InputRejected(f"培训级别应为：{'、'.join(LEVELS.values())}。")
    if kind not in KINDS:
        raise InputRejected(f"培训类型应为：{'、'.join(KINDS.values())}。")
    try:
        h = float(hours)
    except (TypeError, ValueError):
        raise InputRejected(f"学时“{hours}”不是数字，请填写如 4 或 1.5。") from None
    if not 0 < h <= MAX_HOURS:
        raise InputRejected(f"学时应大于 0 且不超过 {MAX_HOURS:g}（一次较长的培训可分几条登记），现为 {hours}。")
    with session.db.transaction():
        cur = session.db.execute(
            "INSERT INTO training_records (uuid, staff_id, held_on, title, level, kind, hours, note, created_at,"
            " created_by) VALUES (:u, :s, :d, :t, :l, :k, :h, :n, :now, :by)",
            {"u": clock.new_uuid(), "s": staff_id, "d": day.isoformat(), "t": title, "l": level, "k": kind, "h": h,
             "n": note.strip(), "now": clock.now_iso(), "by": session.account.username})
        rid = int(cur.lastrowid or 0)
        session.audit("edit", f"training_record:{rid}",
                      {"person": person.name, "date": day.isoformat(), "kind": kind, "hours": h})
    return rid


def remove_training(session: Session, record_id: int) -> None:
    """Delete a record entered by mistake (audited with what it said)."""
    require(session, can_keep_people, "删除培训记录")
    with session.db.transaction():
        row = session.db.one("SELECT staff_id, held_on, title, hours FROM training_records WHERE id = :i",
                             {"i": record_id})
        if row is None:
            raise InputRejected("这条培训记录不存在，可能已被删除。")
        session.db.execute("DELETE FROM training_records WHERE id = :i", {"i": record_id})
        session.audit("edit", f"training_record:{record_id}",
                      {"remove": row[2], "staff": row[0], "date": row[1], "hours": row[3]})


def list_training(session: Session, *, staff_id: int | None = None, start: dt.date | None = None,
                  end: dt.date | None = None) -> list[TrainingRecord]:
    """Records, newest first, for one person or everyone, optionally within ``start``..``end``."""
    rows = session.db.query(
        "SELECT t.id, t.staff_id, s.name, t.held_on, t.title, t.level, t.kind, t.hours, t.note"
        " FROM training_records t JOIN staff s ON s.id = t.staff_id"
        " WHERE (:s IS NULL OR t.staff_id = :s) AND (:a IS NULL OR t.held_on >= :a) AND (:b IS NULL OR t.held_on <= :b)"
        " ORDER BY t.held_on DESC, t.id DESC",
        {"s": staff_id, "a": start.isoformat() if start else None, "b": end.isoformat() if end else None})
    return [TrainingRecord(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], r[6], float(r[7]), r[8]) for r in rows]


@dataclass(frozen=True)
class Standing:
    """One person in the cycle holding ``on``: hours done against their norm, and supervision this school year."""

    staff_id: int
    name: str
    roles: tuple[str, ...]
    norm_group: str
    needed: float
    done: float
    supervisions: int
    supervisions_needed: int   # 0 unless a full-time psychological teacher

    @property
    def roles_label(self) -> str:
        return "、".join(STAFF_ROLES.get(r, r) for r in self.roles)

    @property
    def norm_label(self) -> str:
        return NORM_GROUPS[self.norm_group]

    @property
    def several_roles(self) -> bool:
        return len(self.roles) > 1

    @property
    def hours_short(self) -> bool:
        return self.done < self.needed

    @property
    def supervision_short(self) -> bool:
        return self.supervisions < self.supervisions_needed

    @property
    def short(self) -> bool:
        return self.hours_short or self.supervision_short

    @property
    def hours_label(self) -> str:
        return f"{hours_text(self.done)}/{hours_text(self.needed)} 学时"

    def shortfall_text(self) -> str:
        parts = []
        if self.hours_short:
            parts.append(f"培训 {self.hours_label}，差 {hours_text(self.needed - self.done)} 学时")
        if self.supervision_short:
            parts.append(f"本学年督导 {self.supervisions}/{self.supervisions_needed} 次")
        return "；".join(parts)

    def as_json(self) -> dict[str, object]:
        return {"staff_id": self.staff_id, "name": self.name, "roles": [STAFF_ROLES.get(r, r) for r in self.roles],
                "norm": self.norm_label, "needed": self.needed, "done": self.done,
                "supervisions": self.supervisions, "supervisions_needed": self.supervisions_needed,
                "hours_short": self.hours_short, "supervision_short": self.supervision_short}


def standings(session: Session, on: dt.date | None = None) -> tuple[Cycle, list[Standing]]:
    """Every active staff member's standing in the cycle holding ``on`` (default today), counting records up to
    ``on``. A person with several roles is held to the highest norm among them."""
    day = on or clock.today()
    settings = load_settings(session.db)
    cycle = cycle_for(day, settings.cycle_start_year)
    year_start, _year_end = school_year_of(day)
    hours: dict[int, float] = {}
    for sid, total in session.db.query(
            "SELECT staff_id, sum(hours) FROM training_records WHERE held_on >= :a AND held_on <= :b GROUP BY staff_id",
            {"a": cycle.start.isoformat(), "b": day.isoformat()}):
        hours[int(sid)] = float(total)
    sups: dict[int, int] = {}
    for sid, n in session.db.query(
            "SELECT staff_id, count(*) FROM training_records WHERE kind = 'supervision' AND held_on >= :a"
            " AND held_on <= :b GROUP BY staff_id", {"a": year_start.isoformat(), "b": day.isoformat()}):
        sups[int(sid)] = int(n)
    out: list[Standing] = []
    for m in list_staff(session.db):
        if not m.active:
            continue
        group = norm_group(m.roles, settings.norms)
        out.append(Standing(m.id, m.name, m.roles, group, settings.norms[group], round(hours.get(m.id, 0.0), 2),
                            sups.get(m.id, 0),
                            settings.supervisions_per_year if m.holds("psych_fulltime") else 0))
    out.sort(key=lambda s: (list(NORM_GROUPS).index(s.norm_group), s.name))
    return cycle, out


def shortfall(session: Session, on: dt.date | None = None) -> tuple[Cycle, list[Standing]]:
    """Who falls short in the cycle holding ``on``: of hours, or (full-time) of this school year's supervision."""
    cycle, rows = standings(session, on)
    return cycle, [s for s in rows if s.short]
