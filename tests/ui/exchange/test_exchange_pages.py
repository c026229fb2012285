"""区县上报 (school) and 全区汇总 (centre) through the real widgets: the centre's key with its fingerprint, an export
to a folder told safe to remove, the centre's window showing its own pages, an import with progress, the district
table with a missing school, a key change confirmed explicitly."""
from __future__ import annotations

import pytest

from app.capability import Capability, current
from tests.exchange.conftest import make_centre, probe_figures
from tests.ui.conftest import wait_tasks
from ui.shell import dialogs


@pytest.fixture
def centre(tmp_path, use_registry):
    use_registry(current().extended(Capability(name="probe", label="探针", indicators=(probe_figures,))))
    s = make_centre(tmp_path / "centre")
    yield s
    s.close()


def _page(qtbot, session, page_id):  # type: ignore[no-untyped-def]
    from ui.pages import page as declared
    from ui.shell.context import AppContext

    p = declared(page_id).factory(AppContext(session))
    qtbot.addWidget(p)
    p.show()
    return p


def test_school_imports_the_key_and_exports_a_period(qtbot, session, centre, tmp_path):
    from app.exchange.centre import write_public_key

    key, fp = write_public_key(centre, tmp_path / "centre.pub")
    page = _page(qtbot, session, "exchange")
    assert "还没有导入" in page.key_label.text()
    # no export yet: the routine in words, not a blank table
    assert page.history.isHidden() and not page.history_empty.isHidden()
    assert "导出上报包" in page.history_empty.text()
    dialogs.preanswer(str(key), None)
    page.import_key()
    assert fp in page.key_label.text()
    page.period.setCurrentIndex(page.period.findData("2026-11") if page.period.findData("2026-11") >= 0 else 0)
    page.period.setEditText("2026-11")
    dialogs.preanswer(str(tmp_path / "usb"), None)
    page.export()
    wait_tasks(qtbot)
    assert "安全拔出" in page.status.text()
    assert page.history.rowCount() == 1 and page.history.item(0, 1).text() == "2026-11"
    assert not page.history.isHidden() and page.history_empty.isHidden()
    assert len(list((tmp_path / "usb").glob("*.age"))) == 1


def test_the_centre_window_shows_its_own_pages_and_imports_with_progress(qtbot, session, centre, tmp_path):
    from app.exchange.centre import write_public_key
    from app.exchange.school import export_period, set_centre_key
    from app.indicators.periods import report_period
    from ui.pages import PAGES
    from ui.shell.main_window import MainWindow

    key, _fp = write_public_key(centre, tmp_path / "centre.pub")
    set_centre_key(session, key)
    export_period(session, report_period(session.db, "2026-11"), tmp_path / "usb")
    win = MainWindow(centre, auto_backup=False, pages=PAGES)
    qtbot.addWidget(win)
    assert win.page_ids() == ["district", "settings"]
    page = win.pages["district"]
    page.period.setCurrentText("2026-11")
    dialogs.preanswer(str(tmp_path / "usb"), None)
    page.import_folder()
    wait_tasks(qtbot)
    page.period.setCurrentText("2026-11")
    page.refresh()
    assert page.table.item(0, 0).text() == "测试学校"
    assert "已上报 1 所" in page.summary.text()
    page.period.setCurrentText("2026-12")
    page.refresh()
    assert page.table.item(0, 0).text() == "测试学校（未上报）"
    dialogs.preanswer(str(tmp_path / "d.xlsx"), None)
    page.export_xlsx()
    wait_tasks(qtbot)
    assert (tmp_path / "d.xlsx").exists()


def test_a_key_change_is_taken_only_after_explicit_confirmation(qtbot, session, centre, tmp_path):
    from app.exchange.centre import import_packages, schools, write_public_key
    from app.exchange.school import export_period, set_centre_key
    from app.indicators.periods import report_period

    key, _fp = write_public_key(centre, tmp_path / "centre.pub")
    set_centre_key(session, key)
    export_period(session, report_period(session.db, "2026-11"), tmp_path / "a")
    import_packages(centre, tmp_path / "a")
    with session.db.transaction():
        session.db.execute("DELETE FROM conf.exchange_keys WHERE name = 'school_signing'")
    export_period(session, report_period(session.db, "2026-11"), tmp_path / "b")
    page = _page(qtbot, centre, "district")
    dialogs.preanswer(str(tmp_path / "b"), None, False)       # the result, then: do not accept the new key
    page.import_folder()
    wait_tasks(qtbot)
    assert schools(centre)[0]["key_changes"] == 0
    dialogs.preanswer(str(tmp_path / "b"), None, True, None)  # accept it: imported again with the confirmation
    page.import_folder()
    wait_tasks(qtbot)
    assert schools(centre)[0]["key_changes"] == 1
