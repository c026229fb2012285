"""The seven charts of a school's 统计报表 for a period, from the indicators (``app.indicators``) and the
capabilities' own read functions. Counts and class names only: no student is named, no note is read.

- ``levels_by_grade``     预警等级（按年级）               screening.levels
- ``screening_coverage``  测评覆盖（按年级）               screening.coverage
- ``sessions_by_month``   每月辅导与谈话记录（按类型）       app.casework.monthly
- ``crisis_cases``        危机个案（按等级与状态）          app.crisis.cases.list_cases, as crisis.cases counts
- ``one_plus_one``        “1+1”课程与活动完成（按班级）      app.courses.progress.class_grid, as the courses figures
- ``talk_feedback``       一生一谈与一反馈覆盖（按年级）      casework.talk_coverage / feedback_coverage / home_visits
- ``training_hours``      教职工培训学时达标（按要求类别）    people.training_hours

The page is a counselor's (``can_counsel``): a head teacher sees their class elsewhere, a 管理员 no student work."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app import clock
from app.charts.builders import Chart, Table, grouped_bar, stacked_bar
from app.indicators.model import Figure, Period
from app.policy import can_counsel, require
from app.session import Session

CHARTS: tuple[tuple[str, str], ...] = (
    ("levels_by_grade", "各年级预警等级分布"),
    ("screening_coverage", "各年级测评覆盖情况"),
    ("sessions_by_month", "每月辅导与谈话记录（按类型）"),
    ("crisis_cases", "危机个案（按等级与状态）"),
    ("one_plus_one", "“1+1”课程与活动完成情况（按班级）"),
    ("talk_feedback", "一生一谈与一反馈覆盖率（按年级）"),
    ("training_hours", "教职工培训学时达标情况"),
)
TITLES = dict(CHARTS)
LEVEL_COLOURS = {"一级": "#d32f2f", "二级": "#f57c00", "三级": "#fbc02d"}
STATUS_COLOURS = {"进行中": "#e15759", "已结案": "#59a14f"}


@dataclass
class SchoolData:
    """Everything the seven charts draw, read once for a period (on a worker thread)."""
    period: Period
    figures: dict[str, Figure]
    sessions: dict[str, dict[str, int]]             # month -> kind -> records
    crisis: dict[str, dict[str, int]]               # level label -> status -> cases
    one_plus_one: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    # (class, months begun, lesson months met, activity months met, both met)
    grades: dict[str, str] = field(default_factory=dict)   # class name -> grade name


def read_data(session: Session, period: Period, figures: list[Figure] | None = None) -> SchoolData:
    """The data behind the charts for ``period``; ``figures`` when the caller already computed the indicators."""
    from app.casework.monthly import records_by_month
    from app.indicators.compute import by_key, compute

    require(session, can_counsel, "查看统计报表")
    figs = by_key(figures if figures is not None else compute(session, period))
    return SchoolData(period, figs, records_by_month(session, period.start, period.end),
                      _crisis(session, period), _one_plus_one(session, period), _grades(session))


def _grades(session: Session) -> dict[str, str]:
    from app.school.classes import list_classes
    from app.school.classnames import grade_name

    return {c.name: grade_name(c.grade) for c in list_classes(session.db)}


def _crisis(session: Session, period: Period) -> dict[str, dict[str, int]]:
    """Cases active in the period (opened before its end, not closed before its start) by level and by whether
    they were closed within it: the same cases ``crisis.cases`` counts."""
    from app.crisis.cases import list_cases
    from app.crisis.rules import LEVEL_LABELS

    out = {label: {"进行中": 0, "已结案": 0} for label in LEVEL_LABELS.values()}
    end_next = period.end_next_iso
    for c in list_cases(session):
        if c.opened_at >= end_next or (c.closed_at is not None and c.closed_at < period.start_iso):
            continue
        closed_in = c.closed_at is not None and c.closed_at < end_next
        out.setdefault(c.level_label, {"进行中": 0, "已结案": 0})["已结案" if closed_in else "进行中"] += 1
    return out


def _one_plus_one(session: Session, period: Period) -> list[tuple[str, int, int, int, int]]:
    """Per class, over the teaching months of the period that have begun: months whose lesson norm was met, whose
    activity norm was met, and both (a month counts when something was held and nothing fell short)."""
    from app.courses.progress import class_grid

    today = clock.today()
    grid = class_grid(session, period.start, period.end, today=today)
    begun = [m.label for m in grid.months if m.start <= today]
    rows = []
    for r in grid.rows:
        lesson = [m for m in begun if r.cells[m].lessons > 0 and not r.cells[m].lessons_short]
        act = [m for m in begun if r.cells[m].activities > 0 and not r.cells[m].activities_short]
        rows.append((r.name, len(begun), len(lesson), len(act), len(set(lesson) & set(act))))
    return rows


# -- the charts ----------------------------------------------------------------------------------------------------
def levels_by_grade(d: SchoolData) -> Chart:
    fig = d.figures.get("screening.levels")
    levels: dict[str, dict[str, int]] = fig.breakdown if fig is not None else {}
    grades = list(levels)
    names = [n for n in LEVEL_COLOURS if any(n in levels[g] for g in grades)] or list(LEVEL_COLOURS)
    series = {n: [int(levels[g].get(n, 0)) for g in grades] for n in names}
    chart = stacked_bar("school.levels_by_grade", TITLES["levels_by_grade"], grades, series, category="年级",
                        ylabel="人数", colours=LEVEL_COLOURS)
    chart.note = fig.counts if fig is not None else "当前账号看不到预警等级。"
    return chart


def screening_coverage(d: SchoolData) -> Chart:
    fig = d.figures.get("screening.coverage")
    by: dict[str, dict[str, int]] = fig.breakdown if fig is not None else {}
    grades = list(by)
    done = [int(by[g]["done"]) for g in grades]
    left = [max(0, int(by[g]["expected"]) - int(by[g]["done"])) for g in grades]
    chart = stacked_bar("school.screening_coverage", TITLES["screening_coverage"], grades,
                        {"已完成": done, "未完成": left}, category="年级", ylabel="人数",
                        colours={"已完成": "#4caf50", "未完成": "#bdbdbd"})
    rows = tuple((g, dn, int(by[g]["expected"]), _pct(dn, int(by[g]["expected"])))
                 for g, dn in zip(grades, done, strict=True))
    chart.table = Table(chart.title, ("年级", "已完成", "应测（不含家长拒绝）", "覆盖率"), rows)
    chart.note = fig.counts if fig is not None else ""
    return chart


def sessions_by_month(d: SchoolData) -> Chart:
    from app.casework.model import KIND_LABELS, KINDS

    months = list(d.sessions)
    kinds = [k for k in KINDS if any(d.sessions[m][k] for m in months)] or ["individual", "group", "talk"]
    series = {KIND_LABELS[k]: [d.sessions[m][k] for m in months] for k in kinds}
    chart = stacked_bar("school.sessions_by_month", TITLES["sessions_by_month"], months, series, category="月份",
                        ylabel="记录数")
    chart.note = "本期每月记录的个体咨询、团体辅导、谈心谈话和家校沟通（家长面谈、电话、家访）次数，按发生日期。"
    return chart


def crisis_cases(d: SchoolData) -> Chart:
    levels = list(d.crisis)
    series = {s: [d.crisis[lv][s] for lv in levels] for s in ("进行中", "已结案")}
    chart = stacked_bar("school.crisis_cases", TITLES["crisis_cases"], [f"{lv}心理危机" for lv in levels], series,
                        category="等级", ylabel="个案数", colours=STATUS_COLOURS)
    chart.note = "本期内处于进行中的危机个案（本期新开、跨期延续或本期结案），按等级；“已结案”为本期内结案。"
    return chart


def one_plus_one(d: SchoolData) -> Chart:
    rows = d.one_plus_one
    labels = [r[0] for r in rows]
    begun = max((r[1] for r in rows), default=0)
    series = {"心理课达标月数": [r[2] for r in rows], "主题活动达标月数": [r[3] for r in rows]}
    width = min(9.0, max(5.6, 0.3 * len(labels)))
    chart = grouped_bar("school.one_plus_one", TITLES["one_plus_one"], labels, series, category="班级",
                        ylabel="月数", ymax=max(begun, 1) * 1.25, colours={"心理课达标月数": "#4e79a7",
                                                                          "主题活动达标月数": "#f28e2b"},
                        width=width)
    chart.table = Table(
        chart.title, ("班级", "已开始教学月", "心理课达标月数", "主题活动达标月数", "两项均达标月数", "完成率"),
        tuple((r[0], r[1], r[2], r[3], r[4], _pct(r[4], r[1])) for r in rows))
    chart.note = f"本期已开始的 {begun} 个教学月中，每班心理课、主题活动达到所选规范的月数。"
    return chart


def talk_feedback(d: SchoolData) -> Chart:
    measures = (("casework.talk_coverage", "一生一谈"), ("casework.feedback_coverage", "一反馈"),
                ("casework.home_visits", "重点学生家访"))
    grades: dict[str, dict[str, list[int]]] = {}
    for key, name in measures:
        fig = d.figures.get(key)
        for cls, v in (fig.breakdown if fig is not None else {}).items():
            into = grades.setdefault(d.grades.get(cls, cls), {n: [0, 0] for _k, n in measures})
            into[name][0] += int(v["done"])
            into[name][1] += int(v["total"])
    labels = list(grades)
    series = {f"{n}（%）": [_pct_value(grades[g][n][0], grades[g][n][1]) for g in labels] for _k, n in measures}
    chart = grouped_bar("school.talk_feedback", TITLES["talk_feedback"], labels, series, category="年级",
                        ylabel="%", ymax=115, value_format="{:.0f}")
    headers = ["年级"]
    for _k, n in measures:
        headers += [f"{n} 已完成", f"{n} 应完成", f"{n} 覆盖率"]
    rows = []
    for g in labels:
        row: list[object] = [g]
        for _k, n in measures:
            done, total = grades[g][n]
            row += [done, total, _pct(done, total)]
        rows.append(tuple(row))
    chart.table = Table(chart.title, tuple(headers), tuple(rows))
    chart.note = "在读学生本学期已有谈话记录、应反馈学生已有家长会/电话/家访记录、重点学生已家访的比例（按年级）。"
    return chart


def training_hours(d: SchoolData) -> Chart:
    fig = d.figures.get("people.training_hours")
    by: dict[str, dict[str, int]] = (fig.breakdown.get("by_norm", {}) if fig is not None else {})
    labels = list(by)
    met = [int(by[n]["met"]) for n in labels]
    short = [int(by[n]["people"]) - int(by[n]["met"]) for n in labels]
    chart = stacked_bar("school.training_hours", TITLES["training_hours"], labels, {"已达标": met, "未达标": short},
                        category="学时要求", ylabel="人数", colours={"已达标": "#59a14f", "未达标": "#e15759"})
    chart.note = fig.counts if fig is not None else ""
    return chart


BUILDERS: dict[str, Callable[[SchoolData], Chart]] = {
    "levels_by_grade": levels_by_grade, "screening_coverage": screening_coverage,
    "sessions_by_month": sessions_by_month, "crisis_cases": crisis_cases, "one_plus_one": one_plus_one,
    "talk_feedback": talk_feedback, "training_hours": training_hours,
}


def school_charts(session: Session, period: Period, figures: list[Figure] | None = None) -> list[Chart]:
    """The seven charts for ``period``, in :data:`CHARTS` order (call on a worker thread: it reads and draws)."""
    data = read_data(session, period, figures)
    return [BUILDERS[key](data) for key, _title in CHARTS]


def _pct_value(done: int, total: int) -> float:
    return round(done * 100 / total, 1) if total else 0.0


def _pct(done: int, total: int) -> str:
    return f"{done * 100 / total:.1f}%" if total else "—"


def today_period(session: Session) -> Period:
    """The semester containing today, else the current month (what the page opens on)."""
    from app.indicators.periods import month_period, semester_containing

    today = clock.today()
    return semester_containing(session.db, today) or month_period(today.year, today.month)





def period_choices(session: Session) -> list[str]:
    """What the page's period picker offers: every semester of the calendar (newest first), then the months of the
    current semester up to this one. Any other period can be typed (``app.indicators.periods``)."""
    from app.indicators.periods import months_of, semester_containing
    from app.school.calendar import list_semesters

    today = clock.today()
    out = [s.name for s in reversed(list_semesters(session.db)) if s.start_date <= today.isoformat()]
    current = semester_containing(session.db, today)
    if current is not None:
        out += [m.label for m in reversed(months_of(current)) if m.start <= today]
    return out
