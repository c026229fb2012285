"""Writes ``roster_registry_system.xlsx`` and ``roster_registry_system_gbk.csv``: a roster in the forms the student
registry system (全国中小学生学籍信息管理系统) really exports, which the import once refused row by row:
grades 初中一年级 / 初一 / 八（1）班-style short forms / 初2024级, classes 初中一年级(1)班 / 八（1）班 / 初2024级3班,
性别 1/2, 出生日期 20130517 as text, 民族 "01-汉族", 就读方式 住校/走读. Synthetic names only; rerun to regenerate.

    .venv/bin/python tests/data/make_registry_system.py

For the school year 2026–2027 (tests fix the clock in October 2026) in a junior school: grade 7 = 2026级,
8 = 2025级, 9 = 2024级.
"""
from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = ["学校标识码", "姓名", "性别码", "出生日期", "全国学籍号", "民族", "年级", "班级", "就读方式"]
ETHNIC = ["01-汉族", "03-回族", "01-汉族", "08-壮族"]
_NAMES = ["王子涵", "李浩然", "张思远", "刘欣怡", "陈一诺", "杨梓轩", "黄佳琪", "赵俊熙", "周雨桐", "吴宇轩", "徐若汐",
          "孙明轩"]
# (grade as written, class as written, grade, class) — every form the issue names
FORMS = [("初中一年级", "初中一年级(1)班", 7, 1), ("初中一年级", "初中一年级（2）班", 7, 2), ("初一", "初一(1)班", 7, 1),
         ("八年级", "八（1）班", 8, 1), ("", "八（2）班", 8, 2), ("初中二年级", "初中二年级(1)班", 8, 1),
         ("2024级", "2024级3班", 9, 3), ("初2024级", "初2024级3班", 9, 3), ("", "初2024级1班", 9, 1),
         ("2027届", "3班", 9, 3), ("初中三年级", "初中三年级(1)班", 9, 1), ("九年级", "九（1）班", 9, 1)]
EXPECTED = {f"G37020220{11 + i:02d}0517{i:04d}": (grade, number) for i, (_g, _c, grade, number) in enumerate(FORMS)}


def rows() -> list[list[object]]:
    out: list[list[object]] = []
    for i, (grade_text, class_text, grade, _n) in enumerate(FORMS):
        out.append(["3702020001", _NAMES[i], 1 + i % 2, f"{2026 - grade - 5}0517", f"G37020220{11 + i:02d}0517{i:04d}",
                    ETHNIC[i % 4], grade_text, class_text, "住校" if i % 3 == 0 else "走读"])
    return out


def main() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "学生基础信息"
    ws.append(HEADER)
    for r in rows():
        ws.append([str(v) for v in r])  # the registry system writes every cell as text
    wb.save(HERE / "roster_registry_system.xlsx")
    with (HERE / "roster_registry_system_gbk.csv").open("w", encoding="gbk", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows())


if __name__ == "__main__":
    main()
