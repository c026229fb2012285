"""Writes ``counselor_log.xlsx``: a counselor's own Excel log of sessions, as kept by hand in a counseling room
(synthetic names: the students of ``roster_registry.xlsx``; rerun to regenerate).

    .venv/bin/python tests/data/make_counselor_log.py

It names students with their class and has no registry numbers, under a merged title row and the headers
来访日期, 学生姓名, 班级, 辅导形式, 主要问题/记录, 辅导教师. Dates are written the ways counselors write them
(2026年10月9日, 2026.10.12, 2026/10/13 星期二, a real Excel date and time, 10月15日 without a year,
2026-10-16 下午3点). ``LOG_EXPECTED`` is its preview once ``roster_registry.xlsx`` is imported and a second 王子涵
joins 七年级（1）班, with the clock at ``LOG_TODAY``.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
LOG_HEADER = ["序号", "来访日期", "学生姓名", "班级", "辅导形式", "主要问题/记录", "辅导教师"]
LOG_TODAY = dt.datetime(2026, 11, 2, 9, 0)
# sheet row -> row (the title is row 1, the headers row 2)
LOG_ROWS: dict[int, list[object]] = {
    3: [1, "2026年10月9日", "李俊熙", "七年级（1）班", "个体辅导", "与同桌发生矛盾，情绪低落，约定下周再谈。", "张老师"],
    4: [2, "2026.10.12", "杨梓轩", "初一2班", "谈心谈话", "学习动力不足，约定每周汇报一次。", "张老师"],
    5: [3, "2026/10/13 星期二", "徐若汐", "8.1", "团体辅导", "参加人际交往团辅第一次活动。", "李老师"],
    6: [4, dt.datetime(2026, 10, 14, 15, 30), "孙思远", "八年级（1）班", "个体心理辅导", "父母离异后适应困难。", "张老师"],
    7: [5, "10月15日", "王梓轩", "九年级（1）班", "家长电话", "与母亲电话沟通学生近况。", "张老师"],
    8: [6, "2026-10-16 下午3点", "杨若汐", "九年级(2)班", "家访", "入户了解家庭情况。", "张老师"],
    9: [7, "2026年10月19日", "王子涵", "七年级（1）班", "个体辅导", "考试焦虑。", "张老师"],        # two 王子涵 in 7.1
    10: [8, "2026年10月20日", "查无此人", "七年级（2）班", "谈心谈话", "（不在该班）", "张老师"],
    11: [9, "2026年10月21日", "马宇轩", "九年级（8）班", "个体辅导", "（没有这个班）", "张老师"],
    12: [10, "2026年10月22日", "胡雨桐", "火箭班", "谈心谈话", "（班级写法无法识别）", "张老师"],
    13: [11, "2026年10月23日", "郭子涵", "八年级（2）班", "散步", "（辅导形式无法识别）", "张老师"],
    # row 14 left blank, as logs have
    15: [12, "2026年13月1日", "何俊熙", "8.2", "个体辅导", "（日期写错）", "张老师"],
}
LOG_EXPECTED = {
    "header_row": 2,
    "new": {3: ("individual", "2026-10-09"), 4: ("talk", "2026-10-12"), 5: ("group", "2026-10-13"),
            6: ("individual", "2026-10-14T15:30"), 7: ("parent_phone", "2026-10-15"),
            8: ("home_visit", "2026-10-16T15:00")},
    "invalid": {9: "学生姓名", 10: "学生姓名", 11: "班级", 12: "班级", 13: "辅导形式", 15: "来访日期"},
}


def write_log(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "辅导记录"
    ws.append(["2026—2027学年第一学期 心理辅导室辅导记录"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(LOG_HEADER))
    ws.append(LOG_HEADER)
    for r, row in LOG_ROWS.items():
        for c, v in enumerate(row, start=1):
            ws.cell(r, c, v)
    ws.cell(6, 2).number_format = "yyyy-mm-dd hh:mm"
    for col, width in zip("ABCDEFG", (6, 18, 10, 14, 12, 40, 10), strict=True):
        ws.column_dimensions[col].width = width
    wb.save(path)


def main() -> None:
    write_log(HERE / "counselor_log.xlsx")


if __name__ == "__main__":
    main()
