"""The reportlab backend: laid-out letters into one PDF (each letter from a new page), fonts embedded as subsets."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from app.letters.layout import CJK, PAGE_H, PAGE_W, LaidOut, RuleOp, TextOp

Progress = Callable[[int, int], None]   # (done, total); may raise to stop (the window's Cancel)


def write_pdf(letters: Iterable[LaidOut], out: Path, *, total: int = 0, progress: Progress | None = None) -> int:
    """Draw ``letters`` into ``out``; returns the number of pages. Written to a temporary name first and moved
    into place at the end, so a cancelled or failed run leaves no half file."""
    from reportlab.pdfgen.canvas import Canvas

    out = Path(out)
    part = out.with_name(out.name + ".part")
    canvas = Canvas(str(part), pagesize=(PAGE_W, PAGE_H), invariant=1, initialFontName=CJK, initialFontSize=12)
    canvas.setTitle("家长告知书")
    canvas.setCreator("心桥 XinQiao")
    pages = 0
    try:
        for n, letter in enumerate(letters, 1):
            for ops in letter.pages:
                draw_page(canvas, ops)
                canvas.showPage()
                pages += 1
            if progress is not None:
                progress(n, total)
        canvas.save()
        part.replace(out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return pages


def draw_page(canvas, ops: list) -> None:  # type: ignore[no-untyped-def]
    face, size = "", 0.0
    for op in ops:
        if isinstance(op, TextOp):
            for run in op.runs:
                if run.font != face or op.size != size:
                    face, size = run.font, op.size
                    canvas.setFont(face, size)
                canvas.drawString(run.x, op.y, run.text)
        elif isinstance(op, RuleOp):
            canvas.setLineWidth(op.width)
            canvas.setDash(4, 3) if op.dashed else canvas.setDash()
            canvas.line(op.x1, op.y1, op.x2, op.y2)
    canvas.setDash()
