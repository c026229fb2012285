"""The semester report: one PDF with a cover, a table of contents and nine sections whose every figure comes from
the indicators (``app.indicators.compute``) and whose charts are the 统计报表's (``app.reports.charts``).

Figures and class names only: no student is named (evidence naming a student, a crisis case or a staff member is
left out; the counts stand), and no note of any tier is read. Written in one piece and audited as an export."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app import clock
from app.charts.builders import Chart
from app.errors import InputRejected
from app.indicators.model import Figure, Period
from app.pdf.document import ReportDocument
from app.policy import can_counsel, require
from app.session import Session

Progress = Callable[[int, int, str], None]   # (done, total, what): may raise to stop
CHART_DPI = 150
CHART_WIDTH = 400.0     # points: two thirds of the text width, a chart and its table share a page
# evidence kinds that name no person: printed under a figure that falls short
PRINTED_EVIDENCE = ("class", "month", "loop_month", "parent_school", "duty_day", "room", "dorm")
MAX_EVIDENCE = 12


@dataclass(frozen=True)
class Section:
    title: str
    keys: tuple[str, ...]           # figures shown in this section's table, in order
    charts: tuple[str, ...] = ()    # app.reports.charts keys


SECTIONS: tuple[Section, ...] = (
    Section("一、师资配备", ("staffing.fulltime", "staffing.ratio", "people.supervision", "people.duty_coverage")),
    Section("二、心理测评与预警等级", ("screening.coverage", "screening.on_time", "screening.levels", "safety.same_day",
                                "screening.interviews_on_time", "archive.plans_current"),
            ("screening_coverage", "levels_by_grade")),
    Section("三、心理危机干预与转介", ("crisis.cases", "crisis.referrals", "crisis.leave_return", "crisis.overdue_steps"),
            ("crisis_cases",)),
    Section("四、心理健康课程与主题活动（“1+1”）", ("courses.lessons_every_class", "courses.activities_every_class",
                                        "courses.hours_semester"), ("one_plus_one",)),
    Section("五、谈心谈话、家校反馈与家访", ("casework.talk_coverage", "casework.feedback_coverage", "casework.home_visits"),
            ("talk_feedback", "sessions_by_month")),
    Section("六、家长学校与家长推送", ("courses.parent_school", "courses.parent_push")),
    Section("七、教职工培训", ("people.training_hours",), ("training_hours",)),
    Section("八、心理预警网络", ("network.reports_in", "network.quiet_classes")),
    Section("九、每月“心育”闭环管理", ("loop.meeting", "loop.status")),
)


@dataclass(frozen=True)
class ReportWritten:
    path: Path
    pages: int
    period: Period
    headings: int


def semester_period(session: Session, text: str) -> Period:
    """The semester ``text`` names (the forms ``app.indicators.periods`` reads); a month or a year is refused."""
    from app.indicators.periods import PERIOD_HELP, parse_period

    period = parse_period(session.db, text)
    if period.kind != "semester":
        raise InputRejected(f"“{text}”是{'月份' if period.kind == 'month' else '学年'}，学期报告需要一个学期，"
                            f"如 2026-2027-1 或 2026秋。{PERIOD_HELP}。")
    return period


def value_text(f: Figure, v: float | int | None) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.2f}".rstrip("0").rstrip(".") + f" {f.unit}".rstrip()
    return f"{int(v)} {f.unit}".rstrip()


def verdict(f: Figure) -> str:
    return "—" if f.ok is None else ("达标" if f.ok else "未达标")


def _figure_rows(figs: list[Figure]) -> list[list[object]]:
    return [[f.title, value_text(f, f.value), value_text(f, f.target), verdict(f)] for f in figs]


def build_report(session: Session, period: Period, *, progress: Progress | None = None) -> ReportDocument:
    """The report document for ``period`` (read and drawn here: call on a worker thread from the window)."""
    from app.courses.norms import current_norms
    from app.indicators.compute import compute
    from app.reports.charts import BUILDERS, read_data

    require(session, can_counsel, "生成学期报告")
    steps = total_steps()
    report = progress or (lambda _d, _t, _w: None)
    report(0, steps, "正在计算本学期的各项指标……")
    figures = compute(session, period)
    by = {f.key: f for f in figures}
    report(1, steps, "正在读取统计图的数据……")
    data = read_data(session, period, figures)
    charts: dict[str, tuple[Chart, bytes]] = {}
    for i, (key, build) in enumerate(BUILDERS.items()):
        report(2 + i, steps, f"正在绘制统计图：{key}")
        chart = build(data)
        charts[key] = (chart, chart.png(CHART_DPI))
    report(2 + len(BUILDERS), steps, "正在排版报告……")

    school = session.school_name()
    doc = ReportDocument(title=f"{period.label} 心理健康教育工作报告", school=school)
    who = session.account.display_name or session.account.username
    doc.cover([f"报告期间：{period.start_iso} 至 {period.end_iso}", f"生成日期：{clock.today().isoformat()}",
               f"填报人：{who}", "本报告由心桥根据学校记录自动统计，只含数字和班级，不含学生姓名和谈话内容。"])
    doc.contents()

    doc.heading("概览")
    shown = [by[k] for s in SECTIONS for k in s.keys if k in by]
    met = sum(1 for f in shown if f.ok)
    short = [f for f in shown if f.ok is False]
    doc.paragraph(f"本学期共统计 {len(shown)} 项指标，其中有达标要求的 {sum(1 for f in shown if f.ok is not None)} 项："
                  f"达标 {met} 项，未达标 {len(short)} 项。"
                  + ("未达标的是：" + "、".join(f.title for f in short) + "。" if short else ""))
    doc.table(["指标", "本期", "目标", "评价"], _figure_rows(shown), [190, 110, 110, 73])

    number = 0
    for section in SECTIONS:
        doc.heading(section.title)
        figs = [by[k] for k in section.keys if k in by]
        if not figs:
            doc.paragraph("当前账号看不到这一部分的数字。", "note")
            continue
        if section.title.startswith("四"):
            norms = current_norms(session.db)
            doc.paragraph(f"对照的课程规范：{norms.name}" + (f"（{norms.source}）" if norms.source else "") + "。")
        doc.table(["指标", "本期", "目标", "评价"], _figure_rows(figs), [190, 110, 110, 73])
        for f in figs:
            doc.paragraph(f"{f.title}：{f.counts}。", "note")
        _details(doc, section, by)
        for key in section.charts:
            chart, png = charts[key]
            number += 1
            doc.chart(png, caption=chart.note, heading=f"图 {number}　{chart.title}", width=CHART_WIDTH)
            doc.table(list(chart.table.headers), [list(r) for r in chart.table.rows])
        for f in figs:
            _evidence(doc, f)
    report(3 + len(BUILDERS), steps, "正在写出 PDF……")
    return doc


def total_steps() -> int:
    """Progress steps of one report: the indicators, the chart data, each chart, the layout, the file, done."""
    from app.reports.charts import BUILDERS

    return 5 + len(BUILDERS)


def _details(doc: ReportDocument, section: Section, by: dict[str, Figure]) -> None:
    """A section's breakdowns that no chart shows."""
    if "crisis.referrals" in section.keys and "crisis.referrals" in by:
        ref, leave = by["crisis.referrals"].breakdown, by.get("crisis.leave_return")
        rows: list[list[object]] = [["转介（绿色通道）", ref.get("绿色通道", 0)], ["转介（其他途径）", ref.get("其他途径", 0)]]
        if leave is not None:
            rows += [["休学", leave.breakdown.get("休学", 0)], ["复学", leave.breakdown.get("复学", 0)]]
        doc.table(["项目", "人次"], rows, [240, 120])
    if "courses.parent_school" in section.keys and "courses.parent_school" in by:
        ps = by["courses.parent_school"]
        b = ps.breakdown
        doc.table(["项目", "本期", "目标"], [
            ["家长学校次数", int(ps.value), value_text(ps, ps.target)],
            ["家长学校课时", f"{float(b.get('hours', 0)):g}", f"{float(b.get('target_hours', 0)):g}"],
            ["含心理健康内容的次数", b.get("mental_health_sessions", 0), 1]], [200, 140, 140])
        push = by.get("courses.parent_push")
        if push is not None and push.breakdown.get("pushes"):
            doc.table(["月份", "家长推送次数"], sorted(push.breakdown["pushes"].items()), [200, 140])
    if "staffing.ratio" in section.keys and "staffing.ratio" in by:
        b = by["staffing.ratio"].breakdown
        doc.table(["项目", "人数"], [["专职心理教师", b.get("fulltime", 0)], ["兼职心理教师", b.get("parttime", 0)],
                                   ["有在读学生的班级", b.get("classes", 0)], ["按每 10 个班 1 名应配", b.get("needed", 0)]],
                  [240, 120])


