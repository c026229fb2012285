"""The vault's ``logs/`` folder and the crash reports hold no personal data.

The marked demo vault is opened in the real window with the program's log at its most verbose (DEBUG) into
``logs/``; every page is shown, an archive opened, a spreadsheet named after a student fails to read (its reader
logs the file name) and a bug whose message quotes a name, a registry number and a marker is reported. Then every
file under ``logs/`` and the user log folder is searched for every student's name, guardian, registry number and
phone, and every confidential marker: none is found, while the files do hold the reports (so the search is not
looking at nothing)."""
from __future__ import annotations

import logging
from pathlib import Path

import platformdirs
import pytest

from app.logs import LOG_FILE, log_to_folder, scrub, stop_logging
from tests.privacy.builder import MARK_PREFIX, OTHER_NAME, OWN_NAME, mark
from tests.privacy.conftest import WINDOW

pytestmark = WINDOW


@pytest.fixture(autouse=True)
def _logging_stopped():
    yield
    stop_logging()


def personal_strings(session) -> set[str]:  # type: ignore[no-untyped-def]
    found: set[str] = {OWN_NAME, OTHER_NAME}
    for name, registry in session.db.query("SELECT name, registry_no FROM students"):
        found.update((name, registry))
    for row in session.db.query("SELECT * FROM guardians"):
        keys = row.keys()
        for column in ("name", "phone"):
            if column in keys and row[column]:
                found.add(str(row[column]))
    return {s for s in found if len(s) >= 2}


def test_logs_and_crash_reports_name_nobody(qtbot, vault, counselor, tmp_path, monkeypatch):
    from app.errors import XinqiaoError
    from app.tabular.sheets import sheet_names
    from ui.pages import PAGES
    from ui.shell import dialogs, errors
    from ui.shell.main_window import MainWindow

    logs = counselor.paths.logs
    secrets = personal_strings(counselor) | set(vault.markers) | {MARK_PREFIX}
    assert log_to_folder(logs, level=logging.DEBUG) == logs / LOG_FILE
    monkeypatch.setattr(errors, "_log_dir", lambda: logs)

    win = MainWindow(counselor, auto_backup=False, pages=PAGES)
    qtbot.addWidget(win)
    win.show()
    for page_id in win.page_ids():
        assert win.show_page(page_id)
        assert page_id not in win.page_errors, win.page_errors.get(page_id)
    win.ctx.open_student.emit(vault.own)

    bad = tmp_path / f"{OWN_NAME}{vault.own_registry}测评.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(XinqiaoError):
        sheet_names(bad)

    dialogs.preanswer(None)
    try:
        raise KeyError(f"{OWN_NAME} {vault.own_registry} {mark('崩溃报告')}")
    except KeyError as e:
        errors.show_error(win, e)
    assert dialogs.shown[-1].kind == "crash"
    win._close_ok = True
    win.close()
    stop_logging()

    files = [p for folder in (logs, Path(platformdirs.user_log_dir("XinQiao", appauthor=False)))
             if folder.exists() for p in folder.rglob("*") if p.is_file()]
    text = "\n".join(p.read_text("utf-8", errors="replace") for p in files)
    assert any(p.name.startswith("crash-") for p in files) and "KeyError" in text
    assert "test_logs_and_crash_reports_name_nobody" in text          # the traceback itself survives
    assert "cannot read" in text                                      # the reader's log line is there, scrubbed
    assert len(secrets) > 100
    leaked = sorted(s for s in secrets if s in text)
    assert not leaked, leaked[:10]


def test_scrub_keeps_what_a_developer_needs():
    line = 'File "/opt/心桥/app/archive/students.py", line 12, in get_student\nKeyError: \'张三 G370202201600000033\''
    out = scrub(line)
    assert "张三" not in out and "G370202201600000033" not in out and "心桥" not in out
    assert "app/archive/students.py" in out and "line 12" in out and "get_student" in out and "KeyError" in out
    assert scrub("13812345678 110101200801011234 11010120080101123X") == "＃ ＃ ＃"


def test_the_warning_log_is_written_scrubbed_and_let_go(tmp_path):
    before = logging.getLogger().level
    path = log_to_folder(tmp_path / "logs")
    assert path == tmp_path / "logs" / LOG_FILE
    logging.getLogger("app.session").warning("vault %s failed quick_check: %s", tmp_path / "心桥数据", "张三 13812345678")
    logging.getLogger("app.tabular.sheets").info("below the level: %s", "not written")
    stop_logging()
    text = path.read_text("utf-8")
    assert "WARNING app.session: vault" in text and "failed quick_check" in text
    assert "张三" not in text and "13812345678" not in text and "心桥数据" not in text
    assert "not written" not in text
    assert logging.getLogger().level == before
    assert not any(getattr(h, "baseFilename", "") == str(path) for h in logging.getLogger().handlers)
