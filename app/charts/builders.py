"""Generic charts from plain labelled data: bar, stacked bar, grouped bar, line over periods.

Each builder returns a :class:`Chart`: the matplotlib figure and the :class:`Table` it was drawn from (headers and
rows, the same numbers), so the page can save the picture as PNG and the numbers as .xlsx. Legends sit above the
axes, outside them, in the constrained layout: never over a bar, never clipped."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from app.charts.base import figure_png, new_figure

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f", "#bab0ac")
EMPTY = "本期尚无数据"
ALL_ZERO = "本期各项均为 0"    # categories but no count: said in words, not left as bare axes
MANY = 16           # more categories than this: labels turn upright
Number = int | float


@dataclass(frozen=True)
class Table:
    """The numbers behind a chart: column headers and rows (first column the category)."""
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass
class Chart:
    """A chart: a stable ``key`` (``school.levels_by_grade``), its Chinese title, the figure and its table."""
    key: str
    title: str
    figure: Figure
    table: Table
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def png(self, dpi: float | None = None) -> bytes:
        return figure_png(self.figure, dpi)


def _short(labels: Sequence[str], many: int = 6) -> list[str]:
    """Long category labels wrap onto two lines when there are many bars."""
    out = []
    for lb in labels:
        lb = str(lb)
        if len(labels) > many and len(lb) > 5:
            lb = lb.replace("（", "\n（", 1) if "（" in lb else lb[: len(lb) // 2] + "\n" + lb[len(lb) // 2:]
        out.append(lb)
    return out


def _legend(fig: Figure, ax: Axes, n: int) -> None:
    """The legend above the axes, under the title: the constrained layout makes room for it."""
    if n > 1:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(n, 4), fontsize=8, frameon=False,
                  borderaxespad=0.3)


def _whole(ax: Axes, values: Sequence[Number]) -> None:
    """Counts get whole-number ticks (no “1.5 人”)."""
    from matplotlib.ticker import MaxNLocator

    if all(float(v).is_integer() for v in values):
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _empty(ax: Axes) -> None:
    ax.text(0.5, 0.5, EMPTY, ha="center", va="center", transform=ax.transAxes, color="#757575")
    ax.set_xticks([])
    ax.set_yticks([])


def _zero_note(ax: Axes, values: Sequence[Number]) -> None:
    if values and not any(float(v) for v in values):
        ax.text(0.5, 0.5, ALL_ZERO, ha="center", va="center", transform=ax.transAxes, color="#757575")


def _frame(title: str, ylabel: str, width: float, height: float) -> tuple[Figure, Axes]:
    fig = new_figure(width, height)
    fig.suptitle(title, fontsize=11)
    ax = fig.add_subplot()
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _annotate(ax: Axes, bars: Any, texts: Sequence[str]) -> None:
    for bar, text in zip(bars, texts, strict=True):
        if text:
            ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height()), ha="center",
                        va="bottom", fontsize=7, xytext=(0, 2), textcoords="offset points")


def _fmt(v: Number) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def bar(key: str, title: str, labels: Sequence[str], values: Sequence[Number], *, category: str = "类别",
        value_name: str = "数量", ylabel: str = "", colour: str = PALETTE[0], notes: Sequence[str] | None = None,
        ymax: float | None = None, width: float = 5.6, height: float = 3.4) -> Chart:
    """One bar per label; each labelled with its value (or ``notes``)."""
    fig, ax = _frame(title, ylabel, width, height)
    if labels:
        xs = list(range(len(labels)))     # positions, not categories: two bars may carry the same label
        bars = ax.bar(xs, values, color=colour, width=0.6)
        ax.set_xticks(xs, _short(labels))
        _annotate(ax, bars, list(notes) if notes is not None else [_fmt(v) for v in values])
        top = max([float(v) for v in values] or [0.0])
        ax.set_ylim(0, ymax if ymax is not None else (top * 1.2 if top else 1))
        _whole(ax, values)
        _zero_note(ax, values)
    else:
        _empty(ax)
    table = Table(title, (category, value_name), tuple((lb, v) for lb, v in zip(labels, values, strict=True)))
    return Chart(key, title, fig, table)


def stacked_bar(key: str, title: str, labels: Sequence[str], series: Mapping[str, Sequence[Number]], *,
                category: str = "类别", ylabel: str = "", colours: Mapping[str, str] | None = None,
                totals: bool = True, width: float = 5.6, height: float = 3.4) -> Chart:
    """Bars of ``series`` stacked per label (series in the mapping's order, bottom first); the total on top."""
    fig, ax = _frame(title, ylabel, width, height)
    names = list(series)
    if labels and names:
        xs = list(range(len(labels)))
        bottom = [0.0] * len(labels)
        bars = None
        for i, name in enumerate(names):
            vals = [float(v) for v in series[name]]
            colour = (colours or {}).get(name, PALETTE[i % len(PALETTE)])
            bars = ax.bar(xs, vals, bottom=bottom, color=colour, label=name, width=0.6)
            bottom = [a + b for a, b in zip(bottom, vals, strict=True)]
        if totals and bars is not None:
            _annotate(ax, bars, [_fmt(int(t)) if float(t).is_integer() else f"{t:.1f}" for t in bottom])
        ax.set_xticks(xs, _short(labels))
        ax.set_ylim(0, max(bottom) * 1.2 if max(bottom) else 1)
        _whole(ax, [v for n in names for v in series[n]])
        _zero_note(ax, [v for n in names for v in series[n]])
        _legend(fig, ax, len(names))
    else:
        _empty(ax)
    rows = tuple((lb, *[series[n][i] for n in names], sum(series[n][i] for n in names))
                 for i, lb in enumerate(labels))
    return Chart(key, title, fig, Table(title, (category, *names, "合计"), rows))


def grouped_bar(key: str, title: str, labels: Sequence[str], series: Mapping[str, Sequence[Number]], *,
                category: str = "类别", ylabel: str = "", colours: Mapping[str, str] | None = None,
                ymax: float | None = None, value_format: str = "{:g}", width: float = 5.6,
                height: float = 3.4) -> Chart:
    """Bars of ``series`` side by side per label, each labelled with its value."""
    fig, ax = _frame(title, ylabel, width, height)
    names = list(series)
    if labels and names:
        n = len(names)
        w = 0.8 / n
        xs = list(range(len(labels)))
        top = 0.0
        for i, name in enumerate(names):
            vals = [float(v) for v in series[name]]
            top = max([top, *vals])
            colour = (colours or {}).get(name, PALETTE[i % len(PALETTE)])
            bars = ax.bar([x - 0.4 + w * (i + 0.5) for x in xs], vals, width=w, color=colour, label=name)
            if len(labels) * n <= 24:
                _annotate(ax, bars, [value_format.format(v) for v in vals])
        if len(labels) > MANY:     # a class per bar in a big school: upright names in a small size
            ax.set_xticks(xs, list(labels), rotation=90, fontsize=6)
        else:
            ax.set_xticks(xs, _short(labels))
        ax.set_ylim(0, ymax if ymax is not None else (top * 1.2 if top else 1))
        _whole(ax, [v for nm in names for v in series[nm]])
        _zero_note(ax, [v for nm in names for v in series[nm]])
        _legend(fig, ax, n)
    else:
        _empty(ax)
    rows = tuple((lb, *[series[nm][i] for nm in names]) for i, lb in enumerate(labels))
    return Chart(key, title, fig, Table(title, (category, *names), rows))


def line(key: str, title: str, periods: Sequence[str], series: Mapping[str, Sequence[Number]], *,
         category: str = "期间", ylabel: str = "", colours: Mapping[str, str] | None = None, width: float = 5.6,
         height: float = 3.4) -> Chart:
    """One line per series over ``periods`` (months, semesters), each point marked."""
    fig, ax = _frame(title, ylabel, width, height)
    names = list(series)
    if periods and names:
        top = 0.0
        for i, name in enumerate(names):
            vals = [float(v) for v in series[name]]
            top = max([top, *vals])
            colour = (colours or {}).get(name, PALETTE[i % len(PALETTE)])
            ax.plot(list(periods), vals, marker="o", color=colour, label=name)
        ax.set_ylim(0, top * 1.2 if top else 1)
        _whole(ax, [v for nm in names for v in series[nm]])
        _zero_note(ax, [v for nm in names for v in series[nm]])
        if len(periods) > 6:
            ax.tick_params(axis="x", labelrotation=30)
        _legend(fig, ax, len(names))
    else:
        _empty(ax)
    rows = tuple((p, *[series[nm][i] for nm in names]) for i, p in enumerate(periods))
    return Chart(key, title, fig, Table(title, (category, *names), rows))
