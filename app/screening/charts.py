"""Matplotlib figures for a campaign (no pyplot, no Qt here: the page embeds them with FigureCanvasQTAgg)."""
from __future__ import annotations

from matplotlib.figure import Figure

from app.charts.base import figure_png, new_figure
from app.screening.grading import LEVEL_COLOURS, LEVEL_LABELS
from app.screening.stats import CampaignStats


def _figure(width: float = 5.0, height: float = 3.2) -> Figure:
    return new_figure(width, height)


def _short(labels: list[str]) -> list[str]:
    """Grade labels fit under narrow bars: 七年级 → 七 when there are many bars."""
    return [lb.removesuffix("年级") for lb in labels] if len(labels) > 4 else labels


def coverage_figure(stats: CampaignStats, width: float = 5.0, height: float = 3.2) -> Figure:
    fig = _figure(width, height)
    ax = fig.add_subplot()
    labels = _short([g.label for g in stats.grades])
    done = [g.done for g in stats.grades]
    missing = [g.missing + g.absent for g in stats.grades]
    refused = [g.refused for g in stats.grades]
    ax.bar(labels, done, color="#4caf50", label="已完成")
    ax.bar(labels, missing, bottom=done, color="#bdbdbd", label="未完成/缺考")
    ax.bar(labels, refused, bottom=[a + b for a, b in zip(done, missing, strict=True)], color="#90a4ae", label="拒绝")
    ax.set_title("各年级完成情况")
    ax.set_ylabel("人数")
    ax.set_ylim(0, max([a + b + c for a, b, c in zip(done, missing, refused, strict=True)] or [1]) * 1.25)
    ax.legend(fontsize=8, loc="upper center", ncol=3, frameon=False)
    return fig


def levels_figure(stats: CampaignStats, width: float = 5.0, height: float = 3.2) -> Figure:
    fig = _figure(width, height)
    ax = fig.add_subplot()
    grades = list(stats.levels_by_grade)
    labels = _short(grades)
    bottom = [0] * len(labels)
    for level in (1, 2, 3):
        vals = [stats.levels_by_grade[g].get(level, 0) for g in grades]
        ax.bar(labels, vals, bottom=bottom, color=LEVEL_COLOURS[level], label=LEVEL_LABELS[level])
        bottom = [a + b for a, b in zip(bottom, vals, strict=True)]
    ax.set_title("各年级预警等级分布")
    ax.set_ylabel("人数")
    ax.set_ylim(0, max(bottom or [1]) * 1.25 + 1)
    ax.legend(fontsize=8, loc="upper center", ncol=3, frameon=False)
    return fig


def positive_rate_figure(stats: CampaignStats, width: float = 5.0, height: float = 3.2) -> Figure:
    """Positive rate per grade and scale (each bar labelled with its rate and n/N), the whole campaign per scale
    at the right: one bar per scale alone says little when a campaign has one scale."""
    fig = _figure(width, height)
    ax = fig.add_subplot()
    labels, rates, notes, colours = [], [], [], []
    palette = ["#ef6c00", "#5c6bc0", "#26a69a", "#8d6e63"]
    scale_ids = [s.scale_id for s in stats.scales]
    many = len(stats.by_grade) > 4
    for g in stats.by_grade:
        labels.append(f"{g.grade_label.removesuffix('年级') if many else g.grade_label}\n{g.scale.label}")
        rates.append(g.scale.rate * 100)
        notes.append(f"{g.scale.rate:.1%}\n{g.scale.positive}/{g.scale.results}")
        colours.append(palette[scale_ids.index(g.scale.scale_id) % len(palette)] if g.scale.scale_id in scale_ids
                       else palette[0])
    for s in stats.scales:
        labels.append(f"全部\n{s.label}")
        rates.append(s.rate * 100)
        notes.append(f"{s.rate:.1%}\n{s.positive}/{s.results}")
        colours.append("#424242")
    if labels:
        bars = ax.bar(range(len(labels)), rates, color=colours, width=0.6)
        ax.set_xticks(range(len(labels)), labels, fontsize=8)
        for bar, note in zip(bars, notes, strict=True):
            ax.annotate(note, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom",
                        fontsize=7, xytext=(0, 2), textcoords="offset points")
        ax.set_ylim(0, max(10.0, min(100.0, max(rates) * 1.45 + 5)))
    else:
        ax.text(0.5, 0.5, "尚无结果", ha="center", va="center", transform=ax.transAxes, color="#757575")
        ax.set_xticks([])
    ax.set_title("阳性率（%）：各年级与全部")
    ax.set_ylabel("%")
    return fig


def render_png(fig: Figure) -> bytes:
    """Draw a figure to PNG bytes with Agg: safe on a worker thread (no Qt), so the page never waits for it."""
    return figure_png(fig)
