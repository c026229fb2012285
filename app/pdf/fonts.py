"""The one place that registers the bundled fonts with reportlab and measures text set in them.

Chinese is set in the bundled CJK font (``resources/fonts/DroidSansFallbackFull.ttf``); whatever that font lacks
(Latin letters, digits, □, —, “ ”) in DejaVu Sans, which matplotlib ships. Both are embedded as subsets, so every
PDF the app writes shows the same on any computer (``pdffonts`` lists them as embedded).
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "fonts"
CJK_FILE = FONT_DIR / "DroidSansFallbackFull.ttf"
CJK = "XinqiaoCJK"
LATIN = "XinqiaoLatin"

CLOSING = set("，。、；：？！）》」』】〉’”…,.;:!?)]%")
OPENING = set("（《「『【〈‘“([")
_WORD = re.compile(r"[A-Za-z0-9@#&+\-./:%_]+|\s+|.", re.S)
_lock = threading.Lock()


def latin_file() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def register_fonts() -> None:
    """Register both fonts with reportlab (once per process; safe from worker threads)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _lock:
        names = pdfmetrics.getRegisteredFontNames()
        if CJK not in names:
            pdfmetrics.registerFont(TTFont(CJK, str(CJK_FILE)))
        if LATIN not in names:
            pdfmetrics.registerFont(TTFont(LATIN, str(latin_file())))


@dataclass(frozen=True)
class Run:
    """A stretch of text in one font starting at ``x`` (PDF points)."""
    x: float
    font: str
    text: str


class Metrics:
    """Character widths (reportlab's, at size 1) and which font draws each character; registers both fonts."""

    def __init__(self) -> None:
        from reportlab.pdfbase import pdfmetrics

        register_fonts()
        self._cjk_map = pdfmetrics.getFont(CJK).face.charToGlyph
        self._string_width = pdfmetrics.stringWidth
        self._widths: dict[str, tuple[str, float]] = {}

    def glyph(self, ch: str) -> tuple[str, float]:
        got = self._widths.get(ch)
        if got is None:
            face = CJK if ord(ch) >= 0x2000 and ord(ch) in self._cjk_map else LATIN
            got = (face, self._string_width(ch, face, 1.0))
            self._widths[ch] = got
        return got

    def face(self, ch: str) -> str:
        return self.glyph(ch)[0]

    def width(self, text: str, size: float) -> float:
        return sum(self.glyph(ch)[1] for ch in text) * size

    def runs(self, text: str, x: float, size: float) -> tuple[Run, ...]:
        out: list[Run] = []
        face_now, start, start_x, pos = "", 0, x, x
        for i, ch in enumerate(text):
            face, w = self.glyph(ch)
            if face != face_now:
                if i > start:
                    out.append(Run(start_x, face_now, text[start:i]))
                face_now, start, start_x = face, i, pos
            pos += w * size
        if len(text) > start:
            out.append(Run(start_x, face_now, text[start:]))
        return tuple(out)

    def markup(self, text: str) -> str:
        """``text`` as reportlab paragraph markup: XML-escaped, each run in its font (``<font name=…>``)."""
        from xml.sax.saxutils import escape

        return "".join(f'<font name="{r.font}">{escape(r.text)}</font>' for r in self.runs(text, 0.0, 1.0))

    def wrap(self, text: str, width: float, size: float, first_indent: float = 0.0) -> list[str]:
        """Greedy lines no wider than ``width`` (the first ``first_indent`` narrower). Lines break between
        characters, never inside a Latin word or number, and closing punctuation never starts a line."""
        lines: list[str] = []
        line, used, room = "", 0.0, width - first_indent
        for token in _WORD.findall(text):
            if not line and token.isspace():
                continue
            w = self.width(token, size)
            if used + w <= room or (line and len(token) == 1 and token in CLOSING):
                line += token
                used += w
                continue
            carry = ""
            if line and line[-1] in OPENING:          # an opening bracket moves down with what it opens
                carry, line = line[-1], line[:-1]
            if line.strip():
                lines.append(line.rstrip())
            room = width
            line, used = carry, self.width(carry, size)
            if token.isspace():
                continue
            if used + w > width:                          # a very long number or word: cut it by characters
                for ch in token:
                    cw = self.width(ch, size)
                    if used + cw > width and line:
                        lines.append(line)
                        line, used = "", 0.0
                    line += ch
                    used += cw
                continue
            line += token
            used += w
        if line.strip():
            lines.append(line.rstrip())
        return lines


_metrics: Metrics | None = None


def metrics() -> Metrics:
    """The process's one :class:`Metrics` (its width cache is shared by every PDF)."""
    global _metrics
    if _metrics is None:
        _metrics = Metrics()
    return _metrics
