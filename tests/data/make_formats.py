"""Writes the Excel 97 (.xls) and OpenDocument (.ods) files under tests/data/ (synthetic names only).

    .venv/bin/pip install xlwt          # a generator-time tool only: the app reads these files with python-calamine
    .venv/bin/python tests/data/make_formats.py

The national student registry system and many screening platforms hand out .xls files; LibreOffice and WPS save
.ods. Each file is written in both formats:

- ``roster_registry.xls`` / ``.ods``: the 30 students of ``roster_registry.xlsx`` (make_rosters.py), same layout:
  a merged title row, the header row below it, real date cells. A second sheet, ``辅号名单``, is a hand-kept list
  with a two-row header (姓名 / 学籍辅号 / 班级 merged down over two rows, 监护人 merged across 姓名 and 电话) and
  学籍辅号 and phone numbers typed as numbers: ``AUX_EXPECTED`` is what it must read as.
- ``screening_phq9.xls`` / ``.ods``: a platform's PHQ-9 export for five of those students (title row, 学籍号,
  姓名, 班级, 第1题 … 第9题, 总分): ``SCREENING_EXPECTED`` is each row's registry number and total.
- ``sessions_log.xls`` / ``.ods``: a counselor's log of three sessions (a date-and-time cell, a date cell, a text
  date): ``SESSIONS_EXPECTED``.

The .ods files are written here by hand (an .ods is a zip of XML), with merged cells as LibreOffice writes them.
"""
from __future__ import annotations

import datetime as dt
import sys
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_rosters import REGISTRY_HEADER, registry_students  # noqa: E402

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column: 0-based, inclusive


class Sheet:
    def __init__(self, name: str, rows: list[list[Any]], merges: list[Merge] | None = None) -> None:
        self.name, self.rows, self.merges = name, rows, merges or []


# -- the content --------------------------------------------------------------------------------------------------

AUX_HEADER_TOP = ["姓名", "学籍辅号", "班级", "监护人", None]
AUX_HEADER_SUB = [None, None, None, "监护人姓名", "监护人联系电话"]
AUX_ROWS = [["欧阳晓明", 370202000000031, "7.1", "欧阳建国", 13900000031],
            ["司马小雨", 370202000000032, "七年级（1）班", "司马建华", 13900000032],
            ["诸葛明亮", 370202000000033, "初一1班", "诸葛建军", 13900000033]]
AUX_EXPECTED = {"header_row": 3, "registry": ["370202000000031", "370202000000032", "370202000000033"],
                "guardian": ("欧阳建国", "", "13900000031")}


def roster_sheets() -> list[Sheet]:
    title = ["青岛市某某中学 2025 学年学生花名册"] + [None] * (len(REGISTRY_HEADER) - 1)
    main = Sheet("学生名单", [title, list(REGISTRY_HEADER)] + registry_students(),
                 [(0, 0, 0, len(REGISTRY_HEADER) - 1)])
    aux = Sheet("辅号名单", [["学籍辅号学生名单", None, None, None, None], AUX_HEADER_TOP, AUX_HEADER_SUB]
                + [list(r) for r in AUX_ROWS],
                [(0, 0, 0, 4), (1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 2, 2), (1, 3, 1, 4)])
    return [main, aux]


SCREENING_ANSWERS = [[0, 1, 2, 3, 0, 0, 0, 0, 0], [2, 2, 2, 2, 2, 2, 2, 2, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1],
                     [0, 0, 0, 0, 0, 0, 0, 0, 0], [3, 3, 3, 3, 3, 3, 3, 3, 0]]


def screening_sheets() -> list[Sheet]:
    students = registry_students()[:5]
    header = ["学籍号", "姓名", "班级"] + [f"第{i}题" for i in range(1, 10)] + ["总分"]
    rows: list[list[Any]] = [["某某平台 PHQ-9 测评结果导出"] + [None] * (len(header) - 1), header]
    for s, answers in zip(students, SCREENING_ANSWERS, strict=True):
        rows.append([s[4], s[1], s[8]] + list(answers) + [sum(answers)])
    return [Sheet("测评结果", rows, [(0, 0, 0, len(header) - 1)])]


SCREENING_EXPECTED = [(s[4], sum(a)) for s, a in zip(registry_students()[:5], SCREENING_ANSWERS, strict=True)]


def sessions_sheets() -> list[Sheet]:
    s = registry_students()
    header = ["序号", "学生姓名", "全国学籍号", "咨询日期", "辅导形式", "时长", "谈话内容"]
    rows: list[list[Any]] = [["2025学年 心理辅导记录"] + [None] * (len(header) - 1), header,
                             [1, s[0][1], s[0][4], dt.datetime(2026, 10, 11, 14, 30), "个别咨询", 40, "近期失眠，约定回访。"],
                             [2, s[1][1], s[1][4], dt.date(2026, 10, 12), "谈心", 20, "考试前紧张。"],
                             [3, s[2][1], s[2][4], "2026年10月13日", "家访", None, "家访了解家庭情况。"]]
    return [Sheet("记录", rows)]


