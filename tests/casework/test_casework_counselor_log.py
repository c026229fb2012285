"""A counselor's own Excel log (no registry numbers: students named with their class) imports through the one
student matcher, with the confirmation step for name matches; the command line and the dialog both take it."""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

from app import clock
from app.casework.importer import apply_sessions, preview_sessions, record_kind, visit_date
from app.errors import InputRejected
from app.school.roster_import import import_roster

DATA = Path(__file__).resolve().parents[1] / "data"
sys.path.insert(0, str(DATA))
from make_counselor_log import LOG_EXPECTED, LOG_TODAY  # noqa: E402

LOG = DATA / "counselor_log.xlsx"


@pytest.fixture
def log_school(session, tmp_path):
    """A vault with the 30 students of roster_registry.xlsx, and a second 王子涵 in 七年级（1）班."""
    clock.set_fixed(LOG_TODAY)
    import_roster(session, DATA / "roster_registry.xlsx")
    namesake = tmp_path / "转入.csv"
    namesake.write_text("姓名,学籍号,班级\n王子涵,G370202201299999999,七年级（1）班\n", encoding="utf-8")
    import_roster(session, namesake)
    return session


def test_log_preview_matches_by_name_and_class(log_school):
    p = preview_sessions(log_school, LOG)
    assert p.header_row == LOG_EXPECTED["header_row"]
    assert p.columns["date"] == "来访日期" and p.columns["confidential"] == "主要问题/记录"
    assert p.columns["counselor"] == "辅导教师" and "registry_no" not in p.columns
    got = {r.sheet_row: (r.data.kind, r.data.occurred_at) for r in p.new}
    assert got == LOG_EXPECTED["new"]
    assert all(r.matched_by == "name_class" for r in p.new)       # no registry numbers: every match is a guess
    assert [r.sheet_row for r in p.name_matches] == sorted(LOG_EXPECTED["new"])
    first = p.new[0]
    assert (first.name, first.class_name, first.registry_no) == ("李俊熙", "七年级（1）班", "G37020220120000001")
    assert first.data.participants == "辅导教师：张老师" and first.data.confidential.startswith("与同桌发生矛盾")
    assert first.data.summary == ""  # a counselor's log is what the student said: confidential tier by default
    assert {e.row: e.field for e in p.errors} == LOG_EXPECTED["invalid"]
    reasons = {e.row: e.reason for e in p.errors}
    assert "七年级（1）班有 2 名学生叫“王子涵”" in reasons[9] and "学籍号或身份证号" in reasons[9]
    assert "七年级（2）班中没有名为“查无此人”的学生" in reasons[10]
    assert "学校没有九年级（8）班" in reasons[11]
    assert "“火箭班”无法识别" in reasons[12]
    assert "“散步”无法识别" in reasons[13]
    assert "不是有效日期" in reasons[15]


def test_log_apply_writes_only_confirmed_name_matches(log_school):
    p = preview_sessions(log_school, LOG)
    count = log_school.db.scalar("SELECT count(*) FROM case_records")
    with pytest.raises(InputRejected):
        apply_sessions(log_school, p)                                 # invalid rows and no skip: nothing
    res = apply_sessions(log_school, p, skip_invalid=True)            # nothing confirmed: nothing written
    assert res.written == 0 and res.skipped_name_matches == 6
    assert log_school.db.scalar("SELECT count(*) FROM case_records") == count
    res = apply_sessions(log_school, p, skip_invalid=True, confirmed_rows={3, 6})
    assert res.written == 2 and res.skipped_name_matches == 4
    rows = log_school.db.query("SELECT s.name, r.kind, r.occurred_at, r.participants FROM case_records r"
                               " JOIN case_attendance a ON a.record_id = r.id JOIN students s ON s.id = a.student_id"
                               " ORDER BY r.occurred_at")
    assert [tuple(r) for r in rows] == [("李俊熙", "individual", "2026-10-09", "辅导教师：张老师"),
                                        ("孙思远", "individual", "2026-10-14T15:30", "辅导教师：张老师")]
    again = preview_sessions(log_school, LOG)                         # the two written are now duplicates
    assert again.duplicates == [3, 6] and len(again.new) == 4


