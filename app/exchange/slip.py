"""The transfer slip (转接单): one A5 page with the one-time passphrase, handed over apart from the stick."""
from __future__ import annotations

from pathlib import Path

from app import clock
from app.pdf.text import Writer


def write_slip(path: Path, school: str, student: str, registry_no: str, file_name: str, phrase: str) -> Path:
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(path), pagesize=A5)
    width, height = A5
    writer = Writer(c)

    def line(x: float, y: float, text: str, size: float) -> None:
        writer.text(x, y, text, size)

    line(width / 2 - 60, height - 60, "心理档案转接单", 15)
    y = height - 100
    for text in (f"发出学校：{school}", f"学生：{student}（学籍号 {registry_no}）", f"档案文件：{file_name}",
                 f"开具日期：{clock.today().isoformat()}", "", "一次性口令（导入时输入，请与U盘分开交付）：", phrase, "",
                 "接收学校：心桥 → 区县上报 → 导入转接档案，", "或命令行 transfer-in 文件（口令放在环境变量",
                 "XINQIAO_TRANSFER_PASSPHRASE 中）。"):
        line(40, y, text, 13 if text == phrase else 11)
        y -= 22
    c.showPage()
    c.save()
    return path
