"""A report document on A4: a cover, a table of contents, headings, paragraphs, tables and charts, the school's
header on every page and "第 N 页 共 M 页" at the foot (the cover has neither).

Used by the semester report (``app.reports``) and the county centre's district inspection report. Built with
reportlab's platypus in as many passes as the table of contents needs; every text goes through
:meth:`app.pdf.fonts.Metrics.markup`, so Chinese is set in the bundled CJK font and Latin letters and digits in
DejaVu Sans, both embedded as subsets. No Qt; nothing here reads the vault.

    doc = ReportDocument(title="2026-2027学年第一学期 心理健康教育工作报告", school="示范中学")
    doc.cover(["报告期间：2026-09-01 至 2027-01-20"])
    doc.contents()
    doc.heading("一、师资配备")
    doc.paragraph("……")
    doc.table(["项目", "数值"], [["专职心理教师", 2]])
    doc.chart(png_bytes, caption="图 1 各年级预警等级分布")
    pages = doc.write(Path("report.pdf"))
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.pdf.fonts import CJK, LATIN, Metrics, metrics

PAGE_W, PAGE_H = 595.2756, 841.8898   # A4
MARGIN_X = 56.0
MARGIN_TOP = 64.0
MARGIN_BOTTOM = 60.0
TEXT_W = PAGE_W - 2 * MARGIN_X
HEADER_GREY = "#555555"


def page_label(n: int, total: int) -> str:
    return f"第 {n} 页 共 {total} 页"


class ReportDocument:
    """Flowables gathered in order, then :meth:`write` lays them out (the platypus story)."""

    def __init__(self, *, title: str, school: str, subtitle: str = "", m: Metrics | None = None) -> None:
        from reportlab.lib.styles import ParagraphStyle

        self.m = m or metrics()
        self.title = title
        self.school = school
        self.subtitle = subtitle
        self.story: list[Any] = []
        self.headings: list[tuple[int, str]] = []
        self._has_cover = False
        base = ParagraphStyle("body", fontName=CJK, fontSize=10.5, leading=17, wordWrap="CJK", spaceAfter=4,
                              bulletFontName=LATIN)
        self.styles = {
            "body": base,
            "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=13, textColor="#555555"),
            "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12, spaceAfter=0),
            "head": ParagraphStyle("head", parent=base, fontSize=9, leading=12, spaceAfter=0),
            "caption": ParagraphStyle("caption", parent=base, fontSize=9, leading=13, alignment=1,
                                      textColor="#444444", spaceBefore=2, spaceAfter=10),
            "h1": ParagraphStyle("h1", parent=base, fontSize=15, leading=22, spaceBefore=14, spaceAfter=8,
                                 keepWithNext=True),
            "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4,
                                 keepWithNext=True),
            "cover_school": ParagraphStyle("cover_school", parent=base, fontSize=16, leading=24, alignment=1),
            "cover_title": ParagraphStyle("cover_title", parent=base, fontSize=20, leading=32, alignment=1,
                                          spaceBefore=18, spaceAfter=18),
            "cover_line": ParagraphStyle("cover_line", parent=base, fontSize=12, leading=22, alignment=1),
            "toc_title": ParagraphStyle("toc_title", parent=base, fontSize=16, leading=24, alignment=1,
                                        spaceAfter=16),
        }

    # -- content -------------------------------------------------------------------------------------------------
    def text(self, text: str, style: str = "body") -> Any:
        """A paragraph flowable of ``text`` (plain text: escaped here, fonts switched per character)."""
        from reportlab.platypus import Paragraph

        return Paragraph(self.m.markup(text), self.styles[style])

    def cover(self, lines: Sequence[str] = ()) -> None:
        """The cover: the school, the title, the subtitle and ``lines`` (period, date, who), then a new page."""
        from reportlab.platypus import NextPageTemplate, PageBreak, Spacer

        self._has_cover = True
        self.story += [NextPageTemplate("body"), Spacer(1, 170), self.text(self.school, "cover_school"),
                       self.text(self.title, "cover_title")]
        if self.subtitle:
            self.story.append(self.text(self.subtitle, "cover_line"))
        self.story.append(Spacer(1, 150))
        self.story += [self.text(line, "cover_line") for line in lines]
        self.story.append(PageBreak())

    def contents(self) -> None:
        """The table of contents (filled with every heading and its page), then a new page."""
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.platypus import PageBreak, TableStyle
        from reportlab.platypus.tableofcontents import TableOfContents

        toc = TableOfContents(dotsMinLevel=0)    # the dots and page numbers in the Latin font: the CJK one has no digits
        toc.tableStyle = TableStyle([("FONTNAME", (0, 0), (-1, -1), LATIN), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                     ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
        body = self.styles["body"]
        toc.levelStyles = [
            ParagraphStyle("toc1", parent=body, fontName=LATIN, wordWrap=None, fontSize=11.5, leading=20, leftIndent=14, firstLineIndent=-14),
            ParagraphStyle("toc2", parent=body, fontName=LATIN, wordWrap=None, fontSize=10, leading=16, leftIndent=34, firstLineIndent=-14),
        ]
        self.story += [self.text("目　录", "toc_title"), toc, PageBreak()]

    def heading(self, text: str, level: int = 1) -> None:
        """A heading of ``level`` 1 or 2: listed in the table of contents and the PDF's bookmarks."""
        self.story.append(self._heading(text, level))

    def _heading(self, text: str, level: int) -> Any:
        p = self.text(text, "h1" if level == 1 else "h2")
        p._xq_heading = (level, text)
        self.headings.append((level, text))
        return p

    def paragraph(self, text: str, style: str = "body") -> None:
        self.story.append(self.text(text, style))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]], col_widths: Sequence[float] | None = None,
              *, zebra: bool = True) -> None:
        """A table with a shaded header row repeated on each page; cells wrap; numbers align right."""
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        n = len(headers)
        if col_widths is None:
            first = min(TEXT_W * 0.4, max(80.0, TEXT_W / max(n, 1)))
            rest = (TEXT_W - first) / max(n - 1, 1)
            col_widths = [first] + [rest] * (n - 1) if n > 1 else [TEXT_W]
        data = [[self.text(str(h), "head") for h in headers]]
        numeric: list[tuple[int, int]] = []
        for r, row in enumerate(rows, 1):
            cells = []
            for c, v in enumerate(row):
                if isinstance(v, int | float) and not isinstance(v, bool):
                    numeric.append((c, r))
                cells.append(self.text(_cell(v), "cell"))
            data.append(cells)
        style = [
            ("FONTNAME", (0, 0), (-1, -1), LATIN),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa7b4")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if zebra:
            style += [("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f7f9fb")) for r in range(2, len(data), 2)]
        t = Table(data, colWidths=list(col_widths), repeatRows=1, hAlign="LEFT")
        t.setStyle(TableStyle(style))
        for c, r in numeric:       # numbers right-aligned: the paragraph's own alignment
            data[r][c].style = self.styles["cell"].clone(f"num{c}", alignment=2)
        self.story.append(t)
        self.spacer(8)

    def chart(self, png: bytes, caption: str = "", width: float = TEXT_W * 0.9, *, heading: str = "",
              level: int = 2) -> None:
        """A chart (PNG bytes) scaled to ``width`` points, kept on one page with its ``heading`` (listed in the
        table of contents) and its caption."""
        from reportlab.lib.utils import ImageReader
        from reportlab.platypus import Image, KeepTogether

        w, h = ImageReader(io.BytesIO(png)).getSize()
        height = width * h / w
        if height > PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - 60:
            height = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - 60
            width = height * w / h
        parts: list[Any] = [self._heading(heading, level)] if heading else []
        parts.append(Image(io.BytesIO(png), width=width, height=height))
        if caption:
            parts.append(self.text(caption, "caption"))
        self.story.append(KeepTogether(parts))

    def spacer(self, height: float) -> None:
        from reportlab.platypus import Spacer

        self.story.append(Spacer(1, height))

    def page_break(self) -> None:
        from reportlab.platypus import PageBreak

        self.story.append(PageBreak())

    # -- output --------------------------------------------------------------------------------------------------
    def write(self, out: Path) -> int:
        """Lay the document out into ``out`` (via a temporary name, so a failure leaves no half file); returns the
        number of pages."""
        out = Path(out)
        part = out.with_name(out.name + ".part")
        doc = _Doc(str(part), self)
        try:
            doc.multiBuild(list(self.story), canvasmaker=_canvas_maker(self))
            part.replace(out)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        return doc.pages

    def to_bytes(self) -> bytes:
        """The PDF in memory (the first version's name; :meth:`render` also gives the page count)."""
        return self.render()[0]

    def render(self) -> tuple[bytes, int]:
        """The PDF in memory and its number of pages (for a caller that writes it inside its own transaction)."""
        buf = io.BytesIO()
        doc = _Doc(buf, self)
        doc.multiBuild(list(self.story), canvasmaker=_canvas_maker(self))
        return buf.getvalue(), doc.pages


