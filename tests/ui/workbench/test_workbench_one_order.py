"""工作台 has one order (issue 11): ``workbench --json`` lists the day exactly as the window's page shows it — the
"今天必须完成" band first (a crisis step due today above a same-day safety item), then the groups below it in the
page's order, however many screening items there are."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from app import clock
from app.workbench import MUST_TODAY
from tests.ui.workbench.crowd import crowd
from ui.shell.context import AppContext

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
NOW = dt.datetime(2026, 10, 12, 9, 30)   # a Monday


@pytest.fixture
def busy_day(school):
    """A severe crisis case opened this morning (its safety step due today), a same-day alert (PHQ-9 item 9) for
    another student, and 40 一级预警 screening items."""
    clock.set_fixed(NOW)
    crowd(school, 40, same_day=True)
    return school


def _cli_rows(session, monkeypatch, capsys) -> list[dict]:
    from app.cli import main
    from tests.conftest import PASSWORD

    monkeypatch.setenv("XINQIAO_DATA_DIR", str(session.paths.root))
    monkeypatch.setenv("XINQIAO_USER", "counselor")
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    capsys.readouterr()
    assert main(["workbench", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_command_line_lists_the_day_in_the_windows_order(qtbot, busy_day, monkeypatch, capsys):
    from ui.workbench.page import WorkbenchPage

    w = WorkbenchPage(AppContext(busy_day))
    qtbot.addWidget(w)
    w.resize(1024, 700)
    w.show()
    assert w.wait_loaded()
    band = w.band_rows()
    groups = [w.tree.topLevelItem(i).text(0).rsplit("（", 1)[0] for i in range(w.tree.topLevelItemCount())]

    rows = _cli_rows(busy_day, monkeypatch, capsys)
    # the band: a crisis step due today first, then the same-day item; the same rows in the same order
    assert band and "危机" in band[0] and any("第9题" in t for t in band)
    head = [r for r in rows if r["group"] == MUST_TODAY]
    assert rows[:len(head)] == head
    assert [r["title"] for r in head] == band
    assert head[0]["urgency"] == "crisis" and head[0]["category"] == "危机干预"
    assert [r["urgency"] for r in head][-1] == "same_day" and head[-1]["category"] == "当天复核"
    # below it: the page's groups in the page's order, each whole
    below = [r["group"] for r in rows[len(head):]]
    assert sorted(set(below), key=below.index) == groups
    assert below == sorted(below, key=below.index)
    assert "一级预警" in groups and below.count("一级预警") >= 40
    for i in range(w.tree.topLevelItemCount()):
        group = w.tree.topLevelItem(i)
        shown = []
        for n in range(group.childCount()):
            child = group.child(n)
            shown += [child.child(k).text(0) for k in range(child.childCount())] or [child.text(0)]
        assert sorted(shown) == sorted(r["title"] for r in rows[len(head):] if r["group"] == groups[i])