SESSIONS_EXPECTED = {"header_row": 2, "registry": [r[4] for r in registry_students()[:3]],
                     "occurred": ["2026-10-11T14:30", "2026-10-12", "2026-10-13"], "kinds": ["individual", "talk", "home_visit"]}


# -- .xls (Excel 97, BIFF8) through xlwt --------------------------------------------------------------------------

def write_xls(path: Path, sheets: list[Sheet]) -> None:
    import xlwt  # type: ignore[import-untyped]

    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    datetime_style = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
    wb = xlwt.Workbook(encoding="utf-8")
    for sheet in sheets:
        ws = wb.add_sheet(sheet.name)
        covered = set()
        for r0, c0, r1, c1 in sheet.merges:
            ws.write_merge(r0, r1, c0, c1, sheet.rows[r0][c0])
            covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        for r, row in enumerate(sheet.rows):
            for c, v in enumerate(row):
                if v is None or (r, c) in covered:
                    continue
                if isinstance(v, dt.datetime):
                    ws.write(r, c, v, datetime_style if v.time() != dt.time(0) else date_style)
                elif isinstance(v, dt.date):
                    ws.write(r, c, dt.datetime.combine(v, dt.time(0)), date_style)
                else:
                    ws.write(r, c, v)
    wb.save(str(path))


# -- .ods (OpenDocument spreadsheet) by hand ----------------------------------------------------------------------

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
       'xmlns:fo="urn:oasis:names:xmlns:xsl-fo-compatible:1.0" '
       'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" office:version="1.2"')
_MIME = "application/vnd.oasis.opendocument.spreadsheet"


def _ods_cell(v: Any, span: tuple[int, int] | None) -> str:
    attrs = ""
    if span:
        attrs = f' table:number-rows-spanned="{span[0]}" table:number-columns-spanned="{span[1]}"'
    if v is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(v, bool):
        return (f'<table:table-cell{attrs} office:value-type="boolean" office:boolean-value="{str(v).lower()}">'
                f"<text:p>{'TRUE' if v else 'FALSE'}</text:p></table:table-cell>")
    if isinstance(v, int | float):
        return (f'<table:table-cell{attrs} office:value-type="float" office:value="{v}">'
                f"<text:p>{v}</text:p></table:table-cell>")
    if isinstance(v, dt.datetime):
        return (f'<table:table-cell{attrs} table:style-name="dt" office:value-type="date" '
                f'office:date-value="{v:%Y-%m-%dT%H:%M:%S}"><text:p>{v:%Y-%m-%d %H:%M}</text:p></table:table-cell>')
    if isinstance(v, dt.date):
        return (f'<table:table-cell{attrs} table:style-name="d" office:value-type="date" '
                f'office:date-value="{v:%Y-%m-%d}"><text:p>{v:%Y-%m-%d}</text:p></table:table-cell>')
    return (f'<table:table-cell{attrs} office:value-type="string"><text:p>{escape(str(v))}</text:p>'
            "</table:table-cell>")


def _ods_table(sheet: Sheet) -> str:
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in sheet.merges}
    covered = {(r, c) for r0, c0, r1, c1 in sheet.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
               if (r, c) != (r0, c0)}
    width = max(len(r) for r in sheet.rows)
    out = [f'<table:table table:name="{escape(sheet.name)}">', f'<table:table-column table:number-columns-repeated="{width}"/>']
    for r, row in enumerate(sheet.rows):
        cells = []
        for c in range(width):
            v = row[c] if c < len(row) else None
            cells.append("<table:covered-table-cell/>" if (r, c) in covered else _ods_cell(v, spans.get((r, c))))
        out.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    out.append("</table:table>")
    return "".join(out)


def write_ods(path: Path, sheets: list[Sheet]) -> None:
    styles = ('<office:automatic-styles>'
              '<number:date-style style:name="N1"><number:year number:style="long"/><number:text>-</number:text>'
              '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>'
              '</number:date-style>'
              '<number:date-style style:name="N2"><number:year number:style="long"/><number:text>-</number:text>'
              '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>'
              '<number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text>'
              '<number:minutes number:style="long"/></number:date-style>'
              '<style:style style:name="d" style:family="table-cell" style:data-style-name="N1"/>'
              '<style:style style:name="dt" style:family="table-cell" style:data-style-name="N2"/>'
              '</office:automatic-styles>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS}>{styles}'
               "<office:body><office:spreadsheet>" + "".join(_ods_table(s) for s in sheets)
               + "</office:spreadsheet></office:body></office:document-content>")
    manifest = (f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest {_NS}>'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_MIME}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    fixed = (2026, 1, 1, 0, 0, 0)  # the same bytes on every run
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", fixed), _MIME, compress_type=zipfile.ZIP_STORED)
        z.writestr(zipfile.ZipInfo("META-INF/manifest.xml", fixed), manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr(zipfile.ZipInfo("content.xml", fixed), content, compress_type=zipfile.ZIP_DEFLATED)


def main() -> None:
    for stem, sheets in (("roster_registry", roster_sheets()), ("screening_phq9", screening_sheets()),
                         ("sessions_log", sessions_sheets())):
        write_xls(HERE / f"{stem}.xls", sheets)
        write_ods(HERE / f"{stem}.ods", sheets)


if __name__ == "__main__":
    main()
