"""The month summary PDF for the file: ledgers A–D with each item's status, figure and evidence, a chart of the
items by ledger and status, the meeting and the signatures. reportlab with the bundled fonts
(app.pdf), the chart drawn by matplotlib in memory."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from app.loop.checklist import LEDGERS
from app.loop.meetings import meetings
from app.loop.months import STATUS_LABELS, MonthSheet, month_sheet
from app.pdf.text import Writer
from app.session import Session

STATUS_MARKS = {"done": "[完成]", "open": "[未完成]", "carried": "[结转]"}
COLOURS = {"done": "#4caf50", "open": "#e53935", "carried": "#ffa000"}


class _Writer:
    """Lines down the page, a new page when the space runs out."""

    def __init__(self, canvas: Any, width: float, height: float) -> None:
        self.c, self.width, self.height = canvas, width, height
        self.margin = 50.0
        self.y = height - self.margin
        self.text = Writer(canvas)

    def _width(self, text: str, size: float) -> float:
        return self.text.width(text, size)

    def need(self, space: float) -> None:
        if self.y - space < self.margin:
            self.c.showPage()
            self.y = self.height - self.margin

    def line(self, text: str, size: float = 10.0, indent: float = 0.0) -> None:
        """One line, wrapped at the right margin."""
        limit = self.width - 2 * self.margin - indent
        rest = text
        while rest:
            cut = len(rest)
            while cut > 1 and self._width(rest[:cut], size) > limit:
                cut -= 1
            self.need(size * 1.6)
            self.text.text(self.margin + indent, self.y, rest[:cut], size)
            self.y -= size * 1.6
            rest = rest[cut:]

    def image(self, png: bytes, w: float, h: float) -> None:
        from reportlab.lib.utils import ImageReader

        self.need(h + 10)
        self.c.drawImage(ImageReader(io.BytesIO(png)), self.margin, self.y - h, w, h)
        self.y -= h + 10


def chart_png(sheet: MonthSheet) -> bytes:
    """A stacked bar per ledger: items done, open and carried."""
    from app.charts.base import figure_png, new_figure

    fig = new_figure(6.0, 2.6, dpi=110)
    ax = fig.add_subplot()
    labels = [f"{k} {v}" for k, v in sheet.ledgers.items()]
    bottom = [0] * len(LEDGERS)
    for status in ("done", "carried", "open"):
        counts = [sum(1 for i in sheet.ledger(k) if i.status == status) for k in LEDGERS]
        ax.bar(labels, counts, bottom=bottom, color=COLOURS[status], label=STATUS_LABELS[status])
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_ylabel("清单项")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(f"{sheet.month} 各台账完成情况")
    return figure_png(fig)


def write_summary(session: Session, month: str, out: Path) -> Path:
    """The month summary PDF; audited as a print."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    sheet = month_sheet(session, month)
    canvas = Canvas(str(out), pagesize=A4)
    canvas.setTitle(f"{sheet.month} 心育闭环月度小结")
    w = _Writer(canvas, *A4)
    w.line(f"{session.school_name()} {sheet.month} 每月“心育”闭环管理小结", 15)
    state = "已关闭" if sheet.closed else "未关闭"
    w.line(f"状态：{state}" + (f"（{(sheet.closed_at or '')[:10]} 由 {sheet.closed_by} 关闭）" if sheet.closed else ""), 10)
    done = sum(i.status == "done" for i in sheet.items)
    w.line(f"共 {len(sheet.items)} 项：完成 {done} 项，结转 {sum(i.status == 'carried' for i in sheet.items)} 项，"
           f"未完成 {sum(i.status == 'open' for i in sheet.items)} 项", 10)
    w.image(chart_png(sheet), 420, 182)
    for key, name in sheet.ledgers.items():
        w.need(40)
        w.line(f"台账 {key}  {name}", 12.5)
        for it in sheet.ledger(key):
            w.line(f"{STATUS_MARKS[it.status]} {it.title}：{it.value or '—'}", 10, 10)
            missing = [e.label for e in it.evidence if e.missing]
            if missing:
                w.line("缺：" + "、".join(missing[:30]) + ("……" if len(missing) > 30 else ""), 9, 28)
            if it.note:
                w.line("备注：" + it.note, 9, 28)
            if it.carry_reason and it.status == "carried":
                w.line("结转原因：" + it.carry_reason, 9, 28)
            if it.attachments:
                w.line("附件：" + "、".join(a.filename for a in it.attachments), 9, 28)
    w.need(60)
    w.line("领导小组会议", 12.5)
    held = meetings(session, sheet.month)
    if not held:
        w.line("本月未记录领导小组会议。", 10, 10)
    for m in held:
        w.line(f"{m.held_on}  出席：{'、'.join(m.attendees)}", 10, 10)
        if m.missing_topics:
            w.line("未涉及：" + "、".join(m.missing_topics), 9, 28)
        w.line("纪要：" + m.minutes, 9, 28)
    w.need(50)
    w.line(f"心理教师签字：{sheet.counselor_signed_by or '＿＿＿＿'}    "
           f"领导小组组长签字：{sheet.leader_name or '＿＿＿＿'}", 11)
    with session.db.transaction():
        canvas.save()
        session.audit("print", f"loop:{sheet.month}", {"file": Path(out).name})
    return Path(out)
