"""Matplotlib figures for a campaign (no pyplot, no Qt here: the page embeds them with FigureCanvasQTAgg)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from matplotlib.figure import Figure

from app.screening.grading import LEVEL_COLOURS, LEVEL_LABELS
from app.screening.stats import CampaignStats

FONT_FILE = Path(__file__).resolve().parent.parent.parent / "resources" / "fonts" / "DroidSansFallbackFull.ttf"


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """Register the bundled CJK font with matplotlib and return its family name."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(FONT_FILE))
    return font_manager.FontProperties(fname=str(FONT_FILE)).get_name()


def _figure(width: float = 5.0, height: float = 3.2) -> Figure:
    import matplotlib

    matplotlib.rcParams["font.family"] = [cjk_font(), "sans-serif"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    fig.set_facecolor("white")
    return fig


def coverage_figure(stats: CampaignStats) -> Figure:
    fig = _figure()
    ax = fig.add_subplot()
    labels = [g.label for g in stats.grades]
    done = [g.done for g in stats.grades]
    missing = [g.missing + g.absent for g in stats.grades]
    refused = [g.refused for g in stats.grades]
    ax.bar(labels, done, color="#4caf50", label="已完成")
    ax.bar(labels, missing, bottom=done, color="#bdbdbd", label="未完成/缺考")
    ax.bar(labels, refused, bottom=[a + b for a, b in zip(done, missing, strict=True)], color="#90a4ae", label="拒绝")
    ax.set_title("各年级完成情况")
    ax.set_ylabel("人数")
    ax.legend(fontsize=8)
    return fig


def levels_figure(stats: CampaignStats) -> Figure:
    fig = _figure()
    ax = fig.add_subplot()
    labels = list(stats.levels_by_grade)
    bottom = [0] * len(labels)
    for level in (1, 2, 3):
        vals = [stats.levels_by_grade[g].get(level, 0) for g in labels]
        ax.bar(labels, vals, bottom=bottom, color=LEVEL_COLOURS[level], label=LEVEL_LABELS[level])
        bottom = [a + b for a, b in zip(bottom, vals, strict=True)]
    ax.set_title("各年级预警等级分布")
    ax.set_ylabel("人数")
    ax.legend(fontsize=8)
    return fig


def positive_rate_figure(stats: CampaignStats) -> Figure:
    fig = _figure(4.0, 3.2)
    ax = fig.add_subplot()
    ax.bar([s.label for s in stats.scales], [round(s.rate * 100, 1) for s in stats.scales], color="#ef6c00",
           width=0.4)
    ax.set_title("各量表阳性率（%）")
    ax.set_ylim(0, 100)
    return fig
