"""Blank report forms, one page per class, with the class list: printed for the committee members to fill in.

A committee member's form carries their own class and nothing of any other class. Written with reportlab and the
bundled fonts (app.pdf)."""
from __future__ import annotations

from pathlib import Path

from app.errors import InputRejected
from app.network.model import SIGNS, check_period
from app.pdf.text import Writer
from app.policy import can_keep_network, require
from app.session import Session


def blank_forms(session: Session, period: str, out: Path, class_ids: list[int] | None = None) -> Path:
    """A PDF with one blank form per class (every eligible class, or ``class_ids``); audited as a print."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from app.network.people import eligible_classes

    require(session, can_keep_network, "打印报告表")
    p = check_period(period)
    classes = [c for c in eligible_classes(session) if class_ids is None or c.class_id in class_ids]
    if not classes:
        raise InputRejected("没有可打印报告表的班级（请检查设有心理委员的年级）。")
    out = Path(out)
    canvas = Canvas(str(out), pagesize=A4)
    width, height = A4
    school = session.school_name()
    page = Writer(canvas)
    box = "[  ]"
    for c in classes:
        students = [r[0] for r in session.db.query(
            "SELECT name FROM students WHERE class_id = :c AND status = '在读' ORDER BY registry_no",
            {"c": c.class_id})]
        y = height - 50
        page.font(15)
        page.centred(width / 2, y, f"{school} 班级心理委员报告表（{p}）")
        y -= 26
        page.font(10.5)
        page.text(50, y, f"班级：{c.class_name}    心理委员：{'、'.join(c.reps) or '________'}    "
                         f"报告日期：________    {box} 例行  {box} 即时")
        y -= 22
        x = page.text(50, y, "班级整体情况（氛围）：")
        canvas.line(x, y - 2, width - 50, y - 2)
        y -= 22
        x = page.text(50, y, "近期事件：")
        canvas.line(x, y - 2, width - 50, y - 2)
        y -= 22
        page.text(50, y, f"{box} 本期无异常")
        y -= 20
        page.font(9.5)
        page.text(50, y, "表现（可多选，填编号）：" + "  ".join(f"{i}.{s}" for i, s in enumerate(SIGNS, 1)))
        y -= 20
        # the bundled CJK font has no √ or ✓ (DejaVu Sans has it, but the mark reads the same in every font): the mark is said in words
        page.text(50, y, f"关注学生：在姓名前的 {box} 内打勾，写出表现编号和所见情况（保密，仅交心理教师）。")
        y -= 18
        col_w = (width - 100) / 2
        per_col = max(1, (len(students) + 1) // 2)
        for i, name in enumerate(students):
            col, row = divmod(i, per_col)
            page.text(50 + col * col_w, y - row * 15, f"{box} {name}  表现：____  情况：______________")
        page.font(8)
        page.text(50, 30, "本表含学生信息，请交心理教师保管，勿传阅。")
        canvas.showPage()
    canvas.save()
    session.audit("print", out.name, {"kind": "network_forms", "period": p, "classes": len(classes)})
    return out
