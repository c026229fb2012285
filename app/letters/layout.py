"""Where every word of a letter goes on A4, computed once and drawn by two backends: reportlab (the PDF,
``app/letters/pdf.py``) and QPainter (the window's preview and printing, ``ui/letters/painter.py``).

Positions are PDF points from the bottom-left corner. Chinese is set in the bundled CJK font; whatever that font
lacks (Latin letters, digits, □, —, “ ”) in DejaVu Sans, which matplotlib ships: both are embedded as subsets.
Lines break between characters, never inside a Latin word or number, and closing punctuation never starts a line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.pdf.fonts import CJK as CJK  # the letters' backends import the fonts from here
from app.pdf.fonts import LATIN as LATIN
from app.pdf.fonts import Metrics, Run
from app.pdf.fonts import latin_file as latin_file

PAGE_W, PAGE_H = 595.2756, 841.8898   # A4
MARGIN_X = 64.0
TOP = 58.0
BOTTOM = 78.0                         # the footer (help lines, page number) sits below this
BODY_SIZE = 12.0
LEADING = 21.0

_HEADING = re.compile(r"^([一二三四五六七八九十]+、|□|☐)")
_WRITING_LINE = re.compile(r"^_{3,}$")


@dataclass(frozen=True)
class TextOp:
    y: float
    size: float
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class RuleOp:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.6
    dashed: bool = False


Op = TextOp | RuleOp


@dataclass
class LaidOut:
    """One letter, paginated: every page a list of ops (footer included)."""
    pages: list[list[Op]] = field(default_factory=list)

    def text(self) -> str:
        """The words in drawing order (tests and the preview's accessible text)."""
        return "\n".join("".join(r.text for r in op.runs) for page in self.pages for op in page
                         if isinstance(op, TextOp))


@dataclass(frozen=True)
class FilledLetter:
    """A letter with every merge field filled: what the layout draws."""
    school: str
    title: str
    body: str
    signature: str
    receipt: str
    help_lines: tuple[str, ...]


class _Pager:
    def __init__(self, m: Metrics, letter: FilledLetter) -> None:
        self.m = m
        self.letter = letter
        self.pages: list[list[Op]] = []
        self.y = 0.0
        self.new_page()

    @property
    def ops(self) -> list[Op]:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append([])
        self.y = PAGE_H - TOP
        if len(self.pages) > 1:   # a continuation page: a small header
            self.centred(f"{self.letter.school}　{self.letter.title}（续）", 9.0)
            self.y -= 8
            self.ops.append(RuleOp(MARGIN_X, self.y, PAGE_W - MARGIN_X, self.y, 0.4))
            self.y -= LEADING

    def room(self, needed: float) -> None:
        if self.y - needed < BOTTOM:
            self.new_page()

    def left(self, text: str, size: float, x: float = MARGIN_X) -> None:
        self.ops.append(TextOp(self.y, size, self.m.runs(text, x, size)))

    def centred(self, text: str, size: float) -> None:
        self.left(text, size, (PAGE_W - self.m.width(text, size)) / 2)

    def right(self, text: str, size: float, right: float) -> None:
        self.left(text, size, right - self.m.width(text, size))

    def paragraph(self, text: str, size: float = BODY_SIZE, leading: float = LEADING, indent: bool = True) -> None:
        width = PAGE_W - 2 * MARGIN_X
        first = 2 * size if indent else 0.0
        for i, line in enumerate(self.m.wrap(text, width, size, first)):
            self.room(leading)
            self.left(line, size, MARGIN_X + (first if i == 0 else 0.0))
            self.y -= leading

    def writing_line(self, leading: float = LEADING) -> None:
        self.room(leading)
        self.y -= leading * 0.35
        self.ops.append(RuleOp(MARGIN_X, self.y, PAGE_W - MARGIN_X, self.y, 0.5))
        self.y -= leading * 0.65


def _indent(line: str) -> bool:
    """Paragraphs start two characters in; a salutation or a short label line (“学习情况：”), a heading (“一、”)
    and a checklist item (“□ 诊断证明”) do not."""
    s = line.strip()
    return not ((s.endswith("：") and len(s) <= 24) or _HEADING.match(s))


def layout(m: Metrics, letter: FilledLetter) -> LaidOut:
    p = _Pager(m, letter)
    # -- header: the school, a rule, the title
    p.centred(letter.school, 11.0)
    p.y -= 9
    p.ops.append(RuleOp(MARGIN_X, p.y, PAGE_W - MARGIN_X, p.y, 0.8))
    p.y -= 34
    p.centred(letter.title, 18.0)
    p.y -= 34
    # -- body
    for raw in letter.body.split("\n"):
        s = raw.strip()
        if not s:
            p.y -= LEADING / 2
        elif _WRITING_LINE.match(s):
            p.writing_line()
        else:
            p.paragraph(s, indent=_indent(s))
    # -- signature block, right-aligned, kept together
    sig = [s.strip() for s in letter.signature.split("\n") if s.strip()]
    if sig:
        p.y -= LEADING * 0.6
        p.room(LEADING * len(sig))
        right = PAGE_W - MARGIN_X - 12
        for s in sig:
            p.right(s, BODY_SIZE, right)
            p.y -= LEADING
    # -- tear-off receipt (回执), kept on one page
    if letter.receipt.strip():
        width = PAGE_W - 2 * MARGIN_X
        rlines = [ln for s in letter.receipt.split("\n") if s.strip() for ln in m.wrap(s.strip(), width, 11.0)]
        p.y -= LEADING * 0.6
        p.room(LEADING * 2.6 + 20.0 * len(rlines))
        p.y -= 6
        p.ops.append(RuleOp(MARGIN_X - 20, p.y, PAGE_W - MARGIN_X + 20, p.y, 0.6, dashed=True))
        p.y -= 14
        p.centred("（请沿虚线剪下，填写后交回学校）", 8.5)
        p.y -= 24
        p.centred("回　执", 14.0)
        p.y -= 24
        for ln in rlines:
            p.left(ln, 11.0)
            p.y -= 20.0
    # -- footer on every page: the help lines and the page number of this letter
    total = len(p.pages)
    lines = "　".join(letter.help_lines)
    for i, ops in enumerate(p.pages, 1):
        ops.append(RuleOp(MARGIN_X, 56, PAGE_W - MARGIN_X, 56, 0.4))
        text = f"心理援助热线：{lines}"
        ops.append(TextOp(42, 9.0, m.runs(text, (PAGE_W - m.width(text, 9.0)) / 2, 9.0)))
        num = f"第 {i} 页 / 共 {total} 页"
        ops.append(TextOp(26, 9.0, m.runs(num, (PAGE_W - m.width(num, 9.0)) / 2, 9.0)))
    return LaidOut(p.pages)
