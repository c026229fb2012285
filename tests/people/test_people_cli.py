"""training and duty on the command line: add, list, cycle totals, --shortfall --json, duty --month --json, and
exit 3 with the reason for bad input."""
from __future__ import annotations

import json

import pytest

from app.cli import main


@pytest.fixture
def cli(staff, session, monkeypatch):
    from tests.conftest import PASSWORD

    session.close()
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(session.paths.root))
    monkeypatch.setenv("XINQIAO_USER", "counselor")
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    return main


def test_training_add_list_and_shortfall(cli, capsys):
    assert cli(["training", "add", "--person", "赵强", "--date", "2026-10-18", "--title", "区班主任培训",
                "--level", "区级", "--hours", "16"]) == 0
    assert "已登记：赵强" in capsys.readouterr().out
    assert cli(["training", "add", "--person", "李静", "--date", "2026-10-20", "--title", "个案督导",
                "--level", "市", "--kind", "督导", "--hours", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["person"] == "李静"
    assert cli(["training", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["person"], r["level"], r["kind"], r["hours"]) for r in rows] == [
        ("李静", "市级", "督导", 3.0), ("赵强", "区县级", "培训", 16.0)]
    assert cli(["training", "--shortfall", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["cycle"] == {"start": "2024-09-01", "end": "2027-08-31"}
    assert [(p["name"], p["done"], p["needed"]) for p in report["people"]] == [
        ("李静", 3.0, 40.0), ("王芳", 0.0, 24.0), ("周建国", 0.0, 8.0)]
    assert cli(["training"]) == 0
    text = capsys.readouterr().out
    assert "王芳（兼职心理教师、班主任，身兼数职按最高要求计）：0/24 学时  【未达标】" in text
    assert "赵强（班主任）：16/16 学时" in text and "本学年督导 1/1 次" in text


def test_training_settings_and_bad_input(cli, capsys):
    assert cli(["training", "settings", "--cycle-start", "2026", "--norm", "其他=10", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["norms"]["other"] == 10
    assert cli(["training", "add", "--person", "无此人", "--date", "2026-10-18", "--title", "培训",
                "--level", "区级", "--hours", "2"]) == 3
    assert "没有名为“无此人”" in capsys.readouterr().err
    assert cli(["training", "add", "--person", "赵强", "--date", "2026-10-18", "--title", "培训",
                "--level", "世界级", "--hours", "2"]) == 3
    assert "培训级别" in capsys.readouterr().err
    assert cli(["training", "settings", "--norm", "专职40"]) == 3


def test_duty_month_json_and_assignments(cli, capsys):
    assert cli(["duty", "--weekly", "一=李静,二=王芳,三=李静,四=王芳,五=赵强", "--from", "2026-11-01",
                "--to", "2026-11-30"]) == 0
    assert "已按星期安排 21 个上课日" in capsys.readouterr().out
    assert cli(["duty", "--clear", "2026-11-04"]) == 0
    assert cli(["duty", "--set", "2026-11-15", "--person", "李静"]) == 3   # a Sunday
    assert "不是上课日" in capsys.readouterr().err
    assert cli(["duty", "--month", "2026-11", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["month"], data["school_days"], data["covered"], data["uncovered"]) == (
        "2026-11", 21, 20, ["2026-11-04"])
    assert data["days"][0] == {"date": "2026-11-02", "weekday": "星期一", "school_day": True, "person": "李静",
                               "left": False, "uncovered": False}
    assert cli(["duty", "--set", "2026-11-04"]) == 2
    assert cli(["duty", "--month", "十一月"]) == 3