def _evidence(doc: ReportDocument, f: Figure) -> None:
    lines = [e.label for e in f.evidence if e.missing and e.kind in PRINTED_EVIDENCE]
    if f.ok is False and lines:
        more = f"……等 {len(lines)} 项" if len(lines) > MAX_EVIDENCE else ""
        doc.paragraph(f"{f.title}未达标之处：" + "；".join(lines[:MAX_EVIDENCE]) + more + "。", "note")


def write_semester_report(session: Session, semester: str | Period, out: Path, *,
                          progress: Progress | None = None) -> ReportWritten:
    """Build the report for ``semester`` and write it to ``out`` (.pdf), audited as an export."""
    from app.store.fileio import atomic_write_bytes
    from app.store.outpaths import check_out_path

    require(session, can_counsel, "生成学期报告")
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise InputRejected(f"学期报告的文件名应以 .pdf 结尾，例如 {out.with_suffix('.pdf').name}。")
    if not out.parent.is_dir():
        raise InputRejected(f"文件夹“{out.parent}”不存在。请选择一个已有的文件夹。")
    # the CLI's rule for the window too: never among vault.db, keyslots.json and the backups
    check_out_path(out, session.paths.root, [".pdf"], force=True)
    period = semester if isinstance(semester, Period) else semester_period(session, semester)
    doc = build_report(session, period, progress=progress)
    data, pages = doc.render()
    with session.db.transaction():
        atomic_write_bytes(out, data)
        session.audit("export", str(out.resolve()), {"what": "学期报告", "period": period.label, "pages": pages,
                                                     "format": "pdf", "named": False})
    if progress is not None:
        progress(total_steps(), total_steps(), "已完成")
    return ReportWritten(out, pages, period, len(doc.headings))
