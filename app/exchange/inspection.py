"""The county centre's PDF report for the inspections (three a year): for a span of months or semesters the user
chooses, every school's figures against targets (as of the span's last reported period), the schools missing per
period, the district's trends, with charts; a cover, a table of contents and page numbers (``app.pdf``). Figures of
schools only: no student is named in a package's figures, so the PDF is written plain; it is audited."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import clock
from app.errors import InputRejected
from app.exchange.centre import district, require_centre
from app.exchange.district_charts import group_charts, status_chart, trend_charts
from app.exchange.trends import KIND_NAMES, district_trend, groups_present, trend_cell
from app.session import Session
from app.store.fileio import atomic_write_bytes

Step = Callable[[int, int, str], None]
TITLE = "心理健康教育工作督导报告"


def _cell(figure: dict[str, Any] | None) -> str:
    if figure is None:
        return "—"
    v, t, ok = figure.get("value"), figure.get("target"), figure.get("ok")
    text = f"{v:g}" if isinstance(v, int | float) else str(v)
    if t is not None:
        text += f" / {t:g}" if isinstance(t, int | float) else f" / {t}"
    return text + ("（未达标）" if ok is False else "")


def build_report(session: Session, first: str, last: str, step: Step | None = None) -> tuple[Any, dict[str, Any]]:
    """The report document (``app.pdf.document.ReportDocument``, not yet written) and what it holds."""
    from app.pdf.document import TEXT_W, ReportDocument

    require_centre(session, "生成督导报告")
    if not first or not last:
        raise InputRejected("请选择督导报告的起止期次（如 2026-09 至 2026-12，或 2026-2027-1 至 2026-2027-2）。")
    trend = district_trend(session, first=first, last=last)
    codes, kind = trend["periods"], KIND_NAMES[trend["kind"]]
    reported = [c for c, n in zip(codes, trend["reported"], strict=True) if n]
    if not reported:
        raise InputRejected(f"{first} 至 {last} 没有任何学校的上报包：请先导入各校的上报包，或换一个期间。")
    as_of = reported[-1]
    view = district(session, as_of)
    groups = groups_present(view["columns"])
    charts_total = 1 + len(groups) + 1 + len(groups_present(trend["columns"]))
    done = 0

    def png(chart: Any) -> bytes:
        nonlocal done
        done += 1
        if step:
            step(done, charts_total, f"正在绘制图表（{done}/{charts_total}）")
        return bytes(chart.png(150))

    centre_name = session.school_name()
    doc = ReportDocument(title=TITLE, school=centre_name, subtitle=f"{first} 至 {last}")
    doc.cover([f"期间：{first} 至 {last}（共 {len(codes)} 个{kind}）", f"登记学校：{trend['registered']} 所",
               f"各校指标截至：{as_of}", f"生成日期：{clock.today().isoformat()}",
               "数字来自各校签名加密的上报包，未经改动"])
    doc.contents()

    doc.heading("一、概况")
    all_ok = sum(1 for s in view["schools"] if not s["not_ok"])
    doc.paragraph(f"本报告覆盖 {first} 至 {last} 共 {len(codes)} 个{kind}，区县中心登记学校 {trend['registered']} 所。"
                  f"截至 {as_of}，已上报 {len(view['schools'])} 所，其中各项指标均达标 {all_ok} 所，"
                  f"有指标未达标 {len(view['schools']) - all_ok} 所，未上报 {len(view['missing'])} 所。")
    doc.table(["期次", "已上报学校", "未上报学校"],
              [[c, n, trend["registered"] - n] for c, n in zip(codes, trend["reported"], strict=True)])
    doc.chart(png(status_chart(view)), caption=f"图 1　{as_of} 各指标达标学校数")

    doc.heading(f"二、各校指标与目标（{as_of}）")
    doc.paragraph("每格为“数值 / 目标”，未达到目标的注明“未达标”；“—”表示该校本期没有这项数字。")
    figure_no = 1
    charts = group_charts(view)
    for (g, cols), chart in zip(groups, charts, strict=True):
        doc.heading(g.title, 2)
        headers = ["学校"] + [f"{c['title']}（{c['unit']}）" if c["unit"] else c["title"] for c in cols]
        rows = [[s["name"]] + [_cell(s["figures"].get(c["key"])) for c in cols] for s in view["schools"]]
        rows += [[f"{m['name']}（未上报）"] + ["—" for _ in cols] for m in view["missing"]]
        first_w = TEXT_W * 0.3
        doc.table(headers, rows, [first_w] + [(TEXT_W - first_w) / len(cols)] * len(cols))
        figure_no += 1
        doc.chart(png(chart), caption=f"图 {figure_no}　{chart.title}")

    doc.heading("三、未上报的学校")
    if trend["missing"]:
        doc.paragraph(f"{first} 至 {last} 有 {len(trend['missing'])} 所学校缺少至少一期上报：")
        doc.table(["学校", "代码", "未上报的期次"],
                  [[m["name"], m["code"] or "—", "、".join(m["periods"])] for m in trend["missing"]],
                  [TEXT_W * 0.35, TEXT_W * 0.2, TEXT_W * 0.45])
    else:
        doc.paragraph(f"{first} 至 {last} 各校每期均已上报。")

    doc.heading("四、趋势")
    doc.paragraph("全区口径：人数、班级数等计数为各校合计（目标同样合计），达成率 = 合计数值 ÷ 合计目标；"
                  "配比等比率取各校平均。")
    tcharts = trend_charts(trend)
    figure_no += 1
    doc.chart(png(tcharts[0]), caption=f"图 {figure_no}　{tcharts[0].title}")
    for (g, cols), chart in zip(groups_present(trend["columns"]), tcharts[1:], strict=True):
        doc.heading(g.title, 2)
        doc.table(["期次"] + [c["title"] for c in cols],
                  [[code] + [trend_cell(trend["district"][c["key"]], i) for c in cols]
                   for i, code in enumerate(codes)])
        figure_no += 1
        doc.chart(png(chart), caption=f"图 {figure_no}　{chart.title}")

    doc.heading("附：说明")
    doc.paragraph("每所学校每期只取最新一次上报（同期重新导出的包取代旧包）；较旧或重复的包不计入。各项指标的口径与"
                  "学校端“每月闭环”和学期报告相同。本报告只含各校的统计数字，不含任何学生的姓名、学籍号或谈话内容。")
    meta = {"first": first, "last": last, "periods": codes, "as_of": as_of, "schools": trend["registered"],
            "reported": len(view["schools"]), "missing": [m["name"] for m in trend["missing"]]}
    return doc, meta


def save_inspection_pdf(session: Session, first: str, last: str, path: Path,
                        step: Step | None = None) -> dict[str, Any]:
    """Write the report to ``path`` (.pdf) and audit it in one transaction; returns what it holds, its path and its
    page count."""
    doc, meta = build_report(session, first.strip(), last.strip(), step)
    path = Path(path)
    if not path.parent.is_dir():
        raise InputRejected(f"文件夹“{path.parent}”不存在：请选择一个已有的文件夹。")
    data, pages = doc.render()                    # laid out before the transaction: it takes seconds
    with session.db.transaction():
        atomic_write_bytes(path, data)
        session.audit("export", str(path.resolve()), {"what": "督导报告", "first": meta["first"], "last": meta["last"],
                                                      "format": "pdf", "pages": pages, "encrypted": False,
                                                      "named": False})
    return {**meta, "path": str(path), "pages": pages}
