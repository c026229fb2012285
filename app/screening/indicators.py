"""Screening's figures for a period: coverage by grade, completed within each stage's window, the level
distribution, follow-up interviews held on time, and plans current for confirmed levels.

A campaign counts for a period when its window overlaps it. Counts only (no answers, no free text); names of
students only for a counselor (``sees_unreviewed_levels``)."""
from __future__ import annotations

from app.indicators.model import Evidence, Figure, Period
from app.policy import sees_unreviewed_levels, sees_warning_levels
from app.screening.campaigns import Campaign, deadline_stage, list_campaigns
from app.screening.stats import campaign_stats
from app.screening.workbench import confirmed_levels
from app.session import Session

LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级"}


def _campaigns(session: Session, period: Period) -> list[Campaign]:
    return [c for c in list_campaigns(session.db)
            if c.window_start[:10] <= period.end_iso and c.window_end[:10] >= period.start_iso]


def screening_figures(session: Session, period: Period) -> list[Figure]:
    campaigns = _campaigns(session, period)
    names = "、".join(c.name for c in campaigns) or "本期无测评活动"
    grades: dict[str, list[int]] = {}      # grade label -> [done, expected]
    missing: list[Evidence] = []
    levels: dict[str, dict[str, int]] = {}
    for c in campaigns:
        stats = campaign_stats(session, c.id)
        for g in stats.grades:
            row = grades.setdefault(g.label, [0, 0])
            row[0] += g.done
            row[1] += g.targets - g.refused
        for p in stats.classes:
            if p.missing + p.absent:
                missing.append(Evidence(f"{p.class_name} 缺 {p.missing + p.absent} 人（{c.name}）", "class",
                                        p.class_id, missing=True))
        for label, counts in stats.levels_by_grade.items():
            into = levels.setdefault(label, {})
            for lv, n in counts.items():
                into[LEVEL_NAMES.get(lv, str(lv))] = into.get(LEVEL_NAMES.get(lv, str(lv)), 0) + n
    done, expected = sum(r[0] for r in grades.values()), sum(r[1] for r in grades.values())
    figures = [Figure(
        "screening.coverage", "screening", "测评覆盖率",
        f"窗口与本期重叠的测评活动（{names}）中应测学生（不含家长拒绝）已有结果的人数，按年级", done, "人",
        target=expected, ok=(done >= expected) if campaigns else None, evidence=tuple(missing),
        breakdown={label: {"done": d, "expected": e} for label, (d, e) in grades.items()})]
    figures.append(_on_time(session, campaigns, names))
    if sees_warning_levels(session.account):
        total = sum(sum(v.values()) for v in levels.values())
        figures.append(Figure(
            "screening.levels", "screening", "预警等级分布",
            "本期测评活动中有预警等级的学生人数，按年级和等级" + ("" if sees_unreviewed_levels(session.account)
                                                              else "（仅心理教师复核过的等级）"),
            total, "人", breakdown=levels))
    if sees_unreviewed_levels(session.account):
        figures.append(_interviews(session, period))
        figures.append(_plans(session))
    return figures


def _on_time(session: Session, campaigns: list[Campaign], names: str) -> Figure:
    """Results taken by their stage's deadline (primary 09-30, secondary 10-31 unless the campaign sets others)."""
    on_time = total = 0
    late: dict[str, int] = {}
    for c in campaigns:
        # one row per class and first day a student there was screened (the first scale taken counts)
        for grade, cls, taken, n in session.db.query(
                "SELECT grade, cls, taken, count(*) FROM (SELECT c.grade AS grade, c.name AS cls,"
                " substr(min(r.taken_on), 1, 10) AS taken FROM screening_results r JOIN students s ON s.id = r.student_id"
                " LEFT JOIN classes c ON c.id = s.class_id WHERE r.campaign_id = :c GROUP BY r.student_id)"
                " GROUP BY grade, cls, taken", {"c": c.id}):
            total += n
            deadline = c.deadline_for(deadline_stage(grade)) if grade else c.window_end
            if str(taken) <= deadline[:10]:
                on_time += n
            else:
                late[cls or "（未分班）"] = late.get(cls or "（未分班）", 0) + n
    return Figure("screening.on_time", "screening", "按期完成测评",
                  f"测评活动（{names}）中在本学段截止日期（小学 9 月 30 日、中学 10 月 31 日，或活动另设）前完成的人数",
                  on_time, "人", target=total, ok=(on_time >= total) if campaigns else None,
                  evidence=tuple(Evidence(f"{cls} 逾期 {n} 人", "class", missing=True) for cls, n in late.items()))


def _interviews(session: Session, period: Period) -> Figure:
    """Entries whose follow-up interview fell due in the period, and those held by the due date."""
    held = total = 0
    evidence: list[Evidence] = []
    for _eid, sid, name, cls, due, first in session.db.query(
            "SELECT l.id, l.student_id, s.name, c.name, l.due_date, i.first FROM screening_levels l"
            " JOIN students s ON s.id = l.student_id LEFT JOIN classes c ON c.id = s.class_id"
            " LEFT JOIN (SELECT entry_id, min(held_on) AS first FROM screening_interviews GROUP BY entry_id) i"
            " ON i.entry_id = l.id WHERE l.due_date != '' AND l.due_date >= :s"
            " AND l.due_date <= :e ORDER BY l.due_date", {"s": period.start_iso, "e": period.end_iso}):
        total += 1
        if first is not None and str(first)[:10] <= str(due)[:10]:
            held += 1
        else:
            state = f"{str(first)[:10]} 才访谈" if first else "尚未访谈"
            evidence.append(Evidence(f"{name}（{cls or '未分班'}）应于 {due[:10]} 访谈，{state}", "student", sid,
                                     missing=True))
    return Figure("screening.interviews_on_time", "screening", "复核访谈按时完成",
                  "本期到期的复核访谈中在到期日（含）前完成的人数", held, "人", target=total, ok=held >= total,
                  evidence=tuple(evidence))


def _plans(session: Session) -> Figure:
    rows = confirmed_levels(session)
    current = [r for r in rows if r.plan_current]
    return Figure("archive.plans_current", "talks", "确认等级学生有现行一生一策",
                  "预警等级已确认的在读学生中，有覆盖确认日期的一生一策方案的人数", len(current), "人",
                  target=len(rows), ok=len(current) >= len(rows),
                  evidence=tuple(Evidence(f"{r.name}（{r.class_name or '未分班'}）{LEVEL_NAMES.get(r.level, '')}"
                                          f"（{r.since[:10]} 确认）尚无方案", "student", r.student_id, missing=True)
                                 for r in rows if not r.plan_current))
