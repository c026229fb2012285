"""The county centre's charts, built on the shared chart builders (``app.charts``): for one period, how many schools
meet each norm and each school's figures against their targets (staffing, screening coverage, "1+1", talks,
training); over a span, the district's rate of each figure and the schools reporting. Plain matplotlib figures (no
Qt): the district page draws them to PNG on a worker thread, the inspection report puts the same PNGs in its PDF.
Each chart carries its table (the same numbers), for the report and for saving."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from app.charts.builders import Chart, Table, grouped_bar, line, stacked_bar
from app.exchange.trends import groups_present, school_rates

MANY_SCHOOLS = 24           # more bars than this: the schools' rates are shown as a distribution instead
CAP = 200.0                 # a bar or point above this is drawn at it and labelled "≥200" (the table has the number)
BANDS = ((0, 50, "不足50%"), (50, 80, "50%–79%"), (80, 100, "80%–99%"), (100, math.inf, "达到目标"))
STATUS_COLOURS = {"达标": "#59a14f", "未达标": "#e15759", "无标准": "#bab0ac", "未上报": "#9c755f"}


def _target_line(chart: Chart, at: float = 100.0) -> Chart:
    """A dashed line at the target (100%); no "nan" label over a school or period without the figure, "≥200" over
    one drawn at the cap; a note when nothing has a target."""
    ax = chart.figure.axes[0]
    for text in list(ax.texts):
        if text.get_text() == "nan":
            text.remove()
        elif text.get_text() == f"{CAP:.0f}":
            text.set_text(f"≥{CAP:.0f}")
    if any(isinstance(r, int | float) and r > CAP for row in chart.table.rows for r in row[1:]):
        ax.set_ylabel(f"{ax.get_ylabel()}（超过 {CAP:.0f}% 的画在 {CAP:.0f}%）", fontsize=8)
    if all(r is None for row in chart.table.rows for r in row[1:]):
        ax.text(0.5, 0.5, "没有可对照目标的数字", ha="center", va="center", transform=ax.transAxes, color="#757575")
    ax.axhline(at, color="#e15759", linestyle="--", linewidth=1)
    low, high = ax.get_ylim()
    ax.set_ylim(low, max(high, at * 1.15))
    return chart


def _num(v: float | None) -> float:
    """A rate for drawing: a gap for none, capped at ``CAP``."""
    return float("nan") if v is None else min(float(v), CAP)


def _slanted(chart: Chart, labels: Sequence[str]) -> Chart:
    """Long category names slanted under their bars instead of overlapping."""
    ax = chart.figure.axes[0]
    ax.set_xticks(list(range(len(labels))), list(labels), rotation=30, ha="right", fontsize=8)
    return chart


def status_chart(view: dict[str, Any], width: float = 6.4, height: float = 3.6) -> Chart:
    """How many schools meet each figure's norm this period: met, not met, no norm, not reported."""
    cols = [c for _g, cs in groups_present(view["columns"]) for c in cs]
    series: dict[str, list[int]] = {k: [] for k in STATUS_COLOURS}
    for c in cols:
        oks = [s["figures"].get(c["key"], {}).get("ok") for s in view["schools"]]
        series["达标"].append(sum(o is True for o in oks))
        series["未达标"].append(sum(o is False for o in oks))
        series["无标准"].append(sum(o is None for o in oks))
        series["未上报"].append(len(view["missing"]))
    labels = [c["title"] for c in cols]
    return _slanted(stacked_bar("district.status", f"{view['period']} 各指标达标学校数", labels, series,
                                category="指标", ylabel="学校数", colours=STATUS_COLOURS, width=width,
                                height=height), labels)


def group_charts(view: dict[str, Any], width: float = 6.4, height: float = 3.6) -> list[Chart]:
    """One chart per group present this period: each school's figures as % of target (a dashed line at 100%); with
    many schools, how many schools fall in each band instead."""
    charts = []
    for g, cols in groups_present(view["columns"]):
        rates = school_rates(view, [c["key"] for c in cols])
        names = [c["title"] for c in cols]
        title = f"{view['period']} {g.title}：各校达成率"
        if len(rates) <= MANY_SCHOOLS:
            chart = grouped_bar(f"district.{g.key}", title, [r[0] for r in rates],
                                {n: [_num(r[1][i]) for r in rates] for i, n in enumerate(names)},
                                category="学校", ylabel="达到目标的 %", value_format="{:.0f}", width=width,
                                height=height)
            chart.table = Table(title, ("学校", *[f"{n}（%）" for n in names]),
                                tuple((r[0], *r[1]) for r in rates))
            charts.append(_target_line(chart))
            continue
        counts = {n: _bands([r[1][i] for r in rates]) for i, n in enumerate(names)}
        chart = grouped_bar(f"district.{g.key}", f"{view['period']} {g.title}：各校达成率分布",
                            [b[2] for b in BANDS], counts, category="达成率", ylabel="学校数", width=width,
                            height=height)
        charts.append(chart)
    return charts


def _bands(rates: Sequence[float | None]) -> list[int]:
    """How many of ``rates`` fall in each of ``BANDS``."""
    return [sum(1 for v in rates if v is not None and lo <= v < hi) for lo, hi, _label in BANDS]


def trend_charts(trend: dict[str, Any], width: float = 6.4, height: float = 3.4) -> list[Chart]:
    """Over the span: the schools reporting per period, then per group the district's rate of each figure."""
    codes = trend["periods"]
    charts = [line("district.trend.reported", "各期已上报学校数", codes, {"已上报": trend["reported"],
                                                                   "登记": [trend["registered"]] * len(codes)},
                   ylabel="学校数", width=width, height=height)]
    for g, cols in groups_present(trend["columns"]):
        rates = {c["title"]: trend["district"][c["key"]]["rates"] for c in cols}
        title = f"{g.title}：全区达成率趋势"
        chart = line(f"district.trend.{g.key}", title, codes, {n: [_num(v) for v in vs] for n, vs in rates.items()},
                     ylabel="达到目标的 %", width=width, height=height)
        chart.table = Table(title, ("期次", *[f"{n}（%）" for n in rates]),
                            tuple((c, *[rates[n][i] for n in rates]) for i, c in enumerate(codes)))
        charts.append(_target_line(chart))
    return charts


def render(charts: Sequence[Chart], dpi: float | None = None) -> list[bytes]:
    """PNG bytes of each chart (Agg, no Qt: call it on a worker thread)."""
    return [c.png(dpi) for c in charts]
