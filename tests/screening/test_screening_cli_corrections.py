"""The command line of issue 9: import-screening --coding / --map and exit 3 when the coding cannot be told; the
headless 工作台 (workbench --json) puts a critical-item import's same-day item first."""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from helpers import write_xlsx

from app import clock
from app.cli import main
from app.school.roster_import import import_roster

DATA = Path(__file__).resolve().parent.parent / "data"
sys.path.insert(0, str(DATA))
from make_rosters import registry_students  # noqa: E402
from make_wjx_phq9 import SURVEY_ITEMS  # noqa: E402

ROSTER = [(str(r[4]), str(r[1]), str(r[8])) for r in registry_students()]


@pytest.fixture
def cli(session, monkeypatch):
    from tests.conftest import PASSWORD

    clock.set_fixed(dt.datetime(2026, 10, 12, 9, 0))
    import_roster(session, DATA / "roster_registry.xlsx")
    session.close()
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(session.paths.root))
    monkeypatch.setenv("XINQIAO_USER", "counselor")
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    return main


def test_a_critical_item_import_puts_a_today_due_item_at_the_top_of_workbench_json(cli, tmp_path, capsys):
    # a crowd of screening items first, then the 问卷星 file whose second student answered item 9 好几天
    crowd = write_xlsx(tmp_path / "crowd.xlsx", [["学籍号"] + [f"第{n}题" for n in range(1, 10)]]
                       + [[r] + [3, 3, 3, 3, 3, 0, 0, 0, 0] for r, _n, _c in ROSTER[10:25]])
    assert cli(["import-screening", str(crowd), "--scale", "phq9", "--campaign", "春季测评", "--json"]) == 0
    capsys.readouterr()
    assert cli(["import-screening", str(DATA / "screening_wjx_phq9.xlsx"), "--scale", "phq9", "--campaign", "秋季测评",
                "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["coding"] == "option" and report["item_match"]["7"]["column"] == "9、对事物专注有困难"
    assert cli(["workbench", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert items and all(set(i) >= {"group", "title", "student", "class", "due", "urgency", "source"} for i in items)
    top = items[0]
    assert top["student"] == ROSTER[1][1] and top["class"] == ROSTER[1][2]
    assert top["due"] == "2026-10-12" and top["urgency"] == "same_day" and top["category"] == "当天复核"
    assert top["group"] == "今天必须完成"     # the page's band, which it heads
    assert top["source"].startswith("safety_alerts:") and "第9题阳性" in top["title"]
    assert ROSTER[0][1] not in json.dumps(items, ensure_ascii=False)   # 完全不会 everywhere: nothing to do
    # in display order: each group's items together, groups in the order of their most pressing item
    groups = [i["group"] for i in items]
    assert groups == sorted(groups, key=groups.index)
    assert cli(["workbench"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == "【今天必须完成】" and "[当天复核]" in text.splitlines()[1]


def test_coding_that_cannot_be_told_exits_3_saying_to_pass_coding(cli, tmp_path, capsys):
    head = ["1、您的姓名：", "2、学籍号"] + [f"{n}、{t}" for n, t in enumerate(SURVEY_ITEMS, 3)]
    f = write_xlsx(tmp_path / "wjx.xlsx", [head] + [[n, r] + [1, 2, 1, 1, 1, 1, 3, 1, 1] for r, n, _c in ROSTER[:3]])
    assert cli(["import-screening", str(f), "--scale", "phq9", "--campaign", "甲"]) == 3
    assert "--coding" in capsys.readouterr().err
    assert cli(["import-screening", str(f), "--scale", "phq9", "--campaign", "甲", "--json"]) == 3
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and "--coding" in out["message"]
    assert cli(["import-screening", str(f), "--scale", "phq9", "--campaign", "甲", "--coding", "option", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["coding"] == "option" and report["coding_detected"] is False and report["written"] == 3
    assert cli(["import-screening", str(f), "--scale", "phq9", "--campaign", "甲", "--coding", "bad"]) == 2


def test_import_screening_map_like_the_roster_import(cli, tmp_path, capsys):
    head = ["学生", "编号"] + [f"第{n}题" for n in range(1, 9)] + ["最后一题"]
    f = write_xlsx(tmp_path / "odd.xlsx", [head] + [[n, r] + [0] * 8 + [3] for r, n, _c in ROSTER[:2]])
    assert cli(["import-screening", str(f), "--scale", "phq9", "--campaign", "乙", "--dry-run", "--json"]) == 3
    assert "学籍号" in capsys.readouterr().err
    args = ["import-screening", str(f), "--scale", "phq9", "--campaign", "乙", "--dry-run", "--json",
            "--map", "registry_no=编号", "--map", "name=学生", "--map", "item:9=最后一题"]
    assert cli(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["item_match"]["9"] == {"column": "最后一题", "by": "mapped"}
    assert report["counts"]["valid"] == 2 and report["counts"]["critical"] == 2
    assert cli(["import-screening", str(f), "--scale", "phq9", "--campaign", "乙", "--map", "nonsense"]) == 3
    assert "item:题号=表头" in capsys.readouterr().err
