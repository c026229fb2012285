"""The shapes every indicator provider returns: a period, a figure, and the evidence behind it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

PeriodKind = Literal["month", "semester", "year"]


@dataclass(frozen=True)
class Period:
    """A closed date range: a calendar month, a semester (from the school's calendar) or a school year.

    ``label`` is what the user typed or sees (``2026-10``, ``2026-2027 第一学期``, ``2026-2027``); ``start`` and
    ``end`` are inclusive."""

    kind: PeriodKind
    start: dt.date
    end: dt.date
    label: str

    def contains(self, day: dt.date | str) -> bool:
        d = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])
        return self.start <= d <= self.end

    @property
    def start_iso(self) -> str:
        return self.start.isoformat()

    @property
    def end_iso(self) -> str:
        """The end as an ISO date; compare timestamps with ``< end_next_iso`` instead."""
        return self.end.isoformat()

    @property
    def end_next_iso(self) -> str:
        """The day after the end (``occurred_at < end_next_iso`` includes the whole last day)."""
        return (self.end + dt.timedelta(days=1)).isoformat()


@dataclass(frozen=True)
class Evidence:
    """One thing behind a figure: a record found, or something missing (``missing=True``).

    ``label`` is Chinese and names things as the school writes them (class names, student names only where the
    reader may see them); ``kind`` and ``ref_id`` let the window open the record (``("class", 12)``,
    ``("crisis_case", 4)``, ``("student", 88)``)."""

    label: str
    kind: str = ""
    ref_id: int | None = None
    missing: bool = False


@dataclass(frozen=True)
class Figure:
    """One figure for a period.

    ``key`` is stable English (``screening.coverage``, ``courses.lessons_every_class``) and is what the monthly
    checklist, the report and the county export refer to; ``area`` groups figures (``staffing``, ``screening``,
    ``crisis``, ``talks``, ``courses``, ``people``, ``network``, ``loop``); ``title`` is Chinese; ``counts`` says in
    Chinese what is counted. ``value`` is the number (or ratio); ``target`` the number it is measured against
    (``None`` when there is none); ``ok`` whether it meets the norm (``None`` when there is no norm).
    ``breakdown`` holds sub-figures by grade, level etc. (JSON-safe)."""

    key: str
    area: str
    title: str
    counts: str
    value: float | int
    unit: str = ""
    target: float | int | None = None
    ok: bool | None = None
    evidence: tuple[Evidence, ...] = ()
    breakdown: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "area": self.area, "title": self.title, "counts": self.counts,
            "value": self.value, "unit": self.unit, "target": self.target, "ok": self.ok,
            "breakdown": self.breakdown,
            "evidence": [{"label": e.label, "kind": e.kind, "ref_id": e.ref_id, "missing": e.missing}
                         for e in self.evidence],
        }
