"""Writes PHQ-9 result files as 问卷星 (wjx.cn) exports them, for the students of ``roster_registry.xlsx``.

    .venv/bin/python tests/data/make_wjx_phq9.py

- ``screening_wjx_phq9.xlsx``: 问卷星's "按选项序号下载": the platform's own columns first (序号, 提交答卷时间, 所用时间,
  来源, 来源详情, 来自IP), then the survey's questions with the survey's numbers: "1、您的姓名：", "2、学籍号", and the
  nine PHQ-9 items as questions 3–11, some with shortened text ("9、对事物专注有困难" is PHQ-9 item 7), answers as
  option numbers 1–4. This is the file of issue 9: read by question number, question 9 became item 9 and items 8
  and 9 (questions 10 and 11) were dropped; read as scores, a child who answered 完全不会 everywhere (all 1s) got 9
  points and a positive item 9.
- ``screening_wjx_phq9_text.xlsx``: "按选项文本下载" of a matrix question: "全国学籍号", "所在班级", items as
  "3、在过去两周里，您有多少时候受到以下问题困扰？—做事时提不起劲或没有兴趣", answers as option text.

``EXPECTED`` is what the import must make of them (registry number -> total, critical).
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_rosters import registry_students  # noqa: E402

OPTIONS = ["完全不会", "好几天", "一半以上的天数", "几乎每天"]
# The survey's own wording of the nine items (问卷 editors shorten and rephrase; item 7 is question 9)
SURVEY_ITEMS = ["做事时提不起劲或没有兴趣", "感到心情低落、沮丧或绝望", "入睡困难、睡不安稳或睡眠过多", "感觉疲倦或没有活力",
                "食欲不振或吃太多", "觉得自己很糟，或觉得自己很失败，或让自己或家人失望", "对事物专注有困难",
                "动作或说话速度缓慢到别人已经觉察？或正好相反——烦躁或坐立不安、动来动去的情况更胜于平常",
                "有不如死掉或用某种方式伤害自己的念头"]
STEM = "在过去两周里，您有多少时候受到以下问题困扰？"
# scores (0–3) per student of the roster, in roster order
SCORES = [
    [0] * 9,                              # 完全不会 everywhere: total 0, nothing raised
    [0, 0, 0, 0, 0, 0, 0, 0, 1],          # item 9 好几天: total 1, critical (same day)
    [2, 2, 2, 2, 2, 1, 0, 0, 0],          # 11: moderate
    [2, 2, 3, 2, 2, 2, 2, 2, 0],          # 17 (几乎每天 once: option number 4, which tells the coding)
    [1, 0, 1, 0, 0, 0, 0, 0, 0],          # 2
]
EXPECTED = {}
for _row, _scores in zip(registry_students(), SCORES, strict=False):
    EXPECTED[str(_row[4])] = (sum(_scores), _scores[8] >= 1)


def _platform_columns(i: int) -> list[object]:
    submitted = dt.datetime(2026, 10, 9, 14, 5) + dt.timedelta(minutes=3 * i)
    return [i + 1, submitted.strftime("%Y/%m/%d %H:%M:%S"), f"{95 + 7 * i}秒", "微信", "N/A", f"10.0.0.{i + 1}(山东-青岛)"]


def write_numbers(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的姓名：", "2、学籍号"]
              + [f"{n}、{t}" for n, t in enumerate(SURVEY_ITEMS, 3)])
    for i, (student, scores) in enumerate(zip(registry_students(), SCORES, strict=False)):
        ws.append(_platform_columns(i) + [student[1], student[4]] + [s + 1 for s in scores])
    wb.save(path)


def write_text(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、全国学籍号", "2、所在班级"]
              + [f"3、{STEM}—{t}" for t in SURVEY_ITEMS])
    for i, (student, scores) in enumerate(zip(registry_students(), SCORES, strict=False)):
        ws.append(_platform_columns(i) + [student[4], student[8]] + [OPTIONS[s] for s in scores])
    wb.save(path)


if __name__ == "__main__":
    write_numbers(HERE / "screening_wjx_phq9.xlsx")
    write_text(HERE / "screening_wjx_phq9_text.xlsx")
    print("written:", HERE / "screening_wjx_phq9.xlsx", HERE / "screening_wjx_phq9_text.xlsx")
