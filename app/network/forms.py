"""Blank report forms, one page per class, with the class list: printed for the committee members to fill in.

A committee member's form carries their own class and nothing of any other class. Written with reportlab and the
bundled CJK font (resources/fonts)."""
from __future__ import annotations

from pathlib import Path

from app.errors import InputRejected
from app.network.access import require_keep_network
from app.network.model import SIGNS, check_period
from app.session import Session

FONT_FILE = Path(__file__).resolve().parent.parent.parent / "resources" / "fonts" / "DroidSansFallbackFull.ttf"
FONT = "XinqiaoCJK"


def _font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))


def blank_forms(session: Session, period: str, out: Path, class_ids: list[int] | None = None) -> Path:
    """A PDF with one blank form per class (every eligible class, or ``class_ids``); audited as a print."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from app.network.people import eligible_classes

    require_keep_network(session, "打印报告表")
    p = check_period(period)
    classes = [c for c in eligible_classes(session) if class_ids is None or c.class_id in class_ids]
    if not classes:
        raise InputRejected("没有可打印报告表的班级（请检查设有心理委员的年级）。")
    _font()
    out = Path(out)
    canvas = Canvas(str(out), pagesize=A4)
    width, height = A4
    school = session.school_name()
    for c in classes:
        students = [r[0] for r in session.db.query(
            "SELECT name FROM students WHERE class_id = :c AND status = '在读' ORDER BY registry_no",
            {"c": c.class_id})]
        y = height - 50
        canvas.setFont(FONT, 15)
        canvas.drawCentredString(width / 2, y, f"{school} 班级心理委员报告表（{p}）")
        y -= 26
        canvas.setFont(FONT, 10.5)
        canvas.drawString(50, y, f"班级：{c.class_name}    心理委员：{'、'.join(c.reps) or '________'}    "
                                 "报告日期：________    □ 例行  □ 即时")
        y -= 22
        canvas.drawString(50, y, "班级整体情况（氛围）：")
        canvas.line(160, y - 2, width - 50, y - 2)
        y -= 22
        canvas.drawString(50, y, "近期事件：")
        canvas.line(110, y - 2, width - 50, y - 2)
        y -= 22
        canvas.drawString(50, y, "□ 本期无异常")
        y -= 20
        canvas.drawString(50, y, "表现（可多选，填编号）：" + "  ".join(f"{i}.{s}" for i, s in enumerate(SIGNS, 1)))
        y -= 20
        canvas.drawString(50, y, "关注学生：在姓名前打 √，写出表现编号和所见情况（保密，仅交心理教师）。")
        y -= 18
        canvas.setFont(FONT, 9.5)
        col_w = (width - 100) / 2
        per_col = max(1, (len(students) + 1) // 2)
        for i, name in enumerate(students):
            col, row = divmod(i, per_col)
            x = 50 + col * col_w
            yy = y - row * 15
            canvas.drawString(x, yy, f"□ {name}  表现：____  情况：__________________")
        canvas.setFont(FONT, 8)
        canvas.drawString(50, 30, "本表含学生信息，请交心理教师保管，勿传阅。")
        canvas.showPage()
    canvas.save()
    session.audit("print", out.name, {"kind": "network_forms", "period": p, "classes": len(classes)})
    return out
