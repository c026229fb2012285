"""Per-campaign statistics: coverage by grade and class, level distribution by grade, positive rate per scale."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.policy import scope_condition, sees_unreviewed_levels, sees_warning_levels
from app.school.classnames import grade_name
from app.screening.campaigns import ClassProgress, progress
from app.screening.grading import LAST_REVIEW_SQL, as_reviewed
from app.screening.scales import all_scales
from app.screening.stored import scores_source
from app.session import Session


@dataclass(frozen=True)
class GradeCoverage:
    grade: int | None
    label: str
    targets: int
    done: int
    refused: int
    absent: int
    missing: int

    @property
    def rate(self) -> float:
        expected = self.targets - self.refused
        return self.done / expected if expected else 0.0


@dataclass(frozen=True)
class ScaleRate:
    scale_id: str
    label: str
    results: int
    positive: int
    critical: int

    @property
    def rate(self) -> float:
        return self.positive / self.results if self.results else 0.0


@dataclass(frozen=True)
class GradeScaleRate:
    grade: int | None
    grade_label: str
    scale: ScaleRate


@dataclass
class CampaignStats:
    classes: list[ClassProgress]
    grades: list[GradeCoverage]
    levels_by_grade: dict[str, dict[int, int]] = field(default_factory=dict)   # grade label -> {level: n}
    scales: list[ScaleRate] = field(default_factory=list)
    by_grade: list[GradeScaleRate] = field(default_factory=list)              # positive rate per grade and scale


def campaign_stats(session: Session, campaign_id: int) -> CampaignStats:
    classes = progress(session, campaign_id)
    by_grade: dict[int | None, list[ClassProgress]] = {}
    for c in classes:
        by_grade.setdefault(c.grade, []).append(c)
    grades = [GradeCoverage(g, grade_name(g) if g else "未分班", sum(c.targets for c in cs), sum(c.done for c in cs),
                            sum(c.refused for c in cs), sum(c.absent for c in cs), sum(c.missing for c in cs))
              for g, cs in sorted(by_grade.items(), key=lambda kv: kv[0] or 0)]
    cond, params = scope_condition(session.account)
    extra = " AND " + cond
    params["c"] = campaign_id
    levels: dict[str, dict[int, int]] = {g.label: {} for g in grades}
    rates: list[ScaleRate] = []
    per_grade: list[GradeScaleRate] = []
    # Counted levels and positive rates are what the machine assigned: a counselor's. A head teacher counts the
    # reviewed levels of their class only; a 管理员 no levels at all; neither sees the machine's positive rates.
    if sees_unreviewed_levels(session.account):
        for grade, level, n in session.db.query(
                "SELECT c.grade, l.level, count(*) FROM screening_levels l JOIN students s ON s.id = l.student_id"
                " LEFT JOIN classes c ON c.id = s.class_id WHERE l.campaign_id = :c AND l.level IS NOT NULL" + extra +
                " GROUP BY c.grade, l.level", params):
            levels.setdefault(grade_name(grade) if grade else "未分班", {})[level] = n
    elif sees_warning_levels(session.account):
        for grade, status, level, last in session.db.query(
                f"SELECT c.grade, l.status, l.level, {LAST_REVIEW_SQL} FROM screening_levels l"
                " JOIN students s ON s.id = l.student_id LEFT JOIN classes c ON c.id = s.class_id"
                " WHERE l.campaign_id = :c" + extra, params):
            seen = as_reviewed(status, level, last)
            if seen is not None and seen[1] is not None:
                counts = levels.setdefault(grade_name(grade) if grade else "未分班", {})
                counts[seen[1]] = counts.get(seen[1], 0) + 1
    if not sees_unreviewed_levels(session.account):
        return CampaignStats(classes, grades, levels, rates, per_grade)
    scales = all_scales(session.db)
    scores, join = scores_source(session.db)
    results = (f"(SELECT r.id, r.student_id, r.campaign_id, r.scale_id, {scores} FROM screening_results r{join}"
               " WHERE r.campaign_id = :c)")
    for sid, n, pos, crit in session.db.query(
            f"SELECT r.scale_id, count(*), sum(r.positive OR r.critical), sum(r.critical) FROM {results} r"
            " JOIN students s ON s.id = r.student_id WHERE r.campaign_id = :c" + extra +
            " GROUP BY r.scale_id ORDER BY r.scale_id", params):
        rates.append(ScaleRate(sid, scales[sid].short_name if sid in scales else sid, n, pos or 0, crit or 0))
    for grade, sid, n, pos, crit in session.db.query(
            "SELECT c.grade, r.scale_id, count(*), sum(r.positive OR r.critical), sum(r.critical)"
            f" FROM {results} r JOIN students s ON s.id = r.student_id LEFT JOIN classes c ON c.id = s.class_id"
            " WHERE r.campaign_id = :c" + extra + " GROUP BY c.grade, r.scale_id ORDER BY c.grade, r.scale_id", params):
        per_grade.append(GradeScaleRate(grade, grade_name(grade) if grade else "未分班",
                                       ScaleRate(sid, scales[sid].short_name if sid in scales else sid, n, pos or 0,
                                                 crit or 0)))
    return CampaignStats(classes, grades, levels, rates, per_grade)
