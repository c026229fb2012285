"""The window's exports: the password asked once, kept for the session, forgotten on lock; a plain export only
after the warning; registry numbers elided in the middle."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from app import clock
from app.screening.campaigns import create_campaign
from tests.conftest import PASSWORD
from tests.xlsx_crypto import EXPORT_PASSWORD, is_encrypted, load_encrypted
from ui.shell import dialogs, export_password


@pytest.fixture
def ledger(qtbot, school):
    from ui.screening.page import ScreeningPage
    from ui.shell.context import AppContext

    clock.set_fixed(dt.datetime(2026, 10, 12, 9, 0))
    create_campaign(school, "界面测评", {7: "phq9"})
    widget = ScreeningPage(AppContext(school))
    qtbot.addWidget(widget)
    widget.show()
    widget.ledger.refresh()
    assert widget.ledger.wait_loaded()
    return widget.ledger


def _audits(school):  # type: ignore[no-untyped-def]
    import json

    return [json.loads(r[0]) for r in school.db.query("SELECT detail FROM audit_log WHERE action = 'export' ORDER BY id")]


def test_password_kept_for_the_session_and_forgotten_on_lock(ledger, school, tmp_path):
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    dialogs.preanswer(str(first), EXPORT_PASSWORD, EXPORT_PASSWORD, None)
    ledger.export("xlsx")
    dialogs.preanswer(str(second), None)               # no password asked the second time
    ledger.export("xlsx")
    assert dialogs.pending() == 0
    assert is_encrypted(first) and is_encrypted(second) and load_encrypted(second).active["A1"].value == "学籍号"
    assert [s.kind for s in dialogs.shown].count("text") == 2
    assert export_password.remembered(school)
    school.lock()
    assert not export_password.remembered(school)
    school.unlock(PASSWORD)
    assert [a["encrypted"] for a in _audits(school)] == [True, True]


def test_plain_only_after_the_warning(ledger, school, tmp_path):
    out = tmp_path / "plain.xlsx"
    dialogs.preanswer(str(out), "", False)              # no password, then "cancel" at the warning
    ledger.export("xlsx")
    assert not out.exists() and _audits(school) == []
    warning = [s for s in dialogs.shown if s.kind == "question"][-1]
    assert "不加密" in warning.text and "姓名" in warning.text
    dialogs.preanswer(str(out), "", True, None)         # no password, "不加密导出"
    ledger.export("xlsx")
    assert out.exists() and not is_encrypted(out)
    csv_out = tmp_path / "l.csv"
    dialogs.preanswer(str(csv_out), False)              # a CSV is plain: the same warning, declined
    ledger.export("csv")
    assert not csv_out.exists()
    assert [(a["format"], a["encrypted"]) for a in _audits(school)] == [("xlsx", False)]


def test_mismatched_passwords_export_nothing(ledger, school, tmp_path):
    out = tmp_path / "x.xlsx"
    dialogs.preanswer(str(out), EXPORT_PASSWORD, "something-else", None)
    ledger.export("xlsx")
    assert not out.exists() and not export_password.remembered(school)


def test_registry_numbers_elide_in_the_middle(qtbot, school, ledger):
    from ui.archive.page import StudentsPage
    from ui.casework.coverage_view import CoverageView
    from ui.shell.context import AppContext

    page = StudentsPage(AppContext(school))
    qtbot.addWidget(page)
    coverage = CoverageView(AppContext(school))
    qtbot.addWidget(coverage)
    for view in (page.table, ledger.table, *coverage.missing.values()):
        assert view.textElideMode() == Qt.TextElideMode.ElideMiddle