def test_registry_and_id_numbers_still_win_over_names(log_school, tmp_path):
    """The matcher's order: registry number, then ID number, then name with class (which needs confirmation)."""
    f = tmp_path / "mixed.csv"
    f.write_text("学籍号,身份证号,学生姓名,班级,来访日期,辅导形式\n"
                 "G37020220120000000,,,,2026-10-09,个体辅导\n"                # 王子涵 by registry: no guess
                 ",37020220120204001X,李俊熙,,2026-10-09,个体辅导\n"           # by ID number
                 ",,王子涵,七年级（1）班,2026-10-09,个体辅导\n"                 # ambiguous by name
                 "G37020220120000002,,刘佳琪,,2026-10-09,个体辅导\n",          # registry and name disagree
                 encoding="utf-8")
    p = preview_sessions(log_school, f)
    assert [(r.sheet_row, r.name, r.matched_by) for r in p.new] == [(2, "王子涵", "registry"),
                                                                    (3, "李俊熙", "id_number")]
    reasons = {(e.row, e.field): e.reason for e in p.errors}
    assert "2 名学生叫“王子涵”" in reasons[(4, "学生姓名")]
    assert "张博文" in reasons[(5, "学生姓名")] and "不一致" in reasons[(5, "学生姓名")]
    res = apply_sessions(log_school, p, skip_invalid=True)
    assert res.written == 2 and res.skipped_name_matches == 0


def test_a_log_without_any_student_column_is_refused_clearly(log_school, tmp_path):
    f = tmp_path / "nostudent.csv"
    f.write_text("来访日期,辅导形式,主要问题/记录\n2026-10-09,个体辅导,某某\n", encoding="utf-8")
    with pytest.raises(InputRejected) as e:
        preview_sessions(log_school, f)
    assert "无法对应学生" in e.value.message and "列对应关系" in e.value.message


@pytest.mark.parametrize(("text", "expected"), [
    ("2026年10月9日", (dt.date(2026, 10, 9), "")),
    ("2026.10.12（周一）", (dt.date(2026, 10, 12), "")),
    ("2026/10/13 星期二", (dt.date(2026, 10, 13), "")),
    ("2026-10-16 下午3点", (dt.date(2026, 10, 16), "15:00")),
    ("2026年10月16日下午3点半", (dt.date(2026, 10, 16), "15:30")),
    ("2026/10/16 14:05", (dt.date(2026, 10, 16), "14:05")),
    ("10月15日", (dt.date(2026, 10, 15), "")),
    ("12月20日", (dt.date(2025, 12, 20), "")),       # no year, later in the year than today: last year's
    ("26.10.9", (dt.date(2026, 10, 9), "")),
    (dt.datetime(2026, 10, 14, 15, 30), (dt.date(2026, 10, 14), "15:30")),
    ("", (None, "")),
])
def test_visit_dates_in_the_usual_chinese_spellings(text, expected):
    assert visit_date(text, LOG_TODAY.date()) == expected


def test_visit_date_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match="不是有效日期"):
        visit_date("2026年13月1日", LOG_TODAY.date())
    with pytest.raises(ValueError, match="不是有效日期"):
        visit_date("2月30日", LOG_TODAY.date())
    assert visit_date("12月20日", LOG_TODAY.date(), ahead=True) == (dt.date(2026, 12, 20), "")


@pytest.mark.parametrize(("text", "kind"), [
    ("个体辅导", "individual"), ("个体心理辅导", "individual"), ("心理咨询", "individual"), ("团体辅导", "group"),
    ("班级团辅", "group"), ("谈心谈话", "talk"), ("家长电话", "parent_phone"), ("电话沟通家长", "parent_phone"),
    ("家访", "home_visit"), ("家长来访", "parent_meeting"), ("散步", None),
])
def test_log_forms_map_to_the_record_kinds(text, kind):
    assert record_kind(text) == kind


def test_cli_confirms_name_matches_only_when_asked(log_school, monkeypatch, capsys):
    from app.cli import main
    from tests.conftest import PASSWORD

    root = str(log_school.paths.root)
    log_school.close()
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    args = ["--data-dir", root, "--user", "counselor", "import-sessions", str(LOG), "--skip-invalid", "--json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["written"] == 0 and report["skipped_name_matches"] == 6
    assert [m["row"] for m in report["name_matches"]] == [3, 4, 5, 6, 7, 8]
    assert main(args + ["--confirm-name-matches"]) == 0
    assert json.loads(capsys.readouterr().out)["written"] == 6
