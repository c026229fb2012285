"""matplotlib with the bundled CJK font: a figure, and the figure as PNG bytes."""
from __future__ import annotations

import io
import threading
from functools import lru_cache

from matplotlib.figure import Figure

from app.pdf.fonts import CJK_FILE

_lock = threading.Lock()


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """Register the bundled CJK font with matplotlib and return its family name."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(CJK_FILE))
    return font_manager.FontProperties(fname=str(CJK_FILE)).get_name()


def use_cjk() -> None:
    """Chinese labels in the bundled font, DejaVu Sans (matplotlib's own) for what it lacks; a real minus sign."""
    import matplotlib

    with _lock:
        family = [cjk_font(), "DejaVu Sans", "sans-serif"]
        if matplotlib.rcParams["font.family"] != family:
            matplotlib.rcParams["font.family"] = family
        matplotlib.rcParams["axes.unicode_minus"] = False


def new_figure(width: float = 5.0, height: float = 3.2, dpi: float = 100) -> Figure:
    """A white figure with the constrained layout (titles, tick labels and outside legends are never clipped)."""
    use_cjk()
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    fig.set_facecolor("white")
    return fig


def figure_png(fig: Figure, dpi: float | None = None) -> bytes:
    """Draw ``fig`` to PNG bytes with Agg: safe on a worker thread (no Qt)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi or fig.dpi, facecolor="white")
    return buf.getvalue()
