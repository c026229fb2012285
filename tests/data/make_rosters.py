"""Writes the small roster files under tests/data/ (synthetic names only; rerun to regenerate).

    .venv/bin/python tests/data/make_rosters.py

- ``roster_registry.xlsx``: as the national student registry system exports it: a merged title row, a header row
  below it with 全国学籍号 / 学籍辅号 / 班级名称, real Excel dates, 是/否 flags. 30 students, grades 7–9.
- ``roster_registry_gbk.csv`` / ``roster_registry_utf8bom.csv``: the same students as CSV in GBK and UTF-8 with BOM.
- ``roster_messy.xlsx``: what a school keeps by hand. Its expected preview in a fresh vault is ``MESSY_EXPECTED``.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

REGISTRY_HEADER = ["序号", "姓名", "性别", "出生日期", "全国学籍号", "学籍辅号", "身份证件号", "年级", "班级名称",
                   "民族", "是否住校", "是否留守儿童", "监护人姓名", "监护人联系电话"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ["子涵", "浩然", "思远", "欣怡", "一诺", "梓轩", "佳琪", "俊熙", "雨桐", "宇轩", "若汐", "明轩", "诗涵",
          "嘉怡", "博文"]


def registry_students() -> list[list[object]]:
    """30 invented students: 10 per grade 7, 8, 9, in two classes each."""
    rows: list[list[object]] = []
    for i in range(30):
        grade = 7 + i // 10
        cls = 1 + (i % 10) // 5
        name = _SURNAMES[i % len(_SURNAMES)] + _GIVEN[(i * 7) % len(_GIVEN)]
        birth = dt.datetime(2019 - grade, 1 + i % 12, 1 + (i * 3) % 28)
        gender = "男" if i % 2 == 0 else "女"
        reg = f"G370202{birth.year}{i:07d}"
        aux = f"37020200{i:06d}" if i % 3 == 0 else None
        grade_name = {7: "七年级", 8: "八年级", 9: "九年级"}[grade]
        rows.append([i + 1, name, gender, birth, reg, aux, f"370202{birth:%Y%m%d}{i:03d}X", grade_name,
                     f"{grade_name}（{cls}）班", "汉族" if i % 7 else "回族", "是" if i % 4 == 0 else "否",
                     "是" if i % 9 == 0 else "否", name[0] + "建国", f"139{i:08d}"])
    return rows


def write_registry(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "学生名单"
    ws.append(["青岛市某某中学 2025 学年学生花名册"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(REGISTRY_HEADER))
    ws.append(REGISTRY_HEADER)
    for row in registry_students():
        ws.append(row)
    for r in range(3, ws.max_row + 1):
        ws.cell(r, 4).number_format = "yyyy-mm-dd"
    wb.save(path)


def write_registry_csv(path: Path, encoding: str) -> None:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(REGISTRY_HEADER)
        for row in registry_students():
            row = list(row)
            row[3] = f"{row[3]:%Y/%m/%d}".replace("/0", "/")  # 2012/3/7 as schools type it
            w.writerow(["" if v is None else v for v in row])


MESSY_HEADER = ["序号", "姓名", "性别", "出生日期", "全国学籍号", "学籍辅号", "年级", "班级", "是否住校", "监护人联系电话"]
# sheet row -> row. Rows 4–10 are seven students of the same class written seven ways, and dates in six forms.
MESSY_ROWS: dict[int, list[object]] = {
    4: [1, "王小明", "男", "2013-05-04", "G3702022013050401", None, "七年级", "七年级（3）班", "否", "13900000001"],
    5: [2, "李雨桐", "女", "2013/5/4", "G3702022013050402", None, None, "七年级3班", "否", "13900000002"],
    6: [3, "张子涵", "男", "20130504", "G3702022013050403", None, "初一", "初一3班", "是", "13900000003"],
    7: [4, "刘浩然", "女", "2013年5月4日", "G3702022013050404", None, "7", "7.3", "否", "13900000004"],
    8: [5, "陈思远", "男", dt.datetime(2013, 5, 4), "G3702022013050405", None, "七年级", "7-3", "否", "13900000005"],
    9: [6, "杨欣怡", "女", 41398, "G3702022013050406", None, "七年级", "７．３", "否", "13900000006"],
    10: [7, "　赵一诺 ", "男", "２０１３－０５－０４", "Ｇ３７０２０２２０１３０５０４０７", None, "七年级",
         "七年级（３）班", "否", "１３９ ０００ ０００ ０７"],
    11: [8, None, "女", "2013-05-04", "G3702022013050408", None, "七年级", "七年级（3）班", "否", ""],
    12: [9, "黄梓轩", "男", "2013-13-45", "G3702022013050409", None, "七年级", "七年级（3）班", "否", ""],
    13: [10, "王小明", "男", "2013-05-04", "G3702022013050401", None, "七年级", "七年级（3）班", "否", "13900000001"],
    14: [11, "周佳琪", "女", "2013-05-04", "G3702022013050402", None, "七年级", "七年级（3）班", "否", ""],
    # row 15 left blank on purpose
    16: [12, "吴俊熙", "男", "2013-05-04", "G3702022013050412", None, "七年级", "火箭班", "否", ""],
    17: [13, "孙宇轩", "男", "2013-05-04", None, "370202000017", "七年级", "七年级（3）班", "否", ""],
}
MESSY_EXPECTED = {
    "header_row": 3,
    "new": 8,            # rows 4–10 and 17
    "duplicates": [13],  # 王小明 listed again
    "invalid": {11: "姓名", 12: "出生日期", 14: "全国学籍号", 16: "班级"},
}


def write_messy(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "七年级名单"
    ws["A1"] = "七年级学生名单（手工整理）"
    ws["A2"] = "班主任：请核对后交教务处"
    for c, h in enumerate(MESSY_HEADER, start=1):
        ws.cell(3, c, h)
    for r, row in MESSY_ROWS.items():
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(r, c, v)
    ws.cell(8, 4).number_format = "yyyy/m/d"
    wb.save(path)


def main() -> None:
    write_registry(HERE / "roster_registry.xlsx")
    write_registry_csv(HERE / "roster_registry_gbk.csv", "gbk")
    write_registry_csv(HERE / "roster_registry_utf8bom.csv", "utf-8-sig")
    write_messy(HERE / "roster_messy.xlsx")


if __name__ == "__main__":
    main()
