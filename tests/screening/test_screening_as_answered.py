"""Issue 9: screening files scored exactly as answered — items by their text behind a platform's prefixes, the order
as a fallback, one answer coding per file (detected, shown, overridable, asked when it cannot be told), every item
column required, fields behind prefixes, 问卷星's 提交答卷时间."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from helpers import write_xlsx

from app import clock
from app.school.roster_import import import_roster
from app.screening.importer import SCREENING_IMPORT, apply_screening, preview_screening
from app.screening.scales import get_scale
from app.tabular import TableError
from app.tabular.spec import NeedsChoice

DATA = Path(__file__).resolve().parent.parent / "data"
sys.path.insert(0, str(DATA))
from make_rosters import registry_students  # noqa: E402
from make_wjx_phq9 import EXPECTED, SURVEY_ITEMS  # noqa: E402

PHQ = get_scale("phq9")


@pytest.fixture
def roster(session):
    clock.set_fixed(dt.datetime(2026, 10, 12, 9, 0))
    import_roster(session, DATA / "roster_registry.xlsx")
    return [(str(r[4]), str(r[1]), str(r[8])) for r in registry_students()]


def _registry(session, sid: int) -> str:
    return str(session.db.scalar("SELECT registry_no FROM students WHERE id = :i", {"i": sid}))


def test_the_wjx_export_of_the_issue_scores_as_answered(session, roster):
    p = preview_screening(session, DATA / "screening_wjx_phq9.xlsx", "phq9", campaign="秋季测评")
    assert p.errors == [] and p.mode == "items"
    # question numbers are the survey's: item 7 is question 9, items 8 and 9 are questions 10 and 11
    assert p.item_columns[7] == "9、对事物专注有困难"
    assert p.item_columns[8].startswith("10、") and p.item_columns[9].startswith("11、")
    assert set(p.item_how.values()) == {"text"}
    # the fields behind the survey's numbers, and 问卷星's submit time as the test time
    assert p.columns["name"].startswith("1、您的姓名") and p.columns["registry_no"] == "2、学籍号"
    assert p.columns["taken_on"] == "提交答卷时间" and {r.taken_on for r in p.rows} == {"2026-10-09"}
    # answers are option numbers 1–4: detected and said
    assert p.coding == "option" and p.coding_detected and "选项序号" in SCREENING_IMPORT.describe(p).note
    got = {_registry(session, r.student_id): (r.result.total, r.result.critical) for r in p.rows}
    assert got == EXPECTED
    all_never = roster[0][0]
    assert got[all_never] == (0, False)
    res = apply_screening(session, p, "秋季测评")
    # 完全不会 everywhere raises no level; item 9 好几天 does (level 1), and the others by their totals
    levels = {r[0]: r[1] for r in session.db.query(
        "SELECT s.registry_no, l.level FROM screening_levels l JOIN students s ON s.id = l.student_id")}
    assert all_never not in levels and levels[roster[1][0]] == 1
    assert res.levels == {1: 1, 2: 1, 3: 1}


def test_the_preview_shows_which_column_became_which_item(session, roster):
    p = preview_screening(session, DATA / "screening_wjx_phq9.xlsx", "phq9")
    view = SCREENING_IMPORT.describe(p)
    lines = view.rows["items"]
    assert len(lines) == 9 and lines[6] == ("第7题", PHQ.items[6].text, "9、对事物专注有困难", "按题目文字")
    assert "items" in [t.key for t in SCREENING_IMPORT.tabs]
    assert p.as_json()["item_match"]["9"] == {"column": p.item_columns[9], "by": "text"}


def test_option_text_of_a_matrix_question_and_prefixed_fields(session, roster):
    p = preview_screening(session, DATA / "screening_wjx_phq9_text.xlsx", "phq9")
    assert p.errors == [] and p.coding == "text"
    assert p.columns["registry_no"] == "1、全国学籍号" and p.columns["class"] == "2、所在班级"
    assert {_registry(session, r.student_id): (r.result.total, r.result.critical) for r in p.rows} == EXPECTED


def _wjx(tmp_path: Path, roster, answers: list[list[object]], headers: list[str] | None = None) -> Path:
    head = headers or (["1、您的姓名：", "2、学籍号"] + [f"{n}、{t}" for n, t in enumerate(SURVEY_ITEMS, 3)])
    rows = [[name, reg] + a for (reg, name, _c), a in zip(roster, answers, strict=False)]
    return write_xlsx(tmp_path / "wjx.xlsx", [head] + rows)


def test_a_value_outside_the_coding_is_a_row_error(session, roster, tmp_path):
    f = _wjx(tmp_path, roster, [[1, 2, 3, 4, 4, 4, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 0], [1] * 8 + [5]])
    p = preview_screening(session, f, "phq9")
    assert p.coding == "option"   # 4s say option numbers; the 0 and the 5 are outside that coding
    item9 = "11、有不如死掉或用某种方式伤害自己的念头"
    assert [(e.row, e.field) for e in p.errors] == [(3, item9), (4, item9)]
    assert all("选项序号" in e.reason for e in p.errors)
    assert [r.result.total for r in p.rows] == [12]
    # as many answers fit each coding: it cannot be told, the import asks
    f = _wjx(tmp_path, roster, [[1, 1, 1, 1, 1, 1, 1, 1, 0], [1] * 8 + [4]])
    with pytest.raises(NeedsChoice):
        preview_screening(session, f, "phq9")
    # a number in a file of option text is an error too, and text outside the labels
    f = _wjx(tmp_path, roster, [["完全不会"] * 9, ["完全不会"] * 8 + [2], ["完全不会"] * 8 + ["偶尔"]])
    p = preview_screening(session, f, "phq9", coding="text")
    assert [e.row for e in p.errors] == [3, 4] and "选项文字" in p.errors[0].reason


def test_when_the_coding_cannot_be_told_the_import_asks_and_coding_overrides(session, roster, tmp_path):
    f = _wjx(tmp_path, roster, [[1, 2, 1, 1, 3, 1, 1, 1, 1], [2, 2, 1, 1, 1, 1, 1, 1, 1]])
    with pytest.raises(NeedsChoice) as exc:
        preview_screening(session, f, "phq9")
    assert "--coding" in exc.value.message and exc.value.option == "coding"
    assert [v for _l, v in exc.value.choices] == ["score", "option"] and exc.value.exit_code == 3
    as_scores = preview_screening(session, f, "phq9", coding="score")
    as_options = preview_screening(session, f, "phq9", coding="option")
    assert [r.result.total for r in as_scores.rows] == [12, 11]
    assert [r.result.total for r in as_options.rows] == [3, 2] and not as_options.coding_detected
    assert [r.result.critical for r in as_options.rows] == [False, False]
    with pytest.raises(Exception, match="答案编码"):
        preview_screening(session, f, "phq9", coding="letters")


def test_a_file_lacking_item_columns_is_refused_naming_them(session, roster, tmp_path):
    head = ["1、您的姓名：", "2、学籍号"] + [f"{n}、{t}" for n, t in enumerate(SURVEY_ITEMS[:7], 3)]
    f = write_xlsx(tmp_path / "seven.xlsx", [head] + [[n, r] + [1] * 7 for r, n, _c in roster[:3]])
    with pytest.raises(TableError) as exc:
        preview_screening(session, f, "phq9")
    assert "第 8 题" in exc.value.message and "第 9 题" in exc.value.message and "有不如死掉" in exc.value.message
    assert "第 7 题" not in exc.value.message


def test_proration_only_for_blank_answers_in_columns_that_exist(session, roster, tmp_path):
    f = _wjx(tmp_path, roster, [[2, 2, "", 2, 2, 2, 2, 2, 1], [1] * 9])
    p = preview_screening(session, f, "phq9", coding="option")
    row = p.rows[0].result
    assert row.prorated and row.missing == 1 and row.total == 8  # 7 points over 8 answers, × 9 / 8 → 7.875 → 8
    assert p.rows[1].result.total == 0 and not p.rows[1].result.prorated


def test_the_order_after_the_identifying_columns_decides_where_text_does_not(session, roster, tmp_path):
    head = ["姓名", "学籍号"] + [f"Q{n}" for n in range(3, 12)]   # the survey's own numbers, no item text
    f = write_xlsx(tmp_path / "order.xlsx", [head] + [[n, r] + [0] * 8 + [2] for r, n, _c in roster[:2]])
    p = preview_screening(session, f, "phq9")
    assert p.item_columns == {n: f"Q{n + 2}" for n in range(1, 10)} and set(p.item_how.values()) == {"order"}
    assert all(r.result.critical for r in p.rows)
    assert "按列的顺序" in SCREENING_IMPORT.describe(p).rows["items"][0]


def test_number_only_headers_still_name_items_and_a_mapping_wins(session, roster, tmp_path):
    head = ["学籍号"] + [f"第{n}题" for n in range(1, 10)]
    f = write_xlsx(tmp_path / "plain.xlsx", [head, [roster[0][0]] + [0] * 8 + [1]])
    p = preview_screening(session, f, "phq9")
    assert set(p.item_how.values()) == {"number"} and p.rows[0].result.critical
    head = ["学籍号", "甲", "乙"] + [f"第{n}题" for n in range(2, 9)] + ["末题"]
    f = write_xlsx(tmp_path / "mapped.xlsx", [head, [roster[0][0], 0, 9] + [0] * 7 + [1]])
    p = preview_screening(session, f, "phq9", item_mapping={1: "甲", 9: "末题"})
    assert p.item_how[1] == "mapped" and p.item_how[9] == "mapped" and p.rows[0].result.critical
