"""The warning network's figures for a period: monthly routine reports in (every eligible class and every room
with an informant), and classes gone quiet (no routine report for ``QUIET_MONTHS`` months running). Counts from
``app.network.reports.overview``, the one place that knows who reported; no report text is read."""
from __future__ import annotations

from app import clock
from app.indicators.model import Evidence, Figure, Period
from app.indicators.periods import month_period, months_of
from app.network.reports import overview
from app.policy import does_student_work
from app.session import Session

QUIET_MONTHS = 2


def network_figures(session: Session, period: Period) -> list[Figure]:
    if not does_student_work(session.account):
        return []
    today = clock.today()
    months = [m for m in months_of(period) if m.start <= today] or months_of(period)[:1]
    done = expected = 0
    evidence: list[Evidence] = []
    seen: dict[str, dict] = {}
    for m in months:
        data = seen[m.label] = overview(session, m.label)
        units = len(data["classes"]) + len(data["rooms"])
        expected += units
        done += units - len(data["missing"])
        evidence.extend(Evidence(f"{m.label} {x['name']} 未报告", x["kind"], missing=True) for x in data["missing"])
    figures = [Figure("network.reports_in", "network", "预警网络月报到齐",
                      "每月应报的班级（心理委员）和宿舍（信息员）中已交例行月报的数目", done, "份", target=expected,
                      ok=done >= expected, evidence=tuple(evidence))]
    last = months[-1]
    quiet = {x["name"] for x in seen[last.label]["missing"] if x["kind"] == "class"}
    y, mo = last.start.year, last.start.month
    for _ in range(QUIET_MONTHS - 1):
        y, mo = (y - 1, 12) if mo == 1 else (y, mo - 1)
        label = month_period(y, mo).label
        earlier = seen.get(label) or overview(session, label)
        quiet &= {x["name"] for x in earlier["missing"] if x["kind"] == "class"}
    figures.append(Figure("network.quiet_classes", "network", "沉默班级",
                          f"截至 {last.label} 连续 {QUIET_MONTHS} 个月没有交例行月报的班级数", len(quiet), "个",
                          target=0, ok=not quiet,
                          evidence=tuple(Evidence(f"{n} 连续 {QUIET_MONTHS} 个月未报告", "class", missing=True)
                                         for n in sorted(quiet))))
    return figures
