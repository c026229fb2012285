"""The automatic backup decision (app/store/backups.py, no Qt) and the backup made when the window closes."""
from __future__ import annotations

import datetime as dt

from app import backups, clock
from app.store.backup import list_backups
from app.store.settings import set_setting
from tests.conftest import PASSWORD
from tests.ui.conftest import wait_tasks


def at(day: int, hour: int = 17) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, 0)


def test_due_when_none_then_at_most_daily(session):
    paths = session.paths
    assert backups.auto_backup_due(paths, at(1))
    clock.set_fixed(at(1))
    made = backups.run_auto_backup(session, at(1))
    assert made.made is not None and made.pruned == []
    assert not backups.auto_backup_due(paths, at(1, 23))
    assert backups.run_auto_backup(session, at(2, 8)).made is None  # 15 hours later: not again
    assert backups.auto_backup_due(paths, at(2, 17))
    assert len(list_backups(paths.backups)) == 1


def test_keeps_only_backup_keep(session):
    set_setting(session.db, "backup_keep", 3)
    for day in range(1, 7):
        clock.set_fixed(at(day))
        backups.run_auto_backup(session, at(day))
    kept = list_backups(session.paths.backups)
    assert [b.made_at[:10] for b in kept] == ["2026-03-06", "2026-03-05", "2026-03-04"]
    assert len(list(session.paths.backups.glob("*.meta.json"))) == 3


def test_nothing_when_locked(session):
    session.lock()
    assert backups.run_auto_backup(session, at(1)).made is None


def test_newest_verified_backup_skips_a_damaged_one(session):
    clock.set_fixed(at(1))
    good = backups.backup_now(session)
    clock.set_fixed(at(2))
    bad = backups.backup_now(session)
    data = bytearray(bad.path.read_bytes())
    mid = (len(data) // 4096 // 2) * 4096 + 500
    data[mid:mid + 32] = bytes(32)
    bad.path.write_bytes(data)
    found = backups.newest_verified_backup(session.paths, "counselor", PASSWORD)
    assert found is not None and found[0].path == good.path and found[1] == session.key
    assert backups.newest_verified_backup(session.paths, "counselor", "wrong") is None


def test_closing_the_window_backs_up_once_a_day(qtbot, session):
    from ui.shell.main_window import MainWindow

    win = MainWindow(session, pages=[])
    qtbot.addWidget(win)
    win.show()
    win.close()
    wait_tasks(qtbot)
    qtbot.waitUntil(lambda: not win.isVisible())
    assert len(list_backups(session.paths.backups)) == 1
    assert session.locked  # closed with the window
