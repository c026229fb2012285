"""The shared PDF and chart foundation: one font registration, a report document with a cover, a table of contents,
page numbers, tables and charts (every font embedded), chart builders that yield their tables, audited exports."""
from __future__ import annotations

import io

import pytest

from tests.reports.helpers import pdf_fonts, pdf_pages, pdf_text, pdf_words, xlsx_rows


def _png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    return Image.open(io.BytesIO(data)).size


def test_one_registration_serves_every_pdf_writer():
    from reportlab.pdfbase import pdfmetrics

    from app.letters import layout
    from app.pdf import fonts

    fonts.register_fonts()
    fonts.register_fonts()
    names = pdfmetrics.getRegisteredFontNames()
    assert fonts.CJK in names and fonts.LATIN in names and "XinQiaoCJK" not in names
    assert layout.Metrics is fonts.Metrics and layout.CJK == fonts.CJK
    m = fonts.metrics()
    assert m is fonts.metrics()
    assert [r.font for r in m.runs("心理 12355 热线", 0, 10)] == [fonts.CJK, fonts.LATIN, fonts.CJK]
    assert m.markup("a<b 心") == f'<font name="{fonts.LATIN}">a&lt;b </font><font name="{fonts.CJK}">心</font>'


def test_the_shared_writer_embeds_every_font(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    from app.pdf.fonts import LATIN
    from app.pdf.text import Writer

    out = tmp_path / "w.pdf"
    c = Canvas(str(out), initialFontName=LATIN)
    w = Writer(c, 12)
    end = w.text(50, 700, "学号 G37020220130000000")
    assert end == pytest.approx(50 + w.width("学号 G37020220130000000"))
    w.centred(300, 650, "热线 12355")
    c.showPage()
    c.save()
    assert "学号G37020220130000000" in pdf_words(out) and "热线12355" in pdf_words(out)
    rows = pdf_fonts(out)
    assert rows and all(r[-5] == "yes" for r in rows), rows


def _document(png: bytes):  # type: ignore[no-untyped-def]
    from app.pdf.document import ReportDocument

    doc = ReportDocument(title="2026-2027学年第一学期 心理健康教育工作报告", school="示范中学")
    doc.cover(["报告期间：2026-09-01 至 2027-01-20"])
    doc.contents()
    for i, name in enumerate(("师资配备", "心理测评", "危机干预"), 1):
        doc.heading(f"{i}、{name}")
        doc.paragraph("本学期共有专职心理教师 2 人，兼职 3 人。" * 12)
        doc.heading(f"{i}.1 明细", 2)
        doc.table(["项目", "数值", "目标"], [[f"第 {n} 项", n * 1.5, 10] for n in range(1, 40)])
        doc.chart(png, caption=f"图 {i} 示例")
    return doc


def test_a_report_document_has_cover_contents_page_numbers_and_embedded_fonts(tmp_path):
    from app.charts.builders import bar

    chart = bar("t.bar", "各年级人数", ["七年级", "八年级"], [3, 5])
    out = tmp_path / "r.pdf"
    pages = _document(chart.png(120)).write(out)
    assert pages == pdf_pages(out) and pages >= 6
    cover = pdf_text(out, 1)
    assert "示范中学" in cover and "第 1 页" not in cover
    toc = pdf_text(out, 2)
    assert "目" in toc and "录" in toc
    for name in ("1、师资配备", "2、心理测评", "3、危机干预", "1.1 明细"):
        assert name in toc
    # every heading's page number in the table of contents is the page it is on
    for line in toc.splitlines():
        if "危机干预" in line:
            page = int(line.split()[-1])
            assert "3、危机干预" in pdf_text(out, page)
    for p in range(2, pages + 1):
        assert f"第{p}页共{pages}页" in pdf_words(out, p)
    assert "本学期共有专职心理教师2人" in pdf_words(out, 3)
    rows = pdf_fonts(out)
    assert {r[0].split("+")[-1] for r in rows} == {"DroidSansFallback", "DejaVuSans"}
    assert all(r[-5] == "yes" for r in rows), rows
    assert not (tmp_path / "r.pdf.part").exists()


@pytest.mark.parametrize("kind", ["bar", "stacked", "grouped", "line", "empty"])
def test_chart_builders_draw_and_yield_their_table(kind):
    from app.charts import builders

    labels = ["七年级（1）班", "七年级（2）班", "八年级（1）班"]
    if kind == "bar":
        c = builders.bar("k", "标题", labels, [1, 2, 3], category="班级", value_name="人数")
        assert c.table.headers == ("班级", "人数") and c.table.rows[2] == ("八年级（1）班", 3)
    elif kind == "stacked":
        c = builders.stacked_bar("k", "标题", labels, {"一级": [1, 0, 2], "二级": [0, 1, 1]})
        assert c.table.headers == ("类别", "一级", "二级", "合计") and c.table.rows[2] == ("八年级（1）班", 2, 1, 3)
        assert c.figure.axes[0].get_legend() is not None
    elif kind == "grouped":
        c = builders.grouped_bar("k", "标题", labels, {"谈话": [10, 20, 30], "反馈": [5, 5, 5]}, ymax=100)
        assert c.table.rows[0] == ("七年级（1）班", 10, 5)
    elif kind == "line":
        c = builders.line("k", "标题", ["2026-09", "2026-10"], {"个体": [1, 2], "团体": [0, 3]})
        assert c.table.rows == (("2026-09", 1, 0), ("2026-10", 2, 3))
    else:
        c = builders.bar("k", "标题", [], [])
        assert c.table.rows == ()
        assert any(t.get_text() == builders.EMPTY for t in c.figure.axes[0].texts)
    png = c.png(100)
    assert png.startswith(b"\x89PNG") and _png_size(png) == (560, 340)


def test_a_legend_is_never_clipped_nor_over_the_title():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from app.charts.builders import stacked_bar

    c = stacked_bar("k", "各年级预警等级分布", ["七年级", "八年级", "九年级"],
                    {"一级（关注）": [3, 4, 5], "二级（重点关注）": [1, 2, 3], "三级（危机）": [0, 1, 1]})
    FigureCanvasAgg(c.figure).draw()
    r = c.figure.canvas.get_renderer()
    fig_box = c.figure.bbox
    legend = c.figure.axes[0].get_legend().get_window_extent(r)
    title = c.figure._suptitle.get_window_extent(r)
    assert fig_box.x0 <= legend.x0 and legend.x1 <= fig_box.x1 and legend.y1 <= fig_box.y1
    assert legend.y1 <= title.y0 + 1       # the legend sits under the title, not over it


def test_chart_exports_write_real_files_and_are_audited(session, tmp_path):
    from app.audit.log import recent
    from app.charts.builders import bar
    from app.charts.export import save_png, save_table
    from app.errors import InputRejected, PermissionDenied
    from app.policy import can_counsel, can_manage_accounts

    c = bar("t.levels", "=各年级人数", ["七年级", "八年级"], [3, 5])
    png = save_png(session, c, tmp_path / "c.png", rule=can_counsel)
    assert png.read_bytes().startswith(b"\x89PNG")
    entry = recent(session.db, 1, action="export")[0]
    assert entry.target == str(png.resolve()) and '"format": "png"' in entry.detail
    xlsx = save_table(session, c, tmp_path / "c.xlsx", rule=can_counsel)
    rows = xlsx_rows(xlsx)
    assert rows[0][0] == "=各年级人数" and rows[1] == ["类别", "数量"] and rows[3] == ["八年级", 5]
    entry = recent(session.db, 1, action="export")[0]
    assert entry.target == str(xlsx.resolve()) and '"format": "xlsx"' in entry.detail
    with pytest.raises(InputRejected, match="扩展名"):
        save_table(session, c, tmp_path / "c.csv", rule=can_counsel)
    with pytest.raises(InputRejected, match="不存在"):
        save_png(session, c, tmp_path / "nope" / "c.png", rule=can_counsel)
    from app.accounts.model import Role
    session.account = session.account.__class__(**{**session.account.__dict__, "role": Role.HEAD_TEACHER,
                                                   "manager": False})
    with pytest.raises(PermissionDenied):
        save_png(session, c, tmp_path / "d.png", rule=can_manage_accounts)
    assert not (tmp_path / "d.png").exists()