def _cell(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{round(v, 2):g}"
    return str(v)


def _doc_class() -> type:
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    class Doc(BaseDocTemplate):  # type: ignore[misc]
        def __init__(self, target: Any, report: ReportDocument) -> None:
            super().__init__(target, pagesize=(PAGE_W, PAGE_H), leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                             topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=report.title,
                             author=report.school, creator="心桥 XinQiao", invariant=1,
                             initialFontName=LATIN, initialFontSize=10)   # not Helvetica: every font embedded
            self.report = report
            self.pages = 0
            frame = Frame(MARGIN_X, MARGIN_BOTTOM, TEXT_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="body")
            cover = PageTemplate("cover", [frame], onPage=_mark_cover)
            body = PageTemplate("body", [frame])
            self.addPageTemplates([cover, body] if report._has_cover else [body, cover])
            self._seq = 0

        def beforeDocument(self) -> None:  # noqa: N802 - reportlab's name; each pass numbers the headings anew
            self._seq = 0

        def afterFlowable(self, flowable: Any) -> None:  # noqa: N802
            got = getattr(flowable, "_xq_heading", None)
            if got is None:
                return
            level, text = got
            self._seq += 1
            key = f"h{self._seq}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level - 1, closed=False)
            self.notify("TOCEntry", (level - 1, self.report.m.markup(text), self.page, key))

        def afterPage(self) -> None:  # noqa: N802
            self.pages = self.page

    return Doc


_DOC: type | None = None


def _Doc(target: Any, report: ReportDocument) -> Any:  # noqa: N802 - a lazily made class, called like one
    global _DOC
    if _DOC is None:
        _DOC = _doc_class()
    return _DOC(target, report)


def _mark_cover(canvas: Any, doc: Any) -> None:
    canvas._xq_cover = True


def _canvas_maker(report: ReportDocument) -> Any:
    """A canvas that holds every page until the end, so each footer can say how many pages there are."""
    from reportlab.pdfgen.canvas import Canvas

    from app.pdf.text import Writer

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self._xq_cover = False

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()
            self._xq_cover = False

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if not state.get("_xq_cover"):
                    self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            w = Writer(self, m=report.m)
            self.saveState()
            self.setFillColor(HEADER_GREY)
            self.setStrokeColor("#999999")
            top = PAGE_H - MARGIN_TOP + 22
            w.text(MARGIN_X, top, report.school, 9)
            w.right(PAGE_W - MARGIN_X, top, report.title, 9)
            self.setLineWidth(0.5)
            self.line(MARGIN_X, top - 6, PAGE_W - MARGIN_X, top - 6)
            self.line(MARGIN_X, MARGIN_BOTTOM - 18, PAGE_W - MARGIN_X, MARGIN_BOTTOM - 18)
            w.centred(PAGE_W / 2, MARGIN_BOTTOM - 34, page_label(self._pageNumber, total), 9)
            self.restoreState()

    return NumberedCanvas
