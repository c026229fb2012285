"""The transfer slip (转接单): one A5 page with the one-time passphrase, handed over apart from the stick."""
from __future__ import annotations

from pathlib import Path

from app import clock

FONT_FILE = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "DroidSansFallbackFull.ttf"
FONT = "XinQiaoCJK"


def _runs(text: str) -> list[tuple[bool, str]]:
    """(is_latin, text) runs: the CJK font has no Latin letters or digits, Helvetica has no CJK."""
    out: list[tuple[bool, str]] = []
    for ch in text:
        latin = ord(ch) < 0x2000
        if out and out[-1][0] == latin:
            out[-1] = (latin, out[-1][1] + ch)
        else:
            out.append((latin, ch))
    return out


def write_slip(path: Path, school: str, student: str, registry_no: str, file_name: str, phrase: str) -> Path:
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    c = Canvas(str(path), pagesize=A5)
    width, height = A5

    def line(x: float, y: float, text: str, size: float) -> None:
        for latin, run in _runs(text):
            face = "Helvetica" if latin else FONT
            c.setFont(face, size)
            c.drawString(x, y, run)
            x += stringWidth(run, face, size)

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
